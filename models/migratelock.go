package models

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"

	"gorm.io/gorm"
)

// The MySQL migration lock is a lease: the one row of
// schema_migration_lock, held by one run until it expires. GET_LOCK would
// not do: Galera does not replicate it (a lock taken on one node means
// nothing on another; MariaDB refuses it outright under wsrep), while a row
// written on one node is certified cluster-wide, so of two runs that take
// it at once on two nodes one fails (error 1213) and waits. The holder
// renews it while it runs; a holder that dies leaves it to expire, and the
// next run takes it over. Times are the database's (UTC_TIMESTAMP), so the
// replicas' clocks do not matter.

// leaseTTL is how long a lease lasts unless renewed: how long a replica
// waits after another died holding it. It is renewed every third of it.
const leaseTTL = time.Minute

// errLeaseLost stops a run whose lease another run has taken.
var errLeaseLost = errors.New("migrate: lost the migration lock (it expired while this run stalled, and another run took it): stopping before the next migration")

type lease struct {
	db     *gorm.DB
	holder string
	ttl    time.Duration
	stop   chan struct{}
	done   chan struct{}
}

// takeLease waits until this run holds the lease, or ctx ends.
func takeLease(ctx context.Context, db *gorm.DB, ttl time.Duration, contend func()) (*lease, error) {
	host, err := os.Hostname() // names the holder, for people
	if err != nil {
		host = "?"
	}
	l := &lease{db: db.WithContext(context.WithoutCancel(ctx)), ttl: ttl,
		holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8]),
		stop:   make(chan struct{}), done: make(chan struct{})}
	wait := 10 * time.Millisecond
	for {
		ok, err := l.try()
		if err != nil && !retryable(err) { // 1213: another node took it at the same time
			return nil, fmt.Errorf("take the migration lock: %w", err)
		}
		if ok {
			go l.keep()
			return l, nil
		}
		if contend != nil {
			contend()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("waiting for the migration lock (%s): %w", l.heldBy(), ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}

// try takes the lease if it is free or expired.
func (l *lease) try() (bool, error) {
	if err := l.db.Exec("INSERT IGNORE INTO schema_migration_lock (id, holder, expires_at) VALUES (1, '', '1000-01-01')").Error; err != nil {
		return false, err
	}
	res := l.db.Exec("UPDATE schema_migration_lock SET holder = ?, expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND "+
		"WHERE id = 1 AND expires_at < UTC_TIMESTAMP(6)", l.holder, l.ttl.Microseconds())
	return res.Error == nil && res.RowsAffected == 1, res.Error
}

// renew extends the lease, or tells that another run holds it now.
func (l *lease) renew() error {
	res := l.db.Exec("UPDATE schema_migration_lock SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND "+
		"WHERE id = 1 AND holder = ?", l.ttl.Microseconds(), l.holder)
	if res.Error != nil {
		return fmt.Errorf("renew the migration lock: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return errLeaseLost
	}
	return nil
}

// keep renews the lease while a migration runs longer than the lease
// lasts. A failed renewal is tried again at the next tick; a lost lease is
// found by the renewal before the next migration.
func (l *lease) keep() {
	defer close(l.done)
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			_ = l.renew() // see above: the run's own renewal reports it
		}
	}
}

// release gives the lease up (when still held), so the next run need not
// wait for it to expire.
func (l *lease) release() error {
	close(l.stop)
	<-l.done
	err := l.db.Exec("UPDATE schema_migration_lock SET expires_at = '1000-01-01' WHERE id = 1 AND holder = ?", l.holder).Error
	if err != nil {
		return fmt.Errorf("release the migration lock: %w", err)
	}
	return nil
}

// heldBy names the lease's holder and its expiry, for a run that gave up
// waiting.
func (l *lease) heldBy() string {
	var row struct {
		Holder    string
		ExpiresAt time.Time
	}
	if err := l.db.Raw("SELECT holder, expires_at FROM schema_migration_lock WHERE id = 1").Scan(&row).Error; err != nil {
		return "holder unknown: " + err.Error()
	}
	return fmt.Sprintf("held by %s until %s UTC", row.Holder, row.ExpiresAt.Format(time.DateTime))
}
