package routes_test

import (
	"fmt"
	"slices"
	"testing"
)

// The fields of flags and cadres that the four checks (SPEC 13) rely on: a
// flag's specific (凡提必查) and a cadre's reports_personal_matters (凡提必核).

// wantFields fails unless r is a 400 validation_failed naming exactly fields.
func wantFields(t *testing.T, r *resp, fields ...string) {
	t.Helper()
	want(t, r, 400, "validation_failed")
	if !slices.Equal(r.Fields(), fields) {
		t.Fatalf("fields %v, want %v; body %s", r.Fields(), fields, r.Body)
	}
}

// reportBody is a report petition of the petition department.
func reportBody(cadreID int64, kv ...any) map[string]any {
	return with(clueBody(cadreID), append([]any{"kind", "petition", "petition_type", "report"}, kv...)...)
}

// TestFlagSpecific: `specific` belongs to report petitions (SPEC 8).
func TestFlagSpecific(t *testing.T) {
	w := newFlagWorld(t)
	r := w.do("POST", "/api/v1/flags", w.audPetition, reportBody(w.a, "specific", true))
	want(t, r, 201)
	if r.JSON()["specific"] != true {
		t.Fatalf("body %s", r.Body)
	}
	got := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", r.ID()), w.rev, nil)
	if got.JSON()["specific"] != true {
		t.Fatalf("read %s", got.Body)
	}
	r = w.do("POST", "/api/v1/flags", w.audPetition, reportBody(w.a))
	want(t, r, 201)
	if r.JSON()["specific"] != false {
		t.Fatalf("default %s", r.Body)
	}
	want(t, w.do("POST", "/api/v1/flags", w.auditor, with(clueBody(w.a), "specific", false)), 201)
	wantFields(t, w.do("POST", "/api/v1/flags", w.auditor, with(clueBody(w.a), "specific", true)), "specific")
	wantFields(t, w.do("POST", "/api/v1/flags", w.audPetition, reportBody(w.a, "petition_type", "appeal", "specific", true)), "specific")
	want(t, w.do("POST", "/api/v1/flags", w.audPetition, reportBody(w.a, "specific", "yes")), 400, "invalid_json")
}

// TestCadreReportsPersonalMatters: the cadre's reports_personal_matters
// (SPEC 5), false unless set, changed by PATCH.
func TestCadreReportsPersonalMatters(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", "/api/v1/cadres", w.rev, with(cadreBody("王五", idFor("19800303", 3), w.unitA), "reports_personal_matters", true))
	want(t, r, 201)
	if r.JSON()["reports_personal_matters"] != true {
		t.Fatalf("body %s", r.Body)
	}
	id := w.cadre("赵六", idFor("19800304", 4), w.unitA)
	path := fmt.Sprintf("/api/v1/cadres/%d", id)
	if r := w.do("GET", path, w.rev, nil); r.JSON()["reports_personal_matters"] != false {
		t.Fatalf("default %s", r.Body)
	}
	r = w.do("PATCH", path, w.rev, map[string]any{"reports_personal_matters": true, "version": 1})
	want(t, r, 200)
	if r.JSON()["reports_personal_matters"] != true || r.JSON()["version"].(float64) != 2 {
		t.Fatalf("patch %s", r.Body)
	}
	r = w.do("PATCH", path, w.rev, map[string]any{"position": "副局长", "version": 2})
	if r.JSON()["reports_personal_matters"] != true {
		t.Fatalf("a PATCH without it changed it: %s", r.Body)
	}
	want(t, w.do("PATCH", path, w.rev, map[string]any{"reports_personal_matters": "yes", "version": 3}), 400, "invalid_json")
}
