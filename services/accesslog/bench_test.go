package accesslog_test

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/testenv"

	"gorm.io/gorm"
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

// BenchmarkSeal: chaining pending entries without the data key (the hash
// chain alone), per entry (ns/op is one entry's share of the 500-entry
// batches the sealer commits).
func BenchmarkSeal(b *testing.B) {
	db, _, _ := testenv.DB(b)
	benchSeal(b, db, accesslog.New(db, nil))
}

// BenchmarkSealKeyed: the same as the server runs it, with the data key:
// each pending entry's MAC is checked and its sealed MAC written.
func BenchmarkSealKeyed(b *testing.B) {
	db, _, _ := testenv.DB(b)
	k, err := datakey.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		b.Fatal(err)
	}
	benchSeal(b, db, accesslog.New(db, nil, accesslog.WithKeys(k)))
}

// benchSeal times svc sealing b.N pending entries, stamped as a request
// stamps them and inserted beforehand in batches (not timed).
func benchSeal(b *testing.B, db *gorm.DB, svc *accesslog.Service) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	const batch = 500
	for start := 0; start < b.N; start += batch {
		rows := make([]models.AccessEntry, 0, batch)
		for i := start; i < min(start+batch, b.N); i++ {
			cadre := int64(i)
			e := models.AccessEntry{At: now, ActorID: 1, Actor: "rev", IP: "127.0.0.1", Method: "GET",
				Path: fmt.Sprintf("/api/v1/cadres/%d/efile", i), CadreID: &cadre, Status: 200}
			svc.Stamp(&e)
			rows = append(rows, e)
		}
		if err := db.CreateInBatches(rows, 100).Error; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n, err := svc.Seal(context.Background())
	b.StopTimer()
	if err != nil || n != b.N {
		b.Fatalf("sealed %d of %d: %v", n, b.N, err)
	}
}
