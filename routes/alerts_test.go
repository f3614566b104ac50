package routes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"
)

// alertItems reads the caller's alerts (in zh unless lang says otherwise)
// and returns the items of kind (every item when kind is "") and the total.
func alertItems(t *testing.T, a *app, tok, kind string, lang ...string) ([]map[string]any, float64) {
	t.Helper()
	hdr := map[string]string{"Authorization": "Bearer " + tok}
	if len(lang) > 0 {
		hdr["Accept-Language"] = lang[0]
	}
	r := a.raw("GET", "/api/v1/alerts", "", nil, hdr)
	if r.Status == 500 {
		t.Log(a.logs.String())
	}
	want(t, r, 200)
	var out []map[string]any
	for _, it := range r.JSON()["items"].([]any) {
		if m := it.(map[string]any); kind == "" || m["kind"] == kind {
			out = append(out, m)
		}
	}
	return out, r.JSON()["total"].(float64)
}

// oneAlert is the one alert of kind the caller has, failing otherwise.
func oneAlert(t *testing.T, a *app, tok, kind string) map[string]any {
	t.Helper()
	items, _ := alertItems(t, a, tok, kind)
	if len(items) != 1 {
		t.Fatalf("%d alerts of kind %s, want 1: %v", len(items), kind, items)
	}
	return items[0]
}

func noAlert(t *testing.T, a *app, tok, kind string) {
	t.Helper()
	if items, _ := alertItems(t, a, tok, kind); len(items) != 0 {
		t.Fatalf("alerts of kind %s, want none: %v", kind, items)
	}
}

func wantAlert(t *testing.T, it map[string]any, severity, due string, ids ...any) {
	t.Helper()
	if it["severity"] != severity || it["due_on"] != due {
		t.Fatalf("alert %v: want severity %s due %s", it, severity, due)
	}
	for i := 0; i+1 < len(ids); i += 2 {
		if it[ids[i].(string)] != float64(ids[i+1].(int64)) {
			t.Fatalf("alert %v: want %s %d", it, ids[i], ids[i+1])
		}
	}
	if m, _ := it["message"].(string); !isHan(m) {
		t.Fatalf("alert %v: a message in Chinese by default", it)
	}
}

func isHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestAlertsWho: alerts are for every role but admin and security_auditor
// (403); someone with nothing to be told of gets an empty list.
func TestAlertsWho(t *testing.T) {
	w := newFlagWorld(t)
	for _, tok := range []string{w.admin, w.secAuditor} {
		want(t, w.do("GET", "/api/v1/alerts", tok, nil), 403, "forbidden")
	}
	want(t, w.do("GET", "/api/v1/alerts", "", nil), 401)
	for _, tok := range []string{w.rev, w.evalA, w.auditor, w.audAudit, w.audPetition} {
		r := w.do("GET", "/api/v1/alerts", tok, nil)
		want(t, r, 200)
		if items := r.JSON()["items"].([]any); len(items) != 0 || r.JSON()["total"] != 0.0 {
			t.Fatalf("alerts of an empty world: %s", r.Body)
		}
	}
}

