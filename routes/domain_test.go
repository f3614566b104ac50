package routes_test

import (
	"fmt"
	"strings"
	"testing"

	"efile/models"
)

// Issue 17's rules through the real router: each department files what it
// decides, the organization department its own, detail only to the source
// department, measures, on_hold, outcome_form, findings, the reviews of a
// sanction, grade_forced, regrades, and the annual cycle's period.

func sanctionBody(cadreID int64, ty, on string, extra ...any) map[string]any {
	s := map[string]any{"type": ty, "decided_on": on}
	for i := 0; i < len(extra); i += 2 {
		s[extra[i].(string)] = extra[i+1]
	}
	return with(clueBody(cadreID), "kind", "sanction", "sanction", s)
}

func TestFlagsEachDepartmentFilesWhatItDecides(t *testing.T) {
	w := newFlagWorld(t)
	_, audInspection := w.user("aud_insp", []string{"auditor"}, nil, ptr("inspection"))
	measure := with(clueBody(w.a), "kind", "measure", "measure", map[string]any{"type": "reminder_talk", "decided_on": "2025-03-01"})
	cases := []struct {
		name, tok string
		body      map[string]any
		status    int
		source    string
	}{
		// The review's findings: the petition department filed a 撤职 and an investigation.
		{"403_petitionSanction", w.audPetition, sanctionBody(w.a, "dismissal", "2025-03-01"), 403, ""},
		{"403_petitionInvestigation", w.audPetition, with(clueBody(w.a), "kind", "investigation"), 403, ""},
		{"403_auditInspectionFinding", w.audAudit, with(clueBody(w.a), "kind", "inspection_finding"), 403, ""},
		{"403_disciplineOrgRemoval", w.auditor, sanctionBody(w.a, "org_removal", "2025-03-01"), 403, ""},
		{"403_reviewerPartySanction", w.rev, sanctionBody(w.a, "party_warning", "2025-03-01"), 403, ""},
		{"403_reviewerClue", w.rev, clueBody(w.a), 403, ""},
		{"403_reviewerAppeal", w.rev, with(clueBody(w.a), "kind", "petition", "petition_type", "appeal"), 403, ""},
		{"201_disciplineAdmonishment", w.auditor, sanctionBody(w.a, "admonishment", "2025-03-01"), 201, "discipline"},
		{"201_disciplineMeasure", w.auditor, measure, 201, "discipline"},
		{"201_inspectionFinding", audInspection, with(clueBody(w.a), "kind", "inspection_finding", "responsibility", "leadership", "feedback_on", "2025-04-01"), 201, "inspection"},
		{"201_reviewerAdmonishment", w.rev, sanctionBody(w.a, "admonishment", "2025-03-01"), 201, "organization"},
		{"201_reviewerSuspension", w.rev, sanctionBody(w.a, "org_suspension", "2025-03-01", "period_months", 3), 201, "organization"},
		{"201_reviewerDismissalByAppointingBody", w.rev, sanctionBody(w.a, "dismissal", "2025-03-01"), 201, "organization"},
		{"201_reviewerMeasure", w.rev, measure, 201, "organization"},
		{"201_reviewerInquiry", w.rev, with(clueBody(w.a), "kind", "inquiry"), 201, "organization"},
		{"201_reviewerReport12380", w.rev, with(clueBody(w.a), "kind", "petition", "petition_type", "report", "specific", true), 201, "organization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", "/api/v1/flags", c.tok, c.body)
			if c.status == 403 {
				want(t, r, 403, "forbidden")
				if !strings.Contains(r.JSON()["error"].(map[string]any)["message"].(string), "kinds") {
					t.Fatalf("403 does not name what the department may file: %s", r.Body)
				}
				return
			}
			want(t, r, 201)
			m := r.JSON()
			if m["source"] != c.source {
				t.Fatalf("source %v, want %s", m["source"], c.source)
			}
			wantStatus := map[string]string{"sanction": "in_effect", "measure": "recorded"}[c.body["kind"].(string)]
			if wantStatus == "" {
				wantStatus = "open"
			}
			if m["status"] != wantStatus {
				t.Fatalf("status %v, want %s", m["status"], wantStatus)
			}
		})
	}
	t.Run("400_suspensionWithoutPeriod", func(t *testing.T) {
		r := w.do("POST", "/api/v1/flags", w.rev, sanctionBody(w.a, "org_suspension", "2025-03-01"))
		want(t, r, 400, "validation_failed")
		if f := r.Fields(); len(f) != 1 || f[0] != "sanction.period_months" {
			t.Fatalf("fields %v", f)
		}
	})
	t.Run("400_measureFieldsAndFindingFields", func(t *testing.T) {
		r := w.do("POST", "/api/v1/flags", w.auditor, with(clueBody(w.a), "kind", "measure", "responsibility", "direct"))
		want(t, r, 400, "validation_failed")
		if f := strings.Join(r.Fields(), ","); f != "measure,responsibility" {
			t.Fatalf("fields %s", f)
		}
		r = w.do("POST", "/api/v1/flags", w.audAudit, with(clueBody(w.a), "kind", "audit_finding", "audit_type", "annual"))
		want(t, r, 400, "validation_failed")
	})
	t.Run("detailOnlyToTheSourceDepartment", func(t *testing.T) {
		own := w.fileFlag(w.rev, with(sanctionBody(w.a, "admonishment", "2025-03-01"), "detail", "组织部案卷"))
		other := w.fileFlag(w.auditor, with(clueBody(w.a), "detail", "纪委案卷"))
		if d := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", own), w.rev, nil).JSON()["detail"]; d != "组织部案卷" {
			t.Fatalf("the organization's own detail: %v", d)
		}
		r := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", other), w.rev, nil)
		want(t, r, 200)
		if strings.Contains(string(r.Body), "纪委案卷") || r.JSON()["summary"] == nil {
			t.Fatalf("a reviewer read another department's detail: %s", r.Body)
		}
		// The discipline department neither reads nor changes the organization's.
		want(t, w.do("GET", fmt.Sprintf("/api/v1/flags/%d", own), w.auditor, nil), 404, "not_found")
		want(t, w.patchFlag(w.rev, other, "verifying", 1, ""), 404, "not_found")
	})
}

