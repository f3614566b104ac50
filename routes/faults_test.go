package routes_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"efile/models"
)

// A transaction failing halfway leaves nothing behind: when the access-log
// entry cannot be written (a trigger refuses it, after the unit row was
// inserted in the same transaction), the unit is not created either, and
// the client gets a clean 500 envelope.
func TestTxFailingHalfwayLeavesNothing(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	var units0 int64
	a.db.Model(&models.Unit{}).Count(&units0)
	trigger := "CREATE TRIGGER efile_fault BEFORE INSERT ON access_entries FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'fault injected'); END"
	drop := "DROP TRIGGER efile_fault"
	if a.driver == "mysql" {
		trigger = "CREATE TRIGGER efile_fault BEFORE INSERT ON access_entries FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'fault injected'"
	}
	if err := a.db.Exec(trigger).Error; err != nil {
		t.Fatal(err)
	}
	r := a.do("POST", "/api/v1/units", tok, map[string]any{"name": "半途", "code": "HALF"})
	want(t, r, 500, "internal")
	var units int64
	a.db.Model(&models.Unit{}).Count(&units)
	if units != units0 {
		t.Fatalf("the unit was created without its entry: %d units, had %d", units, units0)
	}
	if err := a.db.Exec(drop).Error; err != nil {
		t.Fatal(err)
	}
	// Once the fault is gone the same request succeeds, with its entry.
	want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": "半途", "code": "HALF"}), 201)
}

// 32 concurrent writers (records, flags, appraisals and logins) lose and
// duplicate nothing, and the chain ends unbroken with exactly one entry per
// request.
func TestConcurrentWriters(t *testing.T) {
	w := newWorld(t)
	_, sec := w.user("sec", []string{"security_auditor"}, nil, nil)
	cid := w.cadre("并发", idFor("19800101", 321), w.unitA)
	// One login user per writer: concurrent logins of one user count
	// against its lockout (reserved before bcrypt), by design.
	var evaluators []int64
	for g := 0; g < 32; g++ {
		id, _ := w.user(fmt.Sprintf("cw%d", g), []string{"evaluator"}, &w.unitA, nil)
		evaluators = append(evaluators, id)
	}
	// Each writer is also an evaluator assigned to appraise the cadre in an
	// open cycle, and submits one appraisal among its writes.
	cycle := w.newCycle("annual", 20)
	want(t, w.do("POST", cycle+"/assignments/bulk", w.rev, map[string]any{"evaluator_ids": evaluators, "unit_id": w.unitA, "rater_type": "peer"}), 200)
	w.move(cycle, "open")
	toks := make([]string, 32)
	for g := range toks {
		toks[g] = w.login(fmt.Sprintf("cw%d", g), testPassword)
	}
	w.seal()
	var n0 int64
	w.db.Model(&models.AccessEntry{}).Count(&n0)
	const writers, each = 32, 12
	var created, logins, flags, appraisals, requests atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan string, writers*each)
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				requests.Add(1)
				switch {
				case (g+i)%4 == 2:
					r := w.do("POST", "/api/v1/flags", w.auditor, map[string]any{"cadre_id": cid, "kind": "clue", "severity": "info",
						"summary": fmt.Sprintf("线索 w%d-%d", g, i), "detail": "", "occurred_on": "2025-01-02"})
					if r.Status != 201 {
						errc <- fmt.Sprintf("flag: %d %s", r.Status, r.Body)
						continue
					}
					flags.Add(1)
					continue
				case (g+i)%4 == 3 && i < 4:
					r := w.do("POST", cycle+"/appraisals", toks[g], map[string]any{"cadre_id": cid, "scores": uniform(60 + g), "comment": "并发"})
					if r.Status != 201 {
						errc <- fmt.Sprintf("appraisal: %d %s", r.Status, r.Body)
						continue
					}
					appraisals.Add(1)
					continue
				}
				if (g+i)%4 == 0 {
					r := w.do("POST", "/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("cw%d", g), "password": testPassword})
					if r.Status != 200 {
						errc <- fmt.Sprintf("login: %d %s", r.Status, r.Body)
						continue
					}
					logins.Add(1)
					continue
				}
				r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", cid), w.rev,
					map[string]any{"occurred_on": "2024-01-02", "category": "duty", "content": fmt.Sprintf("w%d-%d", g, i)})
				if r.Status != 201 {
					errc <- fmt.Sprintf("record: %d %s", r.Status, r.Body)
					continue
				}
				created.Add(1)
			}
		}(g)
	}
	wg.Wait()
	close(errc)
	for e := range errc {
		t.Error(e)
	}
	var recs int64
	w.db.Model(&models.Record{}).Where("cadre_id = ?", cid).Count(&recs)
	var distinct int64
	w.db.Model(&models.Record{}).Where("cadre_id = ?", cid).Distinct("content").Count(&distinct)
	if recs != created.Load() || distinct != recs {
		t.Fatalf("%d records stored (%d distinct) for %d acknowledged", recs, distinct, created.Load())
	}
	var nf, na int64
	w.db.Model(&models.Flag{}).Where("cadre_id = ?", cid).Distinct("summary").Count(&nf)
	w.db.Model(&models.Appraisal{}).Where("cadre_id = ?", cid).Count(&na)
	if nf != flags.Load() || na != appraisals.Load() || na != 32 {
		t.Fatalf("%d flags stored for %d acknowledged; %d appraisals for %d acknowledged (want 32)", nf, flags.Load(), na, appraisals.Load())
	}
	m := verify(t, w.app, sec, "")
	var n int64
	w.db.Model(&models.AccessEntry{}).Count(&n)
	// One entry per request, plus the verify request itself.
	if m["ok"] != true || n-n0 != requests.Load()+1 {
		t.Fatalf("verify %v; %d entries for %d requests", m, n-n0, requests.Load())
	}
}
