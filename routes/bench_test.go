package routes_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/civil"
	"efile/services/unit"
)

// Benchmarks of the request path with everything real: JWT, the user and
// roles loaded from the database, casbin, scope in the query, the
// access-log entry written before the response. Figures: docs/performance.md.

func BenchmarkReadCadre(b *testing.B) {
	w := newWorld(b)
	id := w.cadre("张三", idFor("19800101", 1), w.unitA)
	path := fmt.Sprintf("/api/v1/cadres/%d", id)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := w.do("GET", path, w.rev, nil); r.Status != 200 {
			b.Fatal(r.Status)
		}
	}
}

func BenchmarkCreateRecord(b *testing.B) {
	w := newWorld(b)
	id := w.cadre("张三", idFor("19800101", 1), w.unitA)
	path := fmt.Sprintf("/api/v1/cadres/%d/records", id)
	body := map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "按时完成防汛任务"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := w.do("POST", path, w.evalA, body); r.Status != 201 {
			b.Fatal(r.Status)
		}
	}
}

// BenchmarkRequestPathParallel: e-file reads of 32 cadres with 50 records
// each by 32 concurrent clients, 9 in 10, and an appended record 1 in 10,
// as efileload drives the server: authentication (the user's version and
// the token's revocation in one statement, the user from the cache),
// casbin, scope, the read, and its access-log entry batched with the
// others' before the first byte. CI runs it (not timed) on both engines.
func BenchmarkRequestPathParallel(b *testing.B) {
	w := newWorld(b)
	var paths []string
	for i := range 32 {
		id := w.cadre(fmt.Sprintf("干部%d", i), idFor("19800101", i+1), w.unitA)
		addRecords(b, w.db, id, 50)
		paths = append(paths, fmt.Sprintf("/api/v1/cadres/%d", id))
	}
	body := map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "按时完成防汛任务"}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16) // 32 clients on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			p := paths[n%int64(len(paths))]
			if n%10 == 0 {
				if r := w.do("POST", p+"/records", w.evalA, body); r.Status != 201 {
					b.Errorf("append: %d %s", r.Status, r.Body)
					return
				}
				continue
			}
			if r := w.do("GET", p+"/efile", w.rev, nil); r.Status != 200 {
				b.Errorf("e-file: %d %s", r.Status, r.Body)
				return
			}
		}
	})
	b.StopTimer()
	if v, err := w.audit.SealAndVerify(context.Background(), nil); err != nil || !v.OK {
		b.Fatalf("chain after the load: %+v, %v", v, err)
	}
}

// withRecords is a world with one cadre holding n records.
func withRecords(b *testing.B, n int) (*world, int64) {
	w := newWorld(b)
	id := w.cadre("张三", idFor("19800101", 1), w.unitA)
	addRecords(b, w.db, id, n)
	return w, id
}

func BenchmarkEFile10kRecords(b *testing.B) {
	w, id := withRecords(b, 10000)
	path := fmt.Sprintf("/api/v1/cadres/%d/efile", id)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := w.do("GET", path, w.rev, nil); r.Status != 200 {
			b.Fatal(r.Status)
		}
	}
}

func BenchmarkEFileWorkbook10kRecords(b *testing.B) {
	w, id := withRecords(b, 10000)
	path := fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", id)
	// 30 exports a minute: two seconds of the app's clock refill one.
	tick := time.Minute / 30
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.clock.Add(tick)
		if r := w.do("GET", path, w.rev, nil); r.Status != 200 || len(r.Body) < 10000 {
			b.Fatal(r.Status)
		}
	}
}

// BenchmarkEvaluatorList5000Units lists an evaluator's cadres in a tree of
// 5,000 units (a district's worth, several levels deep) holding 5,000 cadres.
func BenchmarkEvaluatorList5000Units(b *testing.B) {
	a := newApp(b)
	ctx := context.Background()
	us := unit.New(a.db, a.audit)
	var top []int64
	parent := map[int]int64{}
	for i := 0; i < 5000; i++ {
		var p *int64
		switch {
		case i < 50:
		case i < 1000:
			v := top[i%50]
			p = &v
		default:
			v := parent[i%950+50]
			p = &v
		}
		u, err := us.Create(ctx, unit.NewUnit{Name: fmt.Sprintf("单位%d", i), Code: fmt.Sprintf("U%d", i), ParentID: p})
		if err != nil {
			b.Fatal(err)
		}
		if i < 50 {
			top = append(top, u.ID)
		}
		parent[i] = u.ID
	}
	var cadres []models.Cadre
	for i := 0; i < 5000; i++ {
		cadres = append(cadres, models.Cadre{Name: fmt.Sprintf("干部%d", i), Gender: "male", BirthDate: civil.MustParse("1980-01-01"),
			IDNumberEnc: []byte("x"), IDNumberHash: fmt.Sprintf("%064d", i), IDNumberMask: "x", UnitID: parent[i], Position: "p", Rank: "r",
			AppointedOn: civil.MustParse("2020-01-01"), Status: "active", Version: 1})
	}
	if err := a.db.CreateInBatches(cadres, 500).Error; err != nil {
		b.Fatal(err)
	}
	ua := top[7]
	_, tok := a.user("eva", []string{"evaluator"}, &ua, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := a.do("GET", "/api/v1/cadres?page_size=200", tok, nil)
		if r.Status != 200 || r.JSON()["total"].(float64) < 50 {
			b.Fatalf("%d %s", r.Status, r.Body[:min(len(r.Body), 200)])
		}
	}
}

