package models

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestStmtCache: reads are prepared once per text and answer the same as
// unprepared ones; texts past the bound still run (unprepared) and the
// cache stays bounded; a write seen after a cached read is read back.
func TestStmtCache(t *testing.T) {
	db, _, _ := openWriterDB(t)
	pool := db.ConnPool.(*sqlitePool)
	ctx := context.Background()
	before := len(pool.stmts.m)
	for v := 1; v <= 3; v++ {
		if err := WithWrite(ctx, db, insert(db, v)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Raw("SELECT COUNT(*) FROM t WHERE v <= ?", v).Scan(&n).Error; err != nil || n != v {
			t.Fatalf("count after %d inserts: %d, %v", v, n, err)
		}
	}
	pool.stmts.mu.RLock()
	cached := len(pool.stmts.m)
	pool.stmts.mu.RUnlock()
	if cached-before != 1 {
		t.Fatalf("%d statements cached for one text", cached-before)
	}
	for i := range stmtCacheMax + 50 {
		ph := strings.TrimSuffix(strings.Repeat("?,", i+1), ",")
		args := make([]any, i+1)
		for j := range args {
			args[j] = j + 1
		}
		var n int
		if err := db.Raw(fmt.Sprintf("SELECT COUNT(*) FROM t WHERE v IN (%s)", ph), args...).Scan(&n).Error; err != nil || n != min(i+1, 3) {
			t.Fatalf("IN list of %d: %d, %v", i+1, n, err)
		}
	}
	if len(pool.stmts.m) != stmtCacheMax {
		t.Fatalf("cache holds %d, bound %d", len(pool.stmts.m), stmtCacheMax)
	}
	// A syntax error is an error, not a cached nil.
	if err := db.Raw("SELECT nope FROM t").Scan(new(int)).Error; err == nil {
		t.Fatal("a bad statement answered no error")
	}
}
