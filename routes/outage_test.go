package routes_test

import (
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"efile/models"

	mysqldriver "github.com/go-sql-driver/mysql"
)

// The database becomes unreachable mid-run and comes back: /readyz answers
// 503, requests answer clean 503 or 500 envelopes within the driver's
// deadlines, and everything recovers without a restart. On MySQL the app
// runs as a user of its own, which the test locks (and whose connections it
// kills), then unlocks. SQLite has no server to lose; its outage (a closed
// pool) is readyz503WhenDatabaseGone in health_test.go.
func TestDatabaseOutageRecovers(t *testing.T) {
	a := newApp(t)
	if a.driver != "mysql" {
		t.Skip("needs MySQL (EFILE_TEST_MYSQL_DSN): an outage that recovers is a server's")
	}
	cfg, err := mysqldriver.ParseDSN(a.dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	rand.Read(b[:])
	user := "efile_o_" + hex.EncodeToString(b[:])
	exec := func(q string) {
		t.Helper()
		if err := a.db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-outage-1'")
	t.Cleanup(func() { a.db.Exec("DROP USER '" + user + "'@'%'") })
	exec("GRANT ALL ON `" + cfg.DBName + "`.* TO '" + user + "'@'%'")
	cfg.User, cfg.Passwd = user, "pw-outage-1"
	cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout = 2*time.Second, 5*time.Second, 5*time.Second
	udb, err := models.Open(t.Context(), "mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	admin := a.db
	b2 := *a
	b2.db = udb
	app := routerOnDB(t, &b2)
	tok := app.admin()
	want(t, app.do("GET", "/readyz", "", nil), 200)

	exec("ALTER USER '" + user + "'@'%' ACCOUNT LOCK")
	var ids []int64
	admin.Raw("SELECT id FROM information_schema.processlist WHERE user = ?", user).Scan(&ids)
	for _, id := range ids {
		admin.Exec("KILL ?", id)
	}
	start := time.Now()
	want(t, app.do("GET", "/readyz", "", nil), 503)
	for _, r := range []*resp{app.do("GET", "/api/v1/users", tok, nil), app.do("POST", "/api/v1/units", tok, map[string]any{"name": "n", "code": "OUT"})} {
		if r.Status != 503 && r.Status != 500 {
			t.Fatalf("during the outage: %d %s", r.Status, r.Body)
		}
		if c := r.Code(); c != "unavailable" && c != "internal" {
			t.Fatalf("during the outage: no clean envelope: %s", r.Body)
		}
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("answers took %v during the outage", d)
	}

	exec("ALTER USER '" + user + "'@'%' ACCOUNT UNLOCK")
	want(t, app.do("GET", "/readyz", "", nil), 200)
	want(t, app.do("GET", "/api/v1/users", tok, nil), 200)
	want(t, app.do("POST", "/api/v1/units", tok, map[string]any{"name": "n", "code": "BACK"}), 201)
}
