package routes_test

import (
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"

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

// BenchmarkVetBatch1000: one batch vetting of 1,000 cadres for promotion
// through the whole request path, among 100,000 cadres with 50,000 flags
// (specific reports among them), a finalized annual cycle grading every one
// of them, and the four checks of SPEC 13: a dossier review of every cadre,
// personal-matters checks of the 30,000 reporting subjects, 80,000 replies
// to integrity-opinion requests and 10,000 pending ones. Figures:
// docs/performance.md.
func BenchmarkVetBatch1000(b *testing.B) {
	w := newWorld(b)
	setup := time.Now()
	ids := seedCadres(b, w.db, w.unitA, 100_000)
	kinds := []string{"clue", "investigation", "audit_finding", "petition", "inquiry", "sanction"}
	statuses := []string{"open", "verifying", "substantiated", "unsubstantiated", "resolved"}
	sources := []string{"discipline", "audit", "petition", "inspection"}
	now := time.Now().UTC()
	rawInsert(b, w.db, "flags", "cadre_id, source, kind, severity, summary, detail, occurred_on, petition_type, is_specific, sanction_type, decided_on, influence_until, status, version, created_by, created_at, updated_at",
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
			return []any{ids[(i*7)%len(ids)], sources[i%len(sources)], kind, sev, "线索", "", "2024-01-01", pt, pt == "report" && i%2 == 0,
				st, on, until, statuses[(i/len(kinds))%len(statuses)], 1, 1, now, now}
		})
	benchChecks(b, w.db, ids, now)
	cycle := models.AppraisalCycle{Name: "2024年度考核", Kind: "annual", Year: 2024, PeriodStart: civil.MustParse("2024-01-01"), PeriodEnd: civil.MustParse("2024-12-31"),
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
	b.Logf("setup: 100,000 cadres, 50,000 flags, 100,000 grades, 240,000 check records in %s", time.Since(setup).Round(time.Millisecond))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Batch vettings are limited to 10 a minute per user (SPEC 3): the
		// test clock moves on so that each run finds its budget.
		w.clock.Add(10 * time.Second)
		r := w.do("POST", "/api/v1/vettings/batch", w.rev, body)
		if r.Status != 200 {
			b.Fatal(r.Status, string(r.Body[:min(len(r.Body), 300)]))
		}
	}
	b.StopTimer()
	var blocked, based int64
	w.db.Model(&models.Vetting{}).Where("verdict = ?", "blocked").Count(&blocked)
	w.db.Model(&models.Vetting{}).Where("basis_integrity_opinion_id IS NOT NULL AND basis_dossier_review_id IS NOT NULL").Count(&based)
	if blocked == 0 || based == 0 {
		b.Fatalf("among %d: %d blocked, %d relying on checks", len(batch), blocked, based)
	}
}

// benchChecks writes the four checks for the benchmark: a review of every
// cadre (one in fifty with a discrepancy), a personal-matters check of each
// reporting subject (three in ten of the cadres), a reply for eight in ten
// (one in twenty negative) and a pending request for one in ten.
func benchChecks(b testing.TB, db *gorm.DB, ids []int64, now time.Time) {
	b.Helper()
	rawInsert(b, db, "dossier_reviews", "cadre_id, reviewed_on, conclusion, note, recorded_by, recorded_by_name, recorded_at",
		len(ids), func(i int) []any {
			return []any{ids[i], "2025-05-01", []string{"pass", "discrepancy"}[min(i%50, 1)^1], "", 1, "rev", now}
		})
	if err := db.Model(&models.Cadre{}).Where("id % 10 < 3").Update("reports_personal_matters", true).Error; err != nil {
		b.Fatal(err)
	}
	subjects := make([]int64, 0, len(ids)*3/10)
	for _, id := range ids {
		if id%10 < 3 {
			subjects = append(subjects, id)
		}
	}
	rawInsert(b, db, "personal_matters_checks", "cadre_id, kind, checked_on, result, family_emigrated, note, recorded_by, recorded_by_name, recorded_at",
		len(subjects), func(i int) []any {
			return []any{subjects[i], "pre_promotion", "2025-04-01", []string{"consistent", "consistent", "omission", "concealment"}[i%4], i%25 == 0, "", 1, "rev", now}
		})
	replied := time.Date(2025, 5, 15, 2, 0, 0, 0, time.UTC)
	rawInsert(b, db, "integrity_opinions", "cadre_id, pending_cadre_id, purpose, note, due_on, status, requested_by, requested_by_name, requested_at, conclusion, text, signed_by, replied_at, late",
		len(ids)*9/10, func(i int) []any {
			c := ids[i]
			if i%9 == 8 {
				return []any{c, c, "promotion", "", "2025-06-10", "pending", 1, "rev", now, nil, "", "", nil, false}
			}
			return []any{c, nil, "promotion", "", "2025-05-20", "replied", 1, "rev", now,
				map[bool]string{false: "no_issue", true: "not_recommended"}[i%20 == 19], "无问题", "纪委书记", replied, false}
		})
}
