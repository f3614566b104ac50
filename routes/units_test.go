package routes_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"efile/models"
	"efile/services/account"
)

// Units change with institutional reforms (SPEC section 5): PATCH renames,
// moves with the sub-units, disables; GET …/history lists each change.

// patchUnit sends PATCH /api/v1/units/{id}.
func (a *app) patchUnit(tok string, id int64, body map[string]any) *resp {
	a.t.Helper()
	return a.do("PATCH", fmt.Sprintf("/api/v1/units/%d", id), tok, body)
}

// unitRow reads a unit as stored.
func (a *app) unitRow(id int64) models.Unit {
	a.t.Helper()
	var u models.Unit
	if err := a.db.First(&u, id).Error; err != nil {
		a.t.Fatal(err)
	}
	return u
}

// version is a unit's current version, for a PATCH.
func (a *app) version(id int64) int { a.t.Helper(); return a.unitRow(id).Version }

// requireTree fails unless every unit's materialised path is its parent's
// path and its own id, and no unit is its own ancestor: the tree is whole.
func requireTree(t testing.TB, a *app) {
	t.Helper()
	var units []models.Unit
	if err := a.db.Order("id").Find(&units).Error; err != nil {
		t.Fatal(err)
	}
	byID := map[int64]models.Unit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for _, u := range units {
		want, seen := "", map[int64]bool{}
		for p := &u; p != nil; {
			if seen[p.ID] {
				t.Fatalf("unit %d is its own ancestor: %+v", u.ID, units)
			}
			seen[p.ID] = true
			want = "/" + strconv.FormatInt(p.ID, 10) + want
			if p.ParentID == nil {
				p = nil
				continue
			}
			next, ok := byID[*p.ParentID]
			if !ok {
				t.Fatalf("unit %d has a parent %d that does not exist", p.ID, *p.ParentID)
			}
			p = &next
		}
		if want += "/"; u.Path != want {
			t.Fatalf("unit %d has path %q, its parents make %q", u.ID, u.Path, want)
		}
	}
}

// subtreeIDs lists the ids GET /units?parent_id= answers, sorted.
func (a *app) subtreeIDs(tok string, id int64) []int64 {
	a.t.Helper()
	r := a.do("GET", fmt.Sprintf("/api/v1/units?parent_id=%d&page_size=200", id), tok, nil)
	want(a.t, r, 200)
	return itemIDs(r)
}

