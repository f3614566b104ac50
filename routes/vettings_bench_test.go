package routes_test

import (
	"strings"
	"testing"
	"time"

	"efile/models"

	"gorm.io/gorm"
)

// rawInsert writes rows of one table in batches of multi-row INSERTs inside
// one transaction: row(i) returns the values of row i.
func rawInsert(b testing.TB, db *gorm.DB, table, cols string, n int, row func(i int) []any) {
	b.Helper()
	ncol := len(strings.Split(cols, ","))
	const batch = 500
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
	err := db.Transaction(func(tx *gorm.DB) error {
		for start := 0; start < n; start += batch {
			end := min(start+batch, n)
			vals := make([]string, 0, end-start)
			args := make([]any, 0, (end-start)*ncol)
			for i := start; i < end; i++ {
				vals = append(vals, one)
				args = append(args, row(i)...)
			}
			if err := tx.Exec("INSERT INTO "+table+" ("+cols+") VALUES "+strings.Join(vals, ","), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkVetBatch1000: one batch vetting of 1,000 cadres through the
// whole request path, among 100,000 cadres with 50,000 flags and a
// finalized annual cycle grading every one of them. Figures:
// docs/performance.md.
func BenchmarkVetBatch1000(b *testing.B) {
	w := newWorld(b)
	setup := time.Now()
	ids := seedCadres(b, w.db, w.unitA, 100_000)
	kinds := []string{"clue", "investigation", "audit_finding", "petition", "inquiry", "sanction"}
	statuses := []string{"open", "verifying", "substantiated", "unsubstantiated", "resolved"}
	sources := []string{"discipline", "audit", "petition", "inspection"}
	now := time.Now().UTC()
	rawInsert(b, w.db, "flags", "cadre_id, source, kind, severity, summary, detail, occurred_on, petition_type, sanction_type, decided_on, influence_until, status, version, created_by, created_at, updated_at",
		50_000, func(i int) []any {
			kind := kinds[i%len(kinds)]
			var pt, st, on, until any
			switch kind {
			case "petition":
				pt = []string{"report", "appeal", "suggestion"}[i%3]
			case "sanction":
				st, on, until = "demerit", "2024-09-01", "2025-09-01"
			}
			sev := []string{"info", "warning", "serious"}[i%3]
			return []any{ids[(i*7)%len(ids)], sources[i%len(sources)], kind, sev, "线索", "", "2024-01-01", pt, st, on, until,
				statuses[(i/len(kinds))%len(statuses)], 1, 1, now, now}
		})
	cycle := models.AppraisalCycle{Name: "2024年度考核", Kind: "annual", Year: 2024, PeriodStart: "2024-01-01", PeriodEnd: "2024-12-31",
		ExcellentQuotaPct: 20, Status: "finalized", CreatedBy: 1}
	if err := w.db.Create(&cycle).Error; err != nil {
		b.Fatal(err)
	}
	grades := []string{"excellent", "competent", "competent", "competent", "basic_competent", "incompetent"}
	rawInsert(b, w.db, "appraisal_results", "cycle_id, cadre_id, score, proposed_grade, final_grade, reasons, superior_count, peer_count, subordinate_count, missing, override_reason",
		len(ids), func(i int) []any {
			g := grades[i%len(grades)]
			return []any{cycle.ID, ids[i], 8000, g, g, "", 1, 1, 1, false, ""}
		})
	batch := make([]int64, 1000)
	for i := range batch {
		batch[i] = ids[i*97%len(ids)]
	}
	body := map[string]any{"cadre_ids": batch, "purpose": "promotion", "as_of": "2025-06-01"}
	b.Logf("setup: 100,000 cadres, 50,000 flags, 100,000 grades in %s", time.Since(setup).Round(time.Millisecond))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := w.do("POST", "/api/v1/vettings/batch", w.rev, body)
		if r.Status != 200 {
			b.Fatal(r.Status, string(r.Body[:min(len(r.Body), 300)]))
		}
	}
	b.StopTimer()
	var blocked int64
	w.db.Model(&models.Vetting{}).Where("verdict = ?", "blocked").Count(&blocked)
	if blocked == 0 {
		b.Fatalf("no batch found a blocked cadre among %d", len(batch))
	}
}
