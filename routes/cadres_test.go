package routes_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"efile/services/idnumber"
)

// idFor builds a valid resident ID number born on birth (YYYYMMDD).
// idFor makes a valid ID number; its 17th digit, and so its gender, is
// seq's parity: odd seq is a man.
func idFor(birth string, seq int) string {
	first := fmt.Sprintf("110105%s%03d", birth, seq%1000)
	return first + string(idnumber.CheckDigit(first))
}

// genderOf is the roster's word for the gender an ID number encodes.
func genderOf(id string) string {
	if (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// world is a small organisation: unit A with sub-unit A1, and unit B; a
// reviewer, an evaluator of A, an evaluator of B, an auditor.
type world struct {
	*app
	unitA, unitA1, unitB       int64
	rev, evalA, evalB, auditor string
	revID                      int64
}

func newWorld(t testing.TB) *world {
	w := &world{app: newApp(t)}
	w.unitA = w.unit("A", nil)
	w.unitA1 = w.unit("A1", &w.unitA)
	w.unitB = w.unit("B", nil)
	w.revID, w.rev = w.user("rev", []string{"org_reviewer"}, nil, nil)
	_, w.evalA = w.user("evala", []string{"evaluator"}, &w.unitA, nil)
	_, w.evalB = w.user("evalb", []string{"evaluator"}, &w.unitB, nil)
	_, w.auditor = w.user("aud", []string{"auditor"}, nil, ptr("discipline"))
	return w
}

func cadreBody(name, id string, unitID int64) map[string]any {
	gender := "female"
	if (id[16]-'0')%2 == 1 {
		gender = "male"
	}
	return map[string]any{"name": name, "gender": gender, "birth_date": id[6:10] + "-" + id[10:12] + "-" + id[12:14],
		"id_number": id, "unit_id": unitID, "position": "科长", "rank": "一级主任科员", "is_top_leader": false,
		"appointed_on": "2020-01-02"}
}

// cadre creates a cadre as the reviewer and returns its id.
func (w *world) cadre(name, id string, unitID int64) int64 {
	w.t.Helper()
	r := w.do("POST", "/api/v1/cadres", w.rev, cadreBody(name, id, unitID))
	want(w.t, r, 201)
	return r.ID()
}

func TestCreateCadre(t *testing.T) {
	w := newWorld(t)
	good := idFor("19850607", 12)
	with := func(k string, v any) map[string]any {
		b := cadreBody("李四", idFor("19850607", 99), w.unitA)
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	badCheck := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"400_badChecksum", with("id_number", badCheck), 400, "validation_failed", "id_number"},
		{"400_shortIDNumber", with("id_number", "11010519850607"), 400, "validation_failed", "id_number"},
		{"400_birthDateMismatch", with("birth_date", "1985-06-08"), 400, "validation_failed", "id_number"},
		{"400_futureBirthDate", with("birth_date", "2999-01-01"), 400, "validation_failed", "birth_date"},
		{"400_badGender", with("gender", "m"), 400, "validation_failed", "gender"},
		{"400_nameTooLong", with("name", strings.Repeat("名", 51)), 400, "validation_failed", "name"},
		{"400_emptyName", with("name", " "), 400, "validation_failed", "name"},
		{"400_missingUnit", with("unit_id", nil), 400, "validation_failed", "unit_id"},
		{"400_unknownUnit", with("unit_id", 999), 400, "validation_failed", "unit_id"},
		{"400_badAppointedOn", with("appointed_on", "2020/01/02"), 400, "validation_failed", "appointed_on"},
		{"400_idNotAllowed", with("id", 5), 400, "invalid_json", "id"},
		{"400_versionNotAllowed", with("version", 1), 400, "invalid_json", "version"},
		{"400_statusNotAllowed", with("status", "active"), 400, "invalid_json", "status"},
		{"400_createdAtNotAllowed", with("created_at", "2020-01-01T00:00:00Z"), 400, "invalid_json", "created_at"},
		{"400_topLeaderAsString", with("is_top_leader", "是"), 400, "invalid_json", "is_top_leader"},
		{"201", cadreBody("王五", good, w.unitA), 201, "", ""},
		{"409_duplicateIDNumber", cadreBody("王五二", good, w.unitB), 409, "conflict", ""},
		{"201_checkCharacterX", cadreBody("赵六", "11010519491231002X", w.unitA), 201, "", ""},
		{"409_lowercaseXIsTheSameNumber", cadreBody("赵六", "11010519491231002x", w.unitA), 409, "conflict", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", "/api/v1/cadres", w.rev, c.body)
			want(t, r, c.status, c.code)
			if c.field != "" && (len(r.Fields()) == 0 || r.Fields()[0] != c.field) {
				t.Fatalf("fields %v, want %s (%s)", r.Fields(), c.field, r.Body)
			}
			if c.status == 201 {
				m := r.JSON()
				if m["status"] != "active" || m["version"].(float64) != 1 || m["id_number"] != strings.ToUpper(c.body["id_number"].(string)) {
					t.Fatalf("body %s", r.Body)
				}
			}
		})
	}
	t.Run("policy_evaluator", func(t *testing.T) {
		wantPolicy(t, w.do("POST", "/api/v1/cadres", w.evalA, cadreBody("x", idFor("19900101", 1), w.unitA)), "POST /api/v1/cadres", "evaluator")
	})
	t.Run("idNumberEncryptedAtRest", func(t *testing.T) {
		var n int64
		w.db.Raw("SELECT COUNT(*) FROM cadres WHERE id_number_enc LIKE ? OR id_number_hash = ?", "%"+good+"%", good).Scan(&n)
		if n != 0 {
			t.Fatal("the ID number is stored in clear")
		}
	})
}

