package routes_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"efile/models"
)

// throttle reads the lockout row of a pair (nil when there is none).
func (a *app) throttle(username, ip string) *models.LoginThrottle {
	a.t.Helper()
	var th []models.LoginThrottle
	if err := a.db.Where("username = ? AND client_ip = ?", username, ip).Find(&th).Error; err != nil {
		a.t.Fatal(err)
	}
	if len(th) == 0 {
		return nil
	}
	return &th[0]
}

// burst sends n parallel logins of admin from one address, the one at
// index right (if any) with the right password, and counts the statuses.
func (a *app) burst(n, right int) map[int]int {
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		pw := "wrong-password-1"
		if i == right {
			pw = testPassword
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": pw}).Status
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	return count
}

// The lock holds under concurrency (SPEC section 4): of many parallel
// attempts of one pair at most five are checked against the password, every
// other answers 429, and every failed check is counted.
func TestLockoutConcurrent(t *testing.T) {
	t.Run("40wrong_fiveChecked", func(t *testing.T) {
		a := newApp(t)
		count := a.burst(40, -1)
		if count[401] != 5 || count[429] != 35 {
			t.Fatalf("statuses %v: want exactly 5 checked (401) and 35 429", count)
		}
		if th := a.throttle("admin", "192.0.2.1"); th == nil || th.Failures != 5 {
			t.Fatalf("stored %+v, want 5 failures", th)
		}
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword}), 429, "rate_limited")
	})
	t.Run("39wrong1right", func(t *testing.T) {
		a := newApp(t)
		count := a.burst(40, 20)
		checked := count[401] + count[200]
		th := a.throttle("admin", "192.0.2.1")
		if count[200] == 0 {
			if checked > 5 || count[429] != 40-checked || th == nil || th.Failures != count[401] {
				t.Fatalf("statuses %v, stored %+v: want at most 5 checked, every other 429, each wrong check counted", count, th)
			}
			return
		}
		// The right password was among the first five checks. A success
		// clears the pair (decisions.md), so the attempts the server saw
		// after it start a new window: at most five checks before the
		// success and five after it.
		if checked > 10 || count[429] != 40-checked || count[401] < 1 {
			t.Fatalf("statuses %v: want at most 5 checks on each side of the success", count)
		}
	})
}

func TestLoginUsername(t *testing.T) {
	a := newApp(t)
	rows := func() int64 {
		var n int64
		a.db.Model(&models.LoginThrottle{}).Count(&n)
		return n
	}
	t.Run("login401_usernameOver64NotStored", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": strings.Repeat("a", 65), "password": "x"}), 401, "unauthenticated")
		if n := rows(); n != 0 {
			t.Fatalf("%d throttle rows after a 65-character username", n)
		}
	})
	t.Run("login401_900KBUsernameNotStored", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": strings.Repeat("名", 300_000), "password": "x"}), 401, "unauthenticated")
		if n := rows(); n != 0 {
			t.Fatalf("%d throttle rows after a 900 KB username", n)
		}
	})
	t.Run("login401_64CharactersCounted", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": strings.Repeat("a", 64), "password": "x"}), 401, "unauthenticated")
		if n := rows(); n != 1 {
			t.Fatalf("%d throttle rows, want the pair counted", n)
		}
	})
	t.Run("login200_twoCharacterUsername", func(t *testing.T) {
		r := a.do("POST", "/api/v1/users", a.admin(), map[string]any{"username": "li", "password": testPassword,
			"display_name": "李", "roles": []string{"org_reviewer"}})
		want(t, r, 201)
		a.login("li", testPassword)
	})
}

// The 429 message gives the unlock time in EFILE_TZ, rounded up to the minute.
func TestLockoutMessageInConfiguredZone(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, func(c *appConfig) { c.loc = sh })
	for range 5 {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password-1"}), 401)
	}
	r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
	// Every 429 says when to try again (SPEC 3), the lockout's too: the
	// pair is locked 15 minutes from the fifth failure.
	wantRetryAfter(t, r, 15*60)
	a.clock.Add(100 * time.Second)
	wantRetryAfter(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword}), 15*60-100)
	a.clock.Add(-100 * time.Second)
	until := a.clock.Now().Add(15 * time.Minute).In(sh)
	if until.Truncate(time.Minute) != until {
		until = until.Truncate(time.Minute).Add(time.Minute)
	}
	msg := r.JSON()["error"].(map[string]any)["message"].(string)
	if wantMsg := "登录失败次数过多，请于 " + until.Format("2006-01-02 15:04") + " (北京时间) 后再试"; msg != wantMsg {
		t.Fatalf("message %q, want %q", msg, wantMsg)
	}
	en := a.raw("POST", "/api/v1/auth/login", "", strings.NewReader(`{"username":"admin","password":"`+testPassword+`"}`),
		map[string]string{"Content-Type": "application/json", "Accept-Language": "en"})
	want(t, en, 429, "rate_limited")
	if msg, wantMsg := en.JSON()["error"].(map[string]any)["message"].(string), "too many failed sign-ins; try again after "+until.Format("2006-01-02 15:04")+" (Beijing time)"; msg != wantMsg {
		t.Fatalf("English message %q, want %q", msg, wantMsg)
	}
}

