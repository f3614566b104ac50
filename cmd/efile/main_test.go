package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/testenv"

	"gorm.io/gorm"
)

// useDB points the commands at a fresh test database.
func useDB(t *testing.T) *accesslog.Service {
	t.Helper()
	db, driver, dsn := testenv.DB(t)
	t.Setenv("EFILE_DB_DRIVER", driver)
	t.Setenv("EFILE_DB_DSN", dsn)
	t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
	t.Setenv("EFILE_DATA_KEY", liveKey)
	svc := testAudit(db)
	for i := 0; i < 5; i++ {
		r := &accesslog.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/cadres/%d", i+1)}
		r.SetActor(2, "rev")
		r.SetCadre(int64(i + 1))
		if err := svc.Log(context.Background(), r, 200); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {})
	tamper = func(q string, args ...any) {
		t.Helper()
		if err := db.Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	testDB = db
	head = func() models.ChainHead {
		var h models.ChainHead
		db.First(&h, 1)
		return h
	}
	return svc
}

var (
	tamper func(q string, args ...any)
	head   func() models.ChainHead
	testDB *gorm.DB // the database of the last useDB
)

func TestAuditVerify(t *testing.T) {
	useDB(t)
	var out bytes.Buffer
	if err := auditVerifyTo(&out, nil); err != nil || !strings.HasPrefix(out.String(), "ok: 5 entries checked") {
		t.Fatalf("%v %s", err, out.String())
	}
	h := head()
	out.Reset()
	if err := auditVerifyTo(&out, []string{"--head", fmt.Sprintf("%s@%d", h.Hash, h.Seq)}); err != nil {
		t.Fatalf("anchor: %v %s", err, out.String())
	}
	t.Run("badHead", func(t *testing.T) {
		if err := auditVerifyTo(&out, []string{"--head", "xyz"}); err == nil || errors.Is(err, errBrokenChain) {
			t.Fatalf("want a usage error, got %v", err)
		}
	})
	t.Run("tamperedEntryExits1", func(t *testing.T) {
		tamper("UPDATE access_entries SET cadre_id = 99 WHERE seq = 3")
		out.Reset()
		err := auditVerifyTo(&out, nil)
		if !errors.Is(err, errBrokenChain) || !strings.Contains(out.String(), "first bad entry id: 3") {
			t.Fatalf("%v %s", err, out.String())
		}
	})
}

func TestAuditVerifyTruncated(t *testing.T) {
	useDB(t)
	h := head()
	tamper("DELETE FROM access_entries WHERE seq = ?", h.Seq)
	tamper("UPDATE chain_heads SET seq = seq - 1")
	var out bytes.Buffer
	if err := auditVerifyTo(&out, []string{"--head", fmt.Sprintf("%s@%d", h.Hash, h.Seq)}); !errors.Is(err, errBrokenChain) {
		t.Fatalf("a removed tail must fail against the anchor: %v %s", err, out.String())
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"EFILE_ADDR", "EFILE_DB_DRIVER", "EFILE_DB_DSN", "EFILE_TZ", "EFILE_JWT_SECRET", "EFILE_DATA_KEY", "EFILE_TRUSTED_PROXIES",
		"EFILE_RATE_LOGIN", "EFILE_RATE_ID_LOOKUP", "EFILE_RATE_EXPORT", "EFILE_RATE_IMPORT",
		"EFILE_CHECK_VALID_DAYS", "EFILE_OPINION_VALID_DAYS"} {
		t.Setenv(k, "")
	}
	load := func(args ...string) (*config, error) {
		return loadConfig(flag.NewFlagSet("t", flag.ContinueOnError), args)
	}
	t.Run("unknownDriver", func(t *testing.T) {
		if _, err := load("--db-driver", "postgres"); err == nil || !strings.Contains(err.Error(), "EFILE_DB_DRIVER") {
			t.Fatal(err)
		}
	})
	t.Run("badTZ", func(t *testing.T) {
		if _, err := load("--tz", "Mars/Olympus", "--db-dsn", filepath.Join(dir, "a.db")); err == nil || !strings.Contains(err.Error(), "EFILE_TZ") {
			t.Fatal(err)
		}
	})
	t.Run("rateLimits", func(t *testing.T) {
		dsn := filepath.Join(dir, "rates.db")
		c, err := load("--db-dsn", dsn)
		if err != nil || c.Rates.Login != 300 || c.Rates.IDLookup != 30 || c.Rates.Export != 30 || c.Rates.Import != 10 {
			t.Fatalf("defaults %+v, %v", c, err)
		}
		t.Setenv("EFILE_RATE_EXPORT", "12")
		c, err = load("--db-dsn", dsn, "--rate-login", "50")
		if err != nil || c.Rates.Login != 50 || c.Rates.Export != 12 {
			t.Fatalf("env and flag: %+v, %v", c, err)
		}
		for _, bad := range []string{"0", "-1", "ten", "1.5"} {
			t.Setenv("EFILE_RATE_IMPORT", bad)
			if _, err := load("--db-dsn", dsn); err == nil || !strings.Contains(err.Error(), "EFILE_RATE_IMPORT") {
				t.Fatalf("EFILE_RATE_IMPORT=%s: %v", bad, err)
			}
		}
	})
	t.Run("checkWindows", func(t *testing.T) {
		dsn := filepath.Join(dir, "windows.db")
		c, err := load("--db-dsn", dsn)
		if err != nil || c.CheckValidDays != 180 || c.OpinionValidDays != 90 {
			t.Fatalf("defaults %+v, %v", c, err)
		}
		t.Setenv("EFILE_CHECK_VALID_DAYS", "365")
		c, err = load("--db-dsn", dsn, "--opinion-valid-days", "30")
		if err != nil || c.CheckValidDays != 365 || c.OpinionValidDays != 30 {
			t.Fatalf("env and flag: %+v, %v", c, err)
		}
		for _, bad := range []string{"0", "-5", "half", "3651"} {
			t.Setenv("EFILE_OPINION_VALID_DAYS", bad)
			if _, err := load("--db-dsn", dsn); err == nil || !strings.Contains(err.Error(), "EFILE_OPINION_VALID_DAYS") {
				t.Fatalf("EFILE_OPINION_VALID_DAYS=%s: %v", bad, err)
			}
		}
	})
	t.Run("mysqlNeedsSecrets", func(t *testing.T) {
		if _, err := load("--db-driver", "mysql", "--db-dsn", "u@tcp(127.0.0.1:1)/x"); err == nil || !strings.Contains(err.Error(), "EFILE_DATA_KEY") {
			t.Fatal(err)
		}
	})
	t.Run("badDataKey", func(t *testing.T) {
		t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
		t.Setenv("EFILE_DATA_KEY", "c2hvcnQ=")
		if _, err := load("--db-driver", "mysql"); err == nil || !strings.Contains(err.Error(), "EFILE_DATA_KEY") {
			t.Fatal(err)
		}
	})
	t.Run("devKeysKeptBesideSQLite", func(t *testing.T) {
		dsn := filepath.Join(dir, "dev.db")
		c1, err := load("--db-dsn", dsn)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(dsn + ".keys")
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v %v", st, err)
		}
		c2, err := load("--db-dsn", dsn)
		if err != nil || !bytes.Equal(c1.DataKey, c2.DataKey) || !bytes.Equal(c1.JWTSecret, c2.JWTSecret) || len(c1.DataKey) != 32 {
			t.Fatal("a restart must keep the same secrets")
		}
		if c1.TZ.String() != "Asia/Shanghai" || c1.Addr != "127.0.0.1:8080" {
			t.Fatalf("defaults %v %s", c1.TZ, c1.Addr)
		}
	})
	t.Run("mysqlUnreachable", func(t *testing.T) {
		t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
		t.Setenv("EFILE_DATA_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=")
		defer func(d time.Duration) { retryDelay = d }(retryDelay)
		retryDelay = time.Millisecond
		err := run(context.Background(), []string{"audit", "verify", "--db-driver", "mysql", "--db-dsn", "u@tcp(127.0.0.1:1)/x?timeout=100ms"})
		if err == nil || !strings.Contains(err.Error(), "database unreachable") {
			t.Fatal(err)
		}
	})
	t.Run("unknownCommand", func(t *testing.T) {
		if err := run(context.Background(), []string{"frobnicate"}); err == nil {
			t.Fatal("want an error")
		}
	})
}

