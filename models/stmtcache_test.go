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

// TestWriteStmts: a statement the writer runs is prepared between groups
// and run prepared in the next (the same rows written either way); a
// savepoint, a long statement and one that fails to prepare are not kept,
// and the one that fails still fails, with its own error, in its job only.
func TestWriteStmts(t *testing.T) {
	db, w, _ := openWriterDB(t)
	ctx := context.Background()
	const ins = "INSERT INTO t (v) VALUES (?)"
	if w.stmts.cache.lookup(ins) != nil {
		t.Fatal("prepared before it ran")
	}
	tx := func(v int) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			if err := Get(ctx, db).Exec(ins, v).Error; err != nil {
				return err
			}
			var n int
			return Get(ctx, db).Raw("SELECT COUNT(*) FROM t WHERE v <= ?", v).Scan(&n).Error
		}
	}
	if err := WithTx(ctx, db, tx(1)); err != nil {
		t.Fatal(err)
	}
	// The writer prepares them once the group is done, before it takes the
	// next job: once a later job has run, they are there.
	if err := WithWrite(ctx, db, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if w.stmts.cache.lookup(ins) == nil || w.stmts.cache.lookup("SELECT COUNT(*) FROM t WHERE v <= ?") == nil {
		t.Fatal("the group's statements were not prepared after it")
	}
	for v := 2; v <= 4; v++ {
		if err := WithTx(ctx, db, tx(v)); err != nil {
			t.Fatal(err)
		}
	}
	if got := values(t, db); fmt.Sprint(got) != "[1 2 3 4]" {
		t.Fatalf("rows %v", got)
	}
	long := "INSERT INTO t (v) VALUES (?)" + strings.Repeat(" ", writeStmtMaxLen)
	if err := WithTx(ctx, db, func(ctx context.Context) error { return Get(ctx, db).Exec(long, 5).Error }); err != nil {
		t.Fatal(err)
	}
	bad := "INSERT INTO missing (v) VALUES (?)"
	for range 2 {
		err := WithTx(ctx, db, func(ctx context.Context) error { return Get(ctx, db).Exec(bad, 6).Error })
		if err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("a statement on a missing table: %v", err)
		}
	}
	w.stmts.cache.mu.RLock()
	defer w.stmts.cache.mu.RUnlock()
	for q := range w.stmts.cache.m {
		if !keepable(q) || q == long || q == bad {
			t.Errorf("kept %.40q", q)
		}
	}
	if got := values(t, db); fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Fatalf("rows %v", got)
	}
}
