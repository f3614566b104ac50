package routes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRecords(t *testing.T) {
	w := newWorld(t)
	a := w.cadre("张三", idFor("19800101", 1), w.unitA)
	b := w.cadre("李四", idFor("19800102", 2), w.unitB)
	base := fmt.Sprintf("/api/v1/cadres/%d/records", a)
	rec := func(on, cat, content string) map[string]any {
		return map[string]any{"occurred_on": on, "category": cat, "content": content}
	}
	today := w.clock.Now().Format(time.DateOnly)
	tomorrow := w.clock.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	cases := []struct {
		name   string
		tok    string
		path   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"400_future", w.rev, base, rec(tomorrow, "duty", "x"), 400, "validation_failed", "occurred_on"},
		{"400_badDate", w.rev, base, rec("2024-02-30", "duty", "x"), 400, "validation_failed", "occurred_on"},
		{"400_beforeBirth", w.rev, base, rec("1979-12-31", "duty", "x"), 400, "validation_failed", "occurred_on"},
		{"400_year1900", w.rev, base, rec("1900-01-01", "duty", "x"), 400, "validation_failed", "occurred_on"},
		{"400_badCategory", w.rev, base, rec("2024-01-01", "sports", "x"), 400, "validation_failed", "category"},
		{"400_emptyContent", w.rev, base, rec("2024-01-01", "duty", ""), 400, "validation_failed", "content"},
		{"400_contentOver5000", w.rev, base, rec("2024-01-01", "duty", strings.Repeat("字", 5001)), 400, "validation_failed", "content"},
		{"201_content5000Chinese", w.rev, base, rec("2024-01-01", "duty", strings.Repeat("字", 5000)), 201, "", ""},
		{"201_today", w.rev, base, rec(today, "conduct", "today"), 201, "", ""},
		{"201_evaluatorInScope", w.evalA, base, rec("2024-03-01", "major_task", "防汛"), 201, "", ""},
		{"404_evaluatorOutOfScope", w.evalB, base, rec("2024-03-01", "duty", "x"), 404, "not_found", ""},
		{"404_unknownCadre", w.rev, "/api/v1/cadres/9999/records", rec("2024-03-01", "duty", "x"), 404, "not_found", ""},
		{"400_beforeScope", w.evalB, base, rec("2024-03-01", "bad", "x"), 400, "validation_failed", "category"},
		{"400_serverOwnedField", w.rev, base, map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "x", "recorded_by": 1}, 400, "invalid_json", "recorded_by"},
	}
	t.Run("policy_auditor", func(t *testing.T) {
		wantPolicy(t, w.do("POST", base, w.auditor, rec("2024-03-01", "duty", "x")), "POST /api/v1/cadres/:id/records", "auditor")
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", c.path, c.tok, c.body)
			want(t, r, c.status, c.code)
			if c.field != "" && (len(r.Fields()) == 0 || r.Fields()[0] != c.field) {
				t.Fatalf("fields %v", r.Fields())
			}
			if c.status == 201 {
				m := r.JSON()
				if m["cadre_id"].(float64) != float64(a) || m["supersedes_id"] != nil || m["superseded"] != false ||
					m["recorded_by"].(float64) == 0 || m["recorded_at"] == "" || m["category"] != c.body["category"] {
					t.Fatalf("body %s", r.Body)
				}
			}
		})
	}
	first := w.do("POST", base, w.rev, rec("2023-06-01", "integrity", "原始记录")).ID()
	t.Run("appendOnly405", func(t *testing.T) {
		for _, m := range []string{"PUT", "PATCH", "DELETE"} {
			want(t, w.do(m, fmt.Sprintf("%s/%d", base, first), w.rev, `{"content":"changed"}`), 405, "method_not_allowed")
		}
		want(t, w.do("DELETE", base, w.rev, nil), 405, "method_not_allowed")
	})
	var amended int64
	t.Run("amend", func(t *testing.T) {
		path := fmt.Sprintf("%s/%d/amendments", base, first)
		want(t, w.do("POST", path, w.rev, map[string]any{"content": "更正"}), 400, "validation_failed")
		want(t, w.do("POST", path, w.rev, map[string]any{"content": "更正", "reason": "x", "category": "nope"}), 400, "validation_failed")
		want(t, w.do("POST", path, w.evalB, map[string]any{"content": "更正", "reason": "笔误"}), 404, "not_found")
		r := w.do("POST", path, w.evalA, map[string]any{"content": "更正后的记录", "reason": "笔误", "category": "conduct"})
		want(t, r, 201)
		m := r.JSON()
		amended = r.ID()
		if m["supersedes_id"].(float64) != float64(first) || m["occurred_on"] != "2023-06-01" || m["category"] != "conduct" || m["reason"] != "笔误" {
			t.Fatalf("body %s", r.Body)
		}
		old := w.do("GET", fmt.Sprintf("%s/%d", base, first), w.rev, nil)
		want(t, old, 200)
		if old.JSON()["superseded"] != true || old.JSON()["content"] != "原始记录" {
			t.Fatalf("old record %s", old.Body)
		}
		want(t, w.do("POST", path, w.rev, map[string]any{"content": "again", "reason": "x"}), 409, "conflict")
		r = w.do("POST", fmt.Sprintf("%s/%d/amendments", base, amended), w.rev, map[string]any{"content": "再更正", "reason": "再核", "occurred_on": "2023-06-02"})
		want(t, r, 201)
		if r.JSON()["occurred_on"] != "2023-06-02" {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("list", func(t *testing.T) {
		r := w.do("GET", base, w.rev, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if len(items) != 4 || r.JSON()["total"].(float64) != 4 {
			t.Fatalf("superseded records must be left out: %s", r.Body)
		}
		var order []string
		for _, it := range items {
			order = append(order, it.(map[string]any)["occurred_on"].(string))
		}
		if fmt.Sprint(order) != fmt.Sprint([]string{today, "2024-03-01", "2024-01-01", "2023-06-02"}) {
			t.Fatalf("order %v", order)
		}
		r = w.do("GET", base+"?include_superseded=true", w.rev, nil)
		if r.JSON()["total"].(float64) != 6 {
			t.Fatalf("include_superseded: %s", r.Body)
		}
		r = w.do("GET", base+"?category=duty&from=2024-01-01&to=2024-01-01", w.evalA, nil)
		if r.JSON()["total"].(float64) != 1 {
			t.Fatalf("filters: %s", r.Body)
		}
		want(t, w.do("GET", base+"?from=01/01/2024", w.rev, nil), 400, "validation_failed")
		want(t, w.do("GET", base+"?category=x", w.rev, nil), 400, "validation_failed")
		want(t, w.do("GET", base, w.evalB, nil), 404, "not_found")
	})
	t.Run("recordOfAnotherCadre404", func(t *testing.T) {
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/records/%d", b, first), w.rev, nil), 404, "not_found")
		want(t, w.do("GET", fmt.Sprintf("%s/%d", base, first), w.evalB, nil), 404, "not_found")
	})
	t.Run("accessLogNamesTheCadre", func(t *testing.T) {
		n := 0
		for _, e := range w.entries() {
			if strings.HasPrefix(e.Path, base) {
				n++
				if e.CadreID == nil || *e.CadreID != a {
					t.Fatalf("entry %s %s %d without cadre_id", e.Method, e.Path, e.Status)
				}
			}
		}
		if n < 10 {
			t.Fatalf("%d entries", n)
		}
	})
}
