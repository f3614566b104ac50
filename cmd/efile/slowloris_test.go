package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// 200 connections sending their headers slowly (slowloris) do not keep a
// normal request from answering, and the server drops each of them once
// ReadHeaderTimeout has passed (shortened here from efile serve's 10 s).
func TestSlowlorisNormalRequestAnswers(t *testing.T) {
	l := newLive(t)
	srv := httpServer("127.0.0.1:0", l.r)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Fatalf("efile serve must set every timeout: %+v", srv)
	}
	srv.ReadHeaderTimeout = 400 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	const slow = 200
	var wg sync.WaitGroup
	dropped := make(chan time.Duration, slow)
	stop := make(chan struct{})
	for i := 0; i < slow; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			start := time.Now()
			fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
			// The server closes the connection (after a 408) on timeout.
			go func() {
				io.Copy(io.Discard, c)
				dropped <- time.Since(start)
			}()
			tk := time.NewTicker(50 * time.Millisecond)
			defer tk.Stop()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-tk.C:
					if _, err := fmt.Fprintf(c, "X-Slow-%d: a\r\n", n); err != nil {
						return
					}
				}
			}
		}(c)
	}
	// While they trickle, a normal request answers promptly.
	client := &http.Client{Timeout: 2 * time.Second}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("a normal request during the attack: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || time.Since(start) > time.Second {
		t.Fatalf("normal request: %d after %v", resp.StatusCode, time.Since(start))
	}
	// Every slow connection is dropped near the header timeout.
	deadline := time.After(5 * time.Second)
	for i := 0; i < slow; i++ {
		select {
		case d := <-dropped:
			if d < 300*time.Millisecond {
				t.Fatalf("a slow connection was dropped after only %v", d)
			}
		case <-deadline:
			t.Fatalf("only %d of %d slow connections were dropped", i, slow)
		}
	}
	close(stop)
	wg.Wait()
}
