package routes_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"efile/services/account"
)

// The authorization proofs of issue 10 (OWASP API1 and API3), over every
// route of the route table:
//   - TestAuthorizationMatrix: every route × every role, plus no token, an
//     expired token and a disabled user's token; driven by the one
//     expectations table (expect_test.go), which also renders into
//     docs/SECURITY.md;
//   - TestObjectLevelAuthorization: a user of the right role but the wrong
//     scope (other unit, other department, not assigned, recused) gets 404
//     or 403 and none of the object's content;
//   - TestNoFieldLeaks: each role reads everything it may, and no response
//     holds what that role must not see.

// principal is who calls in the matrix.
type principal struct {
	name  string
	token string
	role  string // "" for the three that hold no valid session
}

func TestAuthorizationMatrix(t *testing.T) {
	a := newApp(t)
	uid := a.unit("U1", nil)
	var ps []principal
	for _, role := range account.Roles() {
		var dept *string
		var unit *int64
		switch role {
		case account.RoleAuditor:
			// The discipline department, whose auditors alone read the
			// integrity-opinion inbox: the route's role; the others' 403
			// is the service's scope (opinions_test.go).
			dept = ptr("discipline")
		case account.RoleEvaluator:
			unit = &uid
		}
		name := "m_" + role
		if role == account.RoleAdmin {
			name = "admin"
			ps = append(ps, principal{name, a.admin(), role})
			continue
		}
		_, tok := a.user(name, []string{role}, unit, dept)
		ps = append(ps, principal{name, tok, role})
	}
	// A disabled reviewer's token, and a reviewer's token that will have
	// expired once the clock moves on.
	disabledID, disabledTok := a.user("m_disabled", []string{"org_reviewer"}, nil, nil)
	admin := a.admin()
	u := a.do("GET", fmt.Sprintf("/api/v1/users/%d", disabledID), admin, nil)
	want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", disabledID), admin, map[string]any{"disabled": true, "version": u.JSON()["version"]}), 200)
	_, expiringTok := a.user("m_expiring", []string{"org_reviewer"}, nil, nil)

	routes := a.r.Routes()
	body := func(method string) any {
		if method == "POST" || method == "PATCH" || method == "PUT" {
			return "{}"
		}
		return nil
	}
	concrete := func(path string) string {
		return strings.NewReplacer(":id", "1", ":rid", "1", ":aid", "1").Replace(path)
	}
	check := func(t *testing.T, key string, p principal, r *resp) {
		t.Helper()
		if p.role == "" {
			if r.Status != 401 || r.Code() != "unauthenticated" {
				t.Fatalf("%s with %s: %d %s, want 401", key, p.name, r.Status, r.Body)
			}
			return
		}
		wantPolicy(t, r, key, p.role)
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if public[key] {
			continue
		}
		for _, p := range append(slices.Clone(ps), principal{"anonymous", "", ""}, principal{"disabled", disabledTok, ""}) {
			t.Run(key+"/"+p.name, func(t *testing.T) {
				if key == "POST /api/v1/auth/logout" && p.role != "" {
					// Logging out revokes the token: spend a fresh one.
					p.token = a.login(p.name, testPassword)
				}
				check(t, key, p, a.do(rt.Method, concrete(rt.Path), p.token, body(rt.Method)))
			})
		}
	}
	t.Run("unauthenticated401BeforeForbidden", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/users", "", nil), 401, "unauthenticated")
	})
	t.Run("forbidden403BeforeValidation", func(t *testing.T) {
		for _, p := range ps {
			if !mayUse("POST /api/v1/users", p.role) {
				want(t, a.do("POST", "/api/v1/users", p.token, `{"bad json`), 403, "forbidden")
			}
		}
	})
	// Tokens live 12 hours (services/account); a day later this one is dead.
	a.clock.Add(25 * time.Hour)
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if public[key] {
			continue
		}
		t.Run(key+"/expired", func(t *testing.T) {
			check(t, key, principal{"expired", expiringTok, ""}, a.do(rt.Method, concrete(rt.Path), expiringTok, body(rt.Method)))
		})
	}

	t.Run("rendersIntoSECURITY.md", func(t *testing.T) { checkMatrixDoc(t, a) })
}

