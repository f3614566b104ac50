package routes_test

import (
	"bytes"
	"encoding/base64"
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

// A full run (logins, wrong passwords, a cadre with an ID number, a bad ID
// number, an auditor's look-up by whole number, an import with errors)
// leaves no password, ID number, JWT secret or data key in the logs, nor any
// password or ID number in an error message.
func TestLogsHoldNoSecrets(t *testing.T) {
	w := newWorld(t)
	wrongPw := "Wrong-Password-77x"
	idGood := idFor("19750304", 11)
	idBad := idGood[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", idGood[17])+1)%11])
	idImp := idFor("19760405", 12)
	idImpBad := idImp[:16] + "ZZ"
	var errorBodies []string
	note := func(r *resp) {
		if r.Status >= 400 {
			errorBodies = append(errorBodies, string(r.Body))
		}
	}
	note(w.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": wrongPw}))
	note(w.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": wrongPw}))
	note(w.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": testPassword}))
	r := w.do("POST", "/api/v1/cadres", w.rev, cadreBody("王五", idGood, w.unitA))
	want(t, r, 201)
	r = w.do("POST", "/api/v1/cadres", w.rev, cadreBody("赵六", idBad, w.unitA))
	want(t, r, 400, "validation_failed")
	note(r)
	note(w.do("POST", "/api/v1/cadres", w.rev, cadreBody("王五", idGood, w.unitA))) // 409 duplicate
	r = w.do("GET", "/api/v1/cadres?q="+idGood, w.auditor, nil)
	want(t, r, 200)
	roster := rosterHeader + rosterRow("钱七", "男", "1976-04-05", idImp, "A", "否", "2020-03-01") +
		rosterRow("孙八", "男", "1976-04-05", idImpBad, "NOPE", "否", "2020-03-01") +
		rosterRow("王五", "女", "1975-03-04", idGood, "A", "否", "2020-03-01")
	r = w.upload(w.rev, "roster.csv", []byte(roster))
	if r.Status != 400 {
		t.Fatalf("import with errors: %d %s", r.Status, r.Body)
	}
	note(r)
	// A password change with a wrong current password, and a weak new one.
	note(w.do("POST", "/api/v1/me/password", w.rev, map[string]string{"current_password": wrongPw, "new_password": "short"}))
	logs := w.logs.String()
	if !strings.Contains(logs, `"level":"INFO"`) {
		t.Fatalf("no logs were captured: %q", logs)
	}
	secrets := map[string]string{
		"password":       testPassword,
		"wrong password": wrongPw,
		"ID number":      idGood,
		"bad ID number":  idBad,
		"imported ID":    idImp,
		"bad import ID":  idImpBad,
		"ID number body": idGood[:17],
		"JWT secret":     strings.Repeat("s", 32),
		"data key":       base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"data key (raw)": string(bytes.Repeat([]byte{7}, 32)),
	}
	for what, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain the %s", what)
		}
	}
	for _, body := range errorBodies {
		for _, what := range []string{"password", "wrong password", "ID number", "bad ID number", "bad import ID", "ID number body"} {
			if strings.Contains(body, secrets[what]) {
				t.Errorf("an error message contains the %s: %s", what, body)
			}
		}
	}
	if len(errorBodies) < 6 {
		t.Fatalf("only %d error answers: the run did not exercise the failures", len(errorBodies))
	}
}

// Swapping two cadres' encrypted ID numbers in the database (an intruder
// with write access) makes both unreadable: a clean 500 and an ERROR log,
// never the other person's number.
func TestIDNumberSwap500(t *testing.T) {
	w := newWorld(t)
	idA, idB := idFor("19700101", 21), idFor("19710202", 22)
	a := w.cadre("甲", idA, w.unitA)
	b := w.cadre("乙", idB, w.unitA)
	want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", a), w.rev, nil), 200)
	var ca, cb models.Cadre
	w.db.First(&ca, a)
	w.db.First(&cb, b)
	if err := w.db.Model(&models.Cadre{}).Where("id = ?", a).Update("id_number_enc", cb.IDNumberEnc).Error; err != nil {
		t.Fatal(err)
	}
	if err := w.db.Model(&models.Cadre{}).Where("id = ?", b).Update("id_number_enc", ca.IDNumberEnc).Error; err != nil {
		t.Fatal(err)
	}
	w.logs.Reset()
	for _, c := range []struct {
		id    int64
		other string
	}{{a, idB}, {b, idA}} {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", c.id), w.rev, nil)
		want(t, r, 500, "internal")
		if bytes.Contains(r.Body, []byte(c.other)) {
			t.Fatalf("cadre %d shows the other's number: %s", c.id, r.Body)
		}
	}
	if !strings.Contains(w.logs.String(), `"level":"ERROR"`) || !strings.Contains(w.logs.String(), "decrypt the ID number") {
		t.Fatalf("no ERROR log: %s", w.logs.String())
	}
	// Masked views (an evaluator) never decrypt, so they still answer.
	want(t, w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", a), w.evalA, nil), 200)
}

// routerOnDB builds a router on a.db (another connection pool on the same
// database) with a's secrets.
func routerOnDB(t *testing.T, a *app) *app {
	return routerOn(t, a, strings.Repeat("s", 32), "")
}

// routerOn builds a second router on a's database with other JWT secrets,
// as a restart with a rotated EFILE_JWT_SECRET would.
func routerOn(t *testing.T, a *app, secret, previous string) *app {
	t.Helper()
	enf, err := policies.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	var prev []byte
	if previous != "" {
		prev = []byte(previous)
	}
	svc, err := services.New(a.db, services.Config{JWTSecret: []byte(secret), JWTSecretPrevious: prev,
		DataKey: bytes.Repeat([]byte{7}, 32), Now: a.clock.Now, BcryptCost: bcrypt.MinCost,
		Logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r, err := routes.New(routes.Deps{Services: svc, Enforcer: enf})
	if err != nil {
		t.Fatal(err)
	}
	b := *a
	b.r, b.svc, b.acc, b.audit = r, svc, svc.Accounts, svc.Audit
	return &b
}

// JWT secrets rotate with a key id: after a rotation, tokens of the previous
// secret are accepted while EFILE_JWT_SECRET_PREVIOUS names it; new tokens
// carry the new kid; an unknown kid is refused.
func TestJWTRotation(t *testing.T) {
	a := newApp(t)
	oldSecret, newSecret := strings.Repeat("s", 32), strings.Repeat("n", 40)
	oldTok := a.admin()
	kidOf := func(tok string) string {
		h, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
		return string(h)
	}
	t.Run("200_previousAcceptedDuringRotation", func(t *testing.T) {
		b := routerOn(t, a, newSecret, oldSecret)
		want(t, b.do("GET", "/api/v1/me", oldTok, nil), 200)
		newTok := b.admin()
		if kidOf(newTok) == kidOf(oldTok) || !strings.Contains(kidOf(newTok), `"kid"`) {
			t.Fatalf("headers %s and %s: want distinct kids", kidOf(oldTok), kidOf(newTok))
		}
		want(t, b.do("GET", "/api/v1/me", newTok, nil), 200)
		// The old server (old secret only) does not know the new kid.
		want(t, a.do("GET", "/api/v1/me", newTok, nil), 401)
	})
	t.Run("401_previousDropped", func(t *testing.T) {
		c := routerOn(t, a, newSecret, "")
		want(t, c.do("GET", "/api/v1/me", oldTok, nil), 401, "unauthenticated")
	})
	t.Run("401_kidOfPreviousSignedWithOther", func(t *testing.T) {
		// A token naming the previous kid but signed with another secret.
		d := routerOn(t, a, newSecret, strings.Repeat("x", 32))
		want(t, d.do("GET", "/api/v1/me", oldTok, nil), 401)
	})
}

// TestReporterSwap500: a petition's reporter is sealed bound to its flag, so
// someone with write access to the database who swaps two flags' sealed
// reporters gets neither shown under the other flag: the read fails.
func TestReporterSwap500(t *testing.T) {
	w := newFlagWorld(t)
	f1 := w.fileFlag(w.audPetition, with(clueBody(w.a), "kind", "petition", "petition_type", "report", "reporter", "举报人一"))
	f2 := w.fileFlag(w.audPetition, with(clueBody(w.b), "kind", "petition", "petition_type", "report", "reporter", "举报人二"))
	r := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", f1), w.audPetition, nil)
	want(t, r, 200)
	if r.JSON()["reporter"] != "举报人一" {
		t.Fatalf("before the swap: %s", r.Body)
	}
	var m1, m2 models.Flag
	w.db.First(&m1, f1)
	w.db.First(&m2, f2)
	w.db.Model(&models.Flag{}).Where("id = ?", f1).Update("reporter_enc", m2.ReporterEnc)
	w.db.Model(&models.Flag{}).Where("id = ?", f2).Update("reporter_enc", m1.ReporterEnc)
	for id, other := range map[int64]string{f1: "举报人二", f2: "举报人一"} {
		r := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", id), w.audPetition, nil)
		want(t, r, 500, "internal")
		if bytes.Contains(r.Body, []byte(other)) {
			t.Fatalf("flag %d shows the other flag's reporter: %s", id, r.Body)
		}
	}
}
