// Package e2e drives the web console in a real browser (Chromium, through
// chromedp) against a real efile server on 127.0.0.1 with a temporary
// database, following each role's journey as a new user would.
//
// Without a Chromium on the machine the tests skip, saying so; with
// EFILE_TEST_BROWSER=1 (CI sets it) a missing browser is a failure. With
// EFILE_SCREENSHOTS=DIR they write each role's main page to DIR (the
// README's pictures: EFILE_SCREENSHOTS=../../docs/screenshots). A failing
// test saves a screenshot of the page it was on and names the file.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"efile/policies"
	"efile/routes"
	"efile/services"
	"efile/services/idnumber"
	"efile/testenv"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

const password = "correct-horse-battery"

// server is a real efile on a loopback port, on a fresh database.
type server struct {
	t    *testing.T
	url  string
	svc  *services.Set
	db   *gorm.DB         // for what no API may do: a request's due date in the past
	ids  map[string]int64 // seeded objects by name
	tokn map[string]string
}

func startServer(t *testing.T) *server {
	t.Helper()
	db, _, _ := testenv.DB(t)
	// The district's zone, as EFILE_TZ sets it by default: the lockout names 北京时间.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := services.New(db, services.Config{JWTSecret: []byte(strings.Repeat("k", 32)), DataKey: bytes.Repeat([]byte{9}, 32),
		BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Accounts.EnsureAdmin(context.Background(), password); err != nil {
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &server{t: t, url: "http://" + ln.Addr().String(), svc: svc, db: db, ids: map[string]int64{}, tokn: map[string]string{}}
}

// api calls the API as user (logging in once), failing the test on an
// unexpected status.
func (s *server) api(user, method, path string, body any, wantStatus int) map[string]any {
	s.t.Helper()
	tok := s.tokn[user]
	if tok == "" && user != "" {
		m := s.api("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password}, 200)
		tok = m["token"].(string)
		s.tokn[user] = tok
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != wantStatus {
		s.t.Fatalf("%s %s as %q: %d, want %d: %s", method, path, user, res.StatusCode, wantStatus, data)
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return m
}

func id(m map[string]any) int64 { f, _ := m["id"].(float64); return int64(f) }

// idNumber makes a valid resident ID number for a birth date (YYYYMMDD),
// with the gender digit's parity.
func idNumber(birth string, seq int, male bool) string {
	if male != (seq%2 == 1) {
		seq++
	}
	first := fmt.Sprintf("110101%s%03d", birth, seq)
	return first + string(idnumber.CheckDigit(first))
}

// seed builds a small district: two bureaus under the district committee,
// a user of each role, and three cadres with a record.
func (s *server) seed() {
	a := "admin"
	s.ids["district"] = id(s.api(a, "POST", "/api/v1/units", map[string]any{"name": "中共示范区委员会", "code": "Q01"}, 201))
	root := s.ids["district"]
	s.ids["finance"] = id(s.api(a, "POST", "/api/v1/units", map[string]any{"name": "区财政局", "code": "Q0101", "parent_id": root}, 201))
	s.ids["education"] = id(s.api(a, "POST", "/api/v1/units", map[string]any{"name": "区教育局", "code": "Q0102", "parent_id": root}, 201))
	user := func(name, display string, roles []string, extra map[string]any) {
		b := map[string]any{"username": name, "password": password, "display_name": display, "roles": roles}
		for k, v := range extra {
			b[k] = v
		}
		s.ids["user:"+name] = id(s.api(a, "POST", "/api/v1/users", b, 201))
	}
	user("rev", "王审核", []string{"org_reviewer"}, nil)
	user("eval", "赵评价", []string{"evaluator"}, map[string]any{"unit_id": s.ids["finance"]})
	user("aud", "钱纪检", []string{"auditor"}, map[string]any{"department": "discipline"})
	user("sec", "孙审计", []string{"security_auditor"}, nil)
	user("locked", "周锁定", []string{"evaluator"}, map[string]any{"unit_id": s.ids["finance"]})
	cadre := func(key, name, birth string, male bool, unit int64, pos string, top bool) {
		g := "female"
		if male {
			g = "male"
		}
		s.ids[key] = id(s.api("rev", "POST", "/api/v1/cadres", map[string]any{
			"name": name, "gender": g, "birth_date": birth[:4] + "-" + birth[4:6] + "-" + birth[6:],
			"id_number": idNumber(birth, len(s.ids), male), "unit_id": unit, "position": pos, "rank": "正科级",
			"is_top_leader": top, "appointed_on": "2021-03-01"}, 201))
	}
	cadre("zhang", "张伟", "19780512", true, s.ids["finance"], "局长", true)
	cadre("liu", "刘芳", "19850920", false, s.ids["finance"], "副局长", false)
	cadre("li", "李娜", "19820304", false, s.ids["education"], "局长", true)
	s.api("rev", "POST", fmt.Sprintf("/api/v1/cadres/%d/records", s.ids["zhang"]), map[string]any{
		"occurred_on": "2025-06-18", "category": "major_task", "content": "牵头完成全区防汛救灾资金调度，三日内拨付到位。"}, 201)
	s.api("rev", "POST", fmt.Sprintf("/api/v1/cadres/%d/records", s.ids["zhang"]), map[string]any{
		"occurred_on": "2025-09-02", "category": "duty", "content": "组织开展预算绩效评价，形成报告并整改问题 12 项。"}, 201)
}
