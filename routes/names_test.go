package routes_test

import (
	"fmt"
	"testing"
	"time"
)

// TestListsCarryNames: the lists and answers a person reads name the
// cadres, units and evaluators beside their ids (flags, assignments,
// appraisals, progress, results, vettings, integrity-opinion requests), in
// a fixed number of queries whatever the number of rows.
func TestListsCarryNames(t *testing.T) {
	w := newFlagWorld(t)
	small, big := w.unit("S", nil), w.unit("BIG", nil)
	smallCadres, bigCadres := seedCadres(t, w.db, small, 3), seedCadres(t, w.db, big, 20)
	evID, evTok := w.user("ev_names", []string{"evaluator"}, &w.unitB, nil)
	stmts := countStatements(t, w.db)
	// queries runs a request and returns how many statements it ran.
	queries := func(method, path, tok string, body any) (int64, *resp) {
		t.Helper()
		before := stmts.Load()
		r := w.do(method, path, tok, body)
		if r.Status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		return stmts.Load() - before, r
	}
	item := func(r *resp, i int) map[string]any {
		t.Helper()
		items, _ := r.JSON()["items"].([]any)
		if len(items) <= i {
			t.Fatalf("no item %d: %s", i, r.Body)
		}
		return items[i].(map[string]any)
	}
	cycle := func(cadres []int64, unitID int64) string {
		c := w.newCycle("annual", 20)
		want(t, w.do("POST", c+"/assignments/bulk", w.rev, map[string]any{"evaluator_ids": []int64{evID}, "unit_id": unitID, "rater_type": "superior"}), 200)
		w.move(c, "open")
		for _, id := range cadres {
			want(t, w.submit(c, evTok, id, uniform(80)), 201)
		}
		return c
	}
	cs, cb := cycle(smallCadres, small), cycle(bigCadres, big)

	t.Run("assignments", func(t *testing.T) {
		n1, r := queries("GET", cs+"/assignments", w.rev, nil)
		if it := item(r, 0); it["cadre_name"] != fmt.Sprintf("干部%d", int64(it["cadre_id"].(float64))) || it["evaluator_name"] != "ev_names" {
			t.Fatalf("an assignment without names: %v", it)
		}
		if n2, _ := queries("GET", cb+"/assignments", w.rev, nil); n2 != n1 {
			t.Fatalf("%d statements for 3 assignments, %d for 20", n1, n2)
		}
	})
	t.Run("appraisals", func(t *testing.T) {
		n1, r := queries("GET", cs+"/appraisals", evTok, nil)
		if it := item(r, 0); it["cadre_name"] == "" || it["cadre_name"] == nil || it["evaluator_name"] != "ev_names" {
			t.Fatalf("an appraisal without names: %v", it)
		}
		if n2, _ := queries("GET", cb+"/appraisals", evTok, nil); n2 != n1 {
			t.Fatalf("%d statements for 3 appraisals, %d for 20", n1, n2)
		}
	})
	t.Run("progress", func(t *testing.T) {
		n1, r := queries("GET", cs+"/progress", w.rev, nil)
		units, evs := r.JSON()["units"].([]any), r.JSON()["evaluators"].([]any)
		if units[0].(map[string]any)["unit_name"] != "Unit S" || evs[0].(map[string]any)["evaluator_name"] != "ev_names" {
			t.Fatalf("progress without names: %s", r.Body)
		}
		if n2, _ := queries("GET", cb+"/progress", w.rev, nil); n2 != n1 {
			t.Fatalf("%d statements for 3 assignments, %d for 20", n1, n2)
		}
	})
	t.Run("results", func(t *testing.T) {
		w.move(cs, "close")
		w.move(cb, "close")
		n1, r := queries("GET", cs+"/results", w.rev, nil)
		it := item(r, 0)
		if it["cadre_name"] != fmt.Sprintf("干部%d", int64(it["cadre_id"].(float64))) || it["unit_name"] != "Unit S" || int64(it["unit_id"].(float64)) != small {
			t.Fatalf("a result without names: %v", it)
		}
		if n2, _ := queries("GET", cb+"/results", w.rev, nil); n2 != n1 {
			t.Fatalf("%d statements for 3 results, %d for 20", n1, n2)
		}
	})
	t.Run("flags", func(t *testing.T) {
		for _, id := range smallCadres {
			w.fileFlag(w.auditor, clueBody(id))
		}
		n1, r := queries("GET", "/api/v1/flags?page_size=200", w.rev, nil)
		if it := item(r, 0); it["cadre_name"] != fmt.Sprintf("干部%d", int64(it["cadre_id"].(float64))) || it["unit_name"] != "Unit S" {
			t.Fatalf("a flag without names: %v", it)
		}
		_, one := queries("GET", fmt.Sprintf("/api/v1/flags/%d", int64(item(r, 0)["id"].(float64))), w.auditor, nil)
		if one.JSON()["cadre_name"] != item(r, 0)["cadre_name"] || one.JSON()["unit_name"] != "Unit S" {
			t.Fatalf("a flag read without names: %s", one.Body)
		}
		for _, id := range bigCadres {
			w.fileFlag(w.auditor, clueBody(id))
		}
		if n2, _ := queries("GET", "/api/v1/flags?page_size=200", w.rev, nil); n2 != n1 {
			t.Fatalf("%d statements for 3 flags, %d for 23", n1, n2)
		}
	})
	t.Run("integrityOpinions", func(t *testing.T) {
		ask := func(ids []int64) {
			for _, id := range ids {
				want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", id), w.rev,
					map[string]any{"purpose": "promotion", "due_on": w.clock.Now().UTC().Format(time.DateOnly)}), 201)
			}
		}
		ask(smallCadres)
		n1, r := queries("GET", "/api/v1/integrity-opinions?page_size=200", w.auditor, nil)
		if it := item(r, 0); it["cadre_name"] != fmt.Sprintf("干部%d", int64(it["cadre_id"].(float64))) || it["unit_name"] != "Unit S" ||
			int64(it["unit_id"].(float64)) != small || it["position"] == "" {
			t.Fatalf("a request without names: %v", it)
		}
		ask(bigCadres)
		if n2, _ := queries("GET", "/api/v1/integrity-opinions?page_size=200", w.auditor, nil); n2 != n1 {
			t.Fatalf("%d statements for 3 requests, %d for 23", n1, n2)
		}
	})
	t.Run("vettings", func(t *testing.T) {
		n1, r := queries("POST", "/api/v1/vettings/batch", w.rev, map[string]any{"cadre_ids": smallCadres, "purpose": "transfer"})
		if it := item(r, 0); it["cadre_name"] != fmt.Sprintf("干部%d", smallCadres[0]) {
			t.Fatalf("a vetting without its cadre's name: %v", it)
		}
		if n2, _ := queries("POST", "/api/v1/vettings/batch", w.rev, map[string]any{"cadre_ids": bigCadres, "purpose": "transfer"}); n2 != n1 {
			t.Fatalf("%d statements to vet 3, %d for 20", n1, n2)
		}
		_, l := queries("GET", fmt.Sprintf("/api/v1/cadres/%d/vettings", smallCadres[0]), w.rev, nil)
		if item(l, 0)["cadre_name"] != fmt.Sprintf("干部%d", smallCadres[0]) {
			t.Fatalf("a listed vetting without its cadre's name: %s", l.Body)
		}
	})
}
