package routes_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"efile/models"

	"github.com/xuri/excelize/v2"
)

// workbookText is every cell of every sheet of a workbook body, one row a
// line (the body itself is compressed, so searching its bytes proves nothing).
func workbookText(t *testing.T, body []byte) map[string]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for _, r := range rows {
			sb.WriteString(strings.Join(r, "|") + "\n")
		}
		out[name] = sb.String()
	}
	return out
}

// The e-file's integrity sections (SPEC 10): the flag summary and the five
// newest vettings in the JSON; 廉政情况 and 审核记录 in the workbook, with
// Chinese labels, and never a reporter.
func TestEFileIntegrity(t *testing.T) {
	w := newFlagWorld(t)
	const reporter = "举报人孙八"
	w.fileFlag(w.audPetition, with(clueBody(w.a), "kind", "petition", "petition_type", "report", "reporter", reporter, "summary", "反映其违规兼职"))
	// Decided a month ago: a demerit's 12 months run today.
	decided := w.clock.Now().UTC().AddDate(0, -1, 0)
	san := w.fileFlag(w.auditor, with(clueBody(w.a), "kind", "sanction", "summary", "违规发放津贴",
		"sanction", map[string]any{"type": "demerit", "decided_on": decided.Format(time.DateOnly)}))
	until := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", san), w.rev, nil).JSON()["influence_until"].(string)
	allChecked(t, w.db, w.a, w.clock.Now().UTC().Format(time.DateOnly))
	for i := 0; i < 6; i++ {
		want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.a), w.rev, map[string]any{"purpose": "promotion"}), 201)
	}
	last := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.a), w.rev, map[string]any{"purpose": "transfer",
		"as_of": decided.AddDate(0, 0, -1).Format(time.DateOnly)})
	want(t, last, 201)

	t.Run("json", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", w.a), w.rev, nil)
		want(t, r, 200)
		if bytes.Contains(r.Body, []byte(reporter)) || bytes.Contains(r.Body, []byte("reporter")) {
			t.Fatalf("reporter in the e-file: %s", r.Body)
		}
		m := r.JSON()
		fs := m["flag_summary"].(map[string]any)
		bs := fs["by_source"].(map[string]any)
		if fs["open"].(float64) != 1 || fs["active_sanction"] != true || bs["petition"].(float64) != 1 || bs["discipline"].(float64) != 1 {
			t.Fatalf("flag_summary %v", fs)
		}
		vs := m["vettings"].([]any)
		if len(vs) != 5 {
			t.Fatalf("%d vettings, want the 5 newest", len(vs))
		}
		first := vs[0].(map[string]any)
		if int64(first["id"].(float64)) != last.ID() || first["verdict"] != "caution" || first["checked_by_name"] != "rev" ||
			first["reasons"].([]any)[0].(map[string]any)["rule"] != "open_flag" {
			t.Fatalf("newest vetting %v", first)
		}
		if second := vs[1].(map[string]any); second["verdict"] != "blocked" || len(second["reasons"].([]any)) != 2 {
			t.Fatalf("second %v", second)
		}
	})
	t.Run("workbook", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", w.a), w.rev, nil)
		want(t, r, 200)
		text := workbookText(t, r.Body)
		for name, s := range text {
			if strings.Contains(s, reporter) {
				t.Fatalf("reporter in sheet %s", name)
			}
		}
		flags := text["廉政情况"]
		for _, s := range []string{"信访|信访举报|", "反映其违规兼职", "纪检监察|处分/处理", "生效", "记过（" + decided.Format(time.DateOnly) + "决定，影响期至" + until + "）", "待核查"} {
			if !strings.Contains(flags, s) {
				t.Fatalf("廉政情况 lacks %q:\n%s", s, flags)
			}
		}
		vets := text["审核记录"]
		for _, s := range []string{"交流", "提示关注", "有未办结的问题线索或检举控告：", "暂缓/不宜", "处于处分/处理影响期内：", "rev"} {
			if !strings.Contains(vets, s) {
				t.Fatalf("审核记录 lacks %q:\n%s", s, vets)
			}
		}
		if n := strings.Count(vets, "提拔"); n != 4 {
			t.Fatalf("审核记录 shows %d promotions, want the 4 among the 5 newest:\n%s", n, vets)
		}
	})
	t.Run("reporterNotReadForTheWorkbook", func(t *testing.T) {
		var f models.Flag
		w.db.Where("reporter_enc IS NOT NULL").First(&f)
		rows, err := w.svc.Flags.ForWorkbook(t.Context(), w.a)
		if err != nil || len(rows) != 2 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		for _, r := range rows {
			if r.ReporterEnc != nil || r.Detail != "" {
				t.Fatal("the workbook's query read the reporter or the detail")
			}
		}
		if len(f.ReporterEnc) == 0 {
			t.Fatal("no sealed reporter stored")
		}
	})
}

// TestEFileWorkbookDecisions: 廉政情况 names every source in Chinese (the
// organization department's 诫勉 and measures included) and states what was
// decided on each flag: a sanction with its period, a measure with its type
// and day, a finding with its audit type and responsibility (SPEC 8).
func TestEFileWorkbookDecisions(t *testing.T) {
	w := newFlagWorld(t)
	w.fileFlag(w.rev, with(sanctionBody(w.a, "admonishment", "2025-03-01"), "summary", "履行主体责任不力"))
	w.fileFlag(w.rev, with(clueBody(w.a), "kind", "measure", "summary", "苗头性问题", "measure",
		map[string]any{"type": "reminder_talk", "decided_on": "2025-03-02"}))
	w.fileFlag(w.audAudit, with(clueBody(w.a), "kind", "audit_finding", "summary", "违规决策", "responsibility", "leadership",
		"audit_type", "economic_responsibility", "feedback_on", "2025-04-01"))
	r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", w.a), w.rev, nil)
	want(t, r, 200)
	flags := workbookText(t, r.Body)["廉政情况"]
	for _, s := range []string{"处分、处理或责任", "组织部|处分/处理", "诫勉（2025-03-01决定，影响期至2025-09-01）",
		"组织部|提醒谈话/批评教育/责令检查/通报批评", "提醒谈话（2025-03-02）", "审计|审计发现问题", "经济责任审计，领导责任"} {
		if !strings.Contains(flags, s) {
			t.Errorf("廉政情况 lacks %q:\n%s", s, flags)
		}
	}
	if strings.Contains(flags, "organization") || strings.Contains(flags, "leadership") {
		t.Errorf("廉政情况 prints a code:\n%s", flags)
	}
}