// TestServeShutdown starts the real server, serves a request, and stops it
// as SIGTERM would: in-flight work finishes, the access log is sealed, and
// the leases of the periodic jobs that serve took are released.
func TestServeShutdown(t *testing.T) {
	svc := useDB(t)
	t.Setenv("EFILE_ADMIN_PASSWORD", "the-first-admin-password")
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	listening = func(a string) { addrc <- a }
	defer func() { listening = nil }()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"--addr", "127.0.0.1:0"}) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	}
	resp, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"admin","password":"the-first-admin-password"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	held := func() map[string]string {
		var ls []models.JobLease
		if err := testDB.Find(&ls).Error; err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, l := range ls {
			m[l.Name] = l.Holder
		}
		return m
	}
	// The runner takes its leases as it starts; wait for it (without
	// sleeping: each look is a query).
	for deadline := time.Now().Add(30 * time.Second); ; {
		m := held()
		if m["seal-access-log"] != "" && m["purge-expired"] != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve took no lease within 30 s: %v", m)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	v, err := svc.Verify(context.Background(), nil)
	if err != nil || !v.OK || v.Pending != 0 || v.Checked != 6 {
		t.Fatalf("after shutdown: %+v %v", v, err)
	}
	if m := held(); len(m) != 2 || m["seal-access-log"] != "" || m["purge-expired"] != "" {
		t.Fatalf("leases after shutdown %v: want both released", m)
	}
}

