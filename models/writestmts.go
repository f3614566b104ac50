package models

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// The writer's statements, prepared once on the one write connection.
// Inside a write group the connection is the group's transaction's, so a
// statement cannot be prepared for keeps there (a statement prepared in a
// transaction is closed with it, and preparing on the pool would wait for
// the connection the group holds). So a statement the writer runs for the
// first time runs unprepared and is noted; between two groups, while the
// connection is free, the noted statements are prepared on it; later
// groups run them through Tx.StmtContext, which reuses the statement
// prepared on the same connection. Parsing the statements of append jobs
// was a fifth of the server's CPU under appends, all of it in the writer,
// whose one goroutine is what bounds them (docs/performance.md).
//
// Only SELECTs, INSERTs, UPDATEs and DELETEs of at most writeStmtMaxLen
// bytes are kept: savepoints are named per job, and multi-row INSERTs (the
// access log's batches) are long, of every length, and already amortised
// over their rows.
const writeStmtMaxLen = 2048

type writeStmts struct {
	cache  *stmtCache // on the write *sql.DB (one connection)
	mu     sync.Mutex
	wanted map[string]struct{}
}

func newWriteStmts(write *sql.DB) *writeStmts {
	return &writeStmts{cache: newStmtCache(write), wanted: map[string]struct{}{}}
}

func keepable(query string) bool {
	if len(query) > writeStmtMaxLen {
		return false
	}
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

// stmt answers the prepared statement of query, or nil (then noted, to be
// prepared between groups, if it may be kept).
func (s *writeStmts) stmt(query string) *sql.Stmt {
	if s == nil || !keepable(query) {
		return nil
	}
	if st := s.cache.lookup(query); st != nil {
		return st
	}
	s.mu.Lock()
	if len(s.wanted) < stmtCacheMax {
		s.wanted[query] = struct{}{}
	}
	s.mu.Unlock()
	return nil
}

// prepareWanted prepares the noted statements, with the write connection
// free (between groups). A statement that fails to prepare (its table is
// not there yet, during a migration) is simply not kept: it runs, and
// fails or not, unprepared.
func (s *writeStmts) prepareWanted(ctx context.Context) {
	if s == nil {
		return
	}
	s.mu.Lock()
	wanted := s.wanted
	s.wanted = map[string]struct{}{}
	s.mu.Unlock()
	for q := range wanted {
		_, _ = s.cache.get(ctx, q) // an error: not kept, see above
	}
}

func (s *writeStmts) close() error {
	if s == nil {
		return nil
	}
	return s.cache.close()
}

// writeTx is the ConnPool of a write group's gorm transaction: its
// statements run through the prepared ones where there are.
type writeTx struct {
	*sql.Tx
	stmts *writeStmts
}

func (t *writeTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmts.stmt(query); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *writeTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.stmt(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *writeTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.stmt(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
