package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// SQLite allows one writer at a time. Letting several connections compete
// for the write lock makes them poll through busy_timeout, which sleeps: under
// 32 concurrent requests (each of which writes at least its access-log entry)
// appends reached 0.07 of what the storage can do (issue 11). So a SQLite
// database opened by Open has two pools behind one gorm handle:
//
//   - a read pool (several connections, query_only) for every SELECT outside
//     a transaction;
//   - one write connection, used by a single writer goroutine fed by a queue.
//
// The writer runs every write transaction (WithTx) and every standalone
// write (WithWrite) of the process. It takes a job, begins a transaction,
// then takes whatever else is queued by then (group commit), runs each
// transaction inside its own SAVEPOINT (a standalone write is one statement,
// which SQLite undoes alone if it fails), and commits once. A job whose fn fails (or
// panics) is rolled back to its savepoint alone and told its error at once;
// the others are told the outcome of the one commit that carries them, and
// only then return: a change and its access-log entry commit together, and a
// read's entry is durable before the read answers (SPEC 11).
//
// Jobs in one group run one after another on the one connection, so they are
// as serialised as SQLite's own write lock made them, and a job reads what
// earlier jobs of its group wrote (they commit, or fail, with it).
//
// Inside a job, every statement must go through models.Get(ctx, db): a write
// through the bare handle would wait for the write connection its own group
// holds. The pool refuses such a write at once (errWriteInJob) rather than
// hang.

const (
	// maxGroup bounds the jobs of one commit: a group is as long as its
	// slowest member makes every other wait.
	maxGroup = 256
	// maxGroupTime stops taking new jobs into a group after this long, so
	// that a burst behind a slow job (an import) does not wait for the whole
	// burst to run too.
	maxGroupTime = 20 * time.Millisecond
)

// errWriteInJob is a write issued inside a write job but outside its
// transaction: it would wait forever for the connection the job holds.
var errWriteInJob = errors.New("write outside the transaction inside a write transaction: use models.Get(ctx, db)")

// errWriterClosed answers jobs submitted after Close.
var errWriterClosed = errors.New("database closed")

type jobKey struct{}

// sqlitePool is the gorm ConnPool of a SQLite database: SELECTs outside a
// transaction go to the read pool, everything else to the write connection.
type sqlitePool struct {
	read, write *sql.DB
	w           *writer
	stmts       *stmtCache // the read pool's prepared statements (stmtcache.go)
}

// isRead tells whether a statement only reads. Only plain SELECTs go to the
// read pool (whose connections are query_only, so a misrouted write fails
// loudly instead of taking the write lock behind the writer's back).
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

func (p *sqlitePool) pick(ctx context.Context, query string) (*sql.DB, error) {
	if isRead(query) {
		return p.read, nil
	}
	if ctx != nil && ctx.Value(jobKey{}) != nil {
		return nil, errWriteInJob
	}
	return p.write, nil
}

func (p *sqlitePool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	db, err := p.pick(ctx, query)
	if err != nil {
		return nil, err
	}
	return db.PrepareContext(ctx, query)
}

func (p *sqlitePool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db, err := p.pick(ctx, query)
	if err != nil {
		return nil, err
	}
	return db.ExecContext(ctx, query, args...)
}

