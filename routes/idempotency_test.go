package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"efile/models"
)

func (a *app) post(path, tok, key string, body any) *resp {
	a.t.Helper()
	j, _ := json.Marshal(body)
	return a.raw("POST", path, tok, bytes.NewReader(j), map[string]string{"Idempotency-Key": key})
}

func TestIdempotency(t *testing.T) {
	w := newWorld(t)
	body := cadreBody("张三", idFor("19800101", 1), w.unitA)
	count := func() int64 {
		var n int64
		w.db.Model(&models.Cadre{}).Count(&n)
		return n
	}
	first := w.post("/api/v1/cadres", w.rev, "k-1", body)
	want(t, first, 201)
	t.Run("retryReturnsFirstResponse", func(t *testing.T) {
		again := w.post("/api/v1/cadres", w.rev, "k-1", body)
		want(t, again, 201)
		if !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay differs:\n%s\n%s", first.Body, again.Body)
		}
		if count() != 1 {
			t.Fatalf("%d cadres", count())
		}
	})
	t.Run("409_sameKeyOtherBody", func(t *testing.T) {
		other := cadreBody("李四", idFor("19800102", 2), w.unitA)
		want(t, w.post("/api/v1/cadres", w.rev, "k-1", other), 409, "conflict")
		if count() != 1 {
			t.Fatalf("%d cadres", count())
		}
	})
	t.Run("otherUserOwnKeys", func(t *testing.T) {
		_, rev2 := w.user("rev2", []string{"org_reviewer"}, nil, nil)
		r := w.post("/api/v1/cadres", rev2, "k-1", cadreBody("王五", idFor("19800103", 3), w.unitA))
		want(t, r, 201)
	})
	t.Run("failuresAreNotKept", func(t *testing.T) {
		bad := cadreBody("赵六", idFor("19800104", 4), w.unitA)
		bad["gender"] = "x"
		want(t, w.post("/api/v1/cadres", w.rev, "k-2", bad), 400)
		bad["gender"] = "female"
		want(t, w.post("/api/v1/cadres", w.rev, "k-2", bad), 201)
	})
	t.Run("keptResponseIsEncrypted", func(t *testing.T) {
		var rows []models.Idempotency
		w.db.Find(&rows)
		for _, r := range rows {
			if bytes.Contains(r.Response, []byte("张三")) || bytes.Contains(r.Response, []byte("id_number")) {
				t.Fatal("stored response in clear")
			}
		}
	})
	t.Run("recordsAndUsersToo", func(t *testing.T) {
		id := first.ID()
		path := fmt.Sprintf("/api/v1/cadres/%d/records", id)
		rb := map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "x"}
		r1 := w.post(path, w.evalA, "r-1", rb)
		r2 := w.post(path, w.evalA, "r-1", rb)
		want(t, r2, 201)
		if r1.ID() != r2.ID() {
			t.Fatal("record created twice")
		}
		admin := w.admin()
		ub := map[string]any{"username": "newbie", "password": "a-long-password", "display_name": "N", "roles": []string{"org_reviewer"}}
		u1 := w.post("/api/v1/users", admin, "u-1", ub)
		u2 := w.post("/api/v1/users", admin, "u-1", ub)
		want(t, u2, 201)
		if u1.ID() != u2.ID() {
			t.Fatal("user created twice")
		}
	})
	t.Run("keysAreCaseSensitive", func(t *testing.T) {
		before := count()
		want(t, w.post("/api/v1/cadres", w.rev, "K-Case", cadreBody("大写", idFor("19800106", 6), w.unitA)), 201)
		r := w.post("/api/v1/cadres", w.rev, "k-case", cadreBody("小写", idFor("19800107", 7), w.unitA))
		want(t, r, 201)
		if r.Header.Get("Idempotent-Replayed") != "" || count() != before+2 {
			t.Fatalf("K-Case and k-case were one key: %d created", count()-before)
		}
	})
	t.Run("replayHidesWhatTheCallerMayNoLongerSee", func(t *testing.T) {
		idn := idFor("19800108", 8)
		b := cadreBody("回避", idn, w.unitA)
		uid, tok := w.user("rev3", []string{"org_reviewer"}, nil, nil)
		created := w.post("/api/v1/cadres", tok, "k-recuse", b)
		want(t, created, 201)
		// The reviewer is then linked to that cadre: recusal.
		admin := w.admin()
		u := w.do("GET", fmt.Sprintf("/api/v1/users/%d", uid), admin, nil)
		want(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", uid), admin,
			map[string]any{"cadre_id": created.ID(), "version": u.JSON()["version"]}), 200)
		r := w.post("/api/v1/cadres", tok, "k-recuse", b)
		want(t, r, 403, "forbidden")
		if bytes.Contains(r.Body, []byte(idn)) || bytes.Contains(r.Body, []byte("回避")) {
			t.Fatalf("replay leaked the cadre: %s", r.Body)
		}
	})
	t.Run("concurrentSameKeyCreateOne", func(t *testing.T) {
		before := count()
		b := cadreBody("并发", idFor("19800105", 5), w.unitA)
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		statuses := make([]int, 8)
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := w.post("/api/v1/cadres", w.rev, "k-conc", b)
				ids[i], statuses[i] = r.ID(), r.Status
			}(i)
		}
		wg.Wait()
		for i := range ids {
			if statuses[i] != 201 || ids[i] != ids[0] {
				t.Fatalf("statuses %v ids %v", statuses, ids)
			}
		}
		if count() != before+1 {
			t.Fatalf("%d cadres created", count()-before)
		}
	})
	t.Run("eachRequestLoggedOnce", func(t *testing.T) {
		w.seal()
		v, err := w.audit.Verify(t.Context(), nil)
		if err != nil || !v.OK {
			t.Fatalf("%+v %v", v, err)
		}
		n := 0
		for _, e := range w.entries() {
			if e.Method == "POST" && e.Path == "/api/v1/cadres" {
				n++
			}
		}
		// first, retry, 409, other user, 400, 201, two cases, recusal create and replay, 8 concurrent
		if n != 18 {
			t.Fatalf("%d entries for POST /api/v1/cadres", n)
		}
	})
}