// BenchmarkSeal1000 seals 1,000 pending entries per op (group commit).
func BenchmarkSeal1000(b *testing.B) {
	a := newApp(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 1000; j++ {
			r := &accesslog.Req{Method: "GET", Path: "/api/v1/cadres/1"}
			r.SetActor(1, "rev")
			if err := a.audit.Log(ctx, r, 200); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if n, err := a.audit.Seal(ctx); err != nil || n != 1000 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkImport10000Rows imports a 10,000-row CSV roster (about 1 MB)
// into an empty registry: parse, validate every row, write in one transaction.
func BenchmarkImport10000Rows(b *testing.B) { benchImport(b, 10000) }

// BenchmarkImport20000Rows imports a roster at SPEC section 5's row limit.
func BenchmarkImport20000Rows(b *testing.B) { benchImport(b, 20000) }

func benchImport(b *testing.B, n int) {
	var sb strings.Builder
	sb.WriteString(rosterHeader)
	for i := 0; i < n; i++ {
		birth := fmt.Sprintf("19%02d%02d%02d", 60+i%40, 1+i%12, 1+i%28)
		id := idFor(birth, i)
		sb.WriteString(rosterRow(fmt.Sprintf("干部%05d", i), genderOf(id), birth[:4]+"-"+birth[4:6]+"-"+birth[6:], id, "A", "否", "2020-01-01"))
	}
	data := []byte(sb.String())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b)
		b.StartTimer()
		if r := w.upload(w.rev, "roster.csv", data); r.Status != 200 {
			b.Fatalf("%d %s", r.Status, r.Body[:min(300, len(r.Body))])
		}
	}
}

// BenchmarkCloseCycle closes an annual cycle of 5,000 cadres and 30,000
// appraisals (two of each rater type per cadre) through the API: the
// scoring, the bars and 5,000 result rows in one transaction. Between
// iterations the cycle is reopened and its results removed, untimed.
func BenchmarkCloseCycle(b *testing.B) {
	w := newWorld(b)
	u := w.unit("BENCH", nil)
	ids := seedCadres(b, w.db, u, 5000)
	r := w.do("POST", "/api/v1/appraisal-cycles", w.rev, map[string]any{"name": "2024年度考核", "kind": "annual", "year": 2024,
		"period_start": "2024-01-01", "period_end": "2024-12-31"})
	if r.Status != 201 {
		b.Fatal(r.Status)
	}
	cycleID := r.ID()
	raters := []string{"superior", "superior", "peer", "peer", "subordinate", "subordinate"}
	as := make([]models.AppraisalAssignment, 0, len(ids)*len(raters))
	for _, id := range ids {
		for e, rt := range raters {
			as = append(as, models.AppraisalAssignment{CycleID: cycleID, EvaluatorID: int64(1000 + e), CadreID: id, RaterType: rt, CreatedBy: 1})
		}
	}
	if err := w.db.CreateInBatches(as, 1000).Error; err != nil {
		b.Fatal(err)
	}
	aps := make([]models.Appraisal, len(as))
	for i, a := range as {
		m := 55 + (i*7)%46
		aps[i] = models.Appraisal{CycleID: cycleID, AssignmentID: a.ID, EvaluatorID: a.EvaluatorID, CadreID: a.CadreID, RaterType: a.RaterType,
			Morality: m, Ability: 100 - m/2, Diligence: m, Achievement: (m + 100) / 2, Integrity: 90, Version: 1}
	}
	if err := w.db.CreateInBatches(aps, 1000).Error; err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/appraisal-cycles/%d", cycleID)
	if r := w.do("POST", path+"/open", w.rev, nil); r.Status != 200 {
		b.Fatal(r.Status)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := w.do("POST", path+"/close", w.rev, nil); r.Status != 200 {
			b.Fatal(r.Status, string(r.Body))
		}
		b.StopTimer()
		if err := w.db.Where("cycle_id = ?", cycleID).Delete(&models.AppraisalResult{}).Error; err != nil {
			b.Fatal(err)
		}
		if err := w.db.Model(&models.AppraisalCycle{}).Where("id = ?", cycleID).Update("status", "open").Error; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