func TestFlagStatusesOfTheNewKinds(t *testing.T) {
	w := newFlagWorld(t)
	t.Run("measureRecordedNeverMoves", func(t *testing.T) {
		id := w.fileFlag(w.rev, with(clueBody(w.a), "kind", "measure", "measure", map[string]any{"type": "criticism", "decided_on": "2025-03-01"}))
		want(t, w.patchFlag(w.rev, id, "resolved", 1, ""), 409, "invalid_transition")
		if m := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", id), w.rev, nil).JSON()["measure"].(map[string]any); m["type"] != "criticism" {
			t.Fatalf("measure %v", m)
		}
	})
	t.Run("sanctionMovesOnlyByReview", func(t *testing.T) {
		id := w.fileFlag(w.auditor, sanctionBody(w.a, "demerit", "2025-03-01"))
		r := w.patchFlag(w.auditor, id, "resolved", 1, "")
		want(t, r, 409, "invalid_transition")
	})
	t.Run("onHold", func(t *testing.T) {
		id := w.fileFlag(w.auditor, clueBody(w.a))
		want(t, w.patchFlag(w.auditor, id, "on_hold", 1, "暂存待查"), 200)
		want(t, w.patchFlag(w.auditor, id, "substantiated", 2, ""), 409, "invalid_transition")
		want(t, w.patchFlag(w.auditor, id, "verifying", 2, "恢复核查"), 200)
		want(t, w.patchFlag(w.auditor, id, "on_hold", 3, ""), 200)
		r := w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", id), w.auditor, map[string]any{"status": "unsubstantiated", "version": 4, "note": "了结", "outcome_form": 1})
		want(t, r, 200)
		if r.JSON()["outcome_form"].(float64) != 1 || len(r.JSON()["history"].([]any)) != 4 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("outcomeForm", func(t *testing.T) {
		id := w.fileFlag(w.auditor, with(clueBody(w.a), "kind", "investigation"))
		patch := func(status string, version int, form any) *resp {
			return w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", id), w.auditor, map[string]any{"status": status, "version": version, "note": "", "outcome_form": form})
		}
		want(t, patch("verifying", 1, 2), 400, "validation_failed") // not closing
		want(t, patch("verifying", 1, nil), 200)
		want(t, patch("substantiated", 2, 5), 400, "validation_failed")
		want(t, patch("substantiated", 2, 3), 200)
		petition := w.fileFlag(w.audPetition, with(clueBody(w.a), "kind", "petition", "petition_type", "report"))
		r := w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", petition), w.audPetition, map[string]any{"status": "unsubstantiated", "version": 1, "note": "", "outcome_form": 1})
		want(t, r, 400, "validation_failed")
	})
	t.Run("findingRectified", func(t *testing.T) {
		id := w.fileFlag(w.audAudit, with(clueBody(w.a), "kind", "audit_finding", "responsibility", "direct",
			"audit_type", "economic_responsibility", "feedback_on", "2025-04-01"))
		w.patchFlag(w.audAudit, id, "verifying", 1, "")
		w.patchFlag(w.audAudit, id, "substantiated", 2, "")
		resolve := func(on string) *resp {
			return w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", id), w.audAudit, map[string]any{"status": "resolved", "version": 3, "note": "已整改", "rectified_on": on})
		}
		want(t, resolve("2025-03-15"), 400, "validation_failed") // before the feedback
		r := resolve("2025-06-30")
		want(t, r, 200)
		m := r.JSON()
		if m["rectified_on"] != "2025-06-30" || m["responsibility"] != "direct" || m["audit_type"] != "economic_responsibility" || m["feedback_on"] != "2025-04-01" {
			t.Fatalf("body %s", r.Body)
		}
	})
}

func TestSanctionChanges(t *testing.T) {
	w := newFlagWorld(t)
	change := func(tok string, id int64, body map[string]any) *resp {
		return w.do("POST", fmt.Sprintf("/api/v1/flags/%d/sanction-changes", id), tok, body)
	}
	t.Run("modifyThenRevoke", func(t *testing.T) {
		id := w.fileFlag(w.auditor, sanctionBody(w.a, "major_demerit", "2025-01-31"))
		r := change(w.auditor, id, map[string]any{"action": "modify", "type": "demerit", "decided_on": "2025-04-01", "basis": "复审决定改为记过"})
		want(t, r, 201)
		m := r.JSON()
		s := m["sanction"].(map[string]any)
		// Still counted from the original decision: 2025-01-31 + 12 months.
		if s["type"] != "demerit" || m["influence_until"] != "2026-01-31" || m["status"] != "in_effect" || m["version"].(float64) != 2 {
			t.Fatalf("modified %s", r.Body)
		}
		r = change(w.auditor, id, map[string]any{"action": "modify", "period_months": 3, "decided_on": "2025-04-02", "basis": "申诉"})
		want(t, r, 201)
		if r.JSON()["influence_until"] != "2025-04-30" {
			t.Fatalf("period modified %s", r.Body)
		}
		r = change(w.auditor, id, map[string]any{"action": "revoke", "decided_on": "2025-05-01", "basis": "复核撤销原处分"})
		want(t, r, 201)
		m = r.JSON()
		cs := m["sanction_changes"].([]any)
		last := cs[2].(map[string]any)
		if m["status"] != "revoked" || len(cs) != 3 || last["action"] != "revoke" || last["basis"] != "复核撤销原处分" || last["actor"] != "aud" {
			t.Fatalf("revoked %s", r.Body)
		}
		hist := m["history"].([]any)
		if h := hist[len(hist)-1].(map[string]any); h["from"] != "in_effect" || h["to"] != "revoked" || h["note"] != "复核撤销原处分" {
			t.Fatalf("history %v", hist)
		}
		// Revoked: no further change.
		want(t, change(w.auditor, id, map[string]any{"action": "revoke", "decided_on": "2025-05-02", "basis": "再撤销"}), 409, "invalid_transition")
		want(t, change(w.auditor, id, map[string]any{"action": "modify", "period_months": 6, "decided_on": "2025-05-02", "basis": "变更"}), 409, "invalid_transition")
	})
	t.Run("refused", func(t *testing.T) {
		id := w.fileFlag(w.auditor, sanctionBody(w.a, "demerit", "2025-01-31"))
		clue := w.fileFlag(w.auditor, clueBody(w.a))
		ok := map[string]any{"action": "revoke", "decided_on": "2025-05-01", "basis": "复核"}
		want(t, change(w.auditor, id, with(ok, "basis", "")), 400, "validation_failed")
		want(t, change(w.auditor, id, with(ok, "basis", strings.Repeat("据", 501))), 400, "validation_failed")
		want(t, change(w.auditor, id, with(ok, "action", "cancel")), 400, "validation_failed")
		want(t, change(w.auditor, id, with(ok, "decided_on", "2025-01-01")), 400, "validation_failed") // before the sanction
		want(t, change(w.auditor, id, with(ok, "type", "demerit")), 400, "validation_failed")          // revoke takes no type
		want(t, change(w.auditor, id, map[string]any{"action": "modify", "decided_on": "2025-05-01", "basis": "x"}), 400, "validation_failed")
		want(t, change(w.auditor, id, map[string]any{"action": "modify", "type": "org_removal", "decided_on": "2025-05-01", "basis": "x"}), 403, "forbidden")
		want(t, change(w.auditor, clue, ok), 409, "conflict")
		// Only the source department: others answer 404, as for PATCH.
		want(t, change(w.rev, id, ok), 404, "not_found")
		want(t, change(w.audAudit, id, ok), 404, "not_found")
		want(t, change(w.selfAuditor, id, ok), 404, "not_found")
		want(t, change(w.auditor, 99999, ok), 404, "not_found")
		for role, tok := range map[string]string{"evaluator": w.evalA, "admin": w.admin, "security_auditor": w.secAuditor} {
			wantPolicy(t, change(tok, id, ok), "POST /api/v1/flags/:id/sanction-changes", role)
		}
		var f models.Flag
		w.db.First(&f, id)
		if f.Status != "in_effect" || f.Version != 1 {
			t.Fatalf("a refused change changed the flag: %s v%d", f.Status, f.Version)
		}
	})
	t.Run("revokedCountsNowhere", func(t *testing.T) {
		c := w.cadre("王撤", idFor("19800109", 9), w.unitA)
		allChecked(t, w.db, c, w.clock.Now().UTC().Format("2006-01-02"))
		id := w.fileFlag(w.rev, sanctionBody(c, "org_removal", w.clock.Now().UTC().AddDate(0, -1, 0).Format("2006-01-02")))
		vet := func() string {
			r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", c), w.rev, map[string]any{"purpose": "transfer"})
			want(t, r, 201)
			return r.JSON()["verdict"].(string)
		}
		summary := func() map[string]any {
			return w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/flag-summary", c), w.rev, nil).JSON()
		}
		if v, s := vet(), summary(); v != "blocked" || s["active_sanction"] != true {
			t.Fatalf("in effect: %s %v", v, s)
		}
		want(t, change(w.rev, id, map[string]any{"action": "revoke", "decided_on": w.clock.Now().UTC().Format("2006-01-02"), "basis": "申诉成立"}), 201)
		if v, s := vet(), summary(); v != "clear" || s["active_sanction"] != false || s["by_source"].(map[string]any)["organization"].(float64) != 0 {
			t.Fatalf("revoked: %s %v", v, s)
		}
		e := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", c), w.rev, nil).JSON()
		if e["flag_summary"].(map[string]any)["active_sanction"] != false {
			t.Fatalf("e-file %v", e["flag_summary"])
		}
	})
}

// ungradedByInvestigation files an investigation of cadre c (occurred
// 2024-03-01), runs an annual 2024 cycle that leaves c ungraded for it, and
// closes the investigation without a sanction: the cycle's path.
func ungradedByInvestigation(w *world, c int64) string {
	w.t.Helper()
	r := w.do("POST", "/api/v1/flags", w.auditor, with(clueBody(c), "kind", "investigation", "occurred_on", "2024-03-01"))
	want(w.t, r, 201)
	inv := r.ID()
	evs, toks := w.evaluators(fmt.Sprintf("rg%d_", c), 1, w.unitA)
	path := w.newCycle("annual", 100)
	w.assign(path, evs[0], c, "superior")
	w.move(path, "open")
	want(w.t, w.submit(path, toks[0], c, uniform(85)), 201)
	w.move(path, "close")
	w.move(path, "finalize")
	want(w.t, w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", inv), w.auditor, map[string]any{"status": "unsubstantiated", "version": 1, "note": "了结"}), 200)
	return path
}

func TestRegrades(t *testing.T) {
	w := newFlagWorld(t)
	regrade := func(path string, c int64, grade string) *resp {
		return w.do("POST", path+"/regrades", w.rev, map[string]any{"cadre_id": c, "grade": grade, "reason": "审查结束，补定等次"})
	}
	t.Run("201_thenResultsEFileAndVettingUseIt", func(t *testing.T) {
		c := w.cadre("补甲", idFor("19800111", 11), w.unitA)
		path := ungradedByInvestigation(w.world, c)
		r := regrade(path, c, "basic_competent")
		want(t, r, 201)
		m := r.JSON()
		if m["from"] != "ungraded" || m["to"] != "basic_competent" || m["by"].(float64) != float64(w.revID) || m["reason"] == "" {
			t.Fatalf("body %s", r.Body)
		}
		// Who regraded, by name, wherever the regrade shows.
		var revName string
		if err := w.db.Raw("SELECT display_name FROM users WHERE id = ?", w.revID).Scan(&revName).Error; err != nil || revName == "" {
			t.Fatalf("reviewer's name %q: %v", revName, err)
		}
		if m["by_name"] != revName {
			t.Fatalf("by_name %v, want %q", m["by_name"], revName)
		}
		res := w.do("GET", path+"/results", w.rev, nil).JSON()["items"].([]any)[0].(map[string]any)
		if res["grade"] != "basic_competent" || res["regraded"].(map[string]any)["from"] != "ungraded" || res["regraded"].(map[string]any)["by_name"] != revName {
			t.Fatalf("result %v", res)
		}
		ap := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", c), w.rev, nil).JSON()["appraisals"].([]any)[0].(map[string]any)
		if ap["grade"] != "basic_competent" || ap["regraded"] == nil || ap["regraded"].(map[string]any)["by_name"] != revName {
			t.Fatalf("e-file %v", ap)
		}
		allChecked(t, w.db, c, "2025-06-01")
		v := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", c), w.rev, map[string]any{"purpose": "promotion", "as_of": "2025-06-01"})
		if v.JSON()["verdict"] != "blocked" || !strings.Contains(string(v.Body), "recent_low_grade") {
			t.Fatalf("vetting %s", v.Body)
		}
		// Once regraded, nothing left to regrade.
		want(t, regrade(path, c, "competent"), 409, "conflict")
	})
	t.Run("409_investigationStillOpen", func(t *testing.T) {
		c := w.cadre("补乙", idFor("19800112", 12), w.unitA)
		path := ungradedByInvestigation(w.world, c)
		w.do("POST", "/api/v1/flags", w.auditor, with(clueBody(c), "kind", "investigation", "occurred_on", "2024-05-01"))
		want(t, regrade(path, c, "competent"), 409, "conflict")
	})
	t.Run("409_heavierSanctionDecidedSince", func(t *testing.T) {
		c := w.cadre("补丙", idFor("19800113", 13), w.unitA)
		path := ungradedByInvestigation(w.world, c)
		w.fileFlag(w.auditor, sanctionBody(c, "demerit", "2025-02-01"))
		want(t, regrade(path, c, "competent"), 409, "conflict")
	})
	t.Run("warningAtMost_barsTheTopGrade", func(t *testing.T) {
		c := w.cadre("补丁", idFor("19800114", 14), w.unitA)
		path := ungradedByInvestigation(w.world, c)
		w.fileFlag(w.auditor, sanctionBody(c, "gov_warning", "2024-09-01"))
		r := regrade(path, c, "excellent")
		want(t, r, 409, "grade_forced")
		if d := r.JSON()["error"].(map[string]any)["details"].([]any)[0].(map[string]any); d["field"] != "flag_id" {
			t.Fatalf("details %v", d)
		}
		want(t, regrade(path, c, "competent"), 201)
	})
	t.Run("refused", func(t *testing.T) {
		c := w.cadre("补戊", idFor("19800115", 15), w.unitA)
		path := ungradedByInvestigation(w.world, c)
		want(t, regrade(path, c, "good"), 400, "validation_failed") // not a grade of an annual cycle
		want(t, w.do("POST", path+"/regrades", w.rev, map[string]any{"cadre_id": c, "grade": "competent", "reason": " "}), 400, "validation_failed")
		want(t, regrade(path, 99999, "competent"), 403, "forbidden")
		want(t, regrade(path, w.a, "competent"), 400, "validation_failed") // no result in the cycle
		want(t, regrade(cycles+"/99999", c, "competent"), 404, "not_found")
		open := w.newCycle("annual", 20)
		want(t, regrade(open, c, "competent"), 409, "conflict")
		for role, tok := range map[string]string{"auditor": w.auditor, "evaluator": w.evalA, "admin": w.admin} {
			wantPolicy(t, regrade(path, c, "competent"), "POST /api/v1/appraisal-cycles/:id/regrades", "org_reviewer")
			wantPolicy(t, w.do("POST", path+"/regrades", tok, map[string]any{"cadre_id": c, "grade": "competent", "reason": "x"}), "POST /api/v1/appraisal-cycles/:id/regrades", role)
		}
	})
}

// SPEC 7: the grade table's second year and the heaviest bar; an
// investigation on hold at close; grade_forced at finalize naming the flag.
func TestGradesForced(t *testing.T) {
	w := newFlagWorld(t)
	evs, toks := w.evaluators("gf", 1, w.unitB)
	names := []string{"甲", "乙", "丙", "丁"}
	c := make([]int64, len(names))
	for i, n := range names {
		c[i] = w.cadre("强"+n, idFor("19800120", 20+i), w.unitA)
	}
	w.flagOn(c[0], "sanction", "in_effect", "party_probation_2y", "2022-05-01") // the second year after: ungraded
	w.flagOn(c[1], "sanction", "in_effect", "gov_warning", "2024-02-01")        // not excellent …
	w.flagOn(c[1], "sanction", "in_effect", "party_removal", "2024-03-01")      // … but incompetent wins
	w.flagOn(c[2], "investigation", "on_hold", "", "")                          // on hold counts as open
	w.flagOn(c[3], "sanction", "in_effect", "party_expulsion", "2021-01-01")    // three years on: nothing
	path := w.newCycle("annual", 100)
	for _, id := range c {
		w.assign(path, evs[0], id, "superior")
	}
	w.move(path, "open")
	for _, id := range c {
		want(t, w.submit(path, toks[0], id, uniform(95)), 201)
	}
	w.move(path, "close")
	got := map[int64]string{}
	for _, it := range w.do("GET", path+"/results", w.rev, nil).JSON()["items"].([]any) {
		m := it.(map[string]any)
		got[int64(m["cadre_id"].(float64))] = m["grade"].(string)
	}
	if got[c[0]] != "ungraded" || got[c[1]] != "incompetent" || got[c[2]] != "ungraded" || got[c[3]] != "excellent" {
		t.Fatalf("grades %v", got)
	}
	fin := func(id int64, grade string) *resp {
		return w.do("POST", path+"/finalize", w.rev, map[string]any{"overrides": []any{map[string]any{"cadre_id": id, "grade": grade, "reason": "综合研判"}}})
	}
	for _, o := range []struct {
		id    int64
		grade string
	}{{c[0], "competent"}, {c[1], "basic_competent"}, {c[2], "competent"}} {
		r := fin(o.id, o.grade)
		want(t, r, 409, "grade_forced")
		e := r.JSON()["error"].(map[string]any)
		d := e["details"].([]any)[0].(map[string]any)
		if d["field"] != "flag_id" || !strings.Contains(e["message"].(string), "编号为") {
			t.Fatalf("grade_forced %s", r.Body)
		}
	}
	want(t, fin(c[1], "incompetent"), 200) // the forced grade itself is no change
}

// An annual cycle's period lies inside its year (issue 22 item 7).
func TestAnnualCyclePeriodInsideItsYear(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", cycles, w.rev, with(cycleBody("annual", nil), "period_start", "2023-12-01", "period_end", "2025-01-31"))
	want(t, r, 400, "validation_failed")
	if f := strings.Join(r.Fields(), ","); f != "period_start,period_end" {
		t.Fatalf("fields %s", f)
	}
	want(t, w.do("POST", cycles, w.rev, with(cycleBody("special", nil), "period_start", "2023-12-01")), 201)
	want(t, w.do("POST", cycles, w.rev, with(cycleBody("annual", nil), "period_start", "2024-03-01", "period_end", "2024-09-30")), 201)
}
