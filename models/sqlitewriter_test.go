package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"gorm.io/gorm"
)

// openWriterDB opens a SQLite database with a table t(v) for the writer's
// tests; they are about SQLite's writer only, so they ignore EFILE_TEST_MYSQL_DSN.
func openWriterDB(t *testing.T) (*gorm.DB, *writer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(context.Background(), "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(db) })
	if err := db.Exec("CREATE TABLE t (v INTEGER PRIMARY KEY)").Error; err != nil {
		t.Fatal(err)
	}
	w := writerOf(db)
	if w == nil {
		t.Fatal("a SQLite database has no writer")
	}
	return db, w, path
}

func insert(db *gorm.DB, v int) func(ctx context.Context) error {
	return func(ctx context.Context) error { return Get(ctx, db).Exec("INSERT INTO t (v) VALUES (?)", v).Error }
}

func values(t *testing.T, db *gorm.DB) []int {
	t.Helper()
	var vs []int
	if err := db.Raw("SELECT v FROM t ORDER BY v").Scan(&vs).Error; err != nil {
		t.Fatal(err)
	}
	return vs
}

// waitQueued waits (yielding, without sleeping) until n jobs are queued.
func waitQueued(w *writer, n int) {
	for len(w.jobs) < n {
		runtime.Gosched()
	}
}

// Four writes queued behind one another commit in one group; the transaction
// that fails is rolled back alone and the standalone write that fails (a
// duplicate key) is undone alone, each told its own error; the others commit.
func TestWriterGroupFailingJobRollsBackAlone(t *testing.T) {
	db, w, _ := openWriterDB(t)
	ctx := context.Background()
	release, started := make(chan struct{}), make(chan struct{})
	errBad := errors.New("bad input")
	g0, _ := WriterStats(db)

	errs := make([]error, 4)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs[0] = WithTx(ctx, db, func(ctx context.Context) error {
			close(started)
			<-release // hold the writer while the others queue
			return insert(db, 1)(ctx)
		})
	}()
	<-started
	wg.Add(2)
	go func() {
		defer wg.Done()
		errs[1] = WithTx(ctx, db, func(ctx context.Context) error {
			if err := insert(db, 2)(ctx); err != nil {
				return err
			}
			return errBad
		})
	}()
	waitQueued(w, 1)
	go func() { defer wg.Done(); errs[2] = WithWrite(ctx, db, insert(db, 3)) }()
	waitQueued(w, 2)
	wg.Add(1)
	go func() { defer wg.Done(); errs[3] = WithWrite(ctx, db, insert(db, 3)) }()
	waitQueued(w, 3)
	close(release)
	wg.Wait()

	if errs[0] != nil || !errors.Is(errs[1], errBad) || errs[2] != nil || !IsDuplicate(errs[3]) {
		t.Fatalf("errors %v", errs)
	}
	if got := fmt.Sprint(values(t, db)); got != "[1 3]" {
		t.Fatalf("rows %s, want [1 3]: the failing job's insert must roll back alone", got)
	}
	if g1, _ := WriterStats(db); g1-g0 != 1 {
		t.Fatalf("%d commits for four queued jobs, want 1", g1-g0)
	}
}

// A panic inside a transaction rolls back that job alone and is raised again
// in the goroutine that submitted it (where the recovery middleware is).
func TestWriterPanicRolledBackAloneAndReraised(t *testing.T) {
	db, w, _ := openWriterDB(t)
	ctx := context.Background()
	release, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var okErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		okErr = WithTx(ctx, db, func(ctx context.Context) error {
			close(started)
			<-release
			return insert(db, 1)(ctx)
		})
	}()
	<-started
	var pv any
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { pv = recover() }()
		_ = WithTx(ctx, db, func(ctx context.Context) error {
			_ = insert(db, 2)(ctx)
			panic("boom")
		})
	}()
	waitQueued(w, 1)
	close(release)
	wg.Wait()
	if pv != "boom" || okErr != nil {
		t.Fatalf("panic %v, other job %v", pv, okErr)
	}
	if got := fmt.Sprint(values(t, db)); got != "[1]" {
		t.Fatalf("rows %s, want [1]", got)
	}
}

// A write through the bare handle inside a transaction would wait forever
// for the connection its own transaction holds: it fails at once instead.
func TestWriterWriteOutsideJobTxRefused(t *testing.T) {
	db, _, _ := openWriterDB(t)
	err := WithTx(context.Background(), db, func(ctx context.Context) error {
		return db.WithContext(ctx).Exec("INSERT INTO t (v) VALUES (1)").Error
	})
	if !errors.Is(err, errWriteInJob) {
		t.Fatalf("err %v, want errWriteInJob", err)
	}
	if got := len(values(t, db)); got != 0 {
		t.Fatalf("%d rows", got)
	}
}

// When WithWrite returns, the write is committed: another connection (another
// process) sees it. A read's access-log entry is durable before it answers.
func TestWriterWriteCommittedOnReturn(t *testing.T) {
	db, _, path := openWriterDB(t)
	other, err := sql.Open(sqliteDriver, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for v := 1; v <= 3; v++ {
		if err := WithWrite(context.Background(), db, insert(db, v)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := other.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != v {
			t.Fatalf("after write %d another connection sees %d rows (%v)", v, n, err)
		}
	}
}

// Many concurrent writers all commit, each exactly once; reads run beside
// them on the read pool, whose connections refuse to write.
func TestWriterConcurrentAllCommit(t *testing.T) {
	db, _, _ := openWriterDB(t)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			errs <- WithTx(context.Background(), db, insert(db, v))
			var c int64
			if err := db.Raw("SELECT count(*) FROM t").Scan(&c).Error; err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(values(t, db)); got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}
	p := db.ConnPool.(*sqlitePool)
	if _, err := p.read.Exec("INSERT INTO t (v) VALUES (0)"); err == nil {
		t.Fatal("a read connection wrote")
	}
}

// After Close, a write is refused rather than lost or hung.
func TestWriterClosedRefuses(t *testing.T) {
	db, _, _ := openWriterDB(t)
	if err := Close(db); err != nil {
		t.Fatal(err)
	}
	if err := WithTx(context.Background(), db, insert(db, 1)); !errors.Is(err, errWriterClosed) {
		t.Fatalf("err %v", err)
	}
}
