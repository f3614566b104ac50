package routes_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"efile/models"
)

// wantInvalid fails unless r is a 400 naming field.
func wantInvalid(t *testing.T, r *resp, field string) {
	t.Helper()
	want(t, r, 400, "validation_failed")
	if !slices.Contains(r.Fields(), field) {
		t.Fatalf("fields %v, want %s; body %s", r.Fields(), field, r.Body)
	}
}

// Disabling keeps enabled units out from under disabled ones: bottom-up, a
// disabled unit takes no new sub-units, and it can be enabled again.
func TestUnitDisableTree(t *testing.T) {
	w := newWorld(t) // A ⊃ A1, B
	admin := w.admin()
	d := w.unit("D", nil)
	d1 := w.unit("D1", &d)
	t.Run("409_enabledSubUnits", func(t *testing.T) {
		r := w.patchUnit(admin, d, map[string]any{"disabled": true, "version": w.version(d)})
		want(t, r, 409, "conflict")
		if w.unitRow(d).Disabled || w.historyLen(d) != 0 {
			t.Fatal("disabled anyway")
		}
	})
	t.Run("200_bottomUp", func(t *testing.T) {
		r := w.patchUnit(admin, d1, map[string]any{"disabled": true, "version": w.version(d1)})
		want(t, r, 200)
		if r.JSON()["disabled"] != true {
			t.Fatalf("body %s", r.Body)
		}
		want(t, w.patchUnit(admin, d, map[string]any{"disabled": true, "version": w.version(d)}), 200)
		if w.historyLen(d) != 1 || w.historyLen(d1) != 1 {
			t.Fatal("disabling left no history")
		}
	})
	t.Run("listShowsAndFilters", func(t *testing.T) {
		r := w.do("GET", "/api/v1/units?page_size=200", w.evalA, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 5 {
			t.Fatalf("disabled units left out of the list: %s", r.Body)
		}
		r = w.do("GET", "/api/v1/units?disabled=true", w.rev, nil)
		want(t, r, 200)
		if got := itemIDs(r); !slices.Equal(got, []int64{d, d1}) {
			t.Fatalf("disabled units %v", got)
		}
		r = w.do("GET", "/api/v1/units?disabled=false", w.rev, nil)
		if got := itemIDs(r); !slices.Equal(got, []int64{w.unitA, w.unitA1, w.unitB}) {
			t.Fatalf("enabled units %v", got)
		}
		r = w.do("GET", fmt.Sprintf("/api/v1/units/%d", d1), w.evalA, nil)
		if r.JSON()["disabled"] != true {
			t.Fatalf("unit %s", r.Body)
		}
		wantInvalid(t, w.do("GET", "/api/v1/units?disabled=maybe", w.rev, nil), "disabled")
	})
	t.Run("400_newSubUnit", func(t *testing.T) {
		wantInvalid(t, w.do("POST", "/api/v1/units", admin, map[string]any{"name": "D2", "code": "D2", "parent_id": d1}), "parent_id")
		// An enabled unit moved under a disabled one.
		wantInvalid(t, w.patchUnit(admin, w.unitA1, map[string]any{"parent_id": d1, "version": w.version(w.unitA1)}), "parent_id")
		requireTree(t, w.app)
	})
	t.Run("409_enableUnderDisabledParent", func(t *testing.T) {
		want(t, w.patchUnit(admin, d1, map[string]any{"disabled": false, "version": w.version(d1)}), 409, "conflict")
	})
	t.Run("200_renameDisabled", func(t *testing.T) {
		want(t, w.patchUnit(admin, d1, map[string]any{"name": "原D1（已撤销）", "version": w.version(d1)}), 200)
	})
	t.Run("200_enabledAgain", func(t *testing.T) {
		want(t, w.patchUnit(admin, d, map[string]any{"disabled": false, "version": w.version(d)}), 200)
		want(t, w.patchUnit(admin, d1, map[string]any{"disabled": false, "version": w.version(d1)}), 200)
		want(t, w.do("POST", "/api/v1/units", admin, map[string]any{"name": "D2", "code": "D2", "parent_id": d1}), 201)
	})
	t.Run("200_disabledUnitMovesUnderDisabled", func(t *testing.T) {
		x := w.unit("X", nil)
		y := w.unit("Y", nil)
		want(t, w.patchUnit(admin, x, map[string]any{"disabled": true, "version": 1}), 200)
		want(t, w.patchUnit(admin, y, map[string]any{"disabled": true, "version": 1}), 200)
		want(t, w.patchUnit(admin, y, map[string]any{"parent_id": x, "version": 2}), 200)
		// Moved out and enabled in one change.
		want(t, w.patchUnit(admin, y, map[string]any{"parent_id": nil, "disabled": false, "version": 3}), 200)
		requireTree(t, w.app)
	})
}

// A disabled unit takes no new cadres or evaluators (400 naming the field,
// or the roster's row and column) but keeps those it has, with their
// history; enabled again, it takes new ones.
func TestUnitDisabledTakesNoNewMembers(t *testing.T) {
	w := newWorld(t) // A ⊃ A1, B
	admin := w.admin()
	d := w.unit("D", nil)
	kept := w.cadre("留一", idFor("19800101", 21), d)
	other := w.cadre("外一", idFor("19800101", 23), w.unitB)
	keptEvalID, keptEval := w.user("evald", []string{"evaluator"}, &d, nil)
	reviewerOfD, _ := w.user("revd", []string{"org_reviewer"}, &d, nil)
	otherEvalID, _ := w.user("evalother", []string{"evaluator"}, &w.unitB, nil)
	want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", kept), keptEval,
		map[string]any{"category": "political", "content": "撤销前的记录", "occurred_on": "2024-03-01"}), 201)
	want(t, w.patchUnit(admin, d, map[string]any{"disabled": true, "version": 1}), 200)
	userVersion := func(id int64) any {
		return w.do("GET", fmt.Sprintf("/api/v1/users/%d", id), admin, nil).JSON()["version"]
	}

	t.Run("400_newCadre", func(t *testing.T) {
		wantInvalid(t, w.do("POST", "/api/v1/cadres", w.rev, cadreBody("新一", idFor("19800101", 25), d)), "unit_id")
		wantInvalid(t, w.do("PATCH", fmt.Sprintf("/api/v1/cadres/%d", other), w.rev, map[string]any{"unit_id": d, "version": 1}), "unit_id")
	})
	t.Run("200_cadreStays", func(t *testing.T) {
		r := w.do("PATCH", fmt.Sprintf("/api/v1/cadres/%d", kept), w.rev, map[string]any{"position": "副科长", "unit_id": d, "version": 1})
		want(t, r, 200)
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", kept), keptEval, nil), 200)
		r = w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/records", kept), w.rev, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 1 {
			t.Fatalf("records %s", r.Body)
		}
	})
	t.Run("400_newEvaluator", func(t *testing.T) {
		wantInvalid(t, w.do("POST", "/api/v1/users", admin, map[string]any{"username": "evalnew", "password": testPassword,
			"display_name": "新评价人", "roles": []string{"evaluator"}, "unit_id": d}), "unit_id")
		wantInvalid(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", otherEvalID), admin,
			map[string]any{"unit_id": d, "version": userVersion(otherEvalID)}), "unit_id")
		// A user of the unit who becomes an evaluator there is a new one.
		wantInvalid(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", reviewerOfD), admin,
			map[string]any{"roles": []string{"org_reviewer", "evaluator"}, "version": userVersion(reviewerOfD)}), "unit_id")
	})
	t.Run("200_evaluatorStays", func(t *testing.T) {
		want(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", keptEvalID), admin,
			map[string]any{"unit_id": d, "password": "another-long-password", "version": userVersion(keptEvalID)}), 200)
	})
	t.Run("400_importRows", func(t *testing.T) {
		body := rosterHeader +
			rosterRow("甲", "男", "1980-01-01", idFor("19800101", 27), "A", "否", "2020-01-01") +
			rosterRow("新二", "男", "1980-01-01", idFor("19800101", 29), "D", "否", "2020-01-01") +
			rosterRow("外一", "男", "1980-01-01", idFor("19800101", 23), "D", "否", "2020-01-02")
		for _, q := range []string{"?dry_run=true", ""} {
			r := w.uploadTo("/api/v1/cadres/import"+q, w.rev, "roster.csv", []byte(body))
			want(t, r, 400, "validation_failed")
			if f := r.Fields(); !slices.Equal(f, []string{"rows[3].unit_code", "rows[4].unit_code"}) {
				t.Fatalf("fields %v, want rows 3 and 4's unit_code; body %s", f, r.Body)
			}
			if !strings.Contains(string(r.Body), "已停用") {
				t.Fatalf("body %s", r.Body)
			}
		}
		var n int64
		w.db.Model(&models.Cadre{}).Count(&n)
		if n != 2 {
			t.Fatalf("%d cadres after a refused import", n)
		}
	})
	t.Run("200_importKeepsCadreInDisabledUnit", func(t *testing.T) {
		body := rosterHeader + rosterRow("留一", "男", "1980-01-01", idFor("19800101", 21), "D", "否", "2020-01-02")
		r := w.uploadTo("/api/v1/cadres/import", w.rev, "roster.csv", []byte(body))
		want(t, r, 200)
		if r.JSON()["updated"].(float64) != 1 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200_enabledAgain", func(t *testing.T) {
		want(t, w.patchUnit(admin, d, map[string]any{"disabled": false, "version": w.version(d)}), 200)
		want(t, w.do("POST", "/api/v1/cadres", w.rev, cadreBody("新一", idFor("19800101", 25), d)), 201)
		want(t, w.do("POST", "/api/v1/users", admin, map[string]any{"username": "evalnew", "password": testPassword,
			"display_name": "新评价人", "roles": []string{"evaluator"}, "unit_id": d}), 201)
	})
}