func TestUnitRenameAndValidation(t *testing.T) {
	a := newApp(t)
	admin := a.admin()
	u := a.unit("U", nil)
	t.Run("200_rename", func(t *testing.T) {
		r := a.patchUnit(admin, u, map[string]any{"name": "  区发展和改革局 ", "version": 1})
		want(t, r, 200)
		if m := r.JSON(); m["name"] != "区发展和改革局" || m["version"].(float64) != 2 || m["disabled"] != false || m["code"] != "U" {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200_nameInNFC", func(t *testing.T) {
		r := a.patchUnit(admin, u, map[string]any{"name": "Jose\u0301 office", "version": a.version(u)})
		want(t, r, 200)
		if r.JSON()["name"] != "José office" {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200_nothingChangesNothing", func(t *testing.T) {
		v, n := a.version(u), a.historyLen(u)
		r := a.patchUnit(admin, u, map[string]any{"name": "José office", "version": v})
		want(t, r, 200)
		if a.version(u) != v || a.historyLen(u) != n {
			t.Fatalf("a patch that changes nothing made version %d (was %d) and %d history rows (were %d)", a.version(u), v, a.historyLen(u), n)
		}
	})
	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"400_nameEmpty":       {map[string]any{"name": "  ", "version": 1}, "name"},
		"400_nameTooLong":     {map[string]any{"name": strings.Repeat("局", 101), "version": 1}, "name"},
		"400_nameZeroWidth":   {map[string]any{"name": "发改\u200b局", "version": 1}, "name"},
		"400_nameControl":     {map[string]any{"name": "发改\n局", "version": 1}, "name"},
		"400_versionMissing":  {map[string]any{"name": "X"}, "version"},
		"400_parentUnknown":   {map[string]any{"parent_id": 99999, "version": a.version(u)}, "parent_id"},
		"400_parentUnderSelf": {map[string]any{"parent_id": u, "version": a.version(u)}, "parent_id"},
	} {
		t.Run(name, func(t *testing.T) {
			before := a.unitRow(u)
			r := a.patchUnit(admin, u, tc.body)
			want(t, r, 400, "validation_failed")
			if f := r.Fields(); !slices.Equal(f, []string{tc.field}) {
				t.Fatalf("fields %v, want %s", f, tc.field)
			}
			if after := a.unitRow(u); after.Version != before.Version || after.Name != before.Name {
				t.Fatalf("a refused patch changed the unit: %+v", after)
			}
		})
	}
	t.Run("400_wrongTypes", func(t *testing.T) {
		want(t, a.patchUnit(admin, u, map[string]any{"parent_id": "1", "version": 1}), 400, "invalid_json")
		want(t, a.patchUnit(admin, u, map[string]any{"disabled": "yes", "version": 1}), 400, "invalid_json")
		want(t, a.patchUnit(admin, u, map[string]any{"code": "NEW", "version": 1}), 400, "invalid_json")
	})
	t.Run("409_staleVersion", func(t *testing.T) {
		r := a.patchUnit(admin, u, map[string]any{"name": "Old news", "version": 1})
		want(t, r, 409, "version_conflict")
		if a.unitRow(u).Name == "Old news" {
			t.Fatal("a stale patch was applied")
		}
	})
	t.Run("404_unknownUnit", func(t *testing.T) {
		want(t, a.patchUnit(admin, 99999, map[string]any{"name": "X", "version": 1}), 404, "not_found")
		want(t, a.do("GET", "/api/v1/units/99999/history", admin, nil), 404, "not_found")
	})
}

func TestUnitMove(t *testing.T) {
	a := newApp(t)
	admin := a.admin()
	// A ⊃ A1 ⊃ A11, and B.
	ua := a.unit("A", nil)
	ua1 := a.unit("A1", &ua)
	ua11 := a.unit("A11", &ua1)
	ub := a.unit("B", nil)
	t.Run("400_underItsOwnSubUnit", func(t *testing.T) {
		for _, p := range []int64{ua, ua1, ua11} {
			r := a.patchUnit(admin, ua, map[string]any{"parent_id": p, "version": a.version(ua)})
			want(t, r, 400, "validation_failed")
			if !slices.Equal(r.Fields(), []string{"parent_id"}) {
				t.Fatalf("fields %v", r.Fields())
			}
		}
		requireTree(t, a)
	})
	t.Run("200_withItsSubUnits", func(t *testing.T) {
		r := a.patchUnit(admin, ua, map[string]any{"parent_id": ub, "version": a.version(ua)})
		want(t, r, 200)
		if r.JSON()["parent_id"].(float64) != float64(ub) {
			t.Fatalf("body %s", r.Body)
		}
		requireTree(t, a)
		if got := a.subtreeIDs(admin, ub); !slices.Equal(got, []int64{ua, ua1, ua11, ub}) {
			t.Fatalf("B's subtree %v", got)
		}
		if a.unitRow(ua11).Path != fmt.Sprintf("/%d/%d/%d/%d/", ub, ua, ua1, ua11) {
			t.Fatalf("A11's path %q", a.unitRow(ua11).Path)
		}
		// The sub-units themselves did not change: same parent, same version.
		if u := a.unitRow(ua1); *u.ParentID != ua || u.Version != 1 {
			t.Fatalf("A1 %+v", u)
		}
	})
	t.Run("200_subUnitOut", func(t *testing.T) {
		want(t, a.patchUnit(admin, ua1, map[string]any{"parent_id": ub, "version": a.version(ua1)}), 200)
		requireTree(t, a)
		if got := a.subtreeIDs(admin, ua); !slices.Equal(got, []int64{ua}) {
			t.Fatalf("A's subtree %v", got)
		}
	})
	t.Run("200_toTheRoot", func(t *testing.T) {
		r := a.patchUnit(admin, ua1, map[string]any{"parent_id": nil, "version": a.version(ua1)})
		want(t, r, 200)
		if r.JSON()["parent_id"] != nil || a.unitRow(ua11).Path != fmt.Sprintf("/%d/%d/", ua1, ua11) {
			t.Fatalf("body %s, A11 %+v", r.Body, a.unitRow(ua11))
		}
		requireTree(t, a)
	})
	t.Run("200_renameAndMoveAtOnce", func(t *testing.T) {
		r := a.patchUnit(admin, ua1, map[string]any{"name": "A1 合并", "parent_id": ua, "version": a.version(ua1)})
		want(t, r, 200)
		if m := r.JSON(); m["name"] != "A1 合并" || m["parent_id"].(float64) != float64(ua) {
			t.Fatalf("body %s", r.Body)
		}
		requireTree(t, a)
	})
	t.Run("400_tooDeep", func(t *testing.T) {
		// A chain as deep as a unit can be created, and a shorter one:
		// the first hung under the end of the second would overflow the
		// path column.
		chain := func(prefix string, until int) (root, end int64) {
			root = a.unit(prefix+"0", nil)
			end = root
			for i := 1; len(a.unitRow(end).Path) < until; i++ {
				end = a.unit(fmt.Sprintf("%s%d", prefix, i), &end)
			}
			return root, end
		}
		deep, _ := chain("X", 470)
		_, end := chain("Y", 60)
		r := a.patchUnit(admin, deep, map[string]any{"parent_id": end, "version": a.version(deep)})
		want(t, r, 400, "validation_failed")
		if !slices.Equal(r.Fields(), []string{"parent_id"}) {
			t.Fatalf("fields %v", r.Fields())
		}
		requireTree(t, a)
	})
}

// historyLen counts a unit's history rows as stored.
func (a *app) historyLen(id int64) int64 {
	a.t.Helper()
	var n int64
	if err := a.db.Model(&models.UnitChange{}).Where("unit_id = ?", id).Count(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

func TestUnitHistory(t *testing.T) {
	a := newApp(t)
	admin := a.admin()
	ua := a.unit("A", nil)
	ub := a.unit("B", nil)
	changes := []map[string]any{
		{"name": "区发改委"},
		{"parent_id": ub},
		{"disabled": true},
		{"disabled": false, "parent_id": nil, "name": "区发改局"},
	}
	for _, c := range changes {
		c["version"] = a.version(ua)
		want(t, a.patchUnit(admin, ua, c), 200)
	}
	// Refused changes leave no history.
	want(t, a.patchUnit(admin, ua, map[string]any{"name": "X", "version": 1}), 409)
	want(t, a.patchUnit(admin, ua, map[string]any{"parent_id": ua, "version": a.version(ua)}), 400)
	adminID := a.userID("admin")

	r := a.do("GET", fmt.Sprintf("/api/v1/units/%d/history", ua), admin, nil)
	want(t, r, 200)
	m := r.JSON()
	items := m["items"].([]any)
	if m["total"].(float64) != 4 || len(items) != 4 {
		t.Fatalf("body %s", r.Body)
	}
	type row struct {
		oldName, newName         string
		oldParent, newParent     any
		oldDisabled, newDisabled bool
		version                  float64
	}
	wantRows := []row{ // newest first
		{"区发改委", "区发改局", float64(ub), nil, true, false, 5},
		{"区发改委", "区发改委", float64(ub), float64(ub), false, true, 4},
		{"区发改委", "区发改委", nil, float64(ub), false, false, 3},
		{"Unit A", "区发改委", nil, nil, false, false, 2},
	}
	for i, it := range items {
		e := it.(map[string]any)
		got := row{e["old_name"].(string), e["new_name"].(string), e["old_parent_id"], e["new_parent_id"],
			e["old_disabled"].(bool), e["new_disabled"].(bool), e["version"].(float64)}
		if got != wantRows[i] {
			t.Errorf("history[%d] = %+v, want %+v", i, got, wantRows[i])
		}
		if e["actor"] != "admin" || e["actor_id"].(float64) != float64(adminID) || e["at"] == "" || e["unit_id"].(float64) != float64(ua) {
			t.Errorf("history[%d] who/when: %v", i, e)
		}
	}
	t.Run("paged", func(t *testing.T) {
		r := a.do("GET", fmt.Sprintf("/api/v1/units/%d/history?page=2&page_size=3", ua), admin, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if r.JSON()["total"].(float64) != 4 || len(items) != 1 || items[0].(map[string]any)["version"].(float64) != 2 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("otherUnitsOwnHistory", func(t *testing.T) {
		r := a.do("GET", fmt.Sprintf("/api/v1/units/%d/history", ub), admin, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 0 {
			t.Fatalf("B's history %s", r.Body)
		}
	})
}

// userID is the id of a user by username.
func (a *app) userID(name string) int64 {
	a.t.Helper()
	var u models.User
	if err := a.db.Where("username = ?", name).First(&u).Error; err != nil {
		a.t.Fatal(err)
	}
	return u.ID
}

// Each change has exactly one access-log entry, committed with it: 200 for
// a change, its failure status for a refused one (and then no history).
func TestUnitChangeAccessLog(t *testing.T) {
	a := newApp(t)
	admin := a.admin()
	u := a.unit("U", nil)
	path := fmt.Sprintf("/api/v1/units/%d", u)
	entriesFor := func() []models.AccessEntry {
		var out []models.AccessEntry
		if err := a.db.Where("path = ? AND method = ?", path, "PATCH").Order("id").Find(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	want(t, a.patchUnit(admin, u, map[string]any{"name": "新名", "version": 1}), 200)
	want(t, a.patchUnit(admin, u, map[string]any{"name": "旧名", "version": 1}), 409)
	want(t, a.patchUnit(admin, u, map[string]any{"disabled": true, "version": 2}), 200)
	es := entriesFor()
	var got []int
	for _, e := range es {
		got = append(got, e.Status)
		if e.Actor != "admin" {
			t.Errorf("entry %+v", e)
		}
	}
	if !slices.Equal(got, []int{200, 409, 200}) {
		t.Fatalf("entries with statuses %v, want 200, 409, 200", got)
	}
	if n := a.historyLen(u); n != 2 {
		t.Fatalf("%d history rows, want 2", n)
	}
	want(t, a.do("GET", path+"/history", admin, nil), 200)
	var n int64
	a.db.Model(&models.AccessEntry{}).Where("path = ? AND method = ?", path+"/history", "GET").Count(&n)
	if n != 1 {
		t.Fatalf("%d entries for reading the history, want 1", n)
	}
}

// Who may use the routes of this issue, with real objects (the matrix of
// authz_test.go tries every route with an empty body).
func TestUnitChangeRoles(t *testing.T) {
	w := newWorld(t)
	u := w.unitA
	_, sec := w.user("sec", []string{account.RoleSecurityAuditor}, nil, nil)
	toks := map[string]string{account.RoleAdmin: w.admin(), account.RoleOrgReviewer: w.rev, account.RoleEvaluator: w.evalA,
		account.RoleAuditor: w.auditor, account.RoleSecurityAuditor: sec}
	a := w.app
	for _, role := range account.Roles() {
		t.Run(role, func(t *testing.T) {
			r := a.patchUnit(toks[role], u, map[string]any{"name": "by " + role, "version": a.version(u)})
			if role == account.RoleAdmin {
				want(t, r, 200)
			} else {
				want(t, r, 403, "forbidden")
			}
			r = a.do("GET", fmt.Sprintf("/api/v1/units/%d/history", u), toks[role], nil)
			if role == account.RoleAdmin || role == account.RoleOrgReviewer {
				want(t, r, 200)
			} else {
				want(t, r, 403, "forbidden")
			}
		})
	}
	if n := a.historyLen(u); n != 1 {
		t.Fatalf("%d history rows, want the admin's one", n)
	}
}