// Another zone than China's is named by its own name.
func TestLockoutMessageNamesOtherZones(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(t, func(c *appConfig) { c.loc = berlin })
	for range 5 {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password-1"}), 401)
	}
	r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
	want(t, r, 429, "rate_limited")
	if msg := r.JSON()["error"].(map[string]any)["message"].(string); !strings.HasSuffix(msg, " (Europe/Berlin) 后再试") {
		t.Fatalf("message %q, want the zone named Europe/Berlin", msg)
	}
}

// A wrong current password counts toward the login lockout of the pair, and
// a locked pair cannot change its password either.
func TestChangePasswordLockout(t *testing.T) {
	a := newApp(t)
	_, tok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	body := func(cur string) map[string]string {
		return map[string]string{"current_password": cur, "new_password": "a-new-good-password"}
	}
	for range 5 {
		want(t, a.do("POST", "/api/v1/me/password", tok, body("not-the-password")), 400, "validation_failed")
	}
	if th := a.throttle("rev", "192.0.2.1"); th == nil || th.Failures != 5 {
		t.Fatalf("throttle %+v, want 5 failures", th)
	}
	t.Run("change429_evenWithRightPassword", func(t *testing.T) {
		wantRetryAfter(t, a.do("POST", "/api/v1/me/password", tok, body(testPassword)), 15*60)
	})
	t.Run("login429_samePair", func(t *testing.T) {
		wantRetryAfter(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "rev", "password": testPassword}), 15*60)
	})
	t.Run("change200_afterTheLock", func(t *testing.T) {
		a.clock.Add(15*time.Minute + time.Second)
		want(t, a.do("POST", "/api/v1/me/password", tok, body(testPassword)), 200)
	})
}

// A password change revokes every other token of the user; an admin's
// reset revokes all of them (SPEC section 4).
func TestPasswordChangeRevokesOtherTokens(t *testing.T) {
	a := newApp(t)
	uid, used := a.user("rev", []string{"org_reviewer"}, nil, nil)
	other := a.login("rev", testPassword)
	want(t, a.do("POST", "/api/v1/me/password", used, map[string]string{"current_password": testPassword, "new_password": "a-new-good-password"}), 200)
	t.Run("me401_otherToken", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", other, nil), 401, "unauthenticated")
	})
	t.Run("me200_tokenUsedForTheChange", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", used, nil), 200)
	})
	fresh := a.login("rev", "a-new-good-password")
	t.Run("me200_newLogin", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", fresh, nil), 200)
	})
	t.Run("me401_everyTokenAfterAdminReset", func(t *testing.T) {
		admin := a.admin()
		u := a.do("GET", fmt.Sprintf("/api/v1/users/%d", uid), admin, nil)
		want(t, u, 200)
		r := a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", uid), admin, map[string]any{"password": "reset-by-the-admin", "version": u.JSON()["version"]})
		want(t, r, 200)
		want(t, a.do("GET", "/api/v1/me", used, nil), 401, "unauthenticated")
		want(t, a.do("GET", "/api/v1/me", fresh, nil), 401, "unauthenticated")
		want(t, a.do("GET", "/api/v1/me", admin, nil), 200)
		a.login("rev", "reset-by-the-admin")
	})
}

func TestPurgeThrottle(t *testing.T) {
	a := newApp(t)
	want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password-1"}), 401)
	if _, err := models.PurgeExpired(t.Context(), a.db, a.clock.Now().Add(14*time.Minute)); err != nil || a.throttle("admin", "192.0.2.1") == nil {
		t.Fatalf("a throttle row purged within its window (%v)", err)
	}
	if _, err := models.PurgeExpired(t.Context(), a.db, a.clock.Now().Add(16*time.Minute)); err != nil || a.throttle("admin", "192.0.2.1") != nil {
		t.Fatalf("a throttle row kept after its window (%v)", err)
	}
}