// TestAlertsAppraisals: an evaluator hears of the open cycles in which they
// have appraisals to submit (one item per cycle, with the count; a warning
// from 7 days before period_end); the reviewer of the open cycles whose
// period ends within 7 days or has ended (serious once ended) with
// appraisals missing, but not of those on their own cadre record.
func TestAlertsAppraisals(t *testing.T) {
	w := newOpinionWorld(t)
	evID, evTok := w.user("ev_alert", []string{"evaluator"}, &w.unitA, nil)
	year := w.clock.Now().UTC().Year()
	r := w.do("POST", cycles, w.rev, map[string]any{"name": "专项考核", "kind": "special", "year": year,
		"period_start": fmt.Sprintf("%d-01-01", year), "period_end": fmt.Sprintf("%d-12-31", year)})
	want(t, r, 201)
	cycleID := r.ID()
	path := fmt.Sprintf("%s/%d", cycles, cycleID)
	w.assign(path, evID, w.a, "superior")
	w.assign(path, evID, w.b, "superior")
	setEnd := func(days int) string {
		end := w.day(days)
		if err := w.db.Model(&models.AppraisalCycle{}).Where("id = ?", cycleID).Update("period_end", end).Error; err != nil {
			t.Fatal(err)
		}
		return end
	}
	end := setEnd(8)
	noAlert(t, w.app, evTok, "appraisals_due") // a draft cycle
	w.move(path, "open")

	it := oneAlert(t, w.app, evTok, "appraisals_due")
	wantAlert(t, it, "info", end, "cycle_id", cycleID, "count", int64(2))
	if !strings.Contains(it["message"].(string), "专项考核") {
		t.Fatalf("the message names the cycle: %v", it)
	}
	noAlert(t, w.app, w.rev, "raters_missing") // 8 days before the end
	noAlert(t, w.app, w.evalA, "appraisals_due")

	want(t, w.submit(path, evTok, w.b, uniform(80)), 201)
	end = setEnd(7)
	wantAlert(t, oneAlert(t, w.app, evTok, "appraisals_due"), "warning", end, "cycle_id", cycleID, "count", int64(1))
	wantAlert(t, oneAlert(t, w.app, w.rev, "raters_missing"), "warning", end, "cycle_id", cycleID, "count", int64(1))
	// The one appraisal missing is on the reviewer's own record: recusal.
	noAlert(t, w.app, w.selfReviewer, "raters_missing")

	end = setEnd(-1)
	wantAlert(t, oneAlert(t, w.app, w.rev, "raters_missing"), "serious", end, "cycle_id", cycleID, "count", int64(1))
	wantAlert(t, oneAlert(t, w.app, evTok, "appraisals_due"), "warning", end)
	for _, tok := range []string{w.auditor, w.audAudit} {
		noAlert(t, w.app, tok, "")
	}

	want(t, w.submit(path, evTok, w.a, uniform(80)), 201)
	noAlert(t, w.app, evTok, "appraisals_due")
	noAlert(t, w.app, w.rev, "raters_missing")
}

// TestAlertsOpinions: the discipline department hears of pending requests
// (info, a warning within 3 days of due_on); once overdue, the discipline
// department and the reviewers hear of it (serious); nobody of a request
// about their own record, and no other auditor of any.
func TestAlertsOpinions(t *testing.T) {
	w := newOpinionWorld(t)
	ra, rb := w.ask(w.a, 10), w.ask(w.b, 4)
	items, total := alertItems(t, w.app, w.auditor, "opinion_pending")
	if len(items) != 2 || total != 2 {
		t.Fatalf("pending: %v (total %v)", items, total)
	}
	wantAlert(t, items[0], "info", w.day(4), "request_id", rb, "cadre_id", w.b) // the earliest due first
	wantAlert(t, items[1], "info", w.day(10), "request_id", ra, "cadre_id", w.a)
	if !strings.Contains(items[0]["message"].(string), "李四") {
		t.Fatalf("the message names the cadre: %v", items[0])
	}
	if en, _ := alertItems(t, w.app, w.auditor, "opinion_pending", "en"); !strings.Contains(en[0]["message"].(string), "integrity opinion on 李四") {
		t.Fatalf("English: %v", en[0])
	}
	// The auditor linked to 张三 hears only of 李四's request.
	wantAlert(t, oneAlert(t, w.app, w.selfAuditor, "opinion_pending"), "info", w.day(4), "request_id", rb)
	for _, tok := range []string{w.rev, w.audAudit, w.audPetition, w.evalA} {
		noAlert(t, w.app, tok, "opinion_pending")
		noAlert(t, w.app, tok, "opinion_overdue")
	}

	w.later(24 * time.Hour) // 李四's is due in 3 days: a warning
	items, _ = alertItems(t, w.app, w.auditor, "opinion_pending")
	wantAlert(t, items[0], "warning", w.day(3), "request_id", rb)
	wantAlert(t, items[1], "info", w.day(9), "request_id", ra)

	w.later(4 * 24 * time.Hour) // 李四's is a day overdue
	for _, tok := range []string{w.auditor, w.rev, w.selfAuditor, w.selfReviewer} {
		wantAlert(t, oneAlert(t, w.app, tok, "opinion_overdue"), "serious", w.day(-1), "request_id", rb, "cadre_id", w.b)
	}
	w.later(6 * 24 * time.Hour) // both overdue: the recused see only 李四's
	for tok, n := range map[string]int{w.auditor: 2, w.rev: 2, w.selfAuditor: 1, w.selfReviewer: 1, w.audAudit: 0} {
		if items, _ := alertItems(t, w.app, tok, "opinion_overdue"); len(items) != n {
			t.Fatalf("overdue: %v, want %d", items, n)
		}
	}
	noAlert(t, w.app, w.auditor, "opinion_pending")
	want(t, w.reply(w.auditor, rb, replyBody()), 200)
	wantAlert(t, oneAlert(t, w.app, w.rev, "opinion_overdue"), "serious", w.day(-1), "request_id", ra)
}

