package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// driven is one bounded burst of work: its latencies and how long it took.
type driven struct {
	rec     *recorder
	elapsed time.Duration
}

// drive runs c.conc workers until the duration is over, the context is
// cancelled, or c.maxRequests calls have started. do makes one call and
// says which operation it was and why it failed ("" when it did not).
func drive(ctx context.Context, c *config, do func(ctx context.Context, w int, r *rand.Rand) (op, failure string)) *driven {
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(ctx, c.dur)
	defer cancel()
	var started atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c.conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(c.seed, uint64(w)))
			for ctx.Err() == nil {
				if c.maxRequests > 0 && started.Add(1) > int64(c.maxRequests) {
					return
				}
				t := time.Now()
				op, failure := do(ctx, w, r)
				if ctx.Err() != nil && failure != "" {
					return // cut off by the end of the phase: not counted
				}
				rec.add(op, time.Since(t), failure)
			}
		}()
	}
	wg.Wait()
	return &driven{rec: rec, elapsed: time.Since(start)}
}

// runPhase drives one mix against the server.
func runPhase(ctx context.Context, c *config, cl *client, m mix, tokens map[string]string, ids []int64, phase uint64) *driven {
	var seq atomic.Int64
	pc := *c
	pc.seed = c.seed*1000 + phase
	return drive(ctx, &pc, func(ctx context.Context, w int, r *rand.Rand) (string, string) {
		name := m.pick(r)
		o := ops[name]
		id := ids[r.IntN(len(ids))]
		var body string
		switch name {
		case "append":
			body = fmt.Sprintf(`{"occurred_on":"2025-%02d-%02d","category":"duty","content":"efileload %d"}`, 1+r.IntN(12), 1+r.IntN(28), seq.Add(1))
		case "vet":
			body = `{"purpose":"promotion"}`
		}
		status, err := cl.call(ctx, o.method, fmt.Sprintf(o.path, id), tokens[o.role], body, nil)
		switch {
		case err != nil:
			return name, "error"
		case status != o.want:
			return name, strconv.Itoa(status)
		}
		return name, ""
	})
}

// client is an HTTP client with as many idle connections as workers, so
// every request after the first reuses a kept-alive connection.
type client struct {
	base string
	http *http.Client
}

func newClient(base string, conc int) *client {
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, DisableCompression: true}}}
}

// call sends one request and reads the whole answer (into out, if given).
func (cl *client) call(ctx context.Context, method, path, token, body string, out *[]byte) (int, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, rd)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		*out, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode, err
}

func (cl *client) json(ctx context.Context, method, path, token string, in, out any) (int, error) {
	var body string
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = string(b)
	}
	var raw []byte
	status, err := cl.call(ctx, method, path, token, body, &raw)
	if err == nil && out != nil && status < 300 {
		err = json.Unmarshal(raw, out)
	}
	if err == nil && status >= 300 {
		err = fmt.Errorf("%s %s: %d %s", method, path, status, bytes.TrimSpace(raw[:min(len(raw), 300)]))
	}
	return status, err
}

func (cl *client) login(ctx context.Context, cred string) (string, int64, error) {
	user, pw, ok := strings.Cut(cred, ":")
	if !ok {
		return "", 0, errors.New("credentials must be USER:PASSWORD")
	}
	var out struct {
		Token string `json:"token"`
		User  struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	if _, err := cl.json(ctx, "POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pw}, &out); err != nil {
		return "", 0, fmt.Errorf("login %s: %w", user, err)
	}
	return out.Token, out.User.ID, nil
}

// sampleCadres reads up to n cadre ids from pages spread over the whole
// list, so the load touches old and new cadres alike.
func (cl *client) sampleCadres(ctx context.Context, token string, n int, seed uint64) ([]int64, int64, error) {
	type page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int64 `json:"total"`
	}
	const size = 200
	var first page
	if _, err := cl.json(ctx, "GET", fmt.Sprintf("/api/v1/cadres?page_size=%d", size), token, nil, &first); err != nil {
		return nil, 0, err
	}
	if first.Total == 0 {
		return nil, 0, errors.New("the server has no cadres in scope: seed it first (efile seed)")
	}
	pages := int((first.Total + size - 1) / size)
	seen := map[int64]bool{}
	var ids []int64
	add := func(p page) {
		for _, it := range p.Items {
			if !seen[it.ID] && len(ids) < n {
				seen[it.ID] = true
				ids = append(ids, it.ID)
			}
		}
	}
	add(first)
	r := rand.New(rand.NewPCG(seed, 7))
	for tries := 0; len(ids) < n && len(ids) < int(first.Total) && tries < 4*n/size+4; tries++ {
		var p page
		if _, err := cl.json(ctx, "GET", fmt.Sprintf("/api/v1/cadres?page_size=%d&page=%d", size, 1+r.IntN(pages)), token, nil, &p); err != nil {
			return nil, 0, err
		}
		add(p)
	}
	return ids, first.Total, nil
}