// wantRetryAfter checks a 429 rate_limited with Retry-After of secs.
func wantRetryAfter(t *testing.T, r *resp, secs int) {
	t.Helper()
	want(t, r, 429, "rate_limited")
	if got := r.Header.Get("Retry-After"); got != strconv.Itoa(secs) {
		t.Fatalf("Retry-After %q, want %d", got, secs)
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("login429_perClientAddress", func(t *testing.T) {
		a := newApp(t, func(c *appConfig) { c.rates.Login = 3 })
		for i := range 3 { // three usernames: the lockout is not what answers
			want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": fmt.Sprintf("nobody%d", i), "password": "x"}), 401)
		}
		// 3 a minute: one more in 20 s.
		wantRetryAfter(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword}), 20)
		want(t, a.rawFrom("10.9.9.9:1234", `{"username":"admin","password":"`+testPassword+`"}`), 200)
		a.clock.Add(20 * time.Second)
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword}), 200)
	})
	t.Run("export429_perUser", func(t *testing.T) {
		w := newWorld(t)
		id := w.cadre("张三", idFor("19800101", 1), w.unitA)
		path := fmt.Sprintf("/api/v1/cadres/%d/efile.xlsx", id)
		// The world's logins came first; the budget is the reviewer's.
		for range 30 {
			want(t, w.do("GET", path, w.rev, nil), 200)
		}
		wantRetryAfter(t, w.do("GET", path, w.rev, nil), 2)
		_, rev2 := w.user("rev2", []string{"org_reviewer"}, nil, nil)
		want(t, w.do("GET", path, rev2, nil), 200)
	})
	t.Run("import429_perUser", func(t *testing.T) {
		a := newApp(t, func(c *appConfig) { c.rates.Import = 2 })
		_, rev := a.user("rev", []string{"org_reviewer"}, nil, nil)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.Close() // no file: each answers 400, and still counts
		for range 2 {
			r := a.raw("POST", "/api/v1/cadres/import", rev, bytes.NewReader(buf.Bytes()), map[string]string{"Content-Type": mw.FormDataContentType()})
			want(t, r, 400)
		}
		r := a.raw("POST", "/api/v1/cadres/import", rev, bytes.NewReader(buf.Bytes()), map[string]string{"Content-Type": mw.FormDataContentType()})
		wantRetryAfter(t, r, 30)
	})
	t.Run("idLookup429_auditorByWholeIDNumber", func(t *testing.T) {
		w := newWorld(t)
		id := idFor("19800101", 1)
		w.cadre("张三", id, w.unitA)
		for range 30 {
			want(t, w.do("GET", "/api/v1/cadres?q="+id, w.auditor, nil), 200)
		}
		wantRetryAfter(t, w.do("GET", "/api/v1/cadres?q="+id, w.auditor, nil), 2)
		want(t, w.do("GET", "/api/v1/cadres?q=张三", w.auditor, nil), 200) // names are not limited
		_, other := w.user("aud2", []string{"auditor"}, nil, ptr("audit"))
		want(t, w.do("GET", "/api/v1/cadres?q="+id, other, nil), 200)
		w.clock.Add(2 * time.Second)
		want(t, w.do("GET", "/api/v1/cadres?q="+id, w.auditor, nil), 200)
	})
}

// SPEC section 3: every response carries nosniff and no-referrer; those
// under /api/v1 (personal data, tokens) carry no-store.
func TestSecurityHeaders(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	cases := []struct {
		name, path, token string
		status            int
		noStore           bool
	}{
		{"200_me", "/api/v1/me", tok, 200, true},
		{"401_noToken", "/api/v1/me", "", 401, true},
		{"404_unknownAPIRoute", "/api/v1/nothing", tok, 404, true},
		{"404_unknownOutsideAPI", "/nothing", "", 404, false},
		{"200_healthz", "/healthz", "", 200, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.do("GET", c.path, c.token, nil)
			want(t, r, c.status)
			if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("headers %v", r.Header)
			}
			if got := r.Header.Get("Cache-Control") == "no-store"; got != c.noStore {
				t.Fatalf("Cache-Control %q", r.Header.Get("Cache-Control"))
			}
		})
	}
	t.Run("login200_noStore", func(t *testing.T) {
		r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
		want(t, r, 200)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("a token response must not be cached: %v", r.Header)
		}
	})
}

// SPEC section 3: authentication comes before the body limit.
func TestBodyLimitAfterAuthentication(t *testing.T) {
	a := newApp(t)
	big := `{"name":"` + strings.Repeat("a", 1<<20) + `","code":"x"}`
	t.Run("401_overLimitWithoutToken", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/units", "", big), 401, "unauthenticated")
	})
	t.Run("401_overLimitChunkedWithBadToken", func(t *testing.T) {
		want(t, a.raw("POST", "/api/v1/units", "not.a.token", struct{ *strings.Reader }{strings.NewReader(big)}, nil), 401, "unauthenticated")
	})
	t.Run("413_overLimitWithToken", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/units", a.admin(), big), 413, "payload_too_large")
	})
	t.Run("413_loginOver1MiB", func(t *testing.T) {
		body := `{"username":"admin","password":"` + strings.Repeat("a", 1<<20) + `"}`
		want(t, a.do("POST", "/api/v1/auth/login", "", body), 413, "payload_too_large")
	})
}
