package routes_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestLogin(t *testing.T) {
	a := newApp(t)
	t.Run("login200", func(t *testing.T) {
		r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword})
		want(t, r, 200)
		m := r.JSON()
		u := m["user"].(map[string]any)
		if m["token"] == "" || u["username"] != "admin" || u["roles"].([]any)[0] != "admin" {
			t.Fatalf("body %s", r.Body)
		}
		exp, err := time.Parse(time.RFC3339, m["expires_at"].(string))
		if err != nil || exp.Sub(a.clock.Now()) < 11*time.Hour || exp.Sub(a.clock.Now()) > 13*time.Hour {
			t.Fatalf("expires_at %v", m["expires_at"])
		}
	})
	t.Run("login401_wrongPassword", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password-1"}), 401, "unauthenticated")
	})
	t.Run("login401_unknownUser", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": testPassword}), 401, "unauthenticated")
	})
	t.Run("login400_missingFields", func(t *testing.T) {
		r := a.do("POST", "/api/v1/auth/login", "", map[string]string{})
		want(t, r, 400, "validation_failed")
		if f := strings.Join(r.Fields(), ","); f != "username,password" {
			t.Fatalf("fields %s", f)
		}
	})
	t.Run("me401_noToken", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", "", nil), 401, "unauthenticated")
	})
	t.Run("me401_garbageToken", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", "not.a.token", nil), 401, "unauthenticated")
	})
}

func TestLockout(t *testing.T) {
	a := newApp(t)
	bad := map[string]string{"username": "admin", "password": "wrong-password-1"}
	good := map[string]string{"username": "admin", "password": testPassword}
	for i := 0; i < 5; i++ {
		want(t, a.do("POST", "/api/v1/auth/login", "", bad), 401, "unauthenticated")
	}
	t.Run("login429_evenWithRightPassword", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", good), 429, "rate_limited")
	})
	t.Run("caseDoesNotEscapeTheLock", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "ADMIN", "password": testPassword}), 429, "rate_limited")
	})
	t.Run("otherAddressNotLocked", func(t *testing.T) {
		// httptest's peer is 192.0.2.1; a different address is a different pair.
		rec := a.rawFrom("10.9.9.9:1234", `{"username":"admin","password":"`+testPassword+`"}`)
		want(t, rec, 200)
	})
	t.Run("stillLockedAfter14Minutes", func(t *testing.T) {
		a.clock.Add(14 * time.Minute)
		want(t, a.do("POST", "/api/v1/auth/login", "", good), 429, "rate_limited")
	})
	t.Run("unlockedAfter15Minutes", func(t *testing.T) {
		a.clock.Add(time.Minute + time.Second)
		want(t, a.do("POST", "/api/v1/auth/login", "", good), 200)
	})
	t.Run("fourFailuresDoNotLock", func(t *testing.T) {
		for i := 0; i < 4; i++ {
			want(t, a.do("POST", "/api/v1/auth/login", "", bad), 401)
		}
		want(t, a.do("POST", "/api/v1/auth/login", "", good), 200)
	})
	t.Run("failuresOutsideWindowDoNotCount", func(t *testing.T) {
		for i := 0; i < 4; i++ {
			want(t, a.do("POST", "/api/v1/auth/login", "", bad), 401)
		}
		a.clock.Add(16 * time.Minute)
		want(t, a.do("POST", "/api/v1/auth/login", "", bad), 401)
		want(t, a.do("POST", "/api/v1/auth/login", "", good), 200)
	})
}

func TestLogout(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	want(t, a.do("GET", "/api/v1/me", tok, nil), 200)
	want(t, a.do("POST", "/api/v1/auth/logout", tok, nil), 200)
	t.Run("revokedToken401", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")
	})
	t.Run("otherTokensStillWork", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", a.admin(), nil), 200)
	})
	t.Run("expiredToken401", func(t *testing.T) {
		tok := a.admin()
		a.clock.Add(13 * time.Hour)
		want(t, a.do("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")
	})
}

func TestChangePassword(t *testing.T) {
	a := newApp(t)
	_, tok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	cases := []struct {
		name, cur, next string
		status          int
		field           string
	}{
		{"400_tooShort", testPassword, "elevenchars", 400, "new_password"},
		{"400_tooLong", testPassword, strings.Repeat("a", 65), 400, "new_password"},
		{"400_over72Bytes", testPassword, strings.Repeat("中", 25), 400, "new_password"},
		{"400_wrongCurrent", "not-the-password", "a-new-good-password", 400, "current_password"},
		{"200", testPassword, "a-new-good-password", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": c.cur, "new_password": c.next})
			want(t, r, c.status)
			if c.field != "" && (len(r.Fields()) != 1 || r.Fields()[0] != c.field) {
				t.Fatalf("fields %v", r.Fields())
			}
		})
	}
	t.Run("newPasswordWorks", func(t *testing.T) {
		a.login("rev", "a-new-good-password")
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "rev", "password": testPassword}), 401)
	})
	t.Run("exactly64CharsAnd72Bytes", func(t *testing.T) {
		r := a.do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": "a-new-good-password", "new_password": strings.Repeat("中", 24)})
		want(t, r, 200)
	})
}

