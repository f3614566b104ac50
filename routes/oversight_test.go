package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"

	"github.com/xuri/excelize/v2"
)

const topLeaders = "/api/v1/oversight/top-leaders"

// oversightWorld: 张三 (unit A, linked to rev_self) and 李四 (unit B) are top
// leaders; 王五 (A1, under A) is one too; a cadre of A who is no leader and
// a retired leader are not counted.
type oversightWorld struct {
	*opinionWorld
	year int
}

func newOversightWorld(t *testing.T) *oversightWorld {
	w := &oversightWorld{opinionWorld: newOpinionWorld(t), year: time.Now().UTC().Year()}
	now := w.clock.Now().UTC()
	w.lead(w.a, now.AddDate(-10, 0, 0).Format(time.DateOnly), "active")
	w.lead(w.b, now.AddDate(-9, 0, 1).Format(time.DateOnly), "active")
	w.lead(w.c, "2019-03-01", "active")
	retired := w.cadre("赵六", idFor("19700104", 4), w.unitA)
	w.lead(retired, "2001-01-01", "retired")
	w.cadre("钱七", idFor("19700105", 5), w.unitA)
	return w
}

func (w *oversightWorld) lead(id int64, appointed, status string) {
	w.t.Helper()
	if err := w.db.Model(&models.Cadre{}).Where("id = ?", id).
		Updates(map[string]any{"is_top_leader": true, "appointed_on": appointed, "status": status}).Error; err != nil {
		w.t.Fatal(err)
	}
}

