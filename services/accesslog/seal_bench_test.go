package accesslog

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"efile/models"
	"efile/services/datakey"
	"efile/testenv"
)

// BenchmarkSealKeyed is BenchmarkSeal as the server runs it, with the data
// key: every pending entry's MAC is checked, and the sealer writes what a
// keyed chain needs. ns/op is one entry's share of the 500-entry batches.
func BenchmarkSealKeyed(b *testing.B) {
	db, _, _ := testenv.DB(b)
	k, err := datakey.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		b.Fatal(err)
	}
	svc := New(db, nil, WithKeys(k))
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	// The pending entries, stamped as a request stamps them, inserted in
	// batches (not timed).
	const batch = 500
	for start := 0; start < b.N; start += batch {
		rows := make([]models.AccessEntry, 0, batch)
		for i := start; i < min(start+batch, b.N); i++ {
			cadre := int64(i)
			e := models.AccessEntry{At: now, ActorID: 1, Actor: "rev", IP: "127.0.0.1", Method: "GET",
				Path: fmt.Sprintf("/api/v1/cadres/%d/efile", i), CadreID: &cadre, Status: 200}
			svc.stamp(&e)
			rows = append(rows, e)
		}
		if err := db.CreateInBatches(rows, 100).Error; err != nil {
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
