// Command efileload is the project's own load tool: it drives a running
// efile server on this machine with concurrent, authenticated reads and
// writes for a bounded time, reports throughput and latency percentiles,
// and then asks the security auditor's verify whether the access-log chain
// is still whole. It only talks to loopback addresses.
//
//	efileload -url http://127.0.0.1:8080 -reviewer rev:PASSWORD -auditor sec:PASSWORD -cadre 1 -c 16 -d 20s
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "efileload:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("url", "http://127.0.0.1:8080", "efile server (loopback only)")
	reviewer := flag.String("reviewer", "", "USER:PASSWORD of an org_reviewer")
	auditor := flag.String("auditor", "", "USER:PASSWORD of a security_auditor (optional: verify afterwards)")
	cadre := flag.Int64("cadre", 1, "id of a cadre the reviewer may read")
	conc := flag.Int("c", 16, "concurrent workers")
	dur := flag.Duration("d", 10*time.Second, "duration (at most 2m)")
	writes := flag.Int("writes", 10, "percent of requests that add a record")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("-url must be a loopback address")
	}
	if *dur > 2*time.Minute {
		*dur = 2 * time.Minute
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	tok, err := login(client, *base, *reviewer)
	if err != nil {
		return err
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  = map[int]int{}
	)
	deadline := time.Now().Add(*dur)
	var wg sync.WaitGroup
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				method, path, body := "GET", fmt.Sprintf("/api/v1/cadres/%d", *cadre), ""
				want := 200
				if (i*7+w)%100 < *writes {
					method, path, want = "POST", fmt.Sprintf("/api/v1/cadres/%d/records", *cadre), 201
					body = fmt.Sprintf(`{"occurred_on":"2024-01-01","category":"duty","content":"load %d-%d"}`, w, i)
				}
				start := time.Now()
				status, err := call(client, method, *base+path, tok, body)
				el := time.Since(start)
				mu.Lock()
				latencies = append(latencies, el)
				if err != nil {
					failures[-1]++
				} else if status != want {
					failures[status]++
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(float64(len(latencies)-1)*p)] }
	fmt.Printf("requests %d in %s with %d workers: %.0f req/s; latency p50 %s p95 %s p99 %s max %s; failures %v\n",
		len(latencies), *dur, *conc, float64(len(latencies))/dur.Seconds(), pct(.5), pct(.95), pct(.99), latencies[len(latencies)-1], failures)
	if *auditor == "" {
		return nil
	}
	sec, err := login(client, *base, *auditor)
	if err != nil {
		return err
	}
	req, _ := http.NewRequest("GET", *base+"/api/v1/access-log/verify", nil)
	req.Header.Set("Authorization", "Bearer "+sec)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v struct {
		OK      bool  `json:"ok"`
		Checked int64 `json:"checked"`
		Pending int64 `json:"pending"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return err
	}
	fmt.Printf("access log: ok=%v checked=%d pending=%d\n", v.OK, v.Checked, v.Pending)
	if !v.OK {
		return errors.New("the access-log chain is broken")
	}
	return nil
}

func login(c *http.Client, base, cred string) (string, error) {
	user, pw, ok := strings.Cut(cred, ":")
	if !ok {
		return "", errors.New("credentials must be USER:PASSWORD")
	}
	b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := c.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("login %s: status %d", user, resp.StatusCode)
	}
	return out.Token, nil
}

func call(c *http.Client, method, url, tok, body string) (int, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
