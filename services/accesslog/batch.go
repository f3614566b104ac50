package accesslog

import (
	"context"
	"strings"
	"sync"

	"efile/models"

	"gorm.io/gorm"
)

// The entries of reads (and of refusals and failures: every entry Log
// writes) are inserted in batches: whoever arrives while a batch is being
// written queues its entry, and the next free flusher inserts everything
// queued in one multi-row INSERT, committed on its own (MySQL) or as one
// job of the writer's group commit (SQLite). Each caller returns only once
// the statement that carries its entry has committed, so an entry is still
// durable before the first byte of its response (SPEC 11), and nothing a
// client saw is lost to kill -9. Entries are chained later by the sealer,
// in id order, as before. On MariaDB each read committed its own entry, a
// redo-log flush each (issue 21); on SQLite each was a job of its own,
// inserted through gorm's reflection.

const (
	// maxBatch bounds one INSERT (11 parameters a row: SQLite allows 32,766).
	maxBatch = 256
	// flushers is how many batches may be in flight at once: while one
	// commits, the next fills.
	flushers = 4
)

type queued struct {
	e     *models.AccessEntry
	done  chan error
	taken bool // by a flusher (under batcher.mu)
}

type batcher struct {
	db  *gorm.DB
	mu  sync.Mutex
	q   []*queued
	tok chan struct{}
}

func newBatcher(db *gorm.DB) *batcher {
	return &batcher{db: db, tok: make(chan struct{}, flushers)}
}

// add queues e and returns once the INSERT carrying it committed (or
// failed). While its entry is queued, a caller that finds a flusher's
// place free becomes a flusher: it writes what is queued (its own entry
// among it, unless another flusher took it meanwhile); once its entry is
// taken it only waits.
func (b *batcher) add(e *models.AccessEntry) error {
	it := &queued{e: e, done: make(chan error, 1)}
	b.mu.Lock()
	b.q = append(b.q, it)
	b.mu.Unlock()
	for {
		b.mu.Lock()
		taken := it.taken
		b.mu.Unlock()
		if taken {
			// In flight with another flusher: wait for it, without
			// competing for a flusher's place (which would spin).
			return <-it.done
		}
		select {
		case err := <-it.done:
			return err
		case b.tok <- struct{}{}:
			func() {
				defer func() { <-b.tok }()
				b.flushOnce()
			}()
		}
	}
}

// flushOnce writes one batch of what is queued.
func (b *batcher) flushOnce() {
	b.mu.Lock()
	n := min(len(b.q), maxBatch)
	batch := b.q[:n:n]
	b.q = b.q[n:]
	for _, it := range batch {
		it.taken = true
	}
	b.mu.Unlock()
	if n == 0 {
		return
	}
	err := b.insert(batch)
	if err != nil && n > 1 {
		// One entry the database refuses must not take the others with
		// it: each is tried alone.
		for _, it := range batch {
			it.done <- b.insert([]*queued{it})
		}
		return
	}
	for _, it := range batch {
		it.done <- err
	}
}

const entryColumns = "INSERT INTO access_entries (at, actor_id, actor, ip, method, path, cadre_id, status, nonce, mac) VALUES "

// insert writes the entries in one statement, committed before it returns.
func (b *batcher) insert(batch []*queued) error {
	q, args := insertEntries(batch)
	return models.WithWrite(context.Background(), b.db, func(ctx context.Context) error {
		return models.Get(ctx, b.db).Exec(q, args...).Error
	})
}

// insertEntries is the multi-row INSERT of the entries.
func insertEntries(batch []*queued) (string, []any) {
	var sb strings.Builder
	sb.Grow(len(entryColumns) + len(batch)*24)
	sb.WriteString(entryColumns)
	args := make([]any, 0, len(batch)*10)
	for i, it := range batch {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?)")
		e := it.e
		args = append(args, e.At, e.ActorID, e.Actor, e.IP, e.Method, e.Path, e.CadreID, e.Status, e.Nonce, e.MAC)
	}
	return sb.String(), args
}
