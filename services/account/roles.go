// Package account manages users, their roles, login and tokens, and units.
package account

// The five roles of SPEC section 4.
const (
	RoleAdmin           = "admin"
	RoleOrgReviewer     = "org_reviewer"
	RoleEvaluator       = "evaluator"
	RoleAuditor         = "auditor"
	RoleSecurityAuditor = "security_auditor"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleOrgReviewer, RoleEvaluator, RoleAuditor, RoleSecurityAuditor}

// exclusive roles may not be combined with any other (三员分立 in spirit:
// the administrator reads no cadre data, the security auditor only the log).
var exclusive = map[string]bool{RoleAdmin: true, RoleSecurityAuditor: true}

// Departments an auditor may belong to: the four source departments.
var Departments = []string{"discipline", "audit", "petition", "inspection"}