// sample is the body the HTTP ceiling answers: an e-file when a reviewer
// is signed in, else a cadre's records.
func (cl *client) sample(ctx context.Context, tokens map[string]string, id int64) ([]byte, error) {
	path, tok := fmt.Sprintf("/api/v1/cadres/%d/efile", id), tokens["reviewer"]
	if tok == "" {
		path, tok = fmt.Sprintf("/api/v1/cadres/%d/records", id), tokens["evaluator"]
	}
	var b []byte
	status, err := cl.call(ctx, "GET", path, tok, "", &b)
	if err == nil && status != 200 {
		err = fmt.Errorf("GET %s: %d", path, status)
	}
	return b, err
}

func (cl *client) verify(ctx context.Context, cred string, out io.Writer) error {
	tok, _, err := cl.login(ctx, cred)
	if err != nil {
		return err
	}
	var v struct {
		OK      bool  `json:"ok"`
		Checked int64 `json:"checked"`
		Pending int64 `json:"pending"`
	}
	// Verify seals what is pending, then re-hashes the whole chain: after a
	// long run that is a million entries or more, well past a request's
	// usual 30 s.
	long := &client{base: cl.base, http: &http.Client{Timeout: 15 * time.Minute, Transport: cl.http.Transport}}
	start := time.Now()
	if _, err := long.json(ctx, "GET", "/api/v1/access-log/verify", tok, nil, &v); err != nil {
		return err
	}
	fmt.Fprintf(out, "verify took %s\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(out, "access log: ok=%v checked=%d pending=%d\n", v.OK, v.Checked, v.Pending)
	if !v.OK {
		return errors.New("the access-log chain is broken")
	}
	return nil
}

// setupUsers creates, as the admin, the users the load signs in as (409
// when they exist already is fine): an org_reviewer, an evaluator of the
// root unit (so every cadre is in their scope), an auditor of the
// discipline department and a security auditor.
func setupUsers(ctx context.Context, cl *client, c *config) error {
	admin, _, err := cl.login(ctx, c.setup)
	if err != nil {
		return err
	}
	type units struct {
		Items []struct {
			ID       int64  `json:"id"`
			ParentID *int64 `json:"parent_id"`
		} `json:"items"`
		Total int
	}
	// Units are listed newest first: the root, made first, is on the last page.
	var first, last units
	if _, err := cl.json(ctx, "GET", "/api/v1/units?page_size=200", admin, nil, &first); err != nil {
		return err
	}
	if _, err := cl.json(ctx, "GET", fmt.Sprintf("/api/v1/units?page_size=200&page=%d", max(1, (first.Total+199)/200)), admin, nil, &last); err != nil {
		return err
	}
	var root int64
	for _, u := range append(first.Items, last.Items...) {
		if u.ParentID == nil && (root == 0 || u.ID < root) {
			root = u.ID
		}
	}
	if root == 0 {
		return errors.New("the server has no units: seed it first (efile seed)")
	}
	dept := "discipline"
	for _, u := range []struct {
		name, role string
		unit       *int64
		dept       *string
		cred       *string
	}{
		{"efl-rev", "org_reviewer", nil, nil, &c.reviewer},
		{"efl-eval", "evaluator", &root, nil, &c.evaluator},
		{"efl-aud", "auditor", nil, &dept, &c.auditor},
		{"efl-sec", "security_auditor", nil, nil, &c.security},
	} {
		status, err := cl.json(ctx, "POST", "/api/v1/users", admin, map[string]any{"username": u.name, "password": c.password,
			"display_name": u.name, "roles": []string{u.role}, "unit_id": u.unit, "department": u.dept}, nil)
		if err != nil && status != http.StatusConflict {
			return err
		}
		if *u.cred == "" {
			*u.cred = u.name + ":" + c.password
		}
	}
	return nil
}
