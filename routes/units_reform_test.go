package routes_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"efile/models"
)

// An evaluator's scope is derived from the units' paths at each request:
// the very next request after a move sees the cadres of a unit moved under
// the evaluator's unit, and no longer those of a unit moved away.
func TestUnitMoveEvaluatorScopeFollows(t *testing.T) {
	w := newWorld(t) // A ⊃ A1, B; evalA of A, evalB of B
	admin := w.admin()
	m := w.unit("M", nil)
	m1 := w.unit("M1", &m)
	cm := w.cadre("莫一", idFor("19800101", 11), m)
	cm1 := w.cadre("莫二", idFor("19800101", 13), m1)
	ca := w.cadre("安一", idFor("19800101", 15), w.unitA)
	sees := func(tok string) []int64 {
		t.Helper()
		r := w.do("GET", "/api/v1/cadres?page_size=200", tok, nil)
		want(t, r, 200)
		return itemIDs(r)
	}
	if got := sees(w.evalA); !slices.Equal(got, []int64{ca}) {
		t.Fatalf("before: evalA sees %v", got)
	}
	want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", cm1), w.evalA, nil), 404)

	t.Run("movedUnder", func(t *testing.T) {
		want(t, w.patchUnit(admin, m, map[string]any{"parent_id": w.unitA1, "version": w.version(m)}), 200)
		if got := sees(w.evalA); !slices.Equal(got, []int64{cm, cm1, ca}) {
			t.Fatalf("evalA sees %v, want %v", got, []int64{cm, cm1, ca})
		}
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", cm1), w.evalA, nil), 200)
		want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", cm1), w.evalA,
			map[string]any{"category": "political", "content": "调整后首次记录", "occurred_on": "2024-03-01"}), 201)
		if got := sees(w.evalB); len(got) != 0 {
			t.Fatalf("evalB sees %v", got)
		}
	})
	t.Run("movedAway", func(t *testing.T) {
		want(t, w.patchUnit(admin, m, map[string]any{"parent_id": w.unitB, "version": w.version(m)}), 200)
		if got := sees(w.evalA); !slices.Equal(got, []int64{ca}) {
			t.Fatalf("evalA sees %v", got)
		}
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", cm1), w.evalA, nil), 404)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", cm1), w.evalB, nil), 200)
		if got := sees(w.evalB); !slices.Equal(got, []int64{cm, cm1}) {
			t.Fatalf("evalB sees %v", got)
		}
	})
	t.Run("cadresListByUnitFollows", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres?unit_id=%d", w.unitB), w.rev, nil)
		want(t, r, 200)
		if got := itemIDs(r); !slices.Equal(got, []int64{cm, cm1}) {
			t.Fatalf("cadres of B's subtree %v", got)
		}
	})
}

// Two moves that would cross (A under B while B goes under A; or A under a
// sub-unit of B while B goes under a sub-unit of A) both pass a check read
// before the other commits; the database must decide. Run at once, exactly
// one succeeds, the other answers 400, and the tree stays whole.
func TestUnitConcurrentCrossingMoves(t *testing.T) {
	a := newApp(t)
	admin := a.admin()
	ua := a.unit("A", nil)
	ua1 := a.unit("A1", &ua)
	ub := a.unit("B", nil)
	ub1 := a.unit("B1", &ub)
	for round := 0; round < 8; round++ {
		// Even rounds: A under B, B under A. Odd: A under B1, B under A1.
		pa, pb := ub, ua
		if round%2 == 1 {
			pa, pb = ub1, ua1
		}
		va, vb := a.version(ua), a.version(ub)
		rs := concurrently(
			func() *resp { return a.patchUnit(admin, ua, map[string]any{"parent_id": pa, "version": va}) },
			func() *resp { return a.patchUnit(admin, ub, map[string]any{"parent_id": pb, "version": vb}) },
		)
		codes := []int{rs[0].Status, rs[1].Status}
		slices.Sort(codes)
		if !slices.Equal(codes, []int{200, 400}) {
			t.Fatalf("round %d: statuses %d %s / %d %s, want one 200 and one 400", round, rs[0].Status, rs[0].Body, rs[1].Status, rs[1].Body)
		}
		requireTree(t, a)
		// Both back to the root for the next round.
		for _, id := range []int64{ua, ub} {
			if a.unitRow(id).ParentID != nil {
				want(t, a.patchUnit(admin, id, map[string]any{"parent_id": nil, "version": a.version(id)}), 200)
			}
		}
	}
}

// Many random moves at once among a small tree: each answers 200, 400 or
// 409 (never a 500), the tree stays whole, and every unit's version counts
// exactly the changes its history holds.
func TestUnitConcurrentMoves(t *testing.T) {
	a := newApp(t)
	admin := a.admin()
	var ids []int64
	for i := range 6 {
		var parent *int64
		if i > 0 {
			parent = &ids[(i-1)/2]
		}
		ids = append(ids, a.unit(fmt.Sprintf("R%d", i), parent))
	}
	rng := rand.New(rand.NewPCG(17, 17))
	const workers, moves = 4, 8
	var jobs [workers][moves][2]int64
	for w := range workers {
		for m := range moves {
			jobs[w][m] = [2]int64{ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]}
		}
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, j := range jobs[w] {
				var u models.Unit
				if err := a.db.First(&u, j[0]).Error; err != nil {
					panic(err)
				}
				body := map[string]any{"parent_id": j[1], "version": u.Version}
				if j[0] == j[1] {
					body["parent_id"] = nil
				}
				r := a.patchUnit(admin, j[0], body)
				mu.Lock()
				statuses[r.Status]++
				if r.Status != 200 && r.Status != 400 && r.Status != 409 {
					t.Errorf("move %v: %d %s", j, r.Status, r.Body)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("statuses %v", statuses)
	requireTree(t, a)
	for _, id := range ids {
		if v, n := a.version(id), a.historyLen(id); int64(v-1) != n {
			t.Errorf("unit %d: version %d but %d changes in its history", id, v, n)
		}
	}
}

// concurrently runs the requests at once and returns their answers in order.
func concurrently(fs ...func() *resp) []*resp {
	out := make([]*resp, len(fs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = f()
		}()
	}
	close(start)
	wg.Wait()
	return out
}