// matrixDoc renders the allowed table as markdown, one row per route.
func matrixDoc(a *app) string {
	roles := account.Roles()
	var b strings.Builder
	b.WriteString("| route | " + strings.Join(roles, " | ") + " | no token, expired or disabled |\n")
	b.WriteString("|---|" + strings.Repeat("---|", len(roles)) + "---|\n")
	var keys []string
	for _, rt := range a.r.Routes() {
		keys = append(keys, rt.Method+" "+rt.Path)
	}
	slices.SortFunc(keys, func(x, y string) int {
		px, py := strings.SplitN(x, " ", 2)[1], strings.SplitN(y, " ", 2)[1]
		if px != py {
			return strings.Compare(px, py)
		}
		return strings.Compare(x, y)
	})
	for _, key := range keys {
		b.WriteString("| `" + key + "` |")
		for _, role := range roles {
			switch {
			case public[key]:
				b.WriteString(" public |")
			case mayUse(key, role):
				b.WriteString(" ✓ |")
			default:
				b.WriteString(" 403 |")
			}
		}
		if public[key] {
			b.WriteString(" public |\n")
		} else {
			b.WriteString(" 401 |\n")
		}
	}
	return b.String()
}

const (
	matrixBegin = "<!-- authorization matrix: generated by routes/authz_test.go; EFILE_UPDATE_DOCS=1 go test ./routes -run TestAuthorizationMatrix -->\n"
	matrixEnd   = "<!-- end of authorization matrix -->"
)

// checkMatrixDoc fails when docs/SECURITY.md does not hold the matrix the
// test checked; with EFILE_UPDATE_DOCS=1 it writes it there instead.
func checkMatrixDoc(t *testing.T, a *app) {
	const path = "../docs/SECURITY.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, matrixBegin), strings.Index(s, matrixEnd)
	if i < 0 || j < i {
		t.Fatalf("docs/SECURITY.md has no authorization-matrix markers")
	}
	want := matrixBegin + matrixDoc(a)
	if s[i:j] == want {
		return
	}
	if os.Getenv("EFILE_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(s[:i]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("docs/SECURITY.md's authorization matrix is out of date: run EFILE_UPDATE_DOCS=1 go test ./routes -run TestAuthorizationMatrix")
}

// scopeWorld is the world with one object of each kind, and users of the
// right role but the wrong scope for them.
type scopeWorld struct {
	*flagWorld
	idA, idB        string
	rec             int64  // a record of cadre a
	recText         string // its content
	flagB           int64  // a discipline flag on cadre b, with a reporter
	flagText        string
	flagDetail      string // the case file: the source department's only
	reporter        string
	cycle           string // a cycle path; evaluator A is assigned cadre a
	aid             int64  // evaluator A's appraisal of a
	selfEvalID      int64  // an evaluator linked to cadre a
	evalAID         int64
	evalBID         int64  // evaluator B is assigned cadre b in the cycle
	evalC           string // an evaluator of unit B with no assignment
	vetting         int64
	disciplineToken string
}

func newScopeWorld(t *testing.T) *scopeWorld {
	t.Helper()
	w := &scopeWorld{flagWorld: newFlagWorld(t), recText: "组织开展防汛抢险，表现突出（机密内容）",
		flagText: "反映其违规收受礼金（机密线索）", flagDetail: "举报材料详情（案卷内容）", reporter: "王举报人"}
	w.idA, w.idB = idFor("19800101", 1), idFor("19800102", 2)
	w.disciplineToken = w.auditor
	r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", w.a), w.rev,
		map[string]any{"occurred_on": "2024-05-01", "category": "major_task", "content": w.recText})
	want(t, r, 201)
	w.rec = r.ID()
	r = w.do("POST", "/api/v1/flags", w.disciplineToken, map[string]any{"cadre_id": w.b, "kind": "petition", "petition_type": "report",
		"severity": "serious", "summary": w.flagText, "detail": w.flagDetail, "occurred_on": "2025-03-01", "reporter": w.reporter})
	want(t, r, 201)
	w.flagB = r.ID()
	r = w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.b), w.rev, map[string]any{"purpose": "promotion"})
	want(t, r, 201)
	w.vetting = r.ID()
	var evalA map[string]any
	for _, it := range w.do("GET", "/api/v1/users?page_size=200", w.admin, nil).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["username"] == "evala" {
			evalA = m
		}
	}
	w.evalAID = int64(evalA["id"].(float64))
	for _, it := range w.do("GET", "/api/v1/users?page_size=200", w.admin, nil).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["username"] == "evalb" {
			w.evalBID = int64(m["id"].(float64))
		}
	}
	_, w.evalC = w.user("evalc", []string{"evaluator"}, &w.unitB, nil)
	w.cycle = w.newCycle("annual", 20)
	w.assign(w.cycle, w.evalAID, w.a, "superior")
	w.assign(w.cycle, w.evalBID, w.b, "peer")
	w.move(w.cycle, "open")
	r = w.submit(w.cycle, w.evalA, w.a, uniform(88))
	want(t, r, 201)
	w.aid = r.ID()
	w.selfEvalID, _ = w.user("eval_self", []string{"evaluator"}, &w.unitA, nil)
	w.linkUser(w.selfEvalID, w.a)
	return w
}

