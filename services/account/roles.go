// Package account manages users, their roles, login and tokens, and units.
package account

import "slices"

// The five roles of SPEC section 4.
const (
	RoleAdmin           = "admin"
	RoleOrgReviewer     = "org_reviewer"
	RoleEvaluator       = "evaluator"
	RoleAuditor         = "auditor"
	RoleSecurityAuditor = "security_auditor"
)

var allRoles = []string{RoleAdmin, RoleOrgReviewer, RoleEvaluator, RoleAuditor, RoleSecurityAuditor}

// Roles lists every role (a copy).
func Roles() []string { return slices.Clone(allRoles) }

// exclusive roles may not be combined with any other (三员分立 in spirit:
// the administrator reads no cadre data, the security auditor only the log).
var exclusive = map[string]bool{RoleAdmin: true, RoleSecurityAuditor: true}

// departments an auditor may belong to: the four source departments, in the
// order files show them. The one list of them.
var departments = []string{"discipline", "audit", "petition", "inspection"}

// Departments lists the four source departments (a copy).
func Departments() []string { return slices.Clone(departments) }