// annual writes a finalized annual cycle of year with the final grades given.
func (w *oversightWorld) annual(year int, grades map[int64]string) {
	w.t.Helper()
	c := models.AppraisalCycle{Name: fmt.Sprintf("%d年度考核", year), Kind: "annual", Year: year, PeriodStart: civil.Text(fmt.Sprintf("%d-01-01", year)),
		PeriodEnd: civil.Text(fmt.Sprintf("%d-12-31", year)), Status: "finalized", Version: 1, CreatedBy: 1}
	if err := w.db.Create(&c).Error; err != nil {
		w.t.Fatal(err)
	}
	for id, g := range grades {
		if err := w.db.Create(&models.AppraisalResult{CycleID: c.ID, CadreID: id, ProposedGrade: g, FinalGrade: g}).Error; err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *oversightWorld) report(tok, query string) (map[string]any, map[int64]map[string]any) {
	w.t.Helper()
	r := w.do("GET", topLeaders+query, tok, nil)
	want(w.t, r, 200)
	items := map[int64]map[string]any{}
	for _, it := range r.JSON()["items"].([]any) {
		m := it.(map[string]any)
		items[int64(m["cadre_id"].(float64))] = m
	}
	return r.JSON(), items
}

// TestOversightTopLeaders pins SPEC 15: the active top leaders of a unit
// and its sub-units, each with open flags by source, the sanction in
// effect, findings, tenure, the last three annual grades, the last
// personal-matters check and the last vetting; the year bounds flags and
// findings; the summary; who may read it; recusal.
func TestOversightTopLeaders(t *testing.T) {
	w := newOversightWorld(t)
	y, last := w.year, w.year-1
	day := func(year int, md string) string { return fmt.Sprintf("%d-%s", year, md) }
	// Besides the world's open clues (the discipline department's on 张三
	// and 李四, the audit department's on 张三, filed in 2025): 张三 has an
	// open clue last year, an investigation on hold, a report this year, a
	// sanction in effect, findings; 李四 a revoked sanction and one whose
	// influence has ended; 王五 nothing.
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.a, Source: "discipline", Kind: "clue", Status: "open", OccurredOn: civil.Text(day(last, "03-01"))})
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.a, Source: "discipline", Kind: "investigation", Status: "on_hold", OccurredOn: civil.Text(day(last, "04-01"))})
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.a, Source: "petition", Kind: "petition", PetitionType: ptr("report"), Status: "verifying", OccurredOn: civil.Text(w.day(0))})
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.a, Source: "audit", Kind: "clue", Status: "unsubstantiated", OccurredOn: civil.Text(day(last, "05-01"))})
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.a, Source: "discipline", Kind: "sanction", Status: "in_effect", SanctionType: ptr("party_warning"),
		DecidedOn: ptr(civil.Text(w.day(-100))), InfluenceUntil: ptr(civil.Text(w.day(100))), OccurredOn: civil.Text(w.day(-100))})
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.b, Source: "discipline", Kind: "sanction", Status: "revoked", SanctionType: ptr("demerit"),
		DecidedOn: ptr(civil.Text(w.day(-100))), InfluenceUntil: ptr(civil.Text(w.day(100)))})
	flagAt(t, w.opinionWorld, models.Flag{CadreID: w.b, Source: "organization", Kind: "sanction", Status: "in_effect", SanctionType: ptr("admonishment"),
		DecidedOn: ptr(civil.Text(w.day(-200))), InfluenceUntil: ptr(civil.Text(w.day(0)))})
	finding := func(id int64, src, kind, status, resp string, audit *string, occurred string) {
		flagAt(t, w.opinionWorld, models.Flag{CadreID: id, Source: src, Kind: kind, Status: status, Responsibility: &resp, AuditType: audit, OccurredOn: civil.Text(occurred)})
	}
	finding(w.a, "audit", "audit_finding", "substantiated", "direct", ptr("economic_responsibility"), day(last, "06-01"))
	finding(w.a, "inspection", "inspection_finding", "resolved", "leadership", nil, day(last, "07-01"))
	finding(w.a, "audit", "audit_finding", "unsubstantiated", "direct", ptr("economic_responsibility"), day(last, "08-01"))
	finding(w.a, "inspection", "inspection_finding", "substantiated", "direct", nil, w.day(0))
	w.annual(last-3, map[int64]string{w.a: "competent"})
	w.annual(last-2, map[int64]string{w.a: "excellent", w.b: "competent"})
	w.annual(last-1, map[int64]string{w.a: "competent"})
	w.annual(last, map[int64]string{w.a: "basic_competent", w.b: "excellent"})
	// The newest check is the one of the latest day, whatever the order of
	// recording.
	for on, result := range map[string]string{day(last, "09-01"): "omission", day(last, "05-01"): "consistent"} {
		want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", w.a), w.rev,
			map[string]any{"kind": "random", "checked_on": on, "result": result}), 201)
	}
	want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.b), w.rev, map[string]any{"purpose": "transfer"}), 201)

	body, items := w.report(w.rev, "")
	if len(items) != 3 || items[w.a] == nil || items[w.b] == nil || items[w.c] == nil || body["year"] != float64(y) {
		t.Fatalf("leaders: %s", must(t, body))
	}
	a, b, c := items[w.a], items[w.b], items[w.c]
	if a["name"] != "张三" || a["unit_id"] != float64(w.unitA) || a["unit_name"] == "" || a["position"] != "科长" || a["tenure_years"] != 10.0 ||
		b["tenure_years"] != 8.0 {
		t.Fatalf("张三 %v; 李四 %v", a, b)
	}
	wantJSON(t, "张三's open flags", a["open_flags"], `{"audit":1,"discipline":3,"inspection":0,"organization":0,"petition":1}`)
	wantJSON(t, "张三's findings", a["findings"], `{"direct":2,"economic_responsibility":1,"leadership":1,"unrectified":2}`)
	wantJSON(t, "张三's grades", a["grades"], fmt.Sprintf(`[{"grade":"basic_competent","year":%d},{"grade":"competent","year":%d},{"grade":"excellent","year":%d}]`, last, last-1, last-2))
	wantJSON(t, "张三's check", a["last_personal_matters_check"], fmt.Sprintf(`{"checked_on":"%s","result":"omission"}`, day(last, "09-01")))
	if a["active_sanction"] != true || b["active_sanction"] != false || a["last_vetting"] != nil || c["last_personal_matters_check"] != nil {
		t.Fatalf("张三 %v; 李四 %v", a, b)
	}
	if v, _ := b["last_vetting"].(map[string]any); v == nil || v["verdict"] == "" || v["checked_at"] == "" {
		t.Fatalf("李四's vetting: %v", b)
	}
	wantJSON(t, "summary", body["summary"], `{"grades":{"basic_competent":1,"excellent":1},"leaders":3,"tenure_9y_or_more":1,"with_active_sanction":1,"with_open_flags":2,"with_unrectified_findings":1}`)

	// Last year: this year's flags and findings are left out, the grades
	// are those of last year or before, sanctions and tenure measured at
	// its end.
	body, items = w.report(w.rev, fmt.Sprintf("?year=%d", last))
	wantJSON(t, "last year's open flags", items[w.a]["open_flags"], `{"audit":1,"discipline":3,"inspection":0,"organization":0,"petition":0}`)
	wantJSON(t, "last year's findings", items[w.a]["findings"], `{"direct":1,"economic_responsibility":1,"leadership":1,"unrectified":1}`)
	if items[w.a]["tenure_years"] != 9.0 || body["as_of"] != day(last, "12-31") {
		t.Fatalf("last year: %s", must(t, body))
	}
	_, items = w.report(w.rev, fmt.Sprintf("?year=%d", last-2))
	wantJSON(t, "grades two years back", items[w.a]["grades"], fmt.Sprintf(`[{"grade":"excellent","year":%d},{"grade":"competent","year":%d}]`, last-2, last-3))

	// A unit and its sub-units.
	if _, items = w.report(w.rev, fmt.Sprintf("?unit_id=%d", w.unitA)); len(items) != 2 || items[w.a] == nil || items[w.c] == nil {
		t.Fatalf("unit A: %v", items)
	}
	if _, items = w.report(w.rev, fmt.Sprintf("?unit_id=%d", w.unitB)); len(items) != 1 || items[w.b] == nil {
		t.Fatalf("unit B: %v", items)
	}
	if _, items = w.report(w.rev, "?unit_id=99999"); len(items) != 0 {
		t.Fatalf("no unit: %v", items)
	}
	// Recusal: the reviewer linked to 张三 reads the others only.
	if body, items = w.report(w.selfReviewer, ""); len(items) != 2 || items[w.a] != nil || body["summary"].(map[string]any)["leaders"] != 2.0 {
		t.Fatalf("recused: %v", items)
	}
	for _, q := range []string{"?year=1948", "?year=x", "?unit_id=0", "?unit_id=a"} {
		want(t, w.do("GET", topLeaders+q, w.rev, nil), 400, "validation_failed")
	}
	for _, tok := range []string{w.evalA, w.auditor, w.audAudit, w.admin, w.secAuditor} {
		want(t, w.do("GET", topLeaders, tok, nil), 403, "forbidden")
		want(t, w.do("GET", topLeaders+".xlsx", tok, nil), 403, "forbidden")
	}
}

