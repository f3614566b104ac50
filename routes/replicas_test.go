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

// Two replicas (two services.New and two routers, as two efile processes
// would have) on one MySQL database: a role changed through one takes effect
// on the other at the very next request, with no policy to sync, because
// roles are read from the database on every request and the role → route
// policy is embedded data.
func TestReplicasRoleChange403AtOnce(t *testing.T) {
	a := newApp(t)
	if a.driver != "mysql" {
		t.Skip("two replicas share one server database: set EFILE_TEST_MYSQL_DSN")
	}
	ctx := context.Background()
	db2, err := models.Open(ctx, "mysql", a.dsn)
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
	b := &app{t: t, db: db2, driver: a.driver, dsn: a.dsn, r: r2, svc: svc2, audit: svc2.Audit, acc: svc2.Accounts, cadres: svc2.Cadres, clock: a.clock, logs: &bytes.Buffer{}}

	id, tok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 200)
	want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), a.admin(), map[string]any{"roles": []string{"security_auditor"}, "version": 1}), 200)
	want(t, b.do("GET", "/api/v1/cadres", tok, nil), 403)
	want(t, b.do("GET", "/api/v1/access-log", tok, nil), 200)
}