// flagAt writes a flag as its department would have filed it on cadreID,
// with the fields f sets (raw: the dates lie in the past).
func flagAt(t *testing.T, w *opinionWorld, f models.Flag) int64 {
	t.Helper()
	if f.Severity == "" {
		f.Severity = "warning"
	}
	if f.OccurredOn.IsZero() {
		f.OccurredOn = civil.Text(w.day(-200))
	}
	f.Summary, f.CreatedBy, f.Version = "问题", 1, 1
	if err := w.db.Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	return f.ID
}

// TestAlertsFlags: sanctions whose influence ends within 30 days (the
// reviewers, info); appeals and suggestions open 60 days after they were
// filed (the petition department, warning); findings substantiated and not
// rectified past their period from feedback_on, inspection 60 days, audit
// 90 (their department, warning). Each department hears only of its own
// flags, nobody of flags on their own record.
func TestAlertsFlags(t *testing.T) {
	w := newOpinionWorld(t)
	_, audInsp := w.user("aud_insp", []string{"auditor"}, nil, ptr("inspection"))
	sanction := func(cadre int64, status string, until int) int64 {
		return flagAt(t, w, models.Flag{CadreID: cadre, Source: "discipline", Kind: "sanction", Status: status,
			SanctionType: ptr("party_warning"), DecidedOn: ptr(civil.Text(w.day(-300))), InfluenceUntil: ptr(civil.Text(w.day(until)))})
	}
	ending := sanction(w.b, "in_effect", 30)
	sanction(w.b, "in_effect", 31)
	sanction(w.b, "in_effect", 0) // ended today: influence_until is the first free day
	sanction(w.b, "revoked", 10)
	endingA := sanction(w.a, "in_effect", 1)
	items, _ := alertItems(t, w.app, w.rev, "influence_ending")
	if len(items) != 2 {
		t.Fatalf("influence_ending: %v", items)
	}
	wantAlert(t, items[0], "info", w.day(1), "flag_id", endingA, "cadre_id", w.a)
	wantAlert(t, items[1], "info", w.day(30), "flag_id", ending, "cadre_id", w.b)
	wantAlert(t, oneAlert(t, w.app, w.selfReviewer, "influence_ending"), "info", w.day(30), "flag_id", ending)
	for _, tok := range []string{w.auditor, w.audPetition, w.evalA} {
		noAlert(t, w.app, tok, "influence_ending")
	}

	petition := func(cadre int64, source, typ, status string, filed int) int64 {
		return flagAt(t, w, models.Flag{CadreID: cadre, Source: source, Kind: "petition", Status: status,
			PetitionType: ptr(typ), OccurredOn: civil.Text(w.day(filed))})
	}
	stale := petition(w.b, "petition", "appeal", "open", -60)
	staleA := petition(w.a, "petition", "suggestion", "on_hold", -61)
	petition(w.b, "petition", "suggestion", "verifying", -59)
	petition(w.b, "petition", "report", "open", -100) // reports follow the discipline rules
	petition(w.b, "petition", "appeal", "resolved", -100)
	petition(w.b, "discipline", "appeal", "open", -100) // another department's
	items, _ = alertItems(t, w.app, w.audPetition, "petition_stale")
	if len(items) != 2 {
		t.Fatalf("petition_stale: %v", items)
	}
	wantAlert(t, items[0], "warning", w.day(-1), "flag_id", staleA, "cadre_id", w.a)
	wantAlert(t, items[1], "warning", w.day(0), "flag_id", stale, "cadre_id", w.b)
	for _, tok := range []string{w.rev, w.auditor, w.audAudit} {
		noAlert(t, w.app, tok, "petition_stale")
	}

	finding := func(cadre int64, source, kind, status string, feedback int) int64 {
		return flagAt(t, w, models.Flag{CadreID: cadre, Source: source, Kind: kind, Status: status, FeedbackOn: ptr(civil.Text(w.day(feedback))),
			Responsibility: ptr("direct")})
	}
	auditLate := finding(w.b, "audit", "audit_finding", "substantiated", -91)
	finding(w.b, "audit", "audit_finding", "substantiated", -90) // due today
	finding(w.b, "audit", "audit_finding", "resolved", -200)
	finding(w.b, "audit", "audit_finding", "verifying", -200)
	inspLate := finding(w.a, "inspection", "inspection_finding", "substantiated", -61)
	finding(w.a, "inspection", "inspection_finding", "substantiated", -60)
	flagAt(t, w, models.Flag{CadreID: w.b, Source: "audit", Kind: "audit_finding", Status: "substantiated"}) // no feedback_on: never due
	wantAlert(t, oneAlert(t, w.app, w.audAudit, "rectification_pending"), "warning", w.day(-1), "flag_id", auditLate, "cadre_id", w.b)
	wantAlert(t, oneAlert(t, w.app, audInsp, "rectification_pending"), "warning", w.day(-1), "flag_id", inspLate, "cadre_id", w.a)
	for _, tok := range []string{w.rev, w.auditor, w.audPetition} {
		noAlert(t, w.app, tok, "rectification_pending")
	}
	// Recusal: an inspection auditor linked to 张三 hears nothing of his finding.
	selfInsp := w.linked("insp_self", "auditor", ptr("inspection"), w.a)
	noAlert(t, w.app, selfInsp, "rectification_pending")
}

