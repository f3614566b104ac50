package accesslog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"efile/models"
	"efile/services/datakey"

	"gorm.io/gorm"
)

// Req describes the request being served, carried in its context so that
// the transaction of a change can write the request's entry inside itself.
type Req struct {
	Method string
	Path   string // WirePath of the request
	IP     string // CanonicalIP of the client, "" offline

	mu      sync.Mutex
	actorID int64
	actor   string
	cadreID *int64
	success int
	logged  atomic.Bool
}

type reqKey struct{}

// WithReq returns ctx carrying r.
func WithReq(ctx context.Context, r *Req) context.Context {
	return context.WithValue(ctx, reqKey{}, r)
}

// ReqFrom returns the request carried by ctx, or nil.
func ReqFrom(ctx context.Context) *Req {
	r, _ := ctx.Value(reqKey{}).(*Req)
	return r
}

// SetCadre names the one cadre the request reads or changes. The route or
// service that reads one cadre calls it explicitly; checks never do.
func (r *Req) SetCadre(id int64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.cadreID = &id
	r.mu.Unlock()
}

// SetActor names who made the request once it is known (after login).
func (r *Req) SetActor(id int64, name string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.actorID, r.actor = id, name
	r.mu.Unlock()
}

// Actor is who made the request, as far as known.
func (r *Req) Actor() (int64, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.actorID, r.actor
}

// SetSuccess sets the status the request answers if its change commits
// (201 for a create); the route sets it, services never name statuses.
func (r *Req) SetSuccess(status int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.success = status
	r.mu.Unlock()
}

// CadreID is the cadre the request names, if any.
func (r *Req) CadreID() *int64 {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cadreID
}

// Logged tells whether the request's entry has been committed.
func (r *Req) Logged() bool { return r != nil && r.logged.Load() }

// SetCadre names the cadre of the request carried by ctx.
func SetCadre(ctx context.Context, id int64) { ReqFrom(ctx).SetCadre(id) }

// Service writes, seals, lists and verifies entries.
type Service struct {
	db    *gorm.DB
	now   func() time.Time
	batch *batcher
	sealM sync.Mutex
	keys  *datakey.Keys // nil: no MACs (see WithKeys)
}

