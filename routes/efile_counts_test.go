package routes_test

import (
	"fmt"
	"testing"
)

// TestEFileCounts_amendments: the e-file counts current records per
// category: a record superseded by an amendment no longer counts, the
// amendment counts under its own category, and so along a chain of
// amendments; so does the total of a list filtered by category.
func TestEFileCounts_amendments(t *testing.T) {
	w := newWorld(t)
	c := w.cadre("张三", idFor("19800101", 1), w.unitA)
	add := func(cat string) int64 {
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", c), w.rev, map[string]any{"occurred_on": "2024-01-02", "category": cat, "content": "记录"})
		want(t, r, 201)
		return r.ID()
	}
	amend := func(rid int64, cat string) int64 {
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records/%d/amendments", c, rid), w.rev,
			map[string]any{"content": "更正", "reason": "笔误", "category": cat})
		want(t, r, 201)
		return r.ID()
	}
	counts := func() map[string]any {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", c), w.rev, nil)
		want(t, r, 200)
		return r.JSON()["record_counts"].(map[string]any)
	}
	// The list's total by category agrees with the e-file's count.
	listed := func(cat string) any {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/records?category=%s&from=2024-01-01&to=2024-12-31", c, cat), w.rev, nil)
		want(t, r, 200)
		return r.JSON()["total"]
	}
	check := func(step string, wantCounts map[string]float64) {
		t.Helper()
		got := counts()
		for cat, n := range wantCounts {
			if got[cat] != n || listed(cat) != n {
				t.Fatalf("%s: %s = %v, listed %v, want %v (all: %v)", step, cat, got[cat], listed(cat), n, got)
			}
		}
	}
	d1 := add("duty")
	add("duty")
	add("political")
	check("before", map[string]float64{"duty": 2, "political": 1, "conduct": 0})
	a := amend(d1, "conduct")
	check("amended", map[string]float64{"duty": 1, "political": 1, "conduct": 1})
	amend(a, "integrity")
	check("amended twice", map[string]float64{"duty": 1, "political": 1, "conduct": 0, "integrity": 1})
}