func TestErrorEnvelope(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"400_malformed", "POST", "/api/v1/units", `{"name":`, 400, "invalid_json", ""},
		{"400_notJSON", "POST", "/api/v1/units", `hello`, 400, "invalid_json", ""},
		{"400_empty", "POST", "/api/v1/units", ``, 400, "invalid_json", ""},
		{"400_array", "POST", "/api/v1/units", `[]`, 400, "invalid_json", ""},
		{"400_trailing", "POST", "/api/v1/units", `{"name":"a","code":"a"} {}`, 400, "invalid_json", ""},
		{"400_unknownField", "POST", "/api/v1/units", `{"name":"a","code":"a","id":5}`, 400, "invalid_json", "id"},
		{"400_wrongType", "POST", "/api/v1/units", `{"name":5,"code":"a"}`, 400, "invalid_json", "name"},
		{"400_floatForInt", "PATCH", "/api/v1/users/1", `{"version":1.0}`, 400, "invalid_json", "version"},
		{"400_stringForInt", "PATCH", "/api/v1/users/1", `{"version":"1"}`, 400, "invalid_json", "version"},
		{"400_wrongTypeInOptional", "PATCH", "/api/v1/users/1", `{"unit_id":"x","version":1}`, 400, "invalid_json", ""},
		{"400_validation", "POST", "/api/v1/units", `{"name":"","code":"no spaces allowed"}`, 400, "validation_failed", "name"},
		{"404_unknownRoute", "GET", "/api/v1/nothing-here", ``, 404, "not_found", ""},
		{"404_unknownOutsideAPI", "GET", "/nothing", ``, 404, "not_found", ""},
		{"405_wrongMethod", "DELETE", "/api/v1/users", ``, 405, "method_not_allowed", ""},
		{"404_badID", "GET", "/api/v1/users/abc", ``, 404, "not_found", ""},
		{"404_trailingSlashNotRedirected", "GET", "/api/v1/users/", ``, 404, "not_found", ""},
		{"404_missingUser", "GET", "/api/v1/users/999", ``, 404, "not_found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.do(c.method, c.path, tok, c.body)
			want(t, r, c.status, c.code)
			e := r.JSON()["error"].(map[string]any)
			if msg, _ := e["message"].(string); msg == "" {
				t.Fatalf("no message: %s", r.Body)
			}
			if c.field != "" {
				if f := r.Fields(); len(f) == 0 || f[0] != c.field {
					t.Fatalf("fields %v, want %s first", f, c.field)
				}
			}
		})
	}
	t.Run("413_bodyOver1MiB", func(t *testing.T) {
		big := `{"name":"` + strings.Repeat("a", 1<<20) + `","code":"x"}`
		want(t, a.do("POST", "/api/v1/units", tok, big), 413, "payload_too_large")
	})
	t.Run("413_chunkedBodyOver1MiB", func(t *testing.T) {
		big := `{"name":"` + strings.Repeat("a", 1<<20) + `","code":"x"}`
		r := a.raw("POST", "/api/v1/units", tok, struct{ *strings.Reader }{strings.NewReader(big)}, nil)
		want(t, r, 413, "payload_too_large")
	})
	t.Run("requestIDEchoed", func(t *testing.T) {
		r := a.raw("GET", "/api/v1/me", tok, nil, map[string]string{"X-Request-ID": "abc-123"})
		if r.Header.Get("X-Request-ID") != "abc-123" {
			t.Fatalf("X-Request-ID %q", r.Header.Get("X-Request-ID"))
		}
		if g := a.do("GET", "/healthz", "", nil).Header.Get("X-Request-ID"); len(g) < 16 {
			t.Fatalf("generated X-Request-ID %q", g)
		}
	})
	t.Run("500_panicRecoveredWithoutLeak", func(t *testing.T) {
		a.r.GET("/api/v1/test-panic", func(c *gin.Context) { panic("secret SQL text") })
		r := a.raw("GET", "/api/v1/test-panic", tok, nil, map[string]string{"X-Request-ID": "panic-req"})
		want(t, r, 500, "internal")
		if strings.Contains(string(r.Body), "secret") {
			t.Fatalf("leaked: %s", r.Body)
		}
		if !strings.Contains(a.logs.String(), "secret SQL text") || !strings.Contains(a.logs.String(), "panic-req") {
			t.Fatalf("cause not logged with request id")
		}
	})
	_ = http.MethodGet
}
