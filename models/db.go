// Package models holds the gorm structs, the schema migration and the
// queries on them, and what only the database drivers know (which of their
// errors mean a duplicate key, a retryable conflict, an unreachable
// database). It knows nothing of HTTP or of the API's JSON; the one JSON it
// writes is a column's own layout (VettingReason).
package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Open connects to the database named by driver ("sqlite" or "mysql") and
// dsn. SQLite gets WAL, a busy timeout and foreign keys; MySQL gets utf8mb4,
// parseTime, UTC and pool limits with connections recycled within 5 minutes.
func Open(ctx context.Context, driver, dsn string) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:                                   logger.Default.LogMode(logger.Silent),
		NowFunc:                                  func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:                           true,
		DisableForeignKeyConstraintWhenMigrating: false,
	}
	switch driver {
	case "sqlite":
		if err := createPrivate(dsn); err != nil {
			return nil, err
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		// The driver is ncruces/go-sqlite3 (pure Go, SQLite translated from
		// wasm), under glebarez's gorm dialect: measured faster on every
		// shape of efile's load (docs/performance.md). Times keep the text
		// form the earlier driver wrote, so existing databases read and
		// compare the same.
		uri := dsn
		if !strings.HasPrefix(uri, "file:") {
			uri = "file:" + uri
		}
		base := uri + sep + "_pragma=journal_mode(WAL)&_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
			"&_timefmt=" + url.QueryEscape(sqliteTimeFormat)
		// One write connection, fed by the writer (sqlitewriter.go); reads
		// get their own pool of query_only connections.
		write, err := sql.Open(sqliteDriver, base+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		write.SetMaxOpenConns(1)
		write.SetMaxIdleConns(1)
		write.SetConnMaxIdleTime(0)
		write.SetConnMaxLifetime(0)
		read, err := sql.Open(sqliteDriver, base+"&_pragma=query_only(1)")
		if err != nil {
			write.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		n := max(4, 2*runtime.NumCPU())
		read.SetMaxOpenConns(n)
		read.SetMaxIdleConns(n)
		// WAL mode is set by the first connection: make it the writer's.
		if err := write.PingContext(ctx); err != nil {
			write.Close()
			read.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		if err := privateWAL(dsn); err != nil {
			write.Close()
			read.Close()
			return nil, err
		}
		pool := &sqlitePool{read: read, write: write, w: newWriter(), stmts: newStmtCache(read)}
		pool.w.stmts = newWriteStmts(write)
		db, err := gorm.Open(sqlite.Dialector{DriverName: sqliteDriver, DSN: dsn, Conn: pool}, cfg)
		if err != nil {
			write.Close()
			read.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		pool.w.gdb = db
		go pool.w.run()
		return db, read.PingContext(ctx)
	case "mysql":
		mc, err := mysqldriver.ParseDSN(dsn)
		if err != nil {
			return nil, fmt.Errorf("EFILE_DB_DSN is not a valid MySQL DSN: %w", err)
		}
		mc.ParseTime = true
		mc.Loc = time.UTC
		if mc.Params == nil {
			mc.Params = map[string]string{}
		}
		mc.Params["charset"] = "utf8mb4"
		mc.Collation = "utf8mb4_unicode_ci"
		mc.Params["time_zone"] = "'+00:00'"
		// Arguments are interpolated by the driver (safe with utf8mb4), so a
		// query is one round trip, not three (prepare, execute, close): the
		// server-side prepares were a quarter of efile's CPU under e-file
		// reads on MariaDB (docs/performance.md).
		mc.InterpolateParams = true
		// A lock held by a stuck transaction fails a waiting statement
		// within seconds (then retried as a lock-wait timeout), rather
		// than after InnoDB's default 50 s.
		mc.Params["innodb_lock_wait_timeout"] = "10"
		// A database that stops answering fails the request within
		// seconds instead of hanging it: the connection times out at
		// dial, and any read or write that stalls.
		if mc.Timeout == 0 {
			mc.Timeout = 5 * time.Second
		}
		if mc.ReadTimeout == 0 {
			mc.ReadTimeout = 30 * time.Second
		}
		if mc.WriteTimeout == 0 {
			mc.WriteTimeout = 30 * time.Second
		}
		db, err := gorm.Open(mysql.New(mysql.Config{DSNConfig: mc}), cfg)
		if err != nil {
			return nil, fmt.Errorf("open mysql: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(16)
		sqlDB.SetConnMaxLifetime(4 * time.Minute)
		sqlDB.SetConnMaxIdleTime(time.Minute)
		return db, sqlDB.PingContext(ctx)
	default:
		return nil, fmt.Errorf("EFILE_DB_DRIVER must be sqlite or mysql, not %q", driver)
	}
}

// createPrivate creates a missing SQLite database file readable by its
// owner only (0600), as the key file beside it is: it holds personal data.
func createPrivate(dsn string) error {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" || path == ":memory:" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create sqlite file %s: %w", path, err)
	}
	return f.Close()
}

// privateWAL makes the -wal and -shm files readable by the owner only: this
// driver's VFS creates them with the process's umask rather than the
// database file's mode. A missing one is created empty (SQLite takes an
// empty -wal or -shm as fresh) so that SQLite opens it as it is; they then
// live as long as the writer's connection, kept open while the database is.
func privateWAL(dsn string) error {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" || path == ":memory:" {
		return nil
	}
	for _, p := range []string{path + "-wal", path + "-shm"} {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("make %s private: %w", p, err)
		}
		f.Close()
		if err := os.Chmod(p, 0o600); err != nil {
			return fmt.Errorf("make %s private: %w", p, err)
		}
	}
	return nil
}

// sqliteDriver is ncruces/go-sqlite3's database/sql driver.
const sqliteDriver = "sqlite3"

// sqliteTimeFormat is how times are written to SQLite: the layout of the
// driver efile used first (glebarez/go-sqlite), so that databases it wrote
// keep working, and text comparisons order times as they did.
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

type txKey struct{}

// Get returns the transaction carried by ctx, if any, else db; always bound
// to ctx. Model functions call it so that they join a service's transaction.
func Get(ctx context.Context, db *gorm.DB) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return db.WithContext(ctx)
}

// InTx tells whether ctx already carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*gorm.DB)
	return ok
}

