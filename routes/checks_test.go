package routes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"efile/models"
)

// The four checks before a promotion (SPEC 13): dossier reviews,
// personal-matters checks and the checklist. Integrity opinions:
// opinions_test.go; how vetting reads them: vettings_checks_test.go.

// sixFindings is a dossier review's findings, every item consistent but
// those given (item, result pairs).
func sixFindings(kv ...string) []map[string]any {
	out := []map[string]any{}
	for _, item := range []string{"birth_date", "work_start", "party_join", "education", "career", "identity"} {
		f := map[string]any{"item": item, "result": "consistent"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i] == item {
				f["result"] = kv[i+1]
			}
		}
		out = append(out, f)
	}
	return out
}

// lastEntry is the newest access-log entry.
func (a *app) lastEntry() models.AccessEntry {
	a.t.Helper()
	es := a.entries()
	return es[len(es)-1]
}

// wantLoggedWith fails unless the newest access-log entry names cadre id.
func wantLoggedWith(t *testing.T, a *app, id int64) {
	t.Helper()
	e := a.lastEntry()
	if e.CadreID == nil || *e.CadreID != id {
		t.Fatalf("access log entry %s %s names cadre %v, want %d", e.Method, e.Path, e.CadreID, id)
	}
}

// wantRoles checks the answer of route key (its method and template), at
// path, to each of roleToks (a role, then a token of that role, …) against
// the expectations table (expect_test.go, through wantPolicy).
func wantRoles(t *testing.T, a *app, key, path string, body any, roleToks ...string) {
	t.Helper()
	method, _, _ := strings.Cut(key, " ")
	for i := 0; i+1 < len(roleToks); i += 2 {
		wantPolicy(t, a.do(method, path, roleToks[i+1], body), key, roleToks[i])
	}
}

// want405 fails unless PUT, PATCH and DELETE on path answer 405.
func want405(t *testing.T, a *app, path, tok string) {
	t.Helper()
	for _, m := range []string{"PUT", "PATCH", "DELETE"} {
		if r := a.do(m, path, tok, "{}"); r.Status != 405 || r.Code() != "method_not_allowed" {
			t.Fatalf("%s %s: %d %s", m, path, r.Status, r.Body)
		}
	}
}

func TestDossierReviews(t *testing.T) {
	w := newFlagWorld(t)
	path := fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", w.a)
	today := w.clock.Now().UTC().Format(time.DateOnly)
	body := func(kv ...any) map[string]any {
		return with(map[string]any{"reviewed_on": "2025-05-06", "findings": sixFindings()}, kv...)
	}
	count := func() (n int64) {
		w.db.Model(&models.DossierReview{}).Count(&n)
		return n
	}
	var first int64
	t.Run("201_passWithDetermined", func(t *testing.T) {
		fs := sixFindings("party_join", "determined")
		fs[0], fs[5] = fs[5], fs[0] // any order in, the SPEC's order out
		fs[2]["note"] = "入党时间经组织认定"
		r := w.do("POST", path, w.rev, body("findings", fs, "note", "三龄二历一身份审核"))
		want(t, r, 201)
		m := r.JSON()
		first = r.ID()
		if m["conclusion"] != "pass" || m["cadre_id"].(float64) != float64(w.a) || m["reviewed_on"] != "2025-05-06" ||
			m["note"] != "三龄二历一身份审核" || m["recorded_by"].(float64) != float64(w.revID) || m["recorded_by_name"] != "rev" ||
			m["valid_until"] != "2025-11-02" || m["recorded_at"] == nil {
			t.Fatalf("body %s", r.Body)
		}
		var items []string
		for _, f := range m["findings"].([]any) {
			f := f.(map[string]any)
			items = append(items, f["item"].(string)+":"+f["result"].(string))
		}
		if strings.Join(items, " ") != "birth_date:consistent work_start:consistent party_join:determined education:consistent career:consistent identity:consistent" {
			t.Fatalf("findings %v", items)
		}
		wantLoggedWith(t, w.app, w.a)
	})
	var second int64
	t.Run("201_anyDiscrepancy", func(t *testing.T) {
		r := w.do("POST", path, w.rev, body("findings", sixFindings("education", "discrepancy", "party_join", "determined")))
		want(t, r, 201)
		if second = r.ID(); r.JSON()["conclusion"] != "discrepancy" || r.JSON()["note"] != nil {
			t.Fatalf("body %s", r.Body)
		}
	})
	dup := sixFindings()
	dup[2]["item"] = "birth_date"
	unknown := sixFindings()
	unknown[1]["item"] = "nationality"
	badResult := sixFindings()
	badResult[3]["result"] = "unclear"
	longNote := sixFindings()
	longNote[0]["note"] = strings.Repeat("注", 501)
	for _, c := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"400_findingsMissing", body("findings", nil), []string{"findings"}},
		{"400_fiveItems", body("findings", sixFindings()[:5]), []string{"findings"}},
		{"400_itemRepeated", body("findings", dup), []string{"findings[2].item", "findings"}},
		{"400_unknownItem", body("findings", unknown), []string{"findings[1].item", "findings"}},
		{"400_unknownResult", body("findings", badResult), []string{"findings[3].result"}},
		{"400_findingNoteTooLong", body("findings", longNote), []string{"findings[0].note"}},
		{"400_reviewedOnMissing", body("reviewed_on", nil), []string{"reviewed_on"}},
		{"400_reviewedOnFuture", body("reviewed_on", w.clock.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)), []string{"reviewed_on"}},
		{"400_reviewedOnNotADate", body("reviewed_on", "2025-02-30"), []string{"reviewed_on"}},
		{"400_reviewedOnBefore1949", body("reviewed_on", "1949-09-30"), []string{"reviewed_on"}},
		{"400_reviewedOnBeforeBirth", body("reviewed_on", "1979-12-31"), []string{"reviewed_on"}},
		{"400_noteZeroWidth", body("note", "审核\u200b"), []string{"note"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := count()
			wantFields(t, w.do("POST", path, w.rev, c.body), c.fields...)
			if count() != before {
				t.Fatal("a refused review was stored")
			}
		})
	}
	t.Run("201_todayOnceWithAnIdempotencyKey", func(t *testing.T) {
		before := count()
		hdr := map[string]string{"Idempotency-Key": "review-today"}
		b := `{"reviewed_on":"` + today + `","findings":[{"item":"birth_date","result":"consistent"},{"item":"work_start","result":"consistent"},` +
			`{"item":"party_join","result":"consistent"},{"item":"education","result":"consistent"},{"item":"career","result":"consistent"},` +
			`{"item":"identity","result":"consistent"}]}`
		first := w.raw("POST", path, w.rev, strings.NewReader(b), hdr)
		again := w.raw("POST", path, w.rev, strings.NewReader(b), hdr)
		want(t, first, 201)
		if again.Status != 201 || again.ID() != first.ID() || again.Header.Get("Idempotent-Replayed") != "true" || count() != before+1 {
			t.Fatalf("replay %d %s, %d stored", again.Status, again.Body, count()-before)
		}
	})
	t.Run("400_invalidJSON", func(t *testing.T) {
		want(t, w.do("POST", path, w.rev, body("conclusion", "pass")), 400, "invalid_json")
		want(t, w.do("POST", path, w.rev, body("findings", "all")), 400, "invalid_json")
	})
	t.Run("listNewestFirst", func(t *testing.T) {
		r := w.do("GET", path+"?page_size=2", w.rev, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if r.JSON()["total"].(float64) != 3 || len(items) != 2 || int64(items[1].(map[string]any)["id"].(float64)) != second ||
			len(items[1].(map[string]any)["findings"].([]any)) != 6 {
			t.Fatalf("list %s", r.Body)
		}
		wantLoggedWith(t, w.app, w.a)
	})
	t.Run("getOne", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("%s/%d", path, first), w.rev, nil)
		want(t, r, 200)
		if r.ID() != first || r.JSON()["findings"].([]any)[2].(map[string]any)["note"] != "入党时间经组织认定" {
			t.Fatalf("body %s", r.Body)
		}
		wantLoggedWith(t, w.app, w.a)
		// Another cadre's path does not reach it.
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews/%d", w.b, first), w.rev, nil), 404, "not_found")
		want(t, w.do("GET", path+"/99999", w.rev, nil), 404, "not_found")
	})
	t.Run("immutable405", func(t *testing.T) {
		want405(t, w.app, fmt.Sprintf("%s/%d", path, first), w.rev)
		want405(t, w.app, path, w.rev)
	})
	t.Run("404_recusalAndUnknown", func(t *testing.T) {
		want(t, w.do("POST", path, w.selfReviewer, body()), 404, "not_found")
		want(t, w.do("GET", path, w.selfReviewer, nil), 404, "not_found")
		want(t, w.do("GET", fmt.Sprintf("%s/%d", path, first), w.selfReviewer, nil), 404, "not_found")
		want(t, w.do("POST", "/api/v1/cadres/99999/dossier-reviews", w.rev, body()), 404, "not_found")
	})
	t.Run("403_otherRoles", func(t *testing.T) {
		toks := []string{"auditor", w.auditor, "auditor", w.audAudit, "evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor}
		wantRoles(t, w.app, "POST /api/v1/cadres/:id/dossier-reviews", path, body(), toks...)
		wantRoles(t, w.app, "GET /api/v1/cadres/:id/dossier-reviews", path, nil, toks...)
		wantRoles(t, w.app, "GET /api/v1/cadres/:id/dossier-reviews/:rid", fmt.Sprintf("%s/%d", path, first), nil, toks...)
	})
}

func TestPersonalMattersChecks(t *testing.T) {
	w := newFlagWorld(t)
	path := fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", w.a)
	body := func(kv ...any) map[string]any {
		return with(map[string]any{"kind": "pre_promotion", "checked_on": "2025-05-06", "result": "consistent"}, kv...)
	}
	var id int64
	t.Run("201", func(t *testing.T) {
		r := w.do("POST", path, w.rev, body("result", "concealment", "family_emigrated", true, "note", "未报告配偶移居国外"))
		want(t, r, 201)
		m := r.JSON()
		id = r.ID()
		if m["kind"] != "pre_promotion" || m["result"] != "concealment" || m["family_emigrated"] != true ||
			m["checked_on"] != "2025-05-06" || m["note"] != "未报告配偶移居国外" || m["valid_until"] != "2025-11-02" ||
			m["recorded_by_name"] != "rev" {
			t.Fatalf("body %s", r.Body)
		}
		wantLoggedWith(t, w.app, w.a)
		r = w.do("POST", path, w.rev, body("kind", "random", "result", "omission"))
		want(t, r, 201)
		if r.JSON()["family_emigrated"] != false || r.JSON()["note"] != nil {
			t.Fatalf("defaults %s", r.Body)
		}
		want(t, w.do("POST", path, w.rev, body("kind", "targeted")), 201)
	})
	for _, c := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"400_kind", body("kind", "annual"), []string{"kind"}},
		{"400_result", body("result", "ok"), []string{"result"}},
		{"400_checkedOn", body("checked_on", "2025/05/06"), []string{"checked_on"}},
		{"400_checkedOnBeforeBirth", body("checked_on", "1979-12-31"), []string{"checked_on"}},
		{"400_everything", body("kind", nil, "result", nil, "checked_on", nil, "note", strings.Repeat("注", 2001)),
			[]string{"kind", "checked_on", "result", "note"}},
	} {
		t.Run(c.name, func(t *testing.T) { wantFields(t, w.do("POST", path, w.rev, c.body), c.fields...) })
	}
	t.Run("400_invalidJSON", func(t *testing.T) {
		want(t, w.do("POST", path, w.rev, body("family_emigrated", "yes")), 400, "invalid_json")
	})
	t.Run("listNewestFirst", func(t *testing.T) {
		r := w.do("GET", path, w.rev, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if len(items) != 3 || items[0].(map[string]any)["kind"] != "targeted" || int64(items[2].(map[string]any)["id"].(float64)) != id {
			t.Fatalf("list %s", r.Body)
		}
		r = w.do("GET", fmt.Sprintf("%s/%d", path, id), w.rev, nil)
		want(t, r, 200)
		wantLoggedWith(t, w.app, w.a)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks/%d", w.b, id), w.rev, nil), 404, "not_found")
	})
	t.Run("immutable405", func(t *testing.T) { want405(t, w.app, fmt.Sprintf("%s/%d", path, id), w.rev) })
	t.Run("404_recusal", func(t *testing.T) {
		want(t, w.do("POST", path, w.selfReviewer, body()), 404, "not_found")
		want(t, w.do("GET", path, w.selfReviewer, nil), 404, "not_found")
	})
	t.Run("403_otherRoles", func(t *testing.T) {
		toks := []string{"auditor", w.auditor, "evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor}
		wantRoles(t, w.app, "POST /api/v1/cadres/:id/personal-matters-checks", path, body(), toks...)
		wantRoles(t, w.app, "GET /api/v1/cadres/:id/personal-matters-checks", path, nil, toks...)
	})
}

func TestChecklist(t *testing.T) {
	w := newFlagWorld(t)
	path := fmt.Sprintf("/api/v1/cadres/%d/checks", w.a)
	specific := w.fileFlag(w.audPetition, reportBody(w.a, "specific", true, "summary", "反映其违规经商"))
	closed := w.fileFlag(w.audPetition, reportBody(w.a, "specific", true))
	want(t, w.patchFlag(w.audPetition, closed, "unsubstantiated", 1, "查无实据"), 200)
	w.fileFlag(w.audPetition, reportBody(w.a))                   // not specific
	w.fileFlag(w.audPetition, reportBody(w.b, "specific", true)) // another cadre
	rv := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", w.a), w.rev, map[string]any{"reviewed_on": "2025-05-06", "findings": sixFindings()})
	want(t, rv, 201)
	t.Run("200_emptyBesideTheReport", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/checks", w.b), w.rev, nil)
		want(t, r, 200)
		m := r.JSON()
		if len(m["dossier_reviews"].([]any)) != 0 || len(m["personal_matters_checks"].([]any)) != 0 ||
			len(m["integrity_opinions"].([]any)) != 0 || len(m["open_specific_reports"].([]any)) != 1 || m["reports_personal_matters"] != false {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200", func(t *testing.T) {
		w.do("PATCH", fmt.Sprintf("/api/v1/cadres/%d", w.a), w.rev, map[string]any{"reports_personal_matters": true, "version": 1})
		pm := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", w.a), w.rev,
			map[string]any{"kind": "pre_promotion", "checked_on": "2025-05-06", "result": "consistent"})
		want(t, pm, 201)
		op := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", w.a), w.rev,
			map[string]any{"purpose": "promotion", "due_on": w.clock.Now().UTC().Format(time.DateOnly)})
		want(t, op, 201)
		r := w.do("GET", path, w.rev, nil)
		want(t, r, 200)
		m := r.JSON()
		reports := m["open_specific_reports"].([]any)
		rep := reports[0].(map[string]any)
		if len(reports) != 1 || int64(rep["flag_id"].(float64)) != specific || rep["source"] != "petition" || rep["status"] != "open" ||
			rep["occurred_on"] != "2025-03-01" {
			t.Fatalf("open_specific_reports %v", reports)
		}
		if m["reports_personal_matters"] != true || m["check_valid_days"].(float64) != 180 || m["opinion_valid_days"].(float64) != 90 ||
			m["cadre_id"].(float64) != float64(w.a) {
			t.Fatalf("body %s", r.Body)
		}
		for key, id := range map[string]int64{"dossier_reviews": rv.ID(), "personal_matters_checks": pm.ID(), "integrity_opinions": op.ID()} {
			items := m[key].([]any)
			if len(items) != 1 || int64(items[0].(map[string]any)["id"].(float64)) != id {
				t.Fatalf("%s %v", key, items)
			}
		}
		if o := m["integrity_opinions"].([]any)[0].(map[string]any); o["status"] != "pending" || o["cadre_name"] != "张三" {
			t.Fatalf("opinion %v", o)
		}
		wantLoggedWith(t, w.app, w.a)
	})
	t.Run("404_recusalAndUnknown", func(t *testing.T) {
		want(t, w.do("GET", path, w.selfReviewer, nil), 404, "not_found")
		want(t, w.do("GET", "/api/v1/cadres/99999/checks", w.rev, nil), 404, "not_found")
	})
	t.Run("403_otherRoles", func(t *testing.T) {
		wantRoles(t, w.app, "GET /api/v1/cadres/:id/checks", path, nil, "auditor", w.auditor, "auditor", w.audPetition,
			"evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor)
	})
}