func (p *sqlitePool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	db, err := p.pick(ctx, query)
	if err != nil {
		return nil, err
	}
	if db == p.read && p.stmts != nil {
		st, err := p.stmts.get(ctx, query)
		if err != nil {
			return nil, err
		}
		if st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return db.QueryContext(ctx, query, args...)
}

func (p *sqlitePool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	db, err := p.pick(ctx, query)
	if err != nil {
		// A *sql.Row cannot be made with an error from outside database/sql;
		// a cancelled context makes the write pool answer one at once.
		cx, cancel := context.WithCancelCause(ctx)
		cancel(err)
		return p.write.QueryRowContext(cx, query, args...)
	}
	if db == p.read && p.stmts != nil {
		if st, err := p.stmts.get(ctx, query); err == nil && st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return db.QueryRowContext(ctx, query, args...)
}

// BeginTx begins a transaction on the write connection (an offline command's
// own db.Transaction); the server's transactions go through the writer.
func (p *sqlitePool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if ctx != nil && ctx.Value(jobKey{}) != nil {
		return nil, errWriteInJob
	}
	return p.write.BeginTx(ctx, opts)
}

// GetDBConn is the *sql.DB gorm's DB() answers: the write connection (ping,
// stats). Close the database with models.Close, which closes both pools.
func (p *sqlitePool) GetDBConn() (*sql.DB, error) { return p.write, nil }

func (p *sqlitePool) close() error {
	p.w.close()
	var errStmts error
	if p.stmts != nil {
		errStmts = p.stmts.close()
	}
	return errors.Join(errStmts, p.w.stmts.close(), p.read.Close(), p.write.Close())
}

// job is one write transaction (or standalone write) waiting for the writer.
type job struct {
	ctx   context.Context
	fn    func(ctx context.Context) error
	plain bool  // one statement (WithWrite): SQLite undoes a failed statement itself, no savepoint needed
	err   error // fn's own error: the job was rolled back alone
	pv    any   // a panic of fn, re-raised in the submitting goroutine
	done  chan error
	group int64
}

// writer is the single goroutine that runs write jobs in group commits.
type writer struct {
	gdb   *gorm.DB // set once Open has the gorm handle
	jobs  chan *job
	stmts *writeStmts // the write connection's prepared statements (writestmts.go); nil: none

	mu     sync.RWMutex
	closed bool
	quit   chan struct{}
	exited chan struct{}

	groups atomic.Int64 // commits made
	jobsN  atomic.Int64 // jobs run
}

func newWriter() *writer {
	return &writer{jobs: make(chan *job, 4*maxGroup), quit: make(chan struct{}), exited: make(chan struct{})}
}

// WriterStats reports the commits the SQLite writer made and the jobs they
// carried (0, 0 for MySQL): their ratio is the mean group size.
func WriterStats(db *gorm.DB) (groups, jobs int64) {
	if w := writerOf(db); w != nil {
		return w.groups.Load(), w.jobsN.Load()
	}
	return 0, 0
}

func writerOf(db *gorm.DB) *writer {
	if db == nil {
		return nil
	}
	pool := db.ConnPool
	if db.Statement != nil && db.Statement.ConnPool != nil {
		pool = db.Statement.ConnPool
	}
	if p, ok := pool.(*sqlitePool); ok {
		return p.w
	}
	return nil
}

// submit queues fn and waits for the commit that carries it (or its own
// failure). It waits even when ctx ends meanwhile: a job that has started
// may commit, and its caller must know.
func (w *writer) submit(ctx context.Context, plain bool, fn func(ctx context.Context) error) error {
	j := &job{ctx: ctx, fn: fn, plain: plain, done: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errWriterClosed
	}
	select {
	case w.jobs <- j:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	err := <-j.done
	if j.pv != nil {
		panic(j.pv)
	}
	return err
}

func (w *writer) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	close(w.quit)
	w.mu.Unlock()
	<-w.exited
}

func (w *writer) run() {
	defer close(w.exited)
	for {
		select {
		case j := <-w.jobs:
			w.group(j)
		case <-w.quit:
			// Nothing is sent after closed is set; finish what was queued.
			for {
				select {
				case j := <-w.jobs:
					w.group(j)
				default:
					return
				}
			}
		}
	}
}

// group runs first and whatever is queued behind it in one transaction.
func (w *writer) group(first *job) {
	batch := []*job{first}
	tx := w.gdb.Session(&gorm.Session{NewDB: true, Context: context.Background()}).Begin()
	if tx.Error != nil {
		first.done <- tx.Error
		return
	}
	stx, _ := tx.Statement.ConnPool.(*sql.Tx)
	tx.Statement.ConnPool = &writeTx{Tx: stx, stmts: w.stmts}
	gid := w.groups.Add(1)
	start := time.Now()
	broken := w.runJob(tx, stx, first, 0)
	for broken == nil && len(batch) < maxGroup && time.Since(start) < maxGroupTime {
		var j *job
		select {
		case j = <-w.jobs:
		default:
		}
		if j == nil {
			break
		}
		batch = append(batch, j)
		broken = w.runJob(tx, stx, j, len(batch)-1)
	}
	var err error
	if broken != nil {
		// A savepoint could not be taken or rolled back to: the transaction
		// is in an unknown state, so nothing of the group commits and every
		// job is told (WithTx retries what is retryable).
		err = errors.Join(fmt.Errorf("write group aborted: %w", broken), stx.Rollback())
	} else {
		err = stx.Commit()
	}
	w.jobsN.Add(int64(len(batch)))
	for _, j := range batch {
		j.group = gid
		switch {
		case j.err != nil || j.pv != nil:
			j.done <- j.err
		default:
			j.done <- err
		}
	}
	w.stmts.prepareWanted(context.Background())
}

// runJob runs j inside savepoint i of tx. It answers an error only when the
// transaction itself can no longer be trusted.
func (w *writer) runJob(tx *gorm.DB, stx *sql.Tx, j *job, i int) error {
	if err := j.ctx.Err(); err != nil {
		j.err = err // given up before it started: nothing of it runs
		return nil
	}
	sp := fmt.Sprintf("j%d", i)
	bg := context.Background()
	// A savepoint makes SQLite keep the original of every page the job
	// changes (its statement journal): a tenth of the server's CPU under
	// appends. A one-statement job does without: a statement that fails is
	// undone by SQLite alone, and one that fails harder (disk full) fails
	// the commit, which every job of the group is told.
	if !j.plain {
		if _, err := stx.ExecContext(bg, "SAVEPOINT "+sp); err != nil {
			j.err = err
			return err
		}
	}
	// The job's statements do not follow its context's cancellation: SQLite
	// answers an interrupted write inside a transaction by rolling back the
	// whole transaction, which would take the other jobs of the group with it.
	ctx := context.WithValue(context.WithoutCancel(j.ctx), txKey{}, tx)
	ctx = context.WithValue(ctx, jobKey{}, j)
	func() {
		defer func() {
			if pv := recover(); pv != nil {
				j.pv = pv
			}
		}()
		j.err = j.fn(ctx)
	}()
	if j.plain {
		return nil
	}
	if j.err != nil || j.pv != nil {
		if j.err == nil {
			j.err = fmt.Errorf("panic in write transaction: %v", j.pv)
		}
		if _, err := stx.ExecContext(bg, "ROLLBACK TO "+sp); err != nil {
			return err
		}
	}
	if _, err := stx.ExecContext(bg, "RELEASE "+sp); err != nil {
		return err
	}
	return nil
}
