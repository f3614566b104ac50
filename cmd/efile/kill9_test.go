package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"efile/models"
	"efile/testenv"
)

// TestHelperServe is `efile serve` in a child process of the test binary
// (run by TestKill9); on its own it does nothing.
func TestHelperServe(t *testing.T) {
	if os.Getenv("EFILE_HELPER_SERVE") != "1" {
		t.Skip("runs only as the child process of TestKill9LosesNoAcknowledgedWrite")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startServe starts `efile serve` as a child and returns it with its address.
func startServe(t *testing.T) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	cmd.Env = append(os.Environ(), "EFILE_HELPER_SERVE=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var l struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "efile listening" {
				addrc <- l.Addr
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addrc:
		return cmd, a
	case <-time.After(30 * time.Second):
		t.Fatalf("efile serve did not start: %s", stderr.String())
	}
	return nil, ""
}

// kill -9 under a write load loses no acknowledged write, and after a
// restart the chain verifies with nothing left pending.
func TestKill9LosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts efile serve as a child process")
	}
	db, driver, dsn := testenv.DB(t)
	t.Setenv("EFILE_DB_DRIVER", driver)
	t.Setenv("EFILE_DB_DSN", dsn)
	t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
	t.Setenv("EFILE_DATA_KEY", liveKey)
	t.Setenv("EFILE_DATA_KEY_PREVIOUS", "")
	t.Setenv("EFILE_ADMIN_PASSWORD", "the-first-admin-password")
	child, addr := startServe(t)
	base := "http://" + addr
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"username":"admin","password":"the-first-admin-password"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", resp, err)
	}
	var lr struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&lr)
	resp.Body.Close()

	var mu sync.Mutex
	var acked []string
	var n atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	killed := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				code := fmt.Sprintf("K%d-%d", g, i)
				req, _ := http.NewRequest("POST", base+"/api/v1/units", strings.NewReader(fmt.Sprintf(`{"name":"n","code":%q}`, code)))
				req.Header.Set("Authorization", "Bearer "+lr.Token)
				req.Header.Set("Content-Type", "application/json")
				r, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				r.Body.Close()
				if r.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, code)
					mu.Unlock()
					if n.Add(1) == 150 {
						child.Process.Signal(syscall.SIGKILL)
						close(killed)
					}
				}
			}
		}(g)
	}
	select {
	case <-killed:
	case <-time.After(60 * time.Second):
		t.Fatal("the load never reached 150 writes")
	}
	wg.Wait()
	child.Wait()

	// Every acknowledged unit survived.
	var codes []string
	db.Model(&models.Unit{}).Pluck("code", &codes)
	have := map[string]bool{}
	for _, c := range codes {
		have[c] = true
	}
	for _, c := range acked {
		if !have[c] {
			t.Errorf("acknowledged unit %s was lost", c)
		}
	}
	// Restart, stop cleanly (the sealer runs), and verify offline.
	child2, _ := startServe(t)
	child2.Process.Signal(syscall.SIGTERM)
	if err := child2.Wait(); err != nil {
		t.Fatalf("restarted serve: %v", err)
	}
	var out bytes.Buffer
	if err := auditVerifyTo(&out, nil); err != nil || !strings.Contains(out.String(), " 0 pending") {
		t.Fatalf("after kill -9 and restart: %v %s", err, out.String())
	}
	t.Logf("%d writes acknowledged before kill -9; %s", len(acked), strings.TrimSpace(out.String()))
}
