package routes_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"efile/models"
)

func TestAccessLogEntries(t *testing.T) {
	a := newApp(t)
	want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password-1"}), 401)
	tok := a.admin()
	uid := a.unit("U1", nil)
	n0 := len(a.entries())
	want(t, a.do("GET", "/api/v1/me", tok, nil), 200)
	want(t, a.do("GET", "/api/v1/units", tok, nil), 200)
	want(t, a.do("GET", "/healthz", "", nil), 200)
	if n := len(a.entries()); n != n0 {
		t.Fatalf("GET /me, GET /units and /healthz must not be logged: %d new entries", n-n0)
	}
	want(t, a.do("GET", fmt.Sprintf("/api/v1/units/%d?x=1", uid), tok, nil), 200)
	want(t, a.do("GET", "/api/v1/access-log", tok, nil), 403)
	want(t, a.do("GET", "/api/v1/users", "", nil), 401)
	want(t, a.do("GET", "/api/v1/nowhere", tok, nil), 404)
	want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": "n", "code": "C2"}), 201)
	want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": "n", "code": "C2"}), 409)
	es := a.entries()
	type row struct {
		actor  string
		method string
		path   string
		status int
	}
	got := []row{}
	for _, e := range es {
		got = append(got, row{e.Actor, e.Method, e.Path, e.Status})
	}
	wantRows := []row{
		{"", "POST", "/api/v1/auth/login", 401},
		{"admin", "POST", "/api/v1/auth/login", 200},
		{"admin", "GET", fmt.Sprintf("/api/v1/units/%d", uid), 200},
		{"admin", "GET", "/api/v1/access-log", 403},
		{"", "GET", "/api/v1/users", 401},
		{"admin", "GET", "/api/v1/nowhere", 404},
		{"admin", "POST", "/api/v1/units", 201},
		{"admin", "POST", "/api/v1/units", 409},
	}
	if fmt.Sprint(got) != fmt.Sprint(wantRows) {
		t.Fatalf("entries\n got %v\nwant %v", got, wantRows)
	}
	if es[0].ActorID != 0 || es[1].ActorID == 0 {
		t.Fatalf("actor ids %d %d", es[0].ActorID, es[1].ActorID)
	}
}

