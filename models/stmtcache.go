package models

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps the SQLite read pool's prepared statements by their SQL
// text. database/sql prepares every statement it is given afresh, and at
// city scale preparing was the largest single cost of an e-file read
// (pprof: 17 % of the server's CPU, more than running the statements);
// efile's reads are a few dozen distinct texts, each prepared once per
// read connection and kept. The cache is bounded: texts past the bound
// (lists of ids of every length make new texts) run unprepared, as before.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const stmtCacheMax = 512

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// lookup answers the statement of query if it is prepared, else nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// get answers the statement of query, prepared, or nil when the cache is
// full.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	s, full := c.m[query], len(c.m) >= stmtCacheMax
	c.mu.RUnlock()
	if s != nil || full {
		return s, nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[query]; old != nil {
		s.Close() // prepared by two requests at once: keep the first
		return old, nil
	}
	if len(c.m) >= stmtCacheMax {
		s.Close()
		return nil, nil
	}
	c.m[query] = s
	return s, nil
}

// close closes the statements and empties the cache, which then fills
// again as it is used.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.m {
		errs = append(errs, s.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}
