package routes_test

import (
	"fmt"
	"slices"
	"testing"
)

// refused fails unless r is a 400 naming field.
func refused(t *testing.T, r *resp, field string) {
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
		refused(t, w.do("GET", "/api/v1/units?disabled=maybe", w.rev, nil), "disabled")
	})
	t.Run("400_newSubUnit", func(t *testing.T) {
		refused(t, w.do("POST", "/api/v1/units", admin, map[string]any{"name": "D2", "code": "D2", "parent_id": d1}), "parent_id")
		// An enabled unit moved under a disabled one.
		refused(t, w.patchUnit(admin, w.unitA1, map[string]any{"parent_id": d1, "version": w.version(w.unitA1)}), "parent_id")
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
