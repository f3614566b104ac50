package routes_test

import (
	"slices"
	"strings"
	"testing"

	"efile/policies"
)

// allowed is the whole route table: for every route, the roles that may use
// it. A route missing here fails the test, so the table covers every route.
var allowed = map[string][]string{
	"POST /api/v1/auth/logout":                        {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"GET /api/v1/me":                                  {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"POST /api/v1/me/password":                        {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"GET /api/v1/vocabulary":                          {"admin", "org_reviewer", "evaluator", "auditor", "security_auditor"},
	"POST /api/v1/users":                              {"admin"},
	"GET /api/v1/users":                               {"admin"},
	"GET /api/v1/users/:id":                           {"admin"},
	"PATCH /api/v1/users/:id":                         {"admin"},
	"POST /api/v1/units":                              {"admin"},
	"GET /api/v1/units":                               {"admin", "org_reviewer", "evaluator", "auditor"},
	"GET /api/v1/units/:id":                           {"admin", "org_reviewer", "evaluator", "auditor"},
	"GET /api/v1/access-log":                          {"security_auditor"},
	"POST /api/v1/cadres":                             {"org_reviewer"},
	"GET /api/v1/cadres":                              {"org_reviewer", "evaluator", "auditor"},
	"POST /api/v1/cadres/import":                      {"org_reviewer"},
	"GET /api/v1/cadres/:id":                          {"org_reviewer", "evaluator"},
	"PATCH /api/v1/cadres/:id":                        {"org_reviewer"},
	"POST /api/v1/cadres/:id/records":                 {"org_reviewer", "evaluator"},
	"GET /api/v1/cadres/:id/records":                  {"org_reviewer", "evaluator"},
	"GET /api/v1/cadres/:id/records/:rid":             {"org_reviewer", "evaluator"},
	"POST /api/v1/cadres/:id/records/:rid/amendments": {"org_reviewer", "evaluator"},
	"GET /api/v1/cadres/:id/efile":                    {"org_reviewer"},
	"GET /api/v1/cadres/:id/efile.xlsx":               {"org_reviewer"},
	"GET /api/v1/access-log/verify":                   {"security_auditor"},
	"POST /api/v1/flags":                              {"auditor"},
	"GET /api/v1/flags":                               {"auditor", "org_reviewer"},
	"GET /api/v1/flags/:id":                           {"auditor", "org_reviewer"},
	"PATCH /api/v1/flags/:id":                         {"auditor"},
	"GET /api/v1/cadres/:id/flag-summary":             {"org_reviewer"},
	"POST /api/v1/cadres/:id/vettings":                {"org_reviewer"},
	"GET /api/v1/cadres/:id/vettings":                 {"org_reviewer"},
	"POST /api/v1/vettings/batch":                     {"org_reviewer"},

	// SPEC 13, a resource a line: the reviewer's records, requests and
	// checklist; the inbox of reviewers and (the service narrows them) the
	// discipline department's auditors, who alone reply.
	"POST /api/v1/cadres/:id/dossier-reviews": {"org_reviewer"}, "GET /api/v1/cadres/:id/dossier-reviews": {"org_reviewer"},
	"GET /api/v1/cadres/:id/dossier-reviews/:rid":     {"org_reviewer"},
	"POST /api/v1/cadres/:id/personal-matters-checks": {"org_reviewer"}, "GET /api/v1/cadres/:id/personal-matters-checks": {"org_reviewer"},
	"GET /api/v1/cadres/:id/personal-matters-checks/:rid": {"org_reviewer"},
	"POST /api/v1/cadres/:id/integrity-opinions":          {"org_reviewer"}, "GET /api/v1/cadres/:id/integrity-opinions": {"org_reviewer"},
	"GET /api/v1/integrity-opinions": {"org_reviewer", "auditor"}, "GET /api/v1/integrity-opinions/:id": {"org_reviewer", "auditor"},
	"POST /api/v1/integrity-opinions/:id/reply": {"auditor"}, "POST /api/v1/integrity-opinions/:id/withdraw": {"org_reviewer"},
	"GET /api/v1/cadres/:id/checks": {"org_reviewer"},

	"GET /api/v1/evaluators":                             {"org_reviewer"},
	"POST /api/v1/appraisal-cycles":                      {"org_reviewer"},
	"GET /api/v1/appraisal-cycles":                       {"org_reviewer", "evaluator"},
	"GET /api/v1/appraisal-cycles/:id":                   {"org_reviewer", "evaluator"},
	"POST /api/v1/appraisal-cycles/:id/open":             {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/close":            {"org_reviewer"},
	"POST /api/v1/appraisal-cycles/:id/finalize":         {"org_reviewer"},
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

// public routes need no token at all.
var public = map[string]bool{
	"POST /api/v1/auth/login": true, "GET /healthz": true, "GET /readyz": true,
	"GET /metrics": true, "GET /openapi.json": true,
}

// TestPolicyFileMatchesRoutes holds policies/policy.csv and the route table
// to each other both ways: no route without a rule, no rule without a
// route, and the roles each route grants are exactly those of allowed.
func TestPolicyFileMatchesRoutes(t *testing.T) {
	a := newApp(t)
	rules, err := policies.Rules()
	if err != nil {
		t.Fatal(err)
	}
	granted := map[string][]string{}
	for _, r := range rules {
		granted[r.Method+" "+r.Route] = append(granted[r.Method+" "+r.Route], r.Role)
	}
	registered := map[string]bool{}
	for _, rt := range a.r.Routes() {
		key := rt.Method + " " + rt.Path
		registered[key] = true
		if public[key] {
			if len(granted[key]) > 0 {
				t.Errorf("public route %s has policy rules", key)
			}
			continue
		}
		got, want := slices.Sorted(slices.Values(granted[key])), slices.Sorted(slices.Values(allowed[key]))
		if len(got) == 0 {
			t.Errorf("route %s has no rule in policies/policy.csv", key)
		} else if !slices.Equal(got, want) {
			t.Errorf("route %s: policy.csv grants %v, the contract table says %v", key, got, want)
		}
	}
	for key := range granted {
		if !registered[key] {
			t.Errorf("policies/policy.csv names %s, which is not a route", key)
		}
	}
}

func TestPolicyTable(t *testing.T) {
	a := newApp(t)
	uid := a.unit("U1", nil)
	users := map[string]string{}
	for _, role := range []string{"org_reviewer", "evaluator", "auditor", "security_auditor"} {
		var dept *string
		if role == "auditor" {
			// The discipline department: the only one whose auditors read
			// the integrity-opinion inbox (the others' 403 is the
			// service's, pinned in checks_test.go).
			dept = ptr("discipline")
		}
		a.user("u_"+role, []string{role}, &uid, dept)
		users[role] = "u_" + role
	}
	users["admin"] = "admin"
	// One sign-in per role: a sign-in per case would pass the login rate
	// limit (300 a minute) once there are sixty routes.
	tokens := map[string]string{}
	for role, name := range users {
		tokens[role] = a.login(name, testPassword)
	}
	for _, rt := range a.r.Routes() {
		key := rt.Method + " " + rt.Path
		if public[key] || strings.Contains(rt.Path, "test-") {
			continue
		}
		roles, ok := allowed[key]
		if !ok {
			t.Errorf("route %s is not in the policy test table", key)
			continue
		}
		path := strings.NewReplacer(":id", "1", ":rid", "1", ":aid", "1").Replace(rt.Path)
		for role, tok := range tokens {
			ok := false
			for _, r := range roles {
				ok = ok || r == role
			}
			if key == "POST /api/v1/auth/logout" {
				tok = a.login(users[role], testPassword) // logging out revokes it
			}
			t.Run(key+"/"+role, func(t *testing.T) {
				var body any
				if rt.Method == "POST" || rt.Method == "PATCH" || rt.Method == "PUT" {
					body = "{}"
				}
				r := a.do(rt.Method, path, tok, body)
				if ok && (r.Status == 403 || r.Status >= 500) {
					t.Fatalf("%s for %s: %d %s", key, role, r.Status, r.Body)
				}
				if !ok && (r.Status != 403 || r.Code() != "forbidden") {
					t.Fatalf("%s allowed for %s: %d %s", key, role, r.Status, r.Body)
				}
			})
		}
	}
	t.Run("unauthenticated401BeforeForbidden", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/users", "", nil), 401, "unauthenticated")
	})
	t.Run("forbidden403BeforeValidation", func(t *testing.T) {
		tok := a.login("u_evaluator", testPassword)
		want(t, a.do("POST", "/api/v1/users", tok, `{"bad json`), 403, "forbidden")
	})
}
