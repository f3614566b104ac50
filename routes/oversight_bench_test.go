package routes_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"
)

// BenchmarkOversight5000Leaders: the top-leader oversight (SPEC 15) of a
// whole city through the whole request path: 5,000 active top leaders
// among 100,000 cadres in 100 units, with 50,000 flags of every kind and
// status (findings with responsibility, audit type and feedback, sanctions
// in effect, revoked or ended), three finalized annual cycles grading every
// cadre, the four checks of SPEC 13 and 20,000 vettings; and, on the same
// data, the reviewer's alerts (SPEC 14: 5,000 leaders' tenure among them).
// Figures: docs/performance.md.
func BenchmarkOversight5000Leaders(b *testing.B) {
	w := newWorld(b)
	setup := time.Now()
	var ids []int64
	for u := range 100 {
		ids = append(ids, seedCadres(b, w.db, w.unit(fmt.Sprintf("U%03d", u), &w.unitA), 1000)...)
	}
	// One cadre in twenty leads their unit, appointed over twenty years.
	if err := w.db.Exec("UPDATE cadres SET is_top_leader = ?, appointed_on = CASE WHEN id % 3 = 0 THEN '2012-03-01' ELSE '2021-09-01' END WHERE id % 20 = 0", true).Error; err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	type kind struct{ kind, source string }
	kinds := []kind{{"clue", "discipline"}, {"investigation", "discipline"}, {"sanction", "discipline"}, {"audit_finding", "audit"},
		{"inspection_finding", "inspection"}, {"petition", "petition"}, {"inquiry", "discipline"}, {"measure", "organization"}}
	statuses := []string{"open", "verifying", "on_hold", "substantiated", "unsubstantiated", "resolved"}
	rawInsert(b, w.db, "flags", "cadre_id, source, kind, severity, summary, detail, occurred_on, petition_type, sanction_type, decided_on, influence_until, responsibility, audit_type, feedback_on, status, version, created_by, created_at, updated_at",
		50_000, func(i int) []any {
			k := kinds[i%len(kinds)]
			status := statuses[(i/len(kinds))%len(statuses)]
			var pt, st, on, until, resp, at, fb any
			switch k.kind {
			case "petition":
				pt = []string{"report", "appeal", "suggestion"}[i%3]
			case "sanction":
				st, on = "party_warning", fmt.Sprintf("20%02d-06-01", 20+i%6)
				until = fmt.Sprintf("20%02d-06-01", 21+i%6)
				status = []string{"in_effect", "revoked"}[i%5/4]
			case "audit_finding", "inspection_finding":
				resp, fb = []string{"direct", "leadership", "none"}[i%3], "2024-09-01"
				if k.kind == "audit_finding" {
					at = []string{"economic_responsibility", "special", "other"}[i%3]
				}
			case "measure":
				status = "recorded"
			}
			// One flag in four is on a leader.
			c := ids[(i*7)%len(ids)]
			if i%4 == 0 {
				c = ids[(i*20)%len(ids)+19]
			}
			return []any{c, k.source, k.kind, "warning", "线索", "", fmt.Sprintf("20%02d-03-01", 18+i%8), pt, st, on, until, resp, at, fb,
				status, 1, 1, now, now}
		})
	benchChecks(b, w.db, ids, now)
	grades := []string{"excellent", "competent", "competent", "competent", "basic_competent", "incompetent"}
	for y := 2022; y <= 2024; y++ {
		cycle := models.AppraisalCycle{Name: fmt.Sprintf("%d年度考核", y), Kind: "annual", Year: y, PeriodStart: civil.Text(fmt.Sprintf("%d-01-01", y)),
			PeriodEnd: civil.Text(fmt.Sprintf("%d-12-31", y)), ExcellentQuotaPct: 20, Status: "finalized", CreatedBy: 1}
		if err := w.db.Create(&cycle).Error; err != nil {
			b.Fatal(err)
		}
		rawInsert(b, w.db, "appraisal_results", "cycle_id, cadre_id, score, proposed_grade, final_grade, reasons, superior_count, peer_count, subordinate_count, missing, override_reason",
			len(ids), func(i int) []any {
				g := grades[(i+y)%len(grades)]
				return []any{cycle.ID, ids[i], 8000, g, g, "", 1, 1, 1, false, ""}
			})
	}
	rawInsert(b, w.db, "vettings", "cadre_id, purpose, as_of, verdict, reasons, checked_by, checked_at", 20_000, func(i int) []any {
		return []any{ids[(i*13)%len(ids)], "promotion", "2025-01-01", []string{"clear", "caution", "blocked"}[i%3], "[]", w.revID, now}
	})
	if w.driver == "mysql" {
		for tb := range bigTables {
			if err := w.db.Exec("ANALYZE TABLE " + tb).Error; err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("setup: 100,000 cadres (5,000 leaders), 50,000 flags, 300,000 grades, 20,000 vettings and the checks in %s",
		time.Since(setup).Round(time.Millisecond))
	run := func(name, path string, check func(r *resp)) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			// The process's CPU time per request besides the wall time: on a
			// shared machine the wall time says as much about the neighbours.
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op") }()
			for i := 0; i < b.N; i++ {
				// Workbook exports are limited to 30 a minute per user.
				w.clock.Add(3 * time.Second)
				r := w.do("GET", path, w.rev, nil)
				if r.Status != 200 {
					b.Fatal(r.Status, string(r.Body[:min(len(r.Body), 300)]))
				}
				check(r)
			}
		})
	}
	run("json", "/api/v1/oversight/top-leaders", func(r *resp) {
		if n := r.JSON()["summary"].(map[string]any)["leaders"]; n != 5000.0 {
			b.Fatalf("%v leaders", n)
		}
	})
	run("unit", fmt.Sprintf("/api/v1/oversight/top-leaders?unit_id=%d&year=2024", w.unitA), func(*resp) {})
	run("xlsx", "/api/v1/oversight/top-leaders.xlsx", func(*resp) {})
	run("alertsReviewer", "/api/v1/alerts", func(r *resp) {
		if n := r.JSON()["total"]; n.(float64) < 1000 {
			b.Fatalf("total %v", n)
		}
	})
}

// cpuTime is the CPU time (user and system) the test process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