func TestObjectLevelAuthorization(t *testing.T) {
	w := newScopeWorld(t)
	a, b := w.a, w.b
	cadre := func(id int64, rest string) string { return fmt.Sprintf("/api/v1/cadres/%d%s", id, rest) }
	recA := cadre(a, fmt.Sprintf("/records/%d", w.rec))
	flag := fmt.Sprintf("/api/v1/flags/%d", w.flagB)
	secretsA := []string{"张三", w.idA, w.recText}
	secretsFlag := []string{w.flagText, w.flagDetail, w.reporter}
	for _, c := range []struct {
		name, tok, method, path string
		body                    any
		status                  int
		secrets                 []string
	}{
		// Other unit.
		{"evaluatorOtherUnit_readCadre", w.evalB, "GET", cadre(a, ""), nil, 404, secretsA},
		{"evaluatorOtherUnit_listRecords", w.evalB, "GET", cadre(a, "/records"), nil, 404, secretsA},
		{"evaluatorOtherUnit_readRecord", w.evalB, "GET", recA, nil, 404, secretsA},
		{"evaluatorOtherUnit_addRecord", w.evalB, "POST", cadre(a, "/records"), map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "x"}, 404, secretsA},
		{"evaluatorOtherUnit_amend", w.evalB, "POST", recA + "/amendments", map[string]any{"content": "x", "reason": "y"}, 404, secretsA},
		{"evaluatorOtherUnit_listIsEmptyOfA", w.evalB, "GET", "/api/v1/cadres?q=张三", nil, 200, secretsA},
		// Recusal: a reviewer linked to cadre a.
		{"recused_readCadre", w.selfReviewer, "GET", cadre(a, ""), nil, 404, secretsA},
		{"recused_patchCadre", w.selfReviewer, "PATCH", cadre(a, ""), map[string]any{"rank": "x", "version": 1}, 404, secretsA},
		{"recused_records", w.selfReviewer, "GET", cadre(a, "/records"), nil, 404, secretsA},
		{"recused_efile", w.selfReviewer, "GET", cadre(a, "/efile"), nil, 404, secretsA},
		{"recused_workbook", w.selfReviewer, "GET", cadre(a, "/efile.xlsx"), nil, 404, secretsA},
		{"recused_profile", w.selfReviewer, "GET", cadre(a, "/profile"), nil, 404, secretsA},
		{"recused_putProfile", w.selfReviewer, "PUT", cadre(a, "/profile"), map[string]any{"work_started_on": "2002-07", "version": 0}, 404, secretsA},
		{"recused_appointmentForm", w.selfReviewer, "GET", cadre(a, "/appointment-form.lrmx"), nil, 404, secretsA},
		{"recused_flagSummary", w.selfReviewer, "GET", cadre(a, "/flag-summary"), nil, 404, secretsA},
		{"recused_vet", w.selfReviewer, "POST", cadre(a, "/vettings"), map[string]any{"purpose": "promotion"}, 404, secretsA},
		{"recused_listVettings", w.selfReviewer, "GET", cadre(a, "/vettings"), nil, 404, secretsA},
		{"recused_batchVet", w.selfReviewer, "POST", "/api/v1/vettings/batch", map[string]any{"cadre_ids": []int64{b, a}, "purpose": "promotion"}, 400, secretsA},
		{"recused_assign", w.selfReviewer, "POST", w.cycle + "/assignments", map[string]any{"evaluator_id": w.evalAID, "cadre_id": a, "rater_type": "peer"}, 403, secretsA},
		{"recusedEvaluator_assigned", w.rev, "POST", w.cycle + "/assignments", map[string]any{"evaluator_id": w.selfEvalID, "cadre_id": a, "rater_type": "peer"}, 403, secretsA},
		{"recusedAuditor_fileFlag", w.selfAuditor, "POST", "/api/v1/flags", clueBody(a), 403, secretsA},
		// Other department.
		{"otherDepartment_readFlag", w.audPetition, "GET", flag, nil, 404, secretsFlag},
		{"otherDepartment_patchFlag", w.audPetition, "PATCH", flag, map[string]any{"status": "verifying", "note": "x", "version": 1}, 404, secretsFlag},
		{"otherDepartment_listFlags", w.audPetition, "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d", b), nil, 200, secretsFlag},
		{"otherDepartment_listBySource", w.audPetition, "GET", "/api/v1/flags?source=discipline", nil, 200, secretsFlag},
		// Not assigned.
		{"notAssigned_submit", w.evalB, "POST", w.cycle + "/appraisals", map[string]any{"cadre_id": a, "scores": uniform(90), "comment": "x"}, 403, secretsA},
		{"notAssigned_readCycle", w.evalC, "GET", w.cycle, nil, 404, nil},
		{"notAssigned_listAssignments", w.evalC, "GET", w.cycle + "/assignments", nil, 404, secretsA},
		{"otherEvaluator_revise", w.evalB, "PUT", fmt.Sprintf("%s/appraisals/%d", w.cycle, w.aid), map[string]any{"scores": uniform(10), "comment": "x", "version": 1}, 404, secretsA},
		{"otherEvaluator_listAppraisals", w.evalB, "GET", w.cycle + "/appraisals", nil, 200, secretsA},
		{"otherEvaluator_listsOnlyOwnAssignments", w.evalB, "GET", fmt.Sprintf("%s/assignments?cadre_id=%d", w.cycle, a), nil, 200, secretsA},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.do(c.method, c.path, c.tok, c.body)
			want(t, r, c.status)
			for _, s := range c.secrets {
				if strings.Contains(string(r.Body), s) {
					t.Fatalf("the answer shows %q: %s", s, r.Body)
				}
			}
			if c.status == 200 {
				if items, _ := r.JSON()["items"].([]any); len(items) != 0 {
					t.Fatalf("a list outside the caller's scope is not empty: %s", r.Body)
				}
			}
		})
	}
}

