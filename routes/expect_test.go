package routes_test

import (
	"slices"
	"testing"
)

// The expectations of who may use which route: ONE table, read by every
// test that checks route permissions (the authorization matrix, the policy
// file's test, the replay and parameter tests, and the route checks of the
// domain tests, through mayUse and wantPolicy). It states the SPEC, route by
// route, and is written by hand from the SPEC, not from policies/policy.csv:
// TestPolicyFileMatchesRoutes holds the two to each other both ways, so a
// rule added to one and not the other fails. A route missing here fails the
// tests, so the table covers every route.
var allowed = map[string][]string{
	// SPEC 4: every signed-in user signs out, reads themselves, changes
	// their password; SPEC 12: and reads the vocabulary.
	"POST /api/v1/auth/logout": {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"GET /api/v1/me":           {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"POST /api/v1/me/password": {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"GET /api/v1/vocabulary":   {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},

	// SPEC 4: accounts are the administrator's.
	"POST /api/v1/users":      {"admin"},
	"GET /api/v1/users":       {"admin"},
	"GET /api/v1/users/:id":   {"admin"},
	"PATCH /api/v1/users/:id": {"admin"},
	"GET /api/v1/evaluators":  {"org_reviewer"}, // a reviewer picks raters by name (SPEC 7)

	// SPEC 5: the administrator writes units; every role but the security
	// auditor reads them.
	"POST /api/v1/units":    {"admin"},
	"GET /api/v1/units":     {"admin", "org_reviewer", "evaluator", "auditor"},
	"GET /api/v1/units/:id": {"admin", "org_reviewer", "evaluator", "auditor"},
	// SPEC 5: units change with institutional reforms, by the
	// administrator; a unit's history is read by the administrator and by
	// the organization department, which reads old records under former
	// names (the SPEC names no reader: docs/decisions.md).
	"PATCH /api/v1/units/:id":       {"admin"},
	"GET /api/v1/units/:id/history": {"admin", "org_reviewer"},

	// SPEC 11: the access log is the security auditor's, and nothing else is.
	"GET /api/v1/access-log":        {"security_auditor"},
	"GET /api/v1/access-log/verify": {"security_auditor"},

	// SPEC 5: the reviewer keeps the registry; an evaluator reads cadres in
	// scope; an auditor only looks cadres up.
	"POST /api/v1/cadres":        {"org_reviewer"},
	"GET /api/v1/cadres":         {"org_reviewer", "evaluator", "auditor"},
	"POST /api/v1/cadres/import": {"org_reviewer"},
	"GET /api/v1/cadres/:id":     {"org_reviewer", "evaluator"},
	"PATCH /api/v1/cadres/:id":   {"org_reviewer"},

	// SPEC 6: records by the reviewer and the evaluators of the cadre's unit.
	"POST /api/v1/cadres/:id/records":                 {"org_reviewer", "evaluator"},
	"GET /api/v1/cadres/:id/records":                  {"org_reviewer", "evaluator"},
	"GET /api/v1/cadres/:id/records/:rid":             {"org_reviewer", "evaluator"},
	"POST /api/v1/cadres/:id/records/:rid/amendments": {"org_reviewer", "evaluator"},

	// SPEC 10: the e-file is the reviewer's.
	"GET /api/v1/cadres/:id/efile":      {"org_reviewer"},
	"GET /api/v1/cadres/:id/efile.xlsx": {"org_reviewer"},

	// SPEC 16: the profile and the appointment form are the reviewer's;
	// evaluators and auditors never see the profile.
	"GET /api/v1/cadres/:id/profile":               {"org_reviewer"},
	"PUT /api/v1/cadres/:id/profile":               {"org_reviewer"},
	"GET /api/v1/cadres/:id/appointment-form.lrmx": {"org_reviewer"},
	"POST /api/v1/cadres/import-lrmx":              {"org_reviewer"},

	// SPEC 8: the source departments file and change their flags, and the
	// organization department (org_reviewer) its own; a sanction's reviews
	// by its department; the reviewer reads every flag and the summary.
	"POST /api/v1/flags":                      {"auditor", "org_reviewer"},
	"GET /api/v1/flags":                       {"auditor", "org_reviewer"},
	"GET /api/v1/flags/:id":                   {"auditor", "org_reviewer"},
	"PATCH /api/v1/flags/:id":                 {"auditor", "org_reviewer"},
	"POST /api/v1/flags/:id/sanction-changes": {"auditor", "org_reviewer"},
	"GET /api/v1/cadres/:id/flag-summary":     {"org_reviewer"},

	// SPEC 9: vetting is the reviewer's.
	"POST /api/v1/cadres/:id/vettings": {"org_reviewer"},
	"GET /api/v1/cadres/:id/vettings":  {"org_reviewer"},
	"POST /api/v1/vettings/batch":      {"org_reviewer"},

	// SPEC 13: the check records, the requests and the checklist are the
	// reviewer's (reading one record by id, and a cadre's requests, beyond
	// the SPEC: docs/decisions.md); the inbox is read by reviewers and by
	// auditors (of the discipline department only: the others' 403 is
	// authz's, pinned in opinions_test.go), and replied to by auditors (of
	// the discipline department: others 404).
	"POST /api/v1/cadres/:id/dossier-reviews":             {"org_reviewer"},
	"GET /api/v1/cadres/:id/dossier-reviews":              {"org_reviewer"},
	"GET /api/v1/cadres/:id/dossier-reviews/:rid":         {"org_reviewer"},
	"POST /api/v1/cadres/:id/personal-matters-checks":     {"org_reviewer"},
	"GET /api/v1/cadres/:id/personal-matters-checks":      {"org_reviewer"},
	"GET /api/v1/cadres/:id/personal-matters-checks/:rid": {"org_reviewer"},
	"POST /api/v1/cadres/:id/integrity-opinions":          {"org_reviewer"},
	"GET /api/v1/cadres/:id/integrity-opinions":           {"org_reviewer"},
	"GET /api/v1/integrity-opinions":                      {"org_reviewer", "auditor"},
	"GET /api/v1/integrity-opinions/:id":                  {"org_reviewer", "auditor"},
	"POST /api/v1/integrity-opinions/:id/reply":           {"auditor"},
	"POST /api/v1/integrity-opinions/:id/withdraw":        {"org_reviewer"},

	// SPEC 14: alerts for every role but admin and security_auditor; SPEC
	// 15: the top-leader oversight is the organization department's.
	"GET /api/v1/alerts":                     {"org_reviewer", "evaluator", "auditor"},
	"GET /api/v1/oversight/top-leaders":      {"org_reviewer"},
	"GET /api/v1/oversight/top-leaders.xlsx": {"org_reviewer"},
	"GET /api/v1/cadres/:id/checks":          {"org_reviewer"},

	// SPEC 7: the reviewer runs cycles; an evaluator reads the cycles and
	// assignments they have, and submits and revises their appraisals.
	"POST /api/v1/appraisal-cycles":                      {"org_reviewer"},
	"GET /api/v1/appraisal-cycles":                       {"org_reviewer", "evaluator"},
	"GET /api/v1/appraisal-cycles/:id":                   {"org_reviewer", "evaluator"},
	"POST /api/v1/appraisal-cycles/:id/open":             {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/close":            {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/finalize":         {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/regrades":         {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/assignments":      {"org_reviewer"},
	"GET /api/v1/appraisal-cycles/:id/assignments":       {"org_reviewer", "evaluator"},
	"POST /api/v1/appraisal-cycles/:id/assignments/bulk": {"org_reviewer"},
	"GET /api/v1/appraisal-cycles/:id/progress":          {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/appraisals":       {"evaluator"},
	"GET /api/v1/appraisal-cycles/:id/appraisals":        {"org_reviewer", "evaluator"},
	"PUT /api/v1/appraisal-cycles/:id/appraisals/:aid":   {"evaluator"},
	"GET /api/v1/appraisal-cycles/:id/results":           {"org_reviewer"},
	"GET /api/v1/appraisal-cycles/:id/results.xlsx":      {"org_reviewer"},
}

// public routes need no token at all (SPEC 2, 3): sign-in, health, metrics
// and the document.
var public = map[string]bool{
	"POST /api/v1/auth/login": true, "GET /healthz": true, "GET /readyz": true,
	"GET /metrics": true, "GET /openapi.json": true,
}

// mayUse tells whether the table lets role use the route key ("GET /api/v1/users").
func mayUse(key, role string) bool { return slices.Contains(allowed[key], role) }

// wantPolicy checks r, the answer to a request of route key by a user of
// role, against the table: 403 forbidden when the role may not use the
// route; when it may, an answer that is no refusal (neither 401 nor 403)
// and no failure.
func wantPolicy(t *testing.T, r *resp, key, role string) {
	t.Helper()
	if _, ok := allowed[key]; !ok && !public[key] {
		t.Fatalf("route %s is not in the expectations table", key)
	}
	if !mayUse(key, role) {
		want(t, r, 403, "forbidden")
		return
	}
	if r.Status == 401 || r.Status == 403 || r.Status >= 500 {
		t.Fatalf("%s refused or failed for %s, whom the table allows: %d %s", key, role, r.Status, r.Body)
	}
}
