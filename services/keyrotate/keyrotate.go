// Package keyrotate re-encrypts what efile keeps under the data key after a
// rotation (`efile keys rotate`): ID numbers (and their lookup hashes, which
// are keyed by the data key), flag reporters, stored idempotent responses,
// and the MACs of access-log entries with the keyed record of where they
// start. It also binds rows written before
// values were bound to their row (datakey.Unbound).
//
// It works in batches, one transaction each, and is idempotent per row: a
// row already under the current key, bound, is skipped. An interrupted run
// is resumed by running it again. A value that opens under neither key, or
// an access-log entry whose MAC is valid under neither, stops the run and is
// named: it was tampered with and needs a person, not a rewrite.
package keyrotate

import (
	"context"
	"errors"
	"fmt"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"

	"gorm.io/gorm"
)

// Batch is how many rows one transaction rewrites.
const Batch = 200

// Progress is told, after each batch of a table, how many of its rows were
// looked at (done, of total) and how many of them were rewritten.
type Progress func(table string, done, total, rewritten int64)

// Report counts the rows rewritten per table.
type Report struct {
	Cadres, Flags, Responses, Entries int64
}

// Rotator rewrites rows under the current key.
type Rotator struct {
	db    *gorm.DB
	keys  *datakey.Keys
	audit *accesslog.Service // built WithKeys(keys)
	batch int
}

// New builds a Rotator; audit must hold the same keys.
func New(db *gorm.DB, keys *datakey.Keys, audit *accesslog.Service) *Rotator {
	return &Rotator{db: db, keys: keys, audit: audit, batch: Batch}
}

// Run rewrites every table in turn. ctx ending stops it between batches
// (what is committed stays: the next run skips it).
func (r *Rotator) Run(ctx context.Context, progress Progress) (*Report, error) {
	if progress == nil {
		progress = func(string, int64, int64, int64) {}
	}
	rep := &Report{}
	var err error
	if rep.Cadres, err = r.cadres(ctx, progress); err != nil {
		return rep, err
	}
	if rep.Flags, err = r.flags(ctx, progress); err != nil {
		return rep, err
	}
	if rep.Responses, err = r.responses(ctx, progress); err != nil {
		return rep, err
	}
	rep.Entries, err = r.entries(ctx, progress)
	return rep, err
}

// ErrUnreadable wraps a value that opens under neither key.
var ErrUnreadable = errors.New("opens under neither the current nor the previous data key (tampered with, or EFILE_DATA_KEY_PREVIOUS is wrong)")

// walk pages through model's rows by id, one transaction per batch; fn
// rewrites one row and reports whether it did.
func walk[T any](ctx context.Context, r *Rotator, table string, where string, progress Progress,
	id func(*T) int64, fn func(ctx context.Context, db *gorm.DB, row *T) (bool, error)) (int64, error) {
	var total int64
	base := r.db.WithContext(ctx).Model(new(T))
	if where != "" {
		base = base.Where(where)
	}
	if err := base.Count(&total).Error; err != nil {
		return 0, err
	}
	var after, done, rewritten int64
	for {
		if err := ctx.Err(); err != nil {
			return rewritten, fmt.Errorf("%s: interrupted after %d of %d rows (run again to resume): %w", table, done, total, err)
		}
		n := 0
		var changed int64
		err := models.WithTx(ctx, r.db, func(ctx context.Context) error {
			n, changed = 0, 0
			db := models.Get(ctx, r.db)
			var rows []T
			q := db.Where("id > ?", after)
			if where != "" {
				q = q.Where(where)
			}
			if err := q.Order("id").Limit(r.batch).Find(&rows).Error; err != nil {
				return err
			}
			for i := range rows {
				ok, err := fn(ctx, db, &rows[i])
				if err != nil {
					return err
				}
				if ok {
					changed++
				}
			}
			n = len(rows)
			if n > 0 {
				after = id(&rows[n-1])
			}
			return nil
		})
		if err != nil {
			return rewritten, fmt.Errorf("%s: %w", table, err)
		}
		done += int64(n)
		rewritten += changed
		if n > 0 {
			progress(table, done, total, rewritten)
		}
		if n < r.batch {
			return rewritten, nil
		}
	}
}

func (r *Rotator) cadres(ctx context.Context, p Progress) (int64, error) {
	return walk(ctx, r, "cadres", "", p, func(c *models.Cadre) int64 { return c.ID },
		func(ctx context.Context, db *gorm.DB, c *models.Cadre) (bool, error) {
			plain, st, err := r.keys.OpenIDState(c.IDNumberEnc, c.IDNumberHash)
			if err != nil {
				return false, fmt.Errorf("the ID number of cadre %d %w", c.ID, ErrUnreadable)
			}
			if st == datakey.Current {
				return false, nil
			}
			// The lookup hash is keyed by the data key: recompute it, and
			// bind the new ciphertext to it.
			h := r.keys.Lookup(string(plain))
			return true, db.Model(&models.Cadre{}).Where("id = ?", c.ID).
				Updates(map[string]any{"id_number_hash": h, "id_number_enc": r.keys.SealID(plain, h)}).Error
		})
}

func (r *Rotator) flags(ctx context.Context, p Progress) (int64, error) {
	return walk(ctx, r, "flags", "reporter_enc IS NOT NULL", p, func(f *models.Flag) int64 { return f.ID },
		func(ctx context.Context, db *gorm.DB, f *models.Flag) (bool, error) {
			plain, st, err := r.keys.OpenReporterFor(f.ReporterEnc, f.ID)
			if err != nil {
				return false, fmt.Errorf("the reporter of flag %d %w", f.ID, ErrUnreadable)
			}
			if st == datakey.Current {
				return false, nil
			}
			return true, db.Model(&models.Flag{}).Where("id = ?", f.ID).
				Update("reporter_enc", r.keys.SealReporterFor(plain, f.ID)).Error
		})
}

func (r *Rotator) responses(ctx context.Context, p Progress) (int64, error) {
	return walk(ctx, r, "idempotencies", "", p, func(x *models.Idempotency) int64 { return x.ID },
		func(ctx context.Context, db *gorm.DB, x *models.Idempotency) (bool, error) {
			plain, st, err := r.keys.OpenResponseFor(x.Response, x.UserID, x.Route, x.Key)
			if err != nil {
				return false, fmt.Errorf("stored response %d %w", x.ID, ErrUnreadable)
			}
			if st == datakey.Current {
				return false, nil
			}
			return true, db.Model(&models.Idempotency{}).Where("id = ?", x.ID).
				Update("response", r.keys.SealResponseFor(plain, x.UserID, x.Route, x.Key)).Error
		})
}

// entries re-MACs access-log entries under the current key: first the
// keyed record of where MAC checking starts (adopting, as the sealer would,
// a chain an earlier version sealed), then every entry from there on and
// every pending one. Entries sealed before the record (a MAC of an earlier
// version, or none) are bound by it and left alone.
func (r *Rotator) entries(ctx context.Context, p Progress) (int64, error) {
	from, rewritten, err := r.audit.RetagStart(ctx)
	if err != nil {
		return 0, fmt.Errorf("access-log record: %w", err)
	}
	p("access-log record", 1, 1, b2i(rewritten))
	return walk(ctx, r, "access_entries", "mac IS NOT NULL", p, func(e *models.AccessEntry) int64 { return e.ID },
		func(ctx context.Context, db *gorm.DB, e *models.AccessEntry) (bool, error) {
			if e.Seq != nil && *e.Seq < from {
				return false, nil
			}
			ok, st := r.audit.MACState(e)
			if !ok {
				return false, fmt.Errorf("access-log entry %d has a MAC valid under neither key: run efile audit verify", e.ID)
			}
			if st == datakey.Current {
				return false, nil
			}
			return true, db.Model(&models.AccessEntry{}).Where("id = ?", e.ID).Update("mac", r.audit.ReMAC(e)).Error
		})
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
