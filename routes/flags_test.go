package routes_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"efile/models"
)

// flagWorld adds to the world: auditors of the audit department and of
// petitions, an auditor and a reviewer linked to cadre a (recusal), and the
// users of the roles that see no flag at all.
type flagWorld struct {
	*world
	a, b                       int64
	audAudit, audPetition      string
	selfAuditor, selfReviewer  string
	admin, secAuditor, evalTok string
}

func newFlagWorld(t *testing.T) *flagWorld {
	t.Helper()
	w := &flagWorld{world: newWorld(t)}
	w.a = w.cadre("张三", idFor("19800101", 1), w.unitA)
	w.b = w.cadre("李四", idFor("19800102", 2), w.unitB)
	_, w.audAudit = w.user("aud_audit", []string{"auditor"}, nil, ptr("audit"))
	_, w.audPetition = w.user("aud_pet", []string{"auditor"}, nil, ptr("petition"))
	w.selfAuditor = w.linked("aud_self", "auditor", ptr("discipline"), w.a)
	w.selfReviewer = w.linked("rev_self", "org_reviewer", nil, w.a)
	w.admin = w.app.admin()
	_, w.secAuditor = w.user("sec", []string{"security_auditor"}, nil, nil)
	w.evalTok = w.evalA
	return w
}

// linked creates a user linked to their own cadre record.
func (w *flagWorld) linked(name, role string, dept *string, cadreID int64) string {
	w.t.Helper()
	r := w.do("POST", "/api/v1/users", w.app.admin(), map[string]any{"username": name, "password": testPassword,
		"display_name": name, "roles": []string{role}, "department": dept, "cadre_id": cadreID})
	want(w.t, r, 201)
	return w.login(name, testPassword)
}

func clueBody(cadreID int64) map[string]any {
	return map[string]any{"cadre_id": cadreID, "kind": "clue", "severity": "warning", "summary": "反映其违规收受礼金",
		"detail": "详情", "occurred_on": "2025-03-01"}
}

func with(b map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range b {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// fileFlag files a flag as tok and returns its id.
func (w *flagWorld) fileFlag(tok string, body map[string]any) int64 {
	w.t.Helper()
	r := w.do("POST", "/api/v1/flags", tok, body)
	want(w.t, r, 201)
	return r.ID()
}

func (w *flagWorld) patchFlag(tok string, id int64, status string, version int, note string) *resp {
	w.t.Helper()
	return w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", id), tok, map[string]any{"status": status, "version": version, "note": note})
}

func TestCreateFlag(t *testing.T) {
	w := newFlagWorld(t)
	sanction := func(ty, on string) map[string]any {
		return with(clueBody(w.a), "kind", "sanction", "sanction", map[string]any{"type": ty, "decided_on": on})
	}
	cases := []struct {
		name   string
		tok    string
		body   any
		status int
		code   string
		fields []string
	}{
		{"201_clue", w.auditor, clueBody(w.a), 201, "", nil},
		{"201_investigation", w.auditor, with(clueBody(w.a), "kind", "investigation", "severity", "serious"), 201, "", nil},
		{"201_sanction", w.auditor, sanction("demerit", "2025-06-01"), 201, "", nil},
		{"201_auditFinding", w.audAudit, with(clueBody(w.a), "kind", "audit_finding", "severity", "info"), 201, "", nil},
		{"201_petitionReport", w.audPetition, with(clueBody(w.a), "kind", "petition", "petition_type", "report", "reporter", "王五"), 201, "", nil},
		{"201_inquiry", w.auditor, with(clueBody(w.a), "kind", "inquiry", "detail", nil), 201, "", nil},
		{"201_outsideAnyUnit", w.auditor, clueBody(w.b), 201, "", nil},
		{"400_unknownKind", w.auditor, with(clueBody(w.a), "kind", "rumour"), 400, "validation_failed", []string{"kind"}},
		{"400_unknownSeverity", w.auditor, with(clueBody(w.a), "severity", "high"), 400, "validation_failed", []string{"severity"}},
		{"400_summaryMissing", w.auditor, with(clueBody(w.a), "summary", nil), 400, "validation_failed", []string{"summary"}},
		{"400_summary201", w.auditor, with(clueBody(w.a), "summary", strings.Repeat("廉", 201)), 400, "validation_failed", []string{"summary"}},
		{"400_detail5001", w.auditor, with(clueBody(w.a), "detail", strings.Repeat("廉", 5001)), 400, "validation_failed", []string{"detail"}},
		{"400_occurredInFuture", w.auditor, with(clueBody(w.a), "occurred_on", "2999-01-01"), 400, "validation_failed", []string{"occurred_on"}},
		{"400_cadreMissing", w.auditor, with(clueBody(w.a), "cadre_id", nil), 400, "validation_failed", []string{"cadre_id"}},
		{"400_petitionWithoutType", w.audPetition, with(clueBody(w.a), "kind", "petition"), 400, "validation_failed", []string{"petition_type"}},
		{"400_petitionTypeOnClue", w.auditor, with(clueBody(w.a), "petition_type", "report"), 400, "validation_failed", []string{"petition_type"}},
		{"400_sanctionMissing", w.auditor, with(clueBody(w.a), "kind", "sanction"), 400, "validation_failed", []string{"sanction"}},
		{"400_sanctionOnClue", w.auditor, with(clueBody(w.a), "sanction", map[string]any{"type": "demerit", "decided_on": "2025-01-01"}), 400, "validation_failed", []string{"sanction"}},
		{"400_sanctionUnknownType", w.auditor, sanction("warning", "2025-01-01"), 400, "validation_failed", []string{"sanction.type"}},
		{"400_periodOnExpulsion", w.auditor, with(clueBody(w.a), "kind", "sanction", "sanction",
			map[string]any{"type": "gov_expulsion", "decided_on": "2025-01-01", "period_months": 12}), 400, "validation_failed", []string{"sanction.period_months"}},
		{"400_period121", w.auditor, with(clueBody(w.a), "kind", "sanction", "sanction",
			map[string]any{"type": "demerit", "decided_on": "2025-01-01", "period_months": 121}), 400, "validation_failed", []string{"sanction.period_months"}},
		{"400_sourceInBody", w.auditor, with(clueBody(w.a), "source", "audit"), 400, "invalid_json", []string{"source"}},
		{"400_statusInBody", w.auditor, with(clueBody(w.a), "status", "resolved"), 400, "invalid_json", []string{"status"}},
		{"400_beforeScope", w.auditor, with(clueBody(9999), "kind", "x"), 400, "validation_failed", []string{"kind"}},
		{"403_unknownCadre", w.auditor, clueBody(9999), 403, "forbidden", nil},
		{"403_ownCadreRecusal", w.selfAuditor, clueBody(w.a), 403, "forbidden", nil},
	}
	t.Run("policy", func(t *testing.T) {
		for role, tok := range map[string]string{"evaluator": w.evalA, "admin": w.admin} {
			wantPolicy(t, w.do("POST", "/api/v1/flags", tok, clueBody(w.a)), "POST /api/v1/flags", role)
		}
		// The reviewer files the organization department's own decisions.
		wantPolicy(t, w.do("POST", "/api/v1/flags", w.rev, sanction("admonishment", "2025-06-01")), "POST /api/v1/flags", "org_reviewer")
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", "/api/v1/flags", c.tok, c.body)
			want(t, r, c.status, c.code)
			if c.fields != nil && !slices.Equal(r.Fields(), c.fields) {
				t.Fatalf("fields %v, want %v", r.Fields(), c.fields)
			}
			if c.status != 201 {
				return
			}
			m := r.JSON()
			body := c.body.(map[string]any)
			status := "open"
			if body["kind"] == "sanction" {
				status = "in_effect" // a decision, in effect when filed
			}
			if m["status"] != status || m["version"].(float64) != 1 || m["kind"] != body["kind"] ||
				m["cadre_id"].(float64) != float64(body["cadre_id"].(int64)) || len(m["history"].([]any)) != 0 {
				t.Fatalf("body %s", r.Body)
			}
		})
	}
	t.Run("sourceIsTheFilersDepartment", func(t *testing.T) {
		for tok, dept := range map[string]string{w.auditor: "discipline", w.audAudit: "audit", w.audPetition: "petition"} {
			if got := w.do("POST", "/api/v1/flags", tok, clueBody(w.a)).JSON()["source"]; got != dept {
				t.Fatalf("source %v, want %s", got, dept)
			}
		}
	})
	t.Run("201_sanctionCarriesInfluenceUntil", func(t *testing.T) {
		m := w.do("POST", "/api/v1/flags", w.auditor, sanction("demerit", "2025-06-01")).JSON()
		s := m["sanction"].(map[string]any)
		if m["influence_until"] != "2026-06-01" || s["influence_until"] != "2026-06-01" || s["type"] != "demerit" ||
			s["decided_on"] != "2025-06-01" || s["period_months"] != nil {
			t.Fatalf("body %v", m)
		}
		if m := w.do("POST", "/api/v1/flags", w.auditor, clueBody(w.a)).JSON(); m["sanction"] != nil || m["influence_until"] != nil {
			t.Fatalf("a clue with a sanction: %v", m)
		}
	})
	t.Run("reporterEncryptedAtRest", func(t *testing.T) {
		id := w.fileFlag(w.audPetition, with(clueBody(w.a), "kind", "petition", "petition_type", "appeal", "reporter", "赵六甲"))
		var f models.Flag
		if err := w.db.First(&f, id).Error; err != nil {
			t.Fatal(err)
		}
		if len(f.ReporterEnc) == 0 || bytes.Contains(f.ReporterEnc, []byte("赵六甲")) {
			t.Fatalf("reporter stored as %q", f.ReporterEnc)
		}
	})
}

// Influence periods through the API: calendar months from decided_on,
// month ends clamped, leap days, stated periods, and no end.
func TestFlagInfluencePeriods(t *testing.T) {
	w := newFlagWorld(t)
	for _, c := range []struct {
		ty, on string
		period any
		want   any
	}{
		{"demerit", "2025-06-01", nil, "2026-06-01"},
		{"gov_warning", "2025-08-31", nil, "2026-02-28"},        // month end clamps
		{"admonishment", "2023-08-31", nil, "2024-02-29"},       // into a leap February
		{"party_warning", "2024-02-29", nil, "2025-02-28"},      // from a leap day
		{"party_probation_2y", "2024-02-29", nil, "2028-02-29"}, // leap day to leap day
		{"major_demerit", "2025-01-31", nil, "2026-07-31"},
		{"party_serious_warning", "2024-12-31", nil, "2026-06-30"},
		{"demerit", "2025-11-30", 3, "2026-02-28"}, // a stated period replaces the default
		{"org_removal", "2025-03-31", 1, "2025-04-30"},
		{"party_expulsion", "2020-05-31", nil, "2025-05-31"},
		{"gov_expulsion", "2025-01-01", nil, nil}, // no end
	} {
		t.Run(fmt.Sprintf("%s_%s_%v", c.ty, c.on, c.period), func(t *testing.T) {
			s := map[string]any{"type": c.ty, "decided_on": c.on}
			if c.period != nil {
				s["period_months"] = c.period
			}
			tok := w.auditor
			if strings.HasPrefix(c.ty, "org_") {
				tok = w.rev // the organization department decides its own
			}
			r := w.do("POST", "/api/v1/flags", tok, with(clueBody(w.a), "kind", "sanction", "sanction", s))
			want(t, r, 201)
			if got := r.JSON()["influence_until"]; got != c.want {
				t.Fatalf("influence_until %v, want %v", got, c.want)
			}
			g := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", r.ID()), w.rev, nil)
			if got := g.JSON()["influence_until"]; got != c.want {
				t.Fatalf("read back %v, want %v", got, c.want)
			}
		})
	}
}

// Department isolation: an auditor reads, changes and lists only their own
// department's flags; another department's answer exactly as a flag that
// does not exist, and never show their content. The reporter reaches only
// the source department: not reviewers, not the e-file, not the workbook,
// not the access log, not the server log.
func TestFlagIsolation(t *testing.T) {
	w := newFlagWorld(t)
	const reporter, summary = "举报人钱七", "反映其插手工程招投标"
	id := w.fileFlag(w.auditor, with(clueBody(w.a), "kind", "petition", "petition_type", "report", "reporter", reporter, "summary", summary))
	path := fmt.Sprintf("/api/v1/flags/%d", id)
	missing := w.do("GET", "/api/v1/flags/999999", w.audAudit, nil)
	noLeak := func(t *testing.T, r *resp) {
		t.Helper()
		if bytes.Contains(r.Body, []byte(summary)) || bytes.Contains(r.Body, []byte(reporter)) {
			t.Fatalf("leaked: %s", r.Body)
		}
	}

	t.Run("sourceAuditorSeesReporter", func(t *testing.T) {
		r := w.do("GET", path, w.auditor, nil)
		want(t, r, 200)
		if r.JSON()["reporter"] != reporter || r.JSON()["summary"] != summary {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("404_otherDepartmentReads", func(t *testing.T) {
		r := w.do("GET", path, w.audAudit, nil)
		want(t, r, 404, "not_found")
		noLeak(t, r)
		if string(r.JSON()["error"].(map[string]any)["message"].(string)) != missing.JSON()["error"].(map[string]any)["message"] {
			t.Fatalf("another department's flag answers unlike a missing one: %s vs %s", r.Body, missing.Body)
		}
	})
	t.Run("404_otherDepartmentPatches", func(t *testing.T) {
		r := w.patchFlag(w.audAudit, id, "verifying", 1, "")
		want(t, r, 404, "not_found")
		noLeak(t, r)
		// A stale version or a bad move must not reveal it either: 404 first.
		want(t, w.patchFlag(w.audAudit, id, "resolved", 7, ""), 404, "not_found")
	})
	t.Run("otherDepartmentListsNothing", func(t *testing.T) {
		for _, q := range []string{"", "?source=discipline", fmt.Sprintf("?cadre_id=%d", w.a), "?kind=petition"} {
			r := w.do("GET", "/api/v1/flags"+q, w.audAudit, nil)
			want(t, r, 200)
			if r.JSON()["total"].(float64) != 0 || len(r.JSON()["items"].([]any)) != 0 {
				t.Fatalf("%s: %s", q, r.Body)
			}
			noLeak(t, r)
		}
	})
	t.Run("policy_auditorSummary", func(t *testing.T) {
		wantPolicy(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/flag-summary", w.a), w.audAudit, nil), "GET /api/v1/cadres/:id/flag-summary", "auditor")
	})
	t.Run("reviewerReadsWithoutReporter", func(t *testing.T) {
		r := w.do("GET", path, w.rev, nil)
		want(t, r, 200)
		if _, ok := r.JSON()["reporter"]; ok || bytes.Contains(r.Body, []byte(reporter)) || r.JSON()["summary"] != summary {
			t.Fatalf("body %s", r.Body)
		}
		l := w.do("GET", "/api/v1/flags", w.rev, nil)
		want(t, l, 200)
		if bytes.Contains(l.Body, []byte(reporter)) || l.JSON()["total"].(float64) != 1 {
			t.Fatalf("list %s", l.Body)
		}
	})
	t.Run("policy_reviewerPatches", func(t *testing.T) {
		wantPolicy(t, w.patchFlag(w.rev, id, "verifying", 1, ""), "PATCH /api/v1/flags/:id", "org_reviewer")
	})
	t.Run("policy_rolesWithoutFlags", func(t *testing.T) {
		for role, tok := range map[string]string{"evaluator": w.evalTok, "admin": w.admin, "security_auditor": w.secAuditor} {
			wantPolicy(t, w.do("GET", path, tok, nil), "GET /api/v1/flags/:id", role)
			wantPolicy(t, w.do("GET", "/api/v1/flags", tok, nil), "GET /api/v1/flags", role)
		}
	})
	t.Run("404_recusal", func(t *testing.T) {
		want(t, w.do("GET", path, w.selfReviewer, nil), 404, "not_found")
		want(t, w.do("GET", path, w.selfAuditor, nil), 404, "not_found")
		want(t, w.patchFlag(w.selfAuditor, id, "verifying", 1, ""), 404, "not_found")
		r := w.do("GET", "/api/v1/flags", w.selfAuditor, nil)
		if r.JSON()["total"].(float64) != 0 {
			t.Fatalf("own record's flags listed: %s", r.Body)
		}
	})
	t.Run("reporterNeverInEFile", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", w.a), w.rev, nil)
		want(t, r, 200)
		x := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", w.a), w.rev, nil)
		want(t, x, 200)
		if bytes.Contains(r.Body, []byte(reporter)) {
			t.Fatal("reporter in the e-file")
		}
		for name, s := range workbookText(t, x.Body) {
			if strings.Contains(s, reporter) {
				t.Fatalf("reporter in sheet %s", name)
			}
		}
		if !strings.Contains(workbookText(t, x.Body)["廉政情况"], summary) {
			t.Fatal("the flag is not in the workbook at all")
		}
	})
	t.Run("readsLoggedWithCadreAndReporterNeverLogged", func(t *testing.T) {
		reads := 0
		for _, e := range w.entries() {
			if e.Method == "GET" && e.Path == path && e.Status == 200 {
				reads++
				if e.CadreID == nil || *e.CadreID != w.a {
					t.Fatalf("flag read logged without its cadre: %+v", e)
				}
			}
			if strings.Contains(e.Path, reporter) || strings.Contains(e.Actor, reporter) {
				t.Fatalf("reporter in the access log: %+v", e)
			}
		}
		if reads < 2 {
			t.Fatalf("%d logged reads", reads)
		}
		if strings.Contains(w.logs.String(), reporter) {
			t.Fatal("reporter in the server log")
		}
	})
}

// Every allowed move, every refused one, stale versions, and the history.
func TestFlagTransitions(t *testing.T) {
	w := newFlagWorld(t)
	walk := func(t *testing.T, moves ...string) int64 {
		t.Helper()
		id := w.fileFlag(w.auditor, clueBody(w.a))
		for i, to := range moves {
			r := w.patchFlag(w.auditor, id, to, i+1, "第"+fmt.Sprint(i+1)+"步")
			want(t, r, 200)
			if r.JSON()["status"] != to || r.JSON()["version"].(float64) != float64(i+2) {
				t.Fatalf("body %s", r.Body)
			}
		}
		return id
	}
	allowed := [][]string{
		{"verifying"}, {"unsubstantiated"}, {"verifying", "substantiated"}, {"verifying", "unsubstantiated"},
		{"verifying", "substantiated", "resolved"},
	}
	for _, path := range allowed {
		t.Run("200_"+strings.Join(path, "_"), func(t *testing.T) { walk(t, path...) })
	}
	all := []string{"open", "verifying", "substantiated", "unsubstantiated", "resolved"}
	reach := map[string][]string{"open": nil, "verifying": {"verifying"}, "substantiated": {"verifying", "substantiated"},
		"unsubstantiated": {"unsubstantiated"}, "resolved": {"verifying", "substantiated", "resolved"}}
	ok := map[string]bool{"open>verifying": true, "open>unsubstantiated": true, "verifying>substantiated": true,
		"verifying>unsubstantiated": true, "substantiated>resolved": true}
	for _, from := range all {
		for _, to := range all {
			if ok[from+">"+to] {
				continue
			}
			t.Run("409_"+from+"_to_"+to, func(t *testing.T) {
				id := walk(t, reach[from]...)
				r := w.patchFlag(w.auditor, id, to, len(reach[from])+1, "")
				want(t, r, 409, "invalid_transition")
			})
		}
	}
	t.Run("409_staleVersion", func(t *testing.T) {
		id := walk(t, "verifying")
		want(t, w.patchFlag(w.auditor, id, "substantiated", 1, ""), 409, "version_conflict")
		want(t, w.patchFlag(w.auditor, id, "substantiated", 3, ""), 409, "version_conflict")
	})
	t.Run("400_body", func(t *testing.T) {
		id := walk(t)
		p := fmt.Sprintf("/api/v1/flags/%d", id)
		for name, c := range map[string]struct {
			body  any
			field string
		}{
			"unknownStatus":  {map[string]any{"status": "closed", "version": 1}, "status"},
			"missingVersion": {map[string]any{"status": "verifying"}, "version"},
			"noteTooLong":    {map[string]any{"status": "verifying", "version": 1, "note": strings.Repeat("注", 1001)}, "note"},
		} {
			r := w.do("PATCH", p, w.auditor, c.body)
			want(t, r, 400, "validation_failed")
			if !slices.Contains(r.Fields(), c.field) {
				t.Fatalf("%s: fields %v", name, r.Fields())
			}
		}
		want(t, w.do("PATCH", p, w.auditor, map[string]any{"status": "verifying", "version": 1, "source": "audit"}), 400, "invalid_json")
		want(t, w.do("PATCH", "/api/v1/flags/999999", w.auditor, map[string]any{"status": "verifying", "version": 1}), 404, "not_found")
	})
	t.Run("history", func(t *testing.T) {
		id := walk(t, "verifying", "substantiated", "resolved")
		r := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", id), w.rev, nil)
		want(t, r, 200)
		h := r.JSON()["history"].([]any)
		if len(h) != 3 {
			t.Fatalf("history %v", h)
		}
		froms := []string{"open", "verifying", "substantiated"}
		tos := []string{"verifying", "substantiated", "resolved"}
		for i, e := range h {
			m := e.(map[string]any)
			if m["from"] != froms[i] || m["to"] != tos[i] || m["actor"] != "aud" || m["actor_id"].(float64) == 0 ||
				m["note"] != fmt.Sprintf("第%d步", i+1) || m["at"] == "" {
				t.Fatalf("event %d: %v", i, m)
			}
		}
		var n int64
		w.db.Model(&models.FlagEvent{}).Where("flag_id = ?", id).Count(&n)
		if n != 3 {
			t.Fatalf("%d events stored", n)
		}
	})
	t.Run("refusedMoveStoresNothing", func(t *testing.T) {
		id := walk(t, "unsubstantiated")
		want(t, w.patchFlag(w.auditor, id, "resolved", 2, ""), 409, "invalid_transition")
		var f models.Flag
		w.db.First(&f, id)
		var n int64
		w.db.Model(&models.FlagEvent{}).Where("flag_id = ?", id).Count(&n)
		if f.Status != "unsubstantiated" || f.Version != 2 || n != 1 {
			t.Fatalf("status %s version %d events %d", f.Status, f.Version, n)
		}
	})
}

func TestFlagListAndSummary(t *testing.T) {
	w := newFlagWorld(t)
	// On cadre a: discipline's open clue, a sanction in effect and in
	// period, an expired one, and one revoked on review; audit's verifying
	// finding; petition's unsubstantiated appeal.
	clue := w.fileFlag(w.auditor, clueBody(w.a))
	w.fileFlag(w.auditor, with(clueBody(w.a), "kind", "sanction", "sanction", map[string]any{"type": "gov_expulsion", "decided_on": "2024-01-01"}))
	w.fileFlag(w.auditor, with(clueBody(w.a), "kind", "sanction", "sanction", map[string]any{"type": "gov_warning", "decided_on": "2020-01-01"}))
	revoked := w.fileFlag(w.auditor, with(clueBody(w.a), "kind", "sanction", "sanction", map[string]any{"type": "demerit", "decided_on": "2024-01-01"}))
	want(t, w.do("POST", fmt.Sprintf("/api/v1/flags/%d/sanction-changes", revoked), w.auditor,
		map[string]any{"action": "revoke", "decided_on": "2024-06-01", "basis": "复核撤销"}), 201)
	finding := w.fileFlag(w.audAudit, with(clueBody(w.a), "kind", "audit_finding"))
	w.patchFlag(w.audAudit, finding, "verifying", 1, "")
	appeal := w.fileFlag(w.audPetition, with(clueBody(w.a), "kind", "petition", "petition_type", "appeal"))
	w.patchFlag(w.audPetition, appeal, "unsubstantiated", 1, "")
	w.fileFlag(w.auditor, clueBody(w.b))

	summary := func(id int64) map[string]any {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/flag-summary", id), w.rev, nil)
		want(t, r, 200)
		return r.JSON()
	}
	t.Run("countsOnly", func(t *testing.T) {
		m := summary(w.a)
		if len(m) != 3 || m["open"].(float64) != 2 || m["active_sanction"] != true {
			t.Fatalf("summary %v", m)
		}
		// The revoked sanction counts nowhere.
		bs := m["by_source"].(map[string]any)
		if len(bs) != 5 || bs["discipline"].(float64) != 3 || bs["audit"].(float64) != 1 || bs["petition"].(float64) != 1 ||
			bs["inspection"].(float64) != 0 || bs["organization"].(float64) != 0 {
			t.Fatalf("by_source %v", bs)
		}
		if m := summary(w.b); m["open"].(float64) != 1 || m["active_sanction"] != false {
			t.Fatalf("summary of b %v", m)
		}
	})
	t.Run("activeSanctionNeedsInEffectInPeriod", func(t *testing.T) {
		c := w.cadre("王五", idFor("19800103", 3), w.unitA)
		// A sanction without end, revoked; one long expired; an on-hold clue.
		gone := w.fileFlag(w.auditor, with(clueBody(c), "kind", "sanction", "sanction", map[string]any{"type": "gov_expulsion", "decided_on": "2024-01-01"}))
		want(t, w.do("POST", fmt.Sprintf("/api/v1/flags/%d/sanction-changes", gone), w.auditor,
			map[string]any{"action": "revoke", "decided_on": "2024-03-01", "basis": "申诉撤销"}), 201)
		w.fileFlag(w.auditor, with(clueBody(c), "kind", "sanction", "sanction", map[string]any{"type": "demerit", "decided_on": "2020-01-01"}))
		held := w.fileFlag(w.auditor, clueBody(c))
		want(t, w.patchFlag(w.auditor, held, "on_hold", 1, "暂存待查"), 200)
		if m := summary(c); m["active_sanction"] != false || m["open"].(float64) != 1 {
			t.Fatalf("summary %v", m)
		}
	})
	t.Run("summaryScope", func(t *testing.T) {
		want(t, w.do("GET", "/api/v1/cadres/99999/flag-summary", w.rev, nil), 404, "not_found")
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/flag-summary", w.a), w.selfReviewer, nil), 404, "not_found")
		for role, tok := range map[string]string{"auditor": w.auditor, "evaluator": w.evalA, "admin": w.admin, "security_auditor": w.secAuditor} {
			wantPolicy(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/flag-summary", w.a), tok, nil), "GET /api/v1/cadres/:id/flag-summary", role)
		}
	})
	t.Run("listFiltersNewestFirst", func(t *testing.T) {
		ids := func(q, tok string) []int64 {
			r := w.do("GET", "/api/v1/flags"+q, tok, nil)
			want(t, r, 200)
			var out []int64
			for _, it := range r.JSON()["items"].([]any) {
				m := it.(map[string]any)
				if _, ok := m["history"]; ok {
					t.Fatal("lists carry no history")
				}
				out = append(out, int64(m["id"].(float64)))
			}
			if !strings.Contains(q, "page") && int(r.JSON()["total"].(float64)) != len(out) {
				t.Fatalf("total %v for %d items", r.JSON()["total"], len(out))
			}
			return out
		}
		if got := ids(fmt.Sprintf("?cadre_id=%d", w.a), w.rev); len(got) != 6 || !slices.IsSortedFunc(got, func(x, y int64) int { return int(y - x) }) {
			t.Fatalf("reviewer list %v", got)
		}
		if got := ids("?status=open&kind=clue", w.auditor); len(got) != 2 || got[1] != clue {
			t.Fatalf("auditor open clues %v", got)
		}
		if got := ids("?source=audit", w.rev); !slices.Equal(got, []int64{finding}) {
			t.Fatalf("by source %v", got)
		}
		if got := ids("", w.audPetition); !slices.Equal(got, []int64{appeal}) {
			t.Fatalf("petition's own %v", got)
		}
		if got := ids("?page_size=2&page=2", w.rev); len(got) != 2 {
			t.Fatalf("page 2 %v", got)
		}
		for _, q := range []string{"?status=closed", "?source=police", "?kind=rumour", "?cadre_id=x", "?page=0"} {
			want(t, w.do("GET", "/api/v1/flags"+q, w.rev, nil), 400, "validation_failed")
		}
	})
	t.Run("listByCadreIsLogged", func(t *testing.T) {
		want(t, w.do("GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d", w.b), w.rev, nil), 200)
		want(t, w.do("GET", "/api/v1/flags?status=open", w.rev, nil), 200)
		es := w.entries()
		byCadre, plain := es[len(es)-2], es[len(es)-1]
		if byCadre.CadreID == nil || *byCadre.CadreID != w.b || plain.CadreID != nil {
			t.Fatalf("entries %+v %+v", byCadre, plain)
		}
	})
}
