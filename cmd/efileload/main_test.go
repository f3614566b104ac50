package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"efile/policies"
	"efile/routes"
	"efile/services"
	"efile/services/account"
	"efile/services/idnumber"
	"efile/services/unit"
	"efile/testenv"

	"golang.org/x/crypto/bcrypt"
)

func TestParseMix(t *testing.T) {
	m, err := parseMix(defaultMix)
	if err != nil || m.total != 100 || strings.Join(m.names, ",") != "efile,list,append,vet" {
		t.Fatalf("default mix: %+v, %v", m, err)
	}
	if got := strings.Join(m.roles(), ","); got != "reviewer,evaluator" {
		t.Errorf("roles of the default mix: %s", got)
	}
	for _, bad := range []string{"", "efile", "efile=40,efile=10", "bogus=1", "efile=-1", "efile=x", "efile=0,vet=0"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q): accepted", bad)
		}
	}
}

func TestMixPick_followsWeights(t *testing.T) {
	m, err := parseMix("efile=40,list=30,append=20,vet=10,flags=0")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[string]int{}
	const n = 100_000
	for range n {
		counts[m.pick(r)]++
	}
	for name, want := range map[string]float64{"efile": .4, "list": .3, "append": .2, "vet": .1, "flags": 0} {
		if got := float64(counts[name]) / n; got < want-0.01 || got > want+0.01 {
			t.Errorf("%s picked %.3f of the time, want %.2f", name, got, want)
		}
	}
}

func TestPercentile_nearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50, 95: 95, 99: 99, 100: 100, 0: 1, 0.5: 1} {
		if got := percentile(d, p); got != want*time.Millisecond {
			t.Errorf("p%v = %s, want %dms", p, got, want)
		}
	}
	if got := percentile(d[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one = %s", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of none = %s", got)
	}
	// 1,000 values: p99 is the 990th, not the largest.
	d = d[:0]
	for i := 1; i <= 1000; i++ {
		d = append(d, time.Duration(i))
	}
	if got := percentile(d, 99); got != 990 {
		t.Errorf("p99 of 1..1000 = %d, want 990", got)
	}
}

func TestParseFlags_bounds(t *testing.T) {
	for _, args := range [][]string{
		{"-url", "http://10.0.0.1:8080"},
		{"-url", "http://example.com"},
		{"-d", "5m"},
		{"-c", "0"},
		{"-c", "10000"},
		{"-db-driver", "sqlite"},
		{"-db-driver", "oracle", "-db-dsn", "x"},
		{"-mix", "efile=1,nope=2"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%v): accepted", args)
		}
	}
	c, err := parseFlags([]string{"-mix", "append=100", "-mix", "efile=100", "-d", "3s"})
	if err != nil || len(c.mixes) != 2 || c.dur != 3*time.Second {
		t.Fatalf("two phases: %+v %v", c, err)
	}
}

// TestRun_endToEnd drives a real in-process server (real router, real
// database) for a moment with every operation, then both ceilings, then
// verifies the chain: no request may fail.
func TestRun_endToEnd(t *testing.T) {
	db, driver, dsn := testenv.DB(t)
	enf, err := policies.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := services.New(db, services.Config{JWTSecret: []byte(strings.Repeat("s", 32)), DataKey: bytes.Repeat([]byte{7}, 32),
		Location: time.UTC, Now: time.Now, BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := routes.New(routes.Deps{Services: svc, Enforcer: enf})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const adminPW = "admin-password-123"
	if _, err := svc.Accounts.EnsureAdmin(ctx, adminPW); err != nil {
		t.Fatal(err)
	}
	root, err := svc.Units.Create(ctx, unit.NewUnit{Name: "市委", Code: "root"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Accounts.CreateUser(ctx, account.NewUser{Username: "maker", Password: adminPW, DisplayName: "maker",
		Roles: []string{"org_reviewer"}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // 127.0.0.1
	defer srv.Close()
	cl := newClient(srv.URL, 2)
	tok, _, err := cl.login(ctx, "maker:"+adminPW)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		first := fmt.Sprintf("11010519800101%03d", 100+i)
		id := first + string(idnumber.CheckDigit(first))
		gender := map[bool]string{true: "male", false: "female"}[(id[16]-'0')%2 == 1]
		if _, err := cl.json(ctx, "POST", "/api/v1/cadres", tok, map[string]any{"name": fmt.Sprintf("干部%d", i), "gender": gender,
			"birth_date": "1980-01-01", "id_number": id, "unit_id": root.ID, "position": "科长", "rank": "一级主任科员",
			"appointed_on": "2020-01-02"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var m1, m2 mix
	if m1, err = parseMix(defaultMix); err != nil {
		t.Fatal(err)
	}
	if m2, err = parseMix("cadre=1,flags=1"); err != nil {
		t.Fatal(err)
	}
	c := &config{base: srv.URL, setup: "admin:" + adminPW, password: "efileload-password-1", mixes: []mix{m1, m2},
		conc: 2, dur: 2 * time.Second, maxRequests: 120, cadres: 10, httpCeiling: true, dbDriver: driver, dbDSN: dsn, seed: 1}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, c, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	t.Log(text)
	for _, want := range []string{"spread over 5 of 5 cadres", "phase " + defaultMix, "phase cadre=1,flags=1", "ceiling http", "ceiling storage",
		"ratios to the ceilings", "access log: ok=true"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(text, "failures of") {
		t.Errorf("some requests failed:\n%s", text)
	}
	for _, op := range []string{"efile", "list", "append", "vet", "cadre", "flags", "ceiling", "insert"} {
		if !strings.Contains(text, "\n  "+op+" ") {
			t.Errorf("no line for %s", op)
		}
	}
	// The appends and the storage ceiling's rows are real records.
	var n int64
	if err := db.Raw("SELECT COUNT(*) FROM records").Scan(&n).Error; err != nil || n == 0 {
		t.Errorf("records after the run: %d, %v", n, err)
	}
}
