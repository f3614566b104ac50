package authz

import (
	"efile/models"
	"efile/services/account"
)

// Field redaction: which fields of an object a viewer may see, decided
// here once for every answer, list, export and replay.

// SeesWholeIDNumber tells whether viewer sees cadres' ID numbers whole:
// the organization department's reviewers; everyone else sees them masked
// (SPEC section 5).
func SeesWholeIDNumber(viewer *models.User) bool { return viewer.HasRole(account.RoleOrgReviewer) }

// SeesCaseFile tells whether viewer sees a flag's case file, its detail
// and its reporter (信访人): only the department the flag comes from
// (source). Other readers, reviewers of another department's flag
// included, get summary, kind, status, dates and the sanction (SPEC
// section 8); exports and logs never hold either.
func SeesCaseFile(viewer *models.User, source string) bool {
	d := Department(viewer)
	return d != "" && d == source
}