// New builds the service. now may be nil (time.Now).
func New(db *gorm.DB, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: db, now: now, batch: newBatcher(db)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// MACs tells whether the service writes and checks entry MACs.
func (s *Service) MACs() bool { return s.keys != nil }

func (s *Service) entry(r *Req, status int) *models.AccessEntry {
	r.mu.Lock()
	e := &models.AccessEntry{
		At:      s.now().UTC().Truncate(time.Microsecond),
		ActorID: r.actorID, Actor: r.actor, IP: r.IP,
		Method: r.Method, Path: r.Path,
		CadreID: r.cadreID, Status: status,
	}
	r.mu.Unlock()
	s.stamp(e)
	return e
}

// Tx is the one transaction helper of every service that changes data. It
// runs fn in a transaction carried by the context; a Tx inside another
// joins it. The outermost Tx writes the request's entry, with the success
// status the route set (200 if none), inside the transaction as its last
// statement: the change and its entry commit together or not at all, and a
// request gets exactly one entry however deeply its transactions nest. The
// request counts as logged only once that outermost transaction committed;
// after a rollback the middleware logs the failure on its own. A deadlock
// (or SQLite busy) retries the whole of fn, so fn must be repeatable: it
// reads everything it needs from its arguments. Without a request in ctx (an
// offline command that logs for itself) it is a plain transaction.
func (s *Service) Tx(ctx context.Context, fn func(ctx context.Context) error) error {
	if models.InTx(ctx) {
		return fn(ctx)
	}
	r := ReqFrom(ctx)
	err := models.WithTx(ctx, s.db, func(ctx context.Context) error {
		if err := fn(ctx); err != nil {
			return err
		}
		if r == nil {
			return nil
		}
		r.mu.Lock()
		status := r.success
		r.mu.Unlock()
		if status == 0 {
			status = 200
		}
		return models.Get(ctx, s.db).Create(s.entry(r, status)).Error
	})
	if err == nil && r != nil {
		r.logged.Store(true)
	}
	return err
}

// Log writes the request's entry on its own, with its final status, unless
// it has been written already. Reads call it before their first byte; a
// failed change calls it after its rollback.
func (s *Service) Log(ctx context.Context, r *Req, status int) error {
	if r == nil || r.logged.Load() {
		return nil
	}
	// The entry is inserted with those of concurrent requests, in one
	// statement (batch.go); Log returns once it is committed. Inside a
	// transaction (which on SQLite holds the writer a batch would wait
	// for) it joins that transaction, as before.
	e := s.entry(r, status)
	var err error
	if models.InTx(ctx) {
		q, args := insertEntries([]*queued{{e: e}})
		err = models.Get(ctx, s.db).Exec(q, args...).Error
	} else {
		err = s.batch.add(e)
	}
	if err != nil {
		return fmt.Errorf("write access-log entry: %w", err)
	}
	r.logged.Store(true)
	return nil
}

// sealBatch is how many entries one sealing transaction chains. On SQLite
// a batch holds the one writer while it runs, and every request waits for
// the writer to commit its own entry: batches of 500 took ~40 ms, once or
// twice a second under load, and the requests that fell in them waited as
// long (the tail of a read's latency). 64 keep each under ~6 ms; the cost
// of a batch beyond its entries is a lock on the chain head and a commit.
const sealBatch = 64

const (
	sealPlain = "UPDATE access_entries SET seq = ?, prev_hash = ?, hash = ? WHERE id = ? AND seq IS NULL"
	sealKeyed = "UPDATE access_entries SET seq = ?, prev_hash = ?, hash = ?, mac = ? WHERE id = ? AND seq IS NULL"
)

// Seal chains every pending entry, in batches, and returns how many it
// sealed. Each batch is one transaction that first locks the chain-head row,
// so concurrent sealers (another replica, an offline command) take turns.
func (s *Service) Seal(ctx context.Context) (int, error) {
	s.sealM.Lock()
	defer s.sealM.Unlock()
	total := 0
	for {
		n, err := s.sealBatch(ctx)
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

func (s *Service) sealBatch(ctx context.Context) (int, error) {
	n := 0
	var forged *ForgedError
	err := models.WithTx(ctx, s.db, func(ctx context.Context) error {
		n = 0
		db := models.Get(ctx, s.db)
		// Writing the row first takes its lock on MySQL and the write lock on
		// SQLite, before the head is read.
		head, err := s.lockHead(db)
		if err != nil {
			return err
		}
		if s.keys != nil {
			// The chain's keyed record of where MAC checking starts, written
			// once (start.go); without it nothing is sealed.
			if err := s.ensureStart(db, &head); err != nil {
				return err
			}
		}
		var pending []models.AccessEntry
		from := db.Model(&models.AccessEntry{})
		if db.Dialector.Name() == "mysql" {
			// MariaDB walked the primary key from the oldest entry to find the
			// pending ones (the newest), every batch: minutes to seal 100,000
			// entries behind 650,000 sealed ones. The seq index holds exactly
			// the pending ones (NULL).
			from = db.Table("access_entries FORCE INDEX (idx_access_entries_seq)")
		}
		if err := from.Where("seq IS NULL").Order("id").Limit(sealBatch).Find(&pending).Error; err != nil {
			return err
		}
		forged = nil
		seq, prev := head.Seq, head.Hash
		for i := range pending {
			e := &pending[i]
			if s.keys != nil && !s.pendingOK(e) {
				// Not written by efile: chain nothing from here on, so the
				// row stays pending (and counted) until someone looks.
				forged = &ForgedError{ID: e.ID}
				pending = pending[:i]
				break
			}
			seq++
			in := chainInput(prev, seq, e)
			h := hashOf(in)
			// One plain statement per entry: gorm's Updates of a map
			// allocated twice as much (BenchmarkSealKeyed).
			q, args := sealPlain, []any{seq, prev, h, e.ID}
			if s.keys != nil {
				// The pending MAC gives way to the sealed one, which covers
				// the entry's place too.
				q, args = sealKeyed, []any{seq, prev, h, s.mac(sealedMessage(e, in)), e.ID}
			}
			res := db.Exec(q, args...)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return errors.New("access-log entry sealed twice")
			}
			prev = h
		}
		if len(pending) > 0 {
			if err := db.Model(&models.ChainHead{}).Where("id = 1").
				Updates(map[string]any{"seq": seq, "hash": prev}).Error; err != nil {
				return err
			}
		}
		n = len(pending)
		return nil
	})
	if err == nil && forged != nil {
		return n, forged
	}
	return n, err
}

// Refused tells whether err is the sealer's refusal (a forged pending
// entry, or a chain it will not extend): a finding for verify, not a
// failure of the database.
func Refused(err error) bool {
	var fe *ForgedError
	var ue *UnadoptedError
	return errors.As(err, &fe) || errors.As(err, &ue)
}

// SealAndVerify seals what was written up to now, so that the verdict
// covers it, then verifies the whole chain.
func (s *Service) SealAndVerify(ctx context.Context, anchor *Anchor) (*Verdict, error) {
	if _, err := s.Seal(ctx); err != nil && !Refused(err) {
		return nil, err
	}
	// A refused entry, or a chain the sealer will not extend, is reported
	// by Verify, which finds it again.
	return s.Verify(ctx, anchor)
}

// Pending counts entries not yet sealed.
func (s *Service) Pending(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.AccessEntry{}).Where("seq IS NULL").Count(&n).Error
	return n, err
}

// Head is the newest sealed entry's hash and seq, as the chain-head row
// holds them (ZeroHash and 0 before the first).
func (s *Service) Head(ctx context.Context) (string, int64, error) {
	var head models.ChainHead
	if err := s.db.WithContext(ctx).First(&head, 1).Error; err != nil {
		return "", 0, err
	}
	return head.Hash, head.Seq, nil
}