// TestNoFieldLeaks: every role reads everything it may, and no answer holds
// a whole ID number unless the role is org_reviewer, a petition's reporter
// unless the caller is an auditor of the source department, another
// department's flag for an auditor, or any cadre's data for the
// administrator and the security auditor.
func TestNoFieldLeaks(t *testing.T) {
	w := newScopeWorld(t)
	// An integrity opinion on b whose reply names the flag with a reporter.
	r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", w.b), w.rev,
		map[string]any{"purpose": "promotion", "due_on": w.clock.Now().UTC().Format(time.DateOnly)})
	want(t, r, 201)
	opinion := fmt.Sprintf("/api/v1/integrity-opinions/%d", r.ID())
	want(t, w.do("POST", opinion+"/reply", w.disciplineToken, map[string]any{"conclusion": "clue_under_verification",
		"text": "有问题线索正在核查", "signed_by": "纪委书记", "flag_ids": []int64{w.flagB}}), 200)
	reads := func(tok string) string {
		t.Helper()
		var all strings.Builder
		for _, path := range []string{
			"/api/v1/me", "/api/v1/users", "/api/v1/units", "/api/v1/vocabulary",
			"/api/v1/cadres", "/api/v1/cadres?q=张三", "/api/v1/cadres?q=" + w.idA, "/api/v1/cadres?q=" + w.idB,
			fmt.Sprintf("/api/v1/cadres/%d", w.a), fmt.Sprintf("/api/v1/cadres/%d", w.b),
			fmt.Sprintf("/api/v1/cadres/%d/records", w.a), fmt.Sprintf("/api/v1/cadres/%d/efile", w.a),
			fmt.Sprintf("/api/v1/cadres/%d/efile", w.b), fmt.Sprintf("/api/v1/cadres/%d/flag-summary", w.b),
			fmt.Sprintf("/api/v1/cadres/%d/vettings", w.b),
			"/api/v1/flags", fmt.Sprintf("/api/v1/flags/%d", w.flagB), fmt.Sprintf("/api/v1/flags?cadre_id=%d", w.b),
			"/api/v1/appraisal-cycles", w.cycle, w.cycle + "/assignments", w.cycle + "/appraisals",
			"/api/v1/access-log?page_size=200",
			"/api/v1/integrity-opinions", opinion, fmt.Sprintf("/api/v1/cadres/%d/checks", w.b),
		} {
			r := w.do("GET", path, tok, nil)
			if r.Status >= 500 {
				t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
			}
			all.Write(r.Body)
		}
		return all.String()
	}
	for _, c := range []struct {
		name    string
		tok     string
		mayNot  []string
		mustSee []string
	}{
		// A reviewer reads another department's flag without its case file
		// (SPEC 8: detail and reporter are the source department's).
		{"reviewer", w.rev, []string{w.reporter, w.flagDetail}, []string{w.idA, w.idB, w.flagText}},
		{"evaluatorA", w.evalA, []string{w.idA, w.idB, w.reporter, w.flagText, w.flagDetail, "李四"}, []string{"张三"}},
		{"evaluatorB", w.evalB, []string{w.idA, w.idB, w.reporter, w.flagText, w.flagDetail, "张三", w.recText}, []string{"李四"}},
		{"auditorOfTheSource", w.disciplineToken, []string{w.idA, w.idB, w.recText}, []string{w.reporter, w.flagText, w.flagDetail}},
		{"auditorOfAnotherDepartment", w.audPetition, []string{w.idA, w.idB, w.reporter, w.flagText, w.flagDetail, w.recText}, []string{"张三"}},
		{"admin", w.admin, []string{w.idA, w.idB, w.reporter, w.flagText, w.flagDetail, w.recText, "张三", "李四"}, nil},
		{"securityAuditor", w.secAuditor, []string{w.idA, w.idB, w.reporter, w.flagText, w.flagDetail, w.recText, "张三", "李四"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			all := reads(c.tok)
			for _, s := range c.mayNot {
				if strings.Contains(all, s) {
					t.Errorf("%s sees %q", c.name, s)
				}
			}
			for _, s := range c.mustSee {
				if !strings.Contains(all, s) {
					t.Errorf("%s does not see %q: the test reads too little to prove anything", c.name, s)
				}
			}
		})
	}
	t.Run("workbookHasNoReporter", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", w.b), w.rev, nil)
		want(t, r, 200)
		var cells strings.Builder
		for _, sheet := range workbookText(t, r.Body) {
			cells.WriteString(sheet)
		}
		if strings.Contains(cells.String(), w.reporter) || strings.Contains(cells.String(), w.flagDetail) || !strings.Contains(cells.String(), w.flagText) {
			t.Fatalf("the workbook shows the reporter or the detail, or not the flag")
		}
	})
	t.Run("logsHaveNoSecrets", func(t *testing.T) {
		logs := w.logs.String()
		for _, s := range []string{w.idA, w.idB, w.reporter, testPassword} {
			if strings.Contains(logs, s) {
				t.Errorf("the server log holds %q", s)
			}
		}
	})
}