func TestAccessLogListAndVerify(t *testing.T) {
	a := newApp(t)
	sid, sec := a.user("sec", []string{"security_auditor"}, nil, nil)
	tok := a.admin()
	for i := 0; i < 5; i++ {
		want(t, a.do("GET", "/api/v1/users", tok, nil), 200)
	}
	r := a.do("GET", "/api/v1/access-log/verify", sec, nil)
	want(t, r, 200)
	m := r.JSON()
	if m["ok"] != true || m["pending"].(float64) != 0 || m["checked"].(float64) < 7 || len(m["head_hash"].(string)) != 64 {
		t.Fatalf("verify %s", r.Body)
	}
	t.Run("listFilters", func(t *testing.T) {
		a.seal()
		r := a.do("GET", fmt.Sprintf("/api/v1/access-log?actor_id=%d", sid), sec, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if len(items) == 0 {
			t.Fatal("no entries for the security auditor")
		}
		for _, it := range items {
			e := it.(map[string]any)
			if e["actor"] != "sec" {
				t.Fatalf("filter leaked %v", e)
			}
		}
		first := items[0].(map[string]any)
		if first["method"] != "GET" || first["path"] != "/api/v1/access-log/verify" || len(first["hash"].(string)) != 64 {
			t.Fatalf("newest first, sealed: %v", first)
		}
		want(t, a.do("GET", "/api/v1/access-log?from=2000-01-01&to=2999-01-01&page_size=2", sec, nil), 200)
		r = a.do("GET", "/api/v1/access-log?to=2000-01-01", sec, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 0 {
			t.Fatalf("to filter: %s", r.Body)
		}
		r = a.do("GET", "/api/v1/access-log?from=yesterday", sec, nil)
		want(t, r, 400, "validation_failed")
		if r.Fields()[0] != "from" {
			t.Fatal(r.Fields())
		}
		want(t, a.do("GET", "/api/v1/access-log?actor_id=x", sec, nil), 400, "validation_failed")
	})
	t.Run("headAnchor", func(t *testing.T) {
		r := a.do("GET", "/api/v1/access-log/verify", sec, nil)
		head := r.JSON()["head_hash"].(string)
		seq := int64(r.JSON()["checked"].(float64))
		r = a.do("GET", fmt.Sprintf("/api/v1/access-log/verify?head=%s@%d", head, seq), sec, nil)
		want(t, r, 200)
		if r.JSON()["ok"] != true {
			t.Fatalf("anchor: %s", r.Body)
		}
		want(t, a.do("GET", "/api/v1/access-log/verify?head=nothex@1", sec, nil), 400, "validation_failed")
		r = a.do("GET", fmt.Sprintf("/api/v1/access-log/verify?head=%s@%d", head, seq+1000), sec, nil)
		if r.JSON()["ok"] != false {
			t.Fatalf("an anchor past the end must fail: %s", r.Body)
		}
	})
}

func verify(t *testing.T, a *app, sec, query string) map[string]any {
	t.Helper()
	r := a.do("GET", "/api/v1/access-log/verify"+query, sec, nil)
	want(t, r, 200)
	return r.JSON()
}

func TestAccessLogTamper(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(a *app, es []models.AccessEntry) (badID int64)
	}{
		{"editedStatus", func(a *app, es []models.AccessEntry) int64 {
			a.db.Exec("UPDATE access_entries SET status = 403 WHERE id = ?", es[3].ID)
			return es[3].ID
		}},
		{"editedActor", func(a *app, es []models.AccessEntry) int64 {
			a.db.Exec("UPDATE access_entries SET actor = 'someone' WHERE id = ?", es[2].ID)
			return es[2].ID
		}},
		{"removedFromMiddle", func(a *app, es []models.AccessEntry) int64 {
			a.db.Exec("DELETE FROM access_entries WHERE id = ?", es[2].ID)
			return es[3].ID
		}},
		{"insertedWithForgedSeq", func(a *app, es []models.AccessEntry) int64 {
			// Shift the tail up by one and slot a forged entry in at seq 3.
			a.db.Exec("UPDATE access_entries SET seq = seq + 1000 WHERE seq >= 3")
			a.db.Exec("UPDATE access_entries SET seq = seq - 999 WHERE seq >= 1003")
			h := *es[1].Hash
			a.db.Create(&models.AccessEntry{Seq: ptr(int64(3)), At: es[2].At, Actor: "x", Method: "GET", Path: "/api/v1/users", Status: 200, PrevHash: &h, Hash: &h})
			var forged models.AccessEntry
			a.db.Where("seq = 3").First(&forged)
			return forged.ID
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t)
			_, sec := a.user("sec", []string{"security_auditor"}, nil, nil)
			tok := a.admin()
			for i := 0; i < 6; i++ {
				want(t, a.do("GET", "/api/v1/users", tok, nil), 200)
			}
			a.seal()
			bad := c.tamper(a, a.entries())
			m := verify(t, a, sec, "")
			if m["ok"] != false || m["first_bad_id"] == nil || int64(m["first_bad_id"].(float64)) != bad {
				t.Fatalf("want first_bad_id %d: %v", bad, m)
			}
		})
	}
	t.Run("removedFromEnd", func(t *testing.T) {
		a := newApp(t)
		_, sec := a.user("sec", []string{"security_auditor"}, nil, nil)
		tok := a.admin()
		for i := 0; i < 4; i++ {
			want(t, a.do("GET", "/api/v1/users", tok, nil), 200)
		}
		a.seal()
		var hd models.ChainHead
		a.db.First(&hd, 1)
		head := fmt.Sprintf("%s@%d", hd.Hash, hd.Seq)
		a.db.Exec("DELETE FROM access_entries WHERE seq = ?", hd.Seq)
		if m := verify(t, a, sec, ""); m["ok"] != false {
			t.Fatalf("the chain head row must catch a removed tail: %v", m)
		}
		// Even when the head row is rewound too, the anchor kept elsewhere
		// catches it (later entries are sealed onto the rewound head).
		var prev models.AccessEntry
		a.db.Order("seq DESC").Where("seq < ?", hd.Seq).First(&prev)
		a.db.Exec("DELETE FROM access_entries WHERE seq >= ?", hd.Seq)
		a.db.Exec("UPDATE chain_heads SET seq = ?, hash = ? WHERE id = 1", *prev.Seq, *prev.Hash)
		if m := verify(t, a, sec, ""); m["ok"] != true {
			t.Fatalf("without the anchor a rewound tail is invisible: %v", m)
		}
		if m := verify(t, a, sec, "?head="+head); m["ok"] != false {
			t.Fatalf("the anchor must catch a removed tail: %v", m)
		}
	})
}

func TestAccessLogConcurrentChain(t *testing.T) {
	a := newApp(t)
	_, sec := a.user("sec", []string{"security_auditor"}, nil, nil)
	tok := a.admin()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	sealerDone := make(chan struct{})
	go func() { // a sealer racing the writers, as in the server
		defer close(sealerDone)
		for {
			select {
			case <-stop:
				return
			default:
				if _, err := a.audit.Seal(t.Context()); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				a.do("GET", "/api/v1/users", tok, nil)
			} else {
				a.do("POST", "/api/v1/units", tok, map[string]any{"name": "u", "code": fmt.Sprintf("C%d", i)})
			}
		}(i)
	}
	wg.Wait()
	close(stop)
	<-sealerDone
	want(t, a.do("GET", "/api/v1/access-log/verify", sec, nil), 200)
	a.seal()
	es := a.entries()
	v, err := a.audit.Verify(t.Context(), nil)
	if err != nil || !v.OK || int(v.Checked) != len(es) || v.Pending != 0 {
		t.Fatalf("verify %+v (%v) with %d entries", v, err, len(es))
	}
	seen := map[int64]bool{}
	for _, e := range es {
		if e.Seq == nil || seen[*e.Seq] || *e.Seq < 1 || *e.Seq > int64(len(es)) {
			t.Fatalf("seq %v not gap-free", e.Seq)
		}
		seen[*e.Seq] = true
	}
}

