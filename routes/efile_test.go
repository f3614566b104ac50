package routes_test

import (
	"bytes"
	"fmt"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"
)

// countQueries counts the SELECTs run on db from now on.
func countQueries(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	n := &atomic.Int64{}
	inc := func(*gorm.DB) { n.Add(1) }
	if err := db.Callback().Query().After("gorm:query").Register("test:count_query", inc); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Row().After("gorm:row").Register("test:count_row", inc); err != nil {
		t.Fatal(err)
	}
	return n
}

func addRecords(t testing.TB, db *gorm.DB, cadreID int64, n int) {
	t.Helper()
	cats := []string{"political", "duty", "major_task", "conduct", "integrity", "commendation", "shortcoming"}
	rs := make([]models.Record, n)
	day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rs {
		rs[i] = models.Record{CadreID: cadreID, OccurredOn: civil.Of(day.AddDate(0, 0, i%3000), time.UTC), Category: cats[i%len(cats)],
			Content: fmt.Sprintf("记录 %d", i), RecordedBy: 1, RecordedByName: "系统", RecordedAt: time.Now().UTC()}
	}
	if err := db.CreateInBatches(rs, 500).Error; err != nil {
		t.Fatal(err)
	}
}

func TestEFile(t *testing.T) {
	w := newWorld(t)
	small := w.cadre("张三", idFor("19800101", 1), w.unitA)
	big := w.cadre("李四", idFor("19800102", 2), w.unitA)
	addRecords(t, w.db, small, 10)
	addRecords(t, w.db, big, 10000)
	r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", small), w.rev, map[string]any{"occurred_on": "2030-01-01", "category": "duty", "content": "x"})
	want(t, r, 400) // future
	t.Run("shape", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", small), w.rev, nil)
		want(t, r, 200)
		m := r.JSON()
		cd := m["cadre"].(map[string]any)
		if cd["name"] != "张三" || cd["id_number"] != idFor("19800101", 1) {
			t.Fatalf("cadre %v", cd)
		}
		counts := m["record_counts"].(map[string]any)
		if len(counts) != 7 || counts["political"].(float64) != 2 || counts["duty"].(float64) != 2 || counts["shortcoming"].(float64) != 1 {
			t.Fatalf("counts %v", counts)
		}
		if n := len(m["recent_records"].([]any)); n != 10 {
			t.Fatalf("%d recent", n)
		}
		if len(m["appraisals"].([]any)) != 0 || len(m["vettings"].([]any)) != 0 {
			t.Fatalf("body %s", r.Body)
		}
		fs := m["flag_summary"].(map[string]any)
		if fs["open"].(float64) != 0 || fs["active_sanction"] != false || len(fs["by_source"].(map[string]any)) != 5 {
			t.Fatalf("flag_summary %v", fs)
		}
	})
	t.Run("recentAtMost20NewestFirst", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", big), w.rev, nil)
		want(t, r, 200)
		recent := r.JSON()["recent_records"].([]any)
		if len(recent) != 20 || recent[0].(map[string]any)["occurred_on"].(string) < recent[19].(map[string]any)["occurred_on"].(string) {
			t.Fatalf("recent %d", len(recent))
		}
		if r.JSON()["record_counts"].(map[string]any)["political"].(float64) != 1429 {
			t.Fatalf("counts %v", r.JSON()["record_counts"])
		}
	})
	t.Run("boundedQueries", func(t *testing.T) {
		n := countQueries(t, w.db)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", small), w.rev, nil), 200)
		few := n.Swap(0)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", big), w.rev, nil), 200)
		many := n.Swap(0)
		// 15: main's 12, and the newest of each of the four checks' three
		// kinds (SPEC 13: services/checks.Latest, one query each).
		if few != many || many > 15 {
			t.Fatalf("queries: %d for 10 records, %d for 10,000", few, many)
		}
		t.Logf("e-file: %d queries whatever the number of records", many)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", small), w.rev, nil), 200)
		few = n.Swap(0)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", big), w.rev, nil), 200)
		many = n.Swap(0)
		// 17: main's 14, and every record of the four checks' three kinds
		// for 审核记录 (services/checks.All, one query each).
		if few != many || many > 17 {
			t.Fatalf("workbook queries: %d for 10 records, %d for 10,000", few, many)
		}
		t.Logf("e-file workbook: %d queries whatever the number of records", many)
	})
	t.Run("scope", func(t *testing.T) {
		wantPolicy(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", small), w.evalA, nil), "GET /api/v1/cadres/:id/efile", "evaluator")
		want(t, w.do("GET", "/api/v1/cadres/9999/efile", w.rev, nil), 404, "not_found")
		want(t, w.do("GET", "/api/v1/cadres/9999/efile.xlsx", w.rev, nil), 404, "not_found")
	})
	t.Run("workbook", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", big), w.rev, nil)
		want(t, r, 200)
		if r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("headers %v", r.Header)
		}
		// RFC 6266: the Chinese name in filename*, an ASCII one for old clients.
		day := w.clock.Now().UTC().Format("20060102")
		wantCD := fmt.Sprintf(`attachment; filename="efile-%d-%s.xlsx"; filename*=UTF-8''%s`, big, day,
			url.QueryEscape("干部现实表现电子档案-李四-"+day+".xlsx"))
		if got := r.Header.Get("Content-Disposition"); got != wantCD {
			t.Fatalf("Content-Disposition = %s, want %s", got, wantCD)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := fmt.Sprint(f.GetSheetList()); got != "[基本信息 现实表现 考核评价 廉政情况 审核记录]" {
			t.Fatalf("sheets %s", got)
		}
		rows, err := f.GetRows("现实表现") // the title row, the header row, a row per record
		if err != nil || len(rows) != 10002 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
	})
	t.Run("readsLoggedWithCadre", func(t *testing.T) {
		found := 0
		for _, e := range w.entries() {
			if e.Path == fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", big) && e.Status == 200 {
				if e.CadreID == nil || *e.CadreID != big {
					t.Fatal("export entry without cadre id")
				}
				found++
			}
		}
		if found != 2 { // the download here and the one counting queries
			t.Fatalf("%d export entries", found)
		}
	})
}
