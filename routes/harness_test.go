package routes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"efile/models"
	"efile/policies"
	"efile/routes"
	"efile/services"
	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/cadre"
	"efile/services/unit"
	"efile/testenv"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// clock is a settable time for the lockout rules.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// app is the real router with real middleware on a real database.
type app struct {
	t      testing.TB
	db     *gorm.DB
	driver string
	dsn    string
	r      *gin.Engine
	svc    *services.Set
	audit  *accesslog.Service
	acc    *account.Service
	cadres *cadre.Service
	clock  *clock
	logs   *bytes.Buffer
}

const testPassword = "correct-horse-battery"

// appConfig is what a test may set before the app is built.
type appConfig struct {
	rates routes.RateLimits // zero: the SPEC's defaults; the clock is always the app's
	loc   *time.Location    // EFILE_TZ; nil: UTC
	// EFILE_CHECK_VALID_DAYS, EFILE_OPINION_VALID_DAYS; 0: the defaults.
	checkDays, opinionDays int
	// enforceFails, when set, makes every casbin Enforce call fail while
	// it holds true.
	enforceFails *atomic.Bool
}

// failingEnforcer is the policy's enforcer, failing on demand.
type failingEnforcer struct {
	inner interface{ Enforce(...any) (bool, error) }
	fail  *atomic.Bool
}

func (e failingEnforcer) Enforce(rvals ...any) (bool, error) {
	if e.fail.Load() {
		return false, errors.New("enforcer broken for the test")
	}
	return e.inner.Enforce(rvals...)
}

func newApp(t testing.TB, opts ...func(*appConfig)) *app {
	t.Helper()
	var cfg appConfig
	for _, o := range opts {
		o(&cfg)
	}
	db, driver, dsn := testenv.DB(t)
	clk := &clock{t: time.Now().UTC()}
	cfg.rates.Now = clk.Now
	if cfg.loc == nil {
		cfg.loc = time.UTC
	}
	enf, err := policies.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	svc, err := services.New(db, services.Config{JWTSecret: []byte(strings.Repeat("s", 32)), DataKey: bytes.Repeat([]byte{7}, 32),
		Location: cfg.loc, Now: clk.Now, BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		CheckValidDays: cfg.checkDays, OpinionValidDays: cfg.opinionDays})
	if err != nil {
		t.Fatal(err)
	}
	deps := routes.Deps{Services: svc, Enforcer: enf, RateLimits: cfg.rates}
	if cfg.enforceFails != nil {
		deps.Enforcer = failingEnforcer{inner: enf, fail: cfg.enforceFails}
	}
	r, err := routes.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Accounts.EnsureAdmin(context.Background(), testPassword); err != nil {
		t.Fatal(err)
	}
	audit, acc, cadres := svc.Audit, svc.Accounts, svc.Cadres
	return &app{svc: svc, t: t, db: db, driver: driver, dsn: dsn, r: r, audit: audit, acc: acc, cadres: cadres, clock: clk, logs: logs}
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r *resp) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Code is the error code of an error envelope.
func (r *resp) Code() string {
	if e, ok := r.JSON()["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// Fields lists the fields named in an error envelope's details.
func (r *resp) Fields() []string {
	var out []string
	if e, ok := r.JSON()["error"].(map[string]any); ok {
		ds, _ := e["details"].([]any)
		for _, d := range ds {
			if m, ok := d.(map[string]any); ok {
				out = append(out, m["field"].(string))
			}
		}
	}
	return out
}

// ID reads the numeric "id" of a JSON object body.
func (r *resp) ID() int64 {
	f, _ := r.JSON()["id"].(float64)
	return int64(f)
}

// raw sends a request with a raw body.
func (a *app) raw(method, path, token string, body io.Reader, hdr map[string]string) *resp {
	a.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return a.serve(req)
}

// do sends a request with body encoded as JSON (a string is sent as is).
func (a *app) do(method, path, token string, body any) *resp {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	return a.raw(method, path, token, rd, nil)
}

// want fails the test unless r has status (and, when given, code).
func want(t testing.TB, r *resp, status int, code ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	if len(code) > 0 && r.Code() != code[0] {
		t.Fatalf("code %q, want %q; body %s", r.Code(), code[0], r.Body)
	}
}

func (a *app) login(username, password string) string {
	a.t.Helper()
	r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	want(a.t, r, 200)
	return r.JSON()["token"].(string)
}

func (a *app) admin() string { return a.login("admin", testPassword) }

// unit creates a unit through the service.
func (a *app) unit(code string, parent *int64) int64 {
	a.t.Helper()
	u, err := a.svc.Units.Create(context.Background(), unit.NewUnit{Name: "Unit " + code, Code: code, ParentID: parent})
	if err != nil {
		a.t.Fatal(err)
	}
	return u.ID
}

// user creates a user through the service and returns its id and a token.
func (a *app) user(name string, roles []string, unitID *int64, dept *string) (int64, string) {
	a.t.Helper()
	u, err := a.acc.CreateUser(context.Background(), account.NewUser{Username: name, Password: testPassword,
		DisplayName: name, Roles: roles, UnitID: unitID, Department: dept})
	if err != nil {
		a.t.Fatalf("create user %s: %v", name, err)
	}
	return u.ID, a.login(name, testPassword)
}

// seal seals every pending access-log entry (instead of waiting for the sealer).
func (a *app) seal() {
	a.t.Helper()
	if _, err := a.audit.Seal(context.Background()); err != nil {
		a.t.Fatal(err)
	}
}

// entries returns every access-log entry, oldest first.
func (a *app) entries() []models.AccessEntry {
	a.t.Helper()
	var out []models.AccessEntry
	if err := a.db.Order("id").Find(&out).Error; err != nil {
		a.t.Fatal(err)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// rawFrom sends a login body from another peer address.
func (a *app) rawFrom(remote, body string) *resp {
	a.t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(body))
	req.RemoteAddr = remote
	return a.serve(req)
}