// TestOversightWorkbook: the workbook has a row per leader and the summary
// on a second sheet, printed A4 landscape with the titles repeated and page
// numbers. Set EFILE_SAMPLE_XLSX to keep it (docs/oversight-workbook.png, rendered with LibreOffice).
func TestOversightWorkbook(t *testing.T) {
	w := newOversightWorld(t)
	r := w.do("GET", topLeaders+".xlsx", w.rev, nil)
	want(t, r, 200)
	if !strings.Contains(r.Header.Get("Content-Disposition"), "top-leaders-") {
		t.Fatalf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
	}
	if path := os.Getenv("EFILE_SAMPLE_XLSX"); path != "" {
		if err := os.WriteFile(path, r.Body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "一把手监督" || got[1] != "汇总" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("一把手监督")
	if err != nil {
		t.Fatal(err)
	}
	// The title, the header, three leaders.
	if len(rows) != 5 || rows[1][2] != "姓名" || rows[2][2] != "张三" || rows[4][2] != "王五" {
		t.Fatalf("rows %q", rows)
	}
	titles := 0
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles++
		}
	}
	for _, s := range []string{"一把手监督", "汇总"} {
		o, err := f.GetPageLayout(s)
		if err != nil || o.Orientation == nil || *o.Orientation != "landscape" || o.Size == nil || *o.Size != 9 {
			t.Fatalf("%s: page layout %+v %v", s, o, err)
		}
		hf, err := f.GetHeaderFooter(s)
		if err != nil || hf == nil || !strings.Contains(hf.OddFooter, "&P") {
			t.Fatalf("%s: footer %+v %v", s, hf, err)
		}
	}
	if titles != 2 {
		t.Fatalf("print titles on %d sheets, want 2", titles)
	}
	sum, _ := f.GetRows("汇总")
	if len(sum) < 3 || sum[2][0] != "一把手总数" || sum[2][1] != "3" {
		t.Fatalf("summary %q", sum)
	}
}

// TestOversightStatements: the report costs the same statements for 3
// leaders as for 60, each with flags, grades, checks and vettings.
func TestOversightStatements(t *testing.T) {
	w := newOpinionWorld(t)
	stmts := countStatements(t, w.db)
	seed := func(n int) int64 {
		u := w.unit(fmt.Sprintf("U%d", n), nil)
		ids := seedCadres(t, w.db, u, n)
		grades := map[int64]string{}
		for _, id := range ids {
			if err := w.db.Model(&models.Cadre{}).Where("id = ?", id).Update("is_top_leader", true).Error; err != nil {
				t.Fatal(err)
			}
			flagAt(t, w, models.Flag{CadreID: id, Source: "discipline", Kind: "clue", Status: "open"})
			flagAt(t, w, models.Flag{CadreID: id, Source: "audit", Kind: "audit_finding", Status: "substantiated", Responsibility: ptr("direct")})
			grades[id] = "competent"
			want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", id), w.rev, map[string]any{"purpose": "transfer"}), 201)
			want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", id), w.rev,
				map[string]any{"kind": "random", "checked_on": "2025-01-02", "result": "consistent"}), 201)
		}
		(&oversightWorld{opinionWorld: w}).annual(2024, grades)
		before := stmts.Load()
		r := w.do("GET", fmt.Sprintf("%s?unit_id=%d", topLeaders, u), w.rev, nil)
		want(t, r, 200)
		if got := r.JSON()["summary"].(map[string]any)["leaders"]; got != float64(n) {
			t.Fatalf("%v leaders, want %d", got, n)
		}
		return stmts.Load() - before
	}
	if few, many := seed(3), seed(60); few != many {
		t.Fatalf("statements: %d for 3 leaders, %d for 60", few, many)
	} else {
		t.Logf("oversight: %d statements whatever the number of leaders (authentication and the access log included)", many)
	}
}

func must(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantJSON compares v, as JSON (object keys sorted), with the text want.
func wantJSON(t *testing.T, what string, v any, want string) {
	t.Helper()
	if got := must(t, v); got != want {
		t.Fatalf("%s: %s, want %s", what, got, want)
	}
}