// testAudit is the access log as the server keeps it, under liveKey (the
// EFILE_DATA_KEY the tests set), so the commands can check its MACs.
func testAudit(db *gorm.DB) *accesslog.Service {
	k, err := base64.StdEncoding.DecodeString(liveKey)
	if err != nil {
		panic(err)
	}
	keys, err := datakey.New(k)
	if err != nil {
		panic(err)
	}
	return accesslog.New(db, nil, accesslog.WithKeys(keys))
}

// TestOfflineCommandsCreateNothing: `efile audit verify` (and import)
// pointed at a missing database, or one without efile's tables, exits 2
// with a clear message and creates nothing: no database, no key file.
func TestOfflineCommandsCreateNothing(t *testing.T) {
	t.Setenv("EFILE_DB_DRIVER", "sqlite")
	t.Setenv("EFILE_JWT_SECRET", "")
	t.Setenv("EFILE_DATA_KEY", "")
	dir := t.TempDir()
	missing := filepath.Join(dir, "nowhere.db")
	t.Setenv("EFILE_DB_DSN", missing)
	code := func(err error) int {
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		if err != nil {
			return 1
		}
		return 0
	}
	t.Run("verifyMissingExits2", func(t *testing.T) {
		var out bytes.Buffer
		err := auditVerifyTo(&out, nil)
		if code(err) != 2 || !strings.Contains(err.Error(), "no efile database") {
			t.Fatalf("exit %d: %v", code(err), err)
		}
	})
	t.Run("importMissingExits2", func(t *testing.T) {
		var out bytes.Buffer
		roster := filepath.Join(dir, "r.csv")
		if err := os.WriteFile(roster, []byte("姓名\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := importRoster(context.Background(), &out, []string{"--as", "rev", roster})
		if code(err) != 2 {
			t.Fatalf("exit %d: %v", code(err), err)
		}
	})
	t.Run("nothingCreated", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "r.csv" {
				t.Errorf("an offline command created %s", e.Name())
			}
		}
	})
	t.Run("verifyEmptyDatabaseExits2", func(t *testing.T) {
		empty := filepath.Join(dir, "empty.db")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("EFILE_DB_DSN", empty)
		var out bytes.Buffer
		err := auditVerifyTo(&out, nil)
		if code(err) != 2 || !strings.Contains(err.Error(), "no efile tables") {
			t.Fatalf("exit %d: %v", code(err), err)
		}
		if _, err := os.Stat(empty + ".keys"); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a key file was created: %v", err)
		}
	})
}

// TestUsage: efile with no command, or with --help, prints its usage and
// starts no server.
func TestUsage(t *testing.T) {
	listened := false
	listening = func(string) { listened = true }
	defer func() { listening = nil }()
	err := run(context.Background(), nil)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("no command: %v", err)
	}
	if err := run(context.Background(), []string{"--help"}); err != nil {
		t.Fatalf("--help: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}); !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("unknown command: %v", err)
	}
	if listened {
		t.Fatal("a server was started")
	}
}