func TestCadreScopeAndMasking(t *testing.T) {
	w := newWorld(t)
	idA, idA1, idB := idFor("19800101", 1), idFor("19800102", 2), idFor("19800103", 3)
	a := w.cadre("张三", idA, w.unitA)
	a1 := w.cadre("张三丰", idA1, w.unitA1)
	b := w.cadre("李四", idB, w.unitB)
	masked := idA[:1] + strings.Repeat("*", 16) + idA[17:]
	get := func(tok string, id int64) *resp { return w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", id), tok, nil) }
	t.Run("reviewerSeesWholeIDNumber", func(t *testing.T) {
		r := get(w.rev, a)
		want(t, r, 200)
		if r.JSON()["id_number"] != idA {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("evaluatorSeesMasked", func(t *testing.T) {
		r := get(w.evalA, a)
		want(t, r, 200)
		if r.JSON()["id_number"] != masked || r.JSON()["rank"] != "一级主任科员" {
			t.Fatalf("body %s", r.Body)
		}
		if strings.Contains(string(r.Body), idA) {
			t.Fatal("whole ID number leaked")
		}
	})
	t.Run("evaluatorSeesSubUnit", func(t *testing.T) { want(t, get(w.evalA, a1), 200) })
	t.Run("evaluator404OtherUnit", func(t *testing.T) {
		r := get(w.evalA, b)
		want(t, r, 404, "not_found")
		if strings.Contains(string(r.Body), "李四") {
			t.Fatal("content leaked")
		}
	})
	t.Run("evaluatorBOnlySeesB", func(t *testing.T) {
		want(t, get(w.evalB, a), 404, "not_found")
		want(t, get(w.evalB, b), 200)
	})
	t.Run("unknown404", func(t *testing.T) { want(t, get(w.rev, 9999), 404, "not_found") })
	t.Run("evaluatorListIsItsSubtree", func(t *testing.T) {
		r := w.do("GET", "/api/v1/cadres", w.evalA, nil)
		want(t, r, 200)
		if ids := itemIDs(r); fmt.Sprint(ids) != fmt.Sprint([]int64{a, a1}) {
			t.Fatalf("ids %v", ids)
		}
		r = w.do("GET", fmt.Sprintf("/api/v1/cadres?unit_id=%d", w.unitB), w.evalA, nil)
		if r.JSON()["total"].(float64) != 0 {
			t.Fatalf("a unit filter must not widen scope: %s", r.Body)
		}
	})
	t.Run("reviewerListFilters", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres?unit_id=%d", w.unitA), w.rev, nil)
		if ids := itemIDs(r); fmt.Sprint(ids) != fmt.Sprint([]int64{a, a1}) {
			t.Fatalf("unit subtree ids %v", ids)
		}
		r = w.do("GET", "/api/v1/cadres?q=张三", w.rev, nil)
		if r.JSON()["total"].(float64) != 2 {
			t.Fatalf("q by name: %s", r.Body)
		}
		r = w.do("GET", "/api/v1/cadres?q="+idB, w.rev, nil)
		if ids := itemIDs(r); fmt.Sprint(ids) != fmt.Sprint([]int64{b}) {
			t.Fatalf("q by ID number: %v", ids)
		}
		r = w.do("GET", "/api/v1/cadres?q=%25", w.rev, nil)
		if r.JSON()["total"].(float64) != 0 {
			t.Fatalf("%% must be literal: %s", r.Body)
		}
		want(t, w.do("GET", "/api/v1/cadres?status=gone", w.rev, nil), 400, "validation_failed")
		want(t, w.do("GET", "/api/v1/cadres?is_top_leader=maybe", w.rev, nil), 400, "validation_failed")
		r = w.do("GET", "/api/v1/cadres?is_top_leader=true", w.rev, nil)
		if r.JSON()["total"].(float64) != 0 {
			t.Fatalf("is_top_leader: %s", r.Body)
		}
	})
	t.Run("auditorLookup", func(t *testing.T) {
		want(t, w.do("GET", "/api/v1/cadres", w.auditor, nil), 400, "validation_failed")
		want(t, w.do("GET", "/api/v1/cadres?q=张", w.auditor, nil), 400, "validation_failed")
		r := w.do("GET", "/api/v1/cadres?q=张三", w.auditor, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("body %s", r.Body)
		}
		for _, it := range items {
			var keys []string
			for k := range it.(map[string]any) {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if strings.Join(keys, ",") != "id,id_number,name,position,unit_id" {
				t.Fatalf("auditor sees %v", keys)
			}
			if n := it.(map[string]any)["id_number"].(string); !strings.Contains(n, "********") {
				t.Fatalf("unmasked %s", n)
			}
		}
		r = w.do("GET", "/api/v1/cadres?q="+idB, w.auditor, nil)
		if ids := itemIDs(r); fmt.Sprint(ids) != fmt.Sprint([]int64{b}) {
			t.Fatalf("auditor by ID number: %v", ids)
		}
		wantPolicy(t, get(w.auditor, a), "GET /api/v1/cadres/:id", "auditor")
	})
	t.Run("auditorLookupAtMost20", func(t *testing.T) {
		for i := 0; i < 22; i++ {
			w.cadre(fmt.Sprintf("王%02d", i), idFor("19700101", 100+i), w.unitB)
		}
		r := w.do("GET", "/api/v1/cadres?q=王", w.auditor, nil)
		want(t, r, 400)
		r = w.do("GET", "/api/v1/cadres?q=王0", w.auditor, nil)
		if n := len(r.JSON()["items"].([]any)); n != 10 {
			t.Fatalf("%d items", n)
		}
		r = w.do("GET", "/api/v1/cadres?q=19700101", w.auditor, nil)
		if n := len(r.JSON()["items"].([]any)); n != 0 {
			t.Fatalf("a partial ID number must not search: %d items", n)
		}
		w.do("GET", "/api/v1/cadres?q=%E7%8E%8B", w.auditor, nil)
		r = w.do("GET", "/api/v1/cadres?q=王1", w.auditor, nil)
		r2 := w.do("GET", "/api/v1/cadres?q=王", w.rev, nil)
		if len(r.JSON()["items"].([]any)) != 10 || r2.JSON()["total"].(float64) != 22 {
			t.Fatal("lookup counts")
		}
	})
}

func itemIDs(r *resp) []int64 {
	var out []int64
	items, _ := r.JSON()["items"].([]any)
	for _, it := range items {
		out = append(out, int64(it.(map[string]any)["id"].(float64)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func TestCadreRecusal(t *testing.T) {
	w := newWorld(t)
	own := w.cadre("审核员本人", idFor("19790101", 1), w.unitA)
	other := w.cadre("别人", idFor("19790102", 2), w.unitA)
	admin := w.admin()
	r := w.do("GET", fmt.Sprintf("/api/v1/users/%d", w.revID), admin, nil)
	want(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", w.revID), admin, map[string]any{"cadre_id": own, "version": r.JSON()["version"]}), 200)
	t.Run("adminLinkDoesNotReadCadre", func(t *testing.T) {
		wantPolicy(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", own), admin, nil), "GET /api/v1/cadres/:id", "admin")
	})
	t.Run("ownRecord404", func(t *testing.T) {
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", own), w.rev, nil), 404, "not_found")
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", own), w.rev, nil), 404, "not_found")
		want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", own), w.rev,
			map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "x"}), 404, "not_found")
		want(t, w.do("PATCH", fmt.Sprintf("/api/v1/cadres/%d", own), w.rev, map[string]any{"rank": "x", "version": 1}), 404, "not_found")
		want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", other), w.rev, nil), 200)
	})
	t.Run("ownRecordNotListed", func(t *testing.T) {
		r := w.do("GET", "/api/v1/cadres", w.rev, nil)
		if ids := itemIDs(r); fmt.Sprint(ids) != fmt.Sprint([]int64{other}) {
			t.Fatalf("ids %v", ids)
		}
	})
}

func TestUpdateCadre(t *testing.T) {
	w := newWorld(t)
	id := w.cadre("张三", idFor("19800101", 1), w.unitA)
	path := fmt.Sprintf("/api/v1/cadres/%d", id)
	t.Run("200", func(t *testing.T) {
		r := w.do("PATCH", path, w.rev, map[string]any{"rank": "二级调研员", "is_top_leader": true, "version": 1})
		want(t, r, 200)
		if r.JSON()["version"].(float64) != 2 || r.JSON()["rank"] != "二级调研员" || r.JSON()["is_top_leader"] != true {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("409_stale", func(t *testing.T) {
		want(t, w.do("PATCH", path, w.rev, map[string]any{"rank": "x", "version": 1}), 409, "version_conflict")
	})
	t.Run("400_missingVersion", func(t *testing.T) {
		want(t, w.do("PATCH", path, w.rev, map[string]any{"rank": "x"}), 400, "validation_failed")
	})
	t.Run("400_badStatus", func(t *testing.T) {
		want(t, w.do("PATCH", path, w.rev, map[string]any{"status": "dead", "version": 2}), 400, "validation_failed")
	})
	t.Run("400_birthDateNoLongerMatches", func(t *testing.T) {
		r := w.do("PATCH", path, w.rev, map[string]any{"birth_date": "1980-01-02", "version": 2})
		want(t, r, 400, "validation_failed")
		if r.Fields()[0] != "id_number" {
			t.Fatal(r.Fields())
		}
	})
	t.Run("200_retire", func(t *testing.T) {
		r := w.do("PATCH", path, w.rev, map[string]any{"status": "retired", "version": 2})
		want(t, r, 200)
		if r.JSON()["status"] != "retired" {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200_newIDNumberWithItsBirthDate", func(t *testing.T) {
		n := idFor("19810203", 5)
		r := w.do("PATCH", path, w.rev, map[string]any{"id_number": n, "birth_date": "1981-02-03", "version": 3})
		want(t, r, 200)
		if r.JSON()["id_number"] != n {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("409_idNumberOfAnother", func(t *testing.T) {
		other := idFor("19900101", 7)
		w.cadre("李四", other, w.unitB)
		want(t, w.do("PATCH", path, w.rev, map[string]any{"id_number": other, "birth_date": "1990-01-01", "version": 4}), 409, "conflict")
	})
	t.Run("400_unknownField", func(t *testing.T) {
		want(t, w.do("PATCH", path, w.rev, map[string]any{"id": 3, "version": 4}), 400, "invalid_json")
	})
	t.Run("policy_evaluator", func(t *testing.T) {
		wantPolicy(t, w.do("PATCH", path, w.evalA, map[string]any{"rank": "x", "version": 4}), "PATCH /api/v1/cadres/:id", "evaluator")
	})
}
