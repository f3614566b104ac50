package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"efile/models"
	"efile/policies"
	"efile/routes"
	"efile/services"
	"efile/services/accesslog"
	"efile/testenv"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// live is a server's services and router on a test database, with the
// offline commands pointed at the same database and keys.
type live struct {
	t   *testing.T
	db  *gorm.DB
	svc *services.Set
	r   *gin.Engine
	sec string // a security auditor's token
}

const liveKey = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="

func newLive(t *testing.T) *live {
	t.Helper()
	db, driver, dsn := testenv.DB(t)
	t.Setenv("EFILE_DB_DRIVER", driver)
	t.Setenv("EFILE_DB_DSN", dsn)
	t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
	t.Setenv("EFILE_DATA_KEY", liveKey)
	t.Setenv("EFILE_DATA_KEY_PREVIOUS", "")
	key, _ := base64.StdEncoding.DecodeString(liveKey)
	svc, err := services.New(db, services.Config{JWTSecret: []byte(strings.Repeat("j", 32)), DataKey: key,
		BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	enf, err := policies.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	r, err := routes.New(routes.Deps{Services: svc, Enforcer: enf})
	if err != nil {
		t.Fatal(err)
	}
	l := &live{t: t, db: db, svc: svc, r: r}
	if _, err := svc.Accounts.EnsureAdmin(context.Background(), "correct-horse-battery"); err != nil {
		t.Fatal(err)
	}
	adm := l.login("admin")
	l.call("POST", "/api/v1/users", adm, `{"username":"sec","password":"correct-horse-battery","display_name":"sec","roles":["security_auditor"]}`, 201)
	l.sec = l.login("sec")
	for i := 0; i < 5; i++ {
		l.call("GET", "/api/v1/users", adm, "", 200)
	}
	if _, err := svc.Audit.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *live) call(method, path, tok, body string, status int) map[string]any {
	l.t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	w := httptest.NewRecorder()
	l.r.ServeHTTP(w, req)
	if w.Code != status {
		l.t.Fatalf("%s %s: %d, want %d: %s", method, path, w.Code, status, w.Body)
	}
	var m map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &m)
	return m
}

func (l *live) login(user string) string {
	l.t.Helper()
	m := l.call("POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":%q,"password":"correct-horse-battery"}`, user), 200)
	return m["token"].(string)
}

// online is GET /api/v1/access-log/verify.
func (l *live) online() map[string]any {
	l.t.Helper()
	return l.call("GET", "/api/v1/access-log/verify", l.sec, "", http.StatusOK)
}

// offline is `efile audit verify` with args; it returns its output and
// whether it found the chain broken (exit 1).
func (l *live) offline(args ...string) (string, bool) {
	l.t.Helper()
	var out bytes.Buffer
	err := auditVerifyTo(&out, args)
	if err != nil && !errors.Is(err, errBrokenChain) {
		l.t.Fatalf("audit verify: %v", err)
	}
	return out.String(), errors.Is(err, errBrokenChain)
}

func (l *live) entries() []models.AccessEntry {
	var es []models.AccessEntry
	if err := l.db.Order("id").Find(&es).Error; err != nil {
		l.t.Fatal(err)
	}
	return es
}

// sealed is the chain as stored, in seq order.
func (l *live) sealed() []models.AccessEntry {
	l.t.Helper()
	var es []models.AccessEntry
	if err := l.db.Where("seq IS NOT NULL").Order("seq").Find(&es).Error; err != nil {
		l.t.Fatal(err)
	}
	return es
}

// rechain is the intruder's tool: it stores order as the whole chain, seq
// 1, 2, … with every public hash recomputed by the SPEC's rule, each row's
// status and MAC as given, and moves the head row to its end. Rows left out
// of order must have been deleted first.
func (l *live) rechain(order []models.AccessEntry) {
	l.t.Helper()
	l.exec("UPDATE access_entries SET seq = -seq WHERE seq IS NOT NULL")
	prev := accesslog.ZeroHash
	for i := range order {
		e := &order[i]
		seq := int64(i + 1)
		h := accesslog.Hash(prev, seq, e)
		if err := l.db.Model(&models.AccessEntry{}).Where("id = ?", e.ID).
			Updates(map[string]any{"seq": seq, "prev_hash": prev, "hash": h, "status": e.Status, "mac": e.MAC}).Error; err != nil {
			l.t.Fatal(err)
		}
		prev = h
	}
	l.exec("UPDATE chain_heads SET seq = ?, hash = ? WHERE id = 1", len(order), prev)
}

func (l *live) exec(q string, args ...any) {
	l.t.Helper()
	if err := l.db.Exec(q, args...).Error; err != nil {
		l.t.Fatal(err)
	}
}

func badID(m map[string]any) int64 {
	f, _ := m["first_bad_id"].(float64)
	return int64(f)
}

// A row edited after sealing is found online and offline, even when the
// intruder recomputed the whole hash chain (only the MAC catches that).
func TestTamperEditedAfterSealFound(t *testing.T) {
	l := newLive(t)
	if m := l.online(); m["ok"] != true || m["macs_checked"] != true {
		t.Fatalf("clean chain: %v", m)
	}
	l.svc.Audit.Seal(context.Background())
	victim := l.entries()[3]
	if err := l.db.Model(&models.AccessEntry{}).Where("id = ?", victim.ID).Update("status", 404).Error; err != nil {
		t.Fatal(err)
	}
	l.rechain(l.sealed())
	out, broken := l.offline()
	if !broken || !strings.Contains(out, fmt.Sprintf("first bad entry id: %d;", victim.ID)) || !strings.Contains(out, "MAC") {
		t.Fatalf("offline: %s", out)
	}
	if m := l.online(); m["ok"] != false || badID(m) != victim.ID {
		t.Fatalf("online: %v", m)
	}
	t.Run("withoutKeyOnlyTheChain", func(t *testing.T) {
		// The chain itself is consistent again; without the data key the
		// offline verifier says it did not check MACs.
		t.Setenv("EFILE_DATA_KEY", "")
		out, _ := l.offline()
		if !strings.Contains(out, "MACs not checked") {
			t.Fatalf("offline without key: %s", out)
		}
	})
}

// A row inserted behind the server's back is found while pending and after
// a seal attempt, online and offline; the sealer refuses it and entries
// written after it stay pending behind it.
func TestTamperInsertedFound(t *testing.T) {
	l := newLive(t)
	es := l.entries()
	forged := models.AccessEntry{At: es[1].At, ActorID: es[1].ActorID, Actor: es[1].Actor, IP: es[1].IP,
		Method: "GET", Path: "/api/v1/cadres/1", Status: 200}
	if err := l.db.Create(&forged).Error; err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		out, broken := l.offline()
		if !broken || !strings.Contains(out, fmt.Sprintf("first bad entry id: %d;", forged.ID)) {
			t.Fatalf("%s: offline: %s", stage, out)
		}
		m := l.online()
		if m["ok"] != false || badID(m) != forged.ID || m["pending"].(float64) < 1 {
			t.Fatalf("%s: online: %v", stage, m)
		}
	}
	check("pending")
	_, err := l.svc.Audit.Seal(context.Background())
	var fe *accesslog.ForgedError
	if !errors.As(err, &fe) || fe.ID != forged.ID {
		t.Fatalf("seal: want a refusal of %d, got %v", forged.ID, err)
	}
	check("after a seal attempt")
	var got models.AccessEntry
	l.db.First(&got, forged.ID)
	if got.Seq != nil {
		t.Fatalf("the forged entry was sealed as seq %d", *got.Seq)
	}
	if n, _ := l.svc.Audit.Pending(context.Background()); n < 2 {
		t.Fatalf("pending %d: the forged entry and the verify requests after it stay pending", n)
	}
	t.Run("copiedMACRefused", func(t *testing.T) {
		// A copy of a genuine entry with a fresh nonce and the original MAC.
		orig := l.entries()[2]
		n := strings.Repeat("ab", 16)
		c := models.AccessEntry{At: orig.At, ActorID: orig.ActorID, Actor: orig.Actor, IP: orig.IP, Method: orig.Method,
			Path: orig.Path, Status: orig.Status, Nonce: &n, MAC: orig.MAC}
		if err := l.db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
		if l.svc.Audit.MACs() {
			if ok, _ := l.svc.Audit.MACState(&c); ok {
				t.Fatal("a copied MAC with another nonce passed")
			}
		}
		// The same nonce again is refused by the unique index.
		dup := c
		dup.ID, dup.Nonce = 0, orig.Nonce
		if err := l.db.Create(&dup).Error; err == nil || !models.IsDuplicate(err) {
			t.Fatalf("a copied nonce was stored: %v", err)
		}
	})
	t.Run("sealingResumesOnceRemoved", func(t *testing.T) {
		l.db.Where("id >= ? AND seq IS NULL AND (mac IS NULL OR nonce = ?)", forged.ID, strings.Repeat("ab", 16)).Delete(&models.AccessEntry{})
		if _, err := l.svc.Audit.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
		if m := l.online(); m["ok"] != true {
			t.Fatalf("after removal: %v", m)
		}
	})
}

func TestAuditHead(t *testing.T) {
	l := newLive(t)
	l.call("GET", "/api/v1/users", l.sec, "", 403) // pending
	var out bytes.Buffer
	if err := auditHead(context.Background(), &out, nil); err != nil {
		t.Fatal(err)
	}
	var h models.ChainHead
	l.db.First(&h, 1)
	want := fmt.Sprintf("%s@%d\n", h.Hash, h.Seq)
	if out.String() != want {
		t.Fatalf("head %q, want %q", out.String(), want)
	}
	if n, _ := l.svc.Audit.Pending(context.Background()); n != 0 {
		t.Fatalf("%d pending after audit head", n)
	}
	// The printed head is an anchor verify accepts.
	var vout bytes.Buffer
	if err := auditVerifyTo(&vout, []string{"--head", strings.TrimSpace(out.String())}); err != nil {
		t.Fatalf("%v %s", err, vout.String())
	}
}

// `efile keys rotate` with the new key and the old one as previous re-MACs
// the log (and re-encrypts the rest); afterwards the new key alone verifies.
func TestKeysRotateCommand(t *testing.T) {
	l := newLive(t)
	newKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{5}, 32))
	t.Setenv("EFILE_DATA_KEY", newKey)
	t.Setenv("EFILE_DATA_KEY_PREVIOUS", liveKey)
	var out bytes.Buffer
	if err := keysRotate(context.Background(), &out, nil); err != nil {
		t.Fatalf("%v %s", err, out.String())
	}
	if !strings.Contains(out.String(), "keys rotate: access_entries ") || !strings.Contains(out.String(), "keys rotate: done:") {
		t.Fatalf("output %s", out.String())
	}
	t.Setenv("EFILE_DATA_KEY_PREVIOUS", "")
	if s, broken := l.offline(); broken || !strings.Contains(s, "MACs checked") {
		t.Fatalf("after rotation: %s", s)
	}
	t.Setenv("EFILE_DATA_KEY", liveKey)
	if s, broken := l.offline(); !broken {
		t.Fatalf("the old key must no longer verify: %s", s)
	}
}
