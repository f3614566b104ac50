package routes_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"efile/models"
	"efile/policies"
	"efile/routes"
	"efile/services"

	"golang.org/x/crypto/bcrypt"
)

// replica is a second efile process on a's database (its own
// services.New, router and connections, so its own caches), as another
// replica behind a load balancer would be. On SQLite it opens the same
// file.
func replica(a *app) *app {
	t := a.t
	ctx := context.Background()
	db2, err := models.Open(ctx, a.driver, a.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db2) })
	svc2, err := services.New(db2, services.Config{JWTSecret: []byte(strings.Repeat("s", 32)), DataKey: bytes.Repeat([]byte{7}, 32),
		Now: a.clock.Now, BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	enf, err := policies.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	r2, err := routes.New(routes.Deps{Services: svc2, Enforcer: enf, RateLimits: routes.RateLimits{Now: a.clock.Now}})
	if err != nil {
		t.Fatal(err)
	}
	return &app{t: t, db: db2, driver: a.driver, dsn: a.dsn, r: r2, svc: svc2, audit: svc2.Audit, acc: svc2.Accounts, cadres: svc2.Cadres, clock: a.clock, logs: &bytes.Buffer{}}
}

// Two replicas (two services.New and two routers, as two efile processes
// would have) on one database: a role changed through one takes effect
// on the other at the very next request, with no policy to sync, because
// each request checks the user's version in the database (the user and its
// roles are read again when it changed) and the role → route policy is
// embedded data.
func TestReplicasRoleChange403AtOnce(t *testing.T) {
	a := newApp(t)
	b := replica(a)
	id, tok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 200)
	want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), a.admin(), map[string]any{"roles": []string{"security_auditor"}, "version": 1}), 200)
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 403)
	want(t, b.do("GET", "/api/v1/access-log", tok, nil), 200)
}

// TestReplicasAuthCache: replica b has the user cached (it served them),
// then each change made through replica a holds on b's very next request:
// a role changed (and changed back), a password reset by the administrator, a password changed
// by the user (their other tokens die, the one they changed it with
// lives), a logout, a disabling (and enabling again does not revive the
// tokens it killed).
func TestReplicasAuthCache(t *testing.T) {
	a := newApp(t)
	b := replica(a)
	admin := a.admin()
	id, tok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	version := 1
	patch := func(body map[string]any) {
		t.Helper()
		body["version"] = version
		want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), admin, body), 200)
		version++
	}
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 200)
	want(t, b.do("GET", "/api/v1/access-log", tok, nil), 403)

	patch(map[string]any{"roles": []string{"security_auditor"}})
	want(t, b.do("GET", "/api/v1/access-log", tok, nil), 200)
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 403)
	patch(map[string]any{"roles": []string{"org_reviewer"}})
	want(t, b.do("GET", "/api/v1/access-log", tok, nil), 403)

	patch(map[string]any{"password": "another-password-2"})
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 401)
	tok1 := b.login("rev", "another-password-2")
	tok2 := b.login("rev", "another-password-2")
	want(t, b.do("GET", "/api/v1/cadres", tok1, nil), 200)
	want(t, b.do("GET", "/api/v1/cadres", tok2, nil), 200)
	want(t, a.do("POST", "/api/v1/me/password", tok1, map[string]any{"current_password": "another-password-2", "new_password": "a-third-password-3"}), 200)
	version++
	want(t, b.do("GET", "/api/v1/cadres", tok2, nil), 401)
	want(t, b.do("GET", "/api/v1/cadres", tok1, nil), 200)

	want(t, a.do("POST", "/api/v1/auth/logout", tok1, nil), 200)
	want(t, b.do("GET", "/api/v1/cadres", tok1, nil), 401)

	tok3 := b.login("rev", "a-third-password-3")
	want(t, b.do("GET", "/api/v1/cadres", tok3, nil), 200)
	patch(map[string]any{"disabled": true})
	want(t, b.do("GET", "/api/v1/cadres", tok3, nil), 401)
	patch(map[string]any{"disabled": false})
	want(t, b.do("GET", "/api/v1/cadres", tok3, nil), 401)
	want(t, b.do("GET", "/api/v1/cadres", b.login("rev", "a-third-password-3"), nil), 200)
}
