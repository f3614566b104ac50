package accesslog_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"efile/services/accesslog"
	"efile/testenv"
)

// BenchmarkLog: one standalone entry (a read's), committed before Log
// returns, one request at a time: the floor under every read's latency.
func BenchmarkLog(b *testing.B) {
	db, _, _ := testenv.DB(b)
	svc := accesslog.New(db, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := &accesslog.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/cadres/%d/efile", i%1000+1), IP: "127.0.0.1"}
		r.SetActor(1, "rev")
		r.SetCadre(int64(i%1000 + 1))
		if err := svc.Log(ctx, r, 200); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogParallel: the same from 32 goroutines at once, as under
// load: on SQLite their entries share the writer's group commits.
func BenchmarkLogParallel(b *testing.B) {
	db, _, _ := testenv.DB(b)
	svc := accesslog.New(db, nil)
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16) // × GOMAXPROCS (2 here): 32 goroutines
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			r := &accesslog.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/cadres/%d/efile", i%1000+1), IP: "127.0.0.1"}
			r.SetActor(1, "rev")
			if err := svc.Log(ctx, r, 200); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSeal: chaining pending entries, per entry (ns/op is one
// entry's share of the 500-entry batches the sealer commits).
func BenchmarkSeal(b *testing.B) {
	db, _, _ := testenv.DB(b)
	svc := accesslog.New(db, nil)
	ctx := context.Background()
	now := time.Now().UTC()
	// The pending entries, inserted raw in multi-row statements (not timed).
	const batch = 500
	for start := 0; start < b.N; start += batch {
		end := min(start+batch, b.N)
		var sb strings.Builder
		args := make([]any, 0, (end-start)*8)
		for i := start; i < end; i++ {
			if i > start {
				sb.WriteString(",")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, now, 1, "rev", "127.0.0.1", "GET", fmt.Sprintf("/api/v1/cadres/%d/efile", i), i, 200)
		}
		if err := db.Exec("INSERT INTO access_entries (at, actor_id, actor, ip, method, path, cadre_id, status) VALUES "+sb.String(), args...).Error; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n, err := svc.Seal(ctx)
	b.StopTimer()
	if err != nil || n != b.N {
		b.Fatalf("sealed %d of %d: %v", n, b.N, err)
	}
}