// TestAlertsTenure: top leaders in post 9 years or more (warning; serious
// from 10, due on the tenth anniversary), active ones only, never about
// the reviewer's own record; at most 200 items, the most urgent first,
// the total counting all, in a fixed number of statements.
func TestAlertsTenure(t *testing.T) {
	w := newOpinionWorld(t)
	now := w.clock.Now().UTC()
	ago := func(years, days int) string { return now.AddDate(-years, 0, days).Format(time.DateOnly) }
	leader := func(id int64, appointed, status string) {
		if err := w.db.Model(&models.Cadre{}).Where("id = ?", id).
			Updates(map[string]any{"is_top_leader": true, "appointed_on": appointed, "status": status}).Error; err != nil {
			t.Fatal(err)
		}
	}
	leader(w.a, ago(10, 0), "active")
	leader(w.b, ago(9, 0), "active")
	wantAlert(t, oneAlert(t, w.app, w.selfReviewer, "top_leader_tenure"), "warning", ago(-1, 0), "cadre_id", w.b)
	items, _ := alertItems(t, w.app, w.rev, "top_leader_tenure")
	if len(items) != 2 {
		t.Fatalf("tenure: %v", items)
	}
	wantAlert(t, items[0], "serious", ago(0, 0), "cadre_id", w.a)
	wantAlert(t, items[1], "warning", ago(-1, 0), "cadre_id", w.b)
	for _, tok := range []string{w.auditor, w.evalA, w.audAudit} {
		noAlert(t, w.app, tok, "top_leader_tenure")
	}
	leader(w.b, ago(9, 1), "active")
	leader(w.a, ago(20, 0), "retired")
	noAlert(t, w.app, w.rev, "top_leader_tenure")

	stmts := countStatements(t, w.db)
	count := func() (int64, []map[string]any, float64) {
		before := stmts.Load()
		items, total := alertItems(t, w.app, w.rev, "")
		return stmts.Load() - before, items, total
	}
	few := seedCadres(t, w.db, w.unitB, 3)
	for _, id := range few {
		leader(id, ago(12, 0), "active")
	}
	n1, _, _ := count()
	many := seedCadres(t, w.db, w.unitB, 250)
	for i, id := range many {
		leader(id, ago(9, -i), "active")
	}
	n2, items, total := count()
	if n1 != n2 {
		t.Fatalf("statements: %d for 3 leaders, %d for 253", n1, n2)
	}
	if len(items) != 200 || total != 253 {
		t.Fatalf("%d items, total %v; want 200 of 253", len(items), total)
	}
	for i, it := range items[:3] {
		if it["severity"] != "serious" || it["cadre_id"] != float64(few[i]) {
			t.Fatalf("item %d: %v, want the serious ones first", i, it)
		}
	}
	if items[3]["severity"] != "warning" || items[3]["cadre_id"] != float64(many[len(many)-1]) {
		t.Fatalf("then the longest in post: %v", items[3])
	}
}