// WithTx runs fn in a transaction carried by the context it is given. When
// ctx already carries one, fn joins it. Otherwise the whole transaction is
// retried a few times, with jitter, on a MySQL deadlock (1213, which is
// also Galera's certification conflict, at COMMIT or before) or lock wait
// timeout (1205), and on SQLite's "database is locked".
func WithTx(ctx context.Context, db *gorm.DB, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	const attempts = 5
	w := writerOf(db)
	var err error
	for i := 0; i < attempts; i++ {
		if w != nil {
			err = w.submit(ctx, false, fn)
		} else {
			err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				return fn(context.WithValue(ctx, txKey{}, tx))
			})
		}
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		backoff := time.Duration(5*(1<<i)) * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
	return err
}

// WithTxOnce is WithTx without retries, for a caller whose work cannot be
// repeated (a handler that has consumed its request).
func WithTxOnce(ctx context.Context, db *gorm.DB, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	if w := writerOf(db); w != nil {
		return w.submit(ctx, false, fn)
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// Contention tells whether err is another transaction's doing, gone if
// the transaction is run again: a deadlock, a lock-wait timeout, SQLite's
// busy, or on Galera a certification conflict. Galera reports the last as
// 1213 ("WSREP detected deadlock/conflict and aborted the transaction"),
// at COMMIT for a conflict with a write already ordered on another node, or
// at any statement when a replicated write aborts ours, so WithTx retries it
// like a deadlock. Callers use it to log contention that outlasted the
// retries below the level of a real failure.
func Contention(err error) bool { return err != nil && retryable(err) }

// WithWrite runs fn, a standalone write of one statement (an access-log
// entry of its own), so that it is committed when WithWrite returns. On SQLite it joins the
// writer's next group commit, inside a transaction carried by ctx; on MySQL
// fn runs on its own (autocommit), saving a transaction's round trips.
// Within a transaction it joins it. fn writes through Get(ctx, db), one
// statement: a failing fn is not rolled back as a transaction would be.
func WithWrite(ctx context.Context, db *gorm.DB, fn func(ctx context.Context) error) error {
	if w := writerOf(db); w != nil && !InTx(ctx) {
		return w.submit(ctx, true, fn)
	}
	return fn(ctx)
}

// Close closes the database: on SQLite, the writer (after the writes already
// queued) and both pools.
func Close(db *gorm.DB) error {
	if p, ok := db.ConnPool.(*sqlitePool); ok {
		return p.close()
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func retryable(err error) bool {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	s := err.Error()
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY")
}

// IsDuplicate tells whether err is a unique-key violation.
func IsDuplicate(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) && me.Number == 1062 {
		return true
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsUnavailable tells whether err means the database cannot be reached or
// did not answer in time (a query deadline, a dropped or refused
// connection, a Galera node cut off from the cluster): the client may
// retry, so the API answers 503, not 500.
func IsUnavailable(err error) bool {
	var ne net.Error
	var me *mysqldriver.MySQLError
	// 1047: a Galera node cut off from the primary component refuses
	// queries ("WSREP has not yet prepared node for application use").
	if errors.As(err, &me) && me.Number == 1047 {
		return true
	}
	// A network failure on the way to the database, or anything that
	// says it timed out (SQLite's errors implement net.Error too, but only a
	// busy timeout says Timeout).
	var oe *net.OpError
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, mysqldriver.ErrInvalidConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.As(err, &oe) || (errors.As(err, &ne) && ne.Timeout())
}

// IsNotFound tells whether err is gorm's record-not-found.
func IsNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }
