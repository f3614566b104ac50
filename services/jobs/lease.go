package jobs

import (
	"context"
	"log/slog"
	"time"

	"efile/models"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// take takes or renews the lease called name until until, and tells
// whether this runner holds it. The decision is one statement: an UPDATE
// of the row when it is ours or expired (or an INSERT of a missing row),
// which only one process can win; the database's row lock (MySQL), write
// lock (SQLite) or certification (Galera) orders the contenders, and the
// losers change no row. mine skips the read that spares a write when the
// lease is another's.
func (r *Runner) take(ctx context.Context, name string, now, until time.Time, mine bool) (bool, error) {
	now, until = stamp(now), stamp(until)
	if !mine {
		var l models.JobLease
		err := models.Get(ctx, r.db).Where("name = ?", name).Take(&l).Error
		switch {
		case models.IsNotFound(err):
			n, err := r.write(ctx, func(db *gorm.DB) *gorm.DB {
				return db.Clauses(clause.OnConflict{DoNothing: true}).
					Create(&models.JobLease{Name: name, Holder: r.holder, ExpiresAt: until, TakenAt: now, Version: 1})
			})
			return n == 1, err
		case err != nil:
			return false, err
		case l.Holder != r.holder && l.ExpiresAt.After(now):
			return false, nil // another's, and alive
		}
	}
	// taken_at is assigned first: MySQL evaluates the assignments in order,
	// so the CASE must see the holder before it changes.
	n, err := r.write(ctx, func(db *gorm.DB) *gorm.DB {
		return db.Exec("UPDATE job_leases SET taken_at = CASE WHEN holder = ? THEN taken_at ELSE ? END, holder = ?, expires_at = ?,"+
			" version = version + 1 WHERE name = ? AND (holder = ? OR expires_at <= ?)",
			r.holder, now, r.holder, until, name, r.holder, now)
	})
	return n == 1, err
}

// released is the end written into a released lease: long past, so that
// any process may take it at once whatever its clock says.
var released = time.Unix(0, 0).UTC()

// free releases the lease called name if this runner holds it.
func (r *Runner) free(ctx context.Context, name string) error {
	_, err := r.write(ctx, func(db *gorm.DB) *gorm.DB {
		return db.Exec("UPDATE job_leases SET holder = '', expires_at = ?, version = version + 1 WHERE name = ? AND holder = ?",
			released, name, r.holder)
	})
	return err
}

// write runs one statement on its own (on SQLite, in the writer's next
// group commit) and returns the rows it changed.
func (r *Runner) write(ctx context.Context, q func(db *gorm.DB) *gorm.DB) (int64, error) {
	var n int64
	err := models.WithWrite(ctx, r.db, func(ctx context.Context) error {
		res := q(models.Get(ctx, r.db))
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// stamp is t as the database stores it: UTC, microseconds.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// report logs a failure of j's lease or run: contention with another
// process (a deadlock, Galera's certification conflict, SQLite busy,
// already retried) at INFO, anything else at ERROR; the same failure again
// within a minute only once.
func (r *Runner) report(j *job, q *quiet, msg string, err error) {
	j.mu.Lock()
	repeated, show := q.see(err.Error(), r.now())
	j.mu.Unlock()
	if !show {
		return
	}
	level := slog.LevelError
	if models.Contention(err) {
		level = slog.LevelInfo
		msg += ": contention with another process; again at the next step"
	}
	attrs := []any{"job", j.Name, "holder", r.holder, "err", err.Error()}
	if repeated > 0 {
		attrs = append(attrs, "repeated", repeated)
	}
	r.log.Log(context.Background(), level, msg, attrs...)
}

// quiet keeps a failure that repeats (a refused access-log entry that
// stops the sealer every second, a database that is down) from filling the
// log: the same error within a minute of its last line is counted instead,
// and the count goes with its next line.
type quiet struct {
	last     string
	at       time.Time
	repeated int
}

// see tells whether to log msg at now, and how often it was seen meanwhile.
func (q *quiet) see(msg string, now time.Time) (repeated int, show bool) {
	if msg == q.last && now.Sub(q.at) < time.Minute {
		q.repeated++
		return 0, false
	}
	if msg == q.last {
		repeated = q.repeated
	}
	q.last, q.at, q.repeated = msg, now, 0
	return repeated, true
}

// reset forgets the last failure, after a success.
func (q *quiet) reset() { *q = quiet{} }