func TestAccessLogFailureWithholdsResponse(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	uid := a.unit("U1", nil)
	var users int64
	a.db.Model(&models.User{}).Count(&users)
	if err := a.db.Exec("DROP TABLE access_entries").Error; err != nil {
		t.Fatal(err)
	}
	t.Run("read500_withoutData", func(t *testing.T) {
		r := a.do("GET", fmt.Sprintf("/api/v1/units/%d", uid), tok, nil)
		want(t, r, 500, "internal")
		if r.Header.Get("Content-Type") != "application/json; charset=utf-8" || len(r.Body) > 200 {
			t.Fatalf("data leaked: %s", r.Body)
		}
	})
	t.Run("change500_rolledBack", func(t *testing.T) {
		r := a.do("POST", "/api/v1/users", tok, map[string]any{"username": "newbie", "password": "a-long-password",
			"display_name": "N", "roles": []string{"org_reviewer"}})
		want(t, r, 500, "internal")
		var n int64
		a.db.Model(&models.User{}).Count(&n)
		if n != users {
			t.Fatalf("a change committed without its entry: %d users, was %d", n, users)
		}
	})
}

// TestAccessLogWireForm pins the entry's ip and path as SPEC section 11
// writes them: the client address in canonical form, the path as sent
// (percent-encoded, never decoded), cut to 512 characters; paths that are
// undecodable or too long get their entry like any other.
func TestAccessLogWireForm(t *testing.T) {
	a := newApp(t)
	_, tok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	last := func() models.AccessEntry {
		t.Helper()
		es := a.entries()
		return es[len(es)-1]
	}
	send := func(path, remote string) int {
		req := httptest.NewRequest("GET", "/", nil)
		req.RequestURI = path
		u, err := url.ParseRequestURI(path)
		if err != nil {
			u = &url.URL{Path: path}
		}
		req.URL = u
		req.RemoteAddr = remote
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		a.r.ServeHTTP(w, req)
		return w.Code
	}
	for _, c := range []struct {
		name, path, remote, wantPath, wantIP string
	}{
		{"percentFF", "/api/v1/cadres/%FF", "10.0.0.7:5555", "/api/v1/cadres/%FF", "10.0.0.7"},
		{"lineSeparator", "/api/v1/cadres/%E7%8E%8B%E2%80%A8?q=1", "[2001:0db8::0001]:443", "/api/v1/cadres/%E7%8E%8B%E2%80%A8", "2001:db8::1"},
		{"rawBytes", "/api/v1/cadres/\xff\xfe", "[::ffff:10.0.0.8]:1", "/api/v1/cadres/%FF%FE", "10.0.0.8"},
		{"tooLong", "/api/v1/" + strings.Repeat("x", 700), "10.0.0.9:1", ("/api/v1/" + strings.Repeat("x", 700))[:512], "10.0.0.9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code := send(c.path, c.remote); code != 404 {
				t.Fatalf("status %d, want 404", code)
			}
			e := last()
			if e.Path != c.wantPath || e.IP != c.wantIP || e.Status != 404 || e.Actor != "rev" {
				t.Fatalf("entry path %q ip %q status %d actor %q; want %q %q", e.Path, e.IP, e.Status, e.Actor, c.wantPath, c.wantIP)
			}
		})
	}
	t.Run("chainVerifiesWithHead", func(t *testing.T) {
		_, sec := a.user("sec", []string{"security_auditor"}, nil, nil)
		m := verify(t, a, sec, "")
		head := fmt.Sprintf("%s@%d", m["head_hash"], int64(m["head_seq"].(float64)))
		if m["ok"] != true || m["head"] != head || m["head_seq"].(float64) < 5 {
			t.Fatalf("verify %v", m)
		}
	})
	t.Run("farFutureToIncludesAll", func(t *testing.T) {
		_, sec := a.user("sec2", []string{"security_auditor"}, nil, nil)
		a.seal()
		r := a.do("GET", "/api/v1/access-log?to=9999-12-31T23:59:59.999999999Z", sec, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) < 5 {
			t.Fatalf("to far in the future: %s", r.Body)
		}
		r = a.do("GET", "/api/v1/access-log?to=9999-12-31", sec, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) < 5 {
			t.Fatalf("to 9999-12-31: %s", r.Body)
		}
	})
}
