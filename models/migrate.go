package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"efile/models/migrations"

	"gorm.io/gorm"
)

// Migrate brings the schema up to date: it runs, in order, each migration
// of package migrations that schema_migrations does not record, and
// records it. A database that records them all is left untouched (one
// read), so Migrate is safe at every start, on every replica. A database
// made before versioned migrations (efile's tables, no schema_migrations)
// gets migration 1, the baseline, which creates only what it lacks.
//
// One run at a time per database: SQLite runs them all in one BEGIN
// IMMEDIATE transaction (its one write lock); MySQL under a lease row
// (migratelock.go), since Galera replicates no GET_LOCK. A run that finds
// the lock held waits, then finds the migrations recorded. A database that
// records a migration this binary does not know (it was migrated by a newer
// release) is refused.
func Migrate(ctx context.Context, db *gorm.DB) error {
	list, err := migrations.All()
	if err != nil {
		return err
	}
	return (&migrator{list: list, ttl: leaseTTL}).run(ctx, db)
}

// migrator runs a list of migrations on one database.
type migrator struct {
	list []migrations.Migration // ordered by id, 1…n
	ttl  time.Duration          // the MySQL lease's
	// contend, when set, is called when the run is about to wait for
	// another run's lock: on MySQL each time it finds the lease held; on
	// SQLite before BEGIN IMMEDIATE, which waits inside SQLite while another
	// connection writes. Tests use it to interleave two runs.
	contend func()
}

// bookkeeping creates the tables that record applied migrations and, on
// MySQL, the lease; IF NOT EXISTS, as two replicas may create them at once.
var bookkeeping = map[string][]string{
	"sqlite": {"CREATE TABLE IF NOT EXISTS `schema_migrations` (`id` integer PRIMARY KEY,`name` text NOT NULL,`applied_at` datetime NOT NULL)"},
	"mysql": {
		"CREATE TABLE IF NOT EXISTS `schema_migrations` (`id` bigint NOT NULL,`name` varchar(200) NOT NULL,`applied_at` datetime(6) NOT NULL,PRIMARY KEY (`id`))" + utf8mb4,
		"CREATE TABLE IF NOT EXISTS `schema_migration_lock` (`id` bigint NOT NULL,`holder` varchar(200) NOT NULL,`expires_at` datetime(6) NOT NULL,PRIMARY KEY (`id`))" + utf8mb4,
	},
}

// utf8mb4 makes a MySQL table utf8mb4 whatever the database's default.
const utf8mb4 = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

func (m *migrator) run(ctx context.Context, db *gorm.DB) error {
	db = db.WithContext(ctx)
	if pending, err := m.pending(db); err != nil || len(pending) == 0 {
		return err
	}
	if db.Dialector.Name() == "mysql" {
		return m.runMySQL(ctx, db)
	}
	return m.runSQLite(ctx, db)
}

// runSQLite applies what is pending in one transaction. The write
// connection begins IMMEDIATE, so the transaction holds SQLite's write lock
// from BEGIN to COMMIT: another process's run waits (busy_timeout), then
// reads the migrations recorded. SQLite's DDL is transactional, so a run
// commits whole or not at all; one that gave up waiting is tried again.
func (m *migrator) runSQLite(ctx context.Context, db *gorm.DB) error {
	for {
		if m.contend != nil {
			m.contend()
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := createBookkeeping(tx); err != nil {
				return err
			}
			pending, err := m.pending(tx)
			if err != nil {
				return err
			}
			for _, mg := range pending {
				if err := apply(ctx, tx, mg); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			// A read statement prepared before the schema changed answers
			// the driver's "API misuse" once: the cache starts afresh.
			if p, ok := db.Statement.ConnPool.(*sqlitePool); ok && p.stmts != nil {
				return p.stmts.close()
			}
			return nil
		}
		if !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// runMySQL applies what is pending under the lease, each migration in a
// transaction of its own with the row that records it. MySQL commits DDL
// on the spot, so a migration that stops half way (a crash, a lost
// connection) has done part of its work without its row; the next run
// runs it again, which a migration is written to survive (see
// migrations.Migration.Up). A data migration's DML commits with its row.
func (m *migrator) runMySQL(ctx context.Context, db *gorm.DB) (err error) {
	if err := createBookkeeping(db); err != nil {
		return err
	}
	l, err := takeLease(ctx, db, m.ttl, m.contend)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, l.release()) }()
	pending, err := m.pending(db)
	if err != nil {
		return err
	}
	for _, mg := range pending {
		// Still ours? A run that lost its lease (it expired while this one
		// stalled) stops before the next migration.
		if err := l.renew(); err != nil {
			return err
		}
		if err := db.Transaction(func(tx *gorm.DB) error { return apply(ctx, tx, mg) }); err != nil {
			return err
		}
	}
	return nil
}

func createBookkeeping(db *gorm.DB) error {
	for _, q := range bookkeeping[db.Dialector.Name()] {
		if err := db.Exec(q).Error; err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	return nil
}

// pending lists the migrations the database does not record, in order.
func (m *migrator) pending(db *gorm.DB) ([]migrations.Migration, error) {
	var done []struct {
		ID   int
		Name string
	}
	if db.Migrator().HasTable("schema_migrations") {
		if err := db.Raw("SELECT id, name FROM schema_migrations").Scan(&done).Error; err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
	}
	applied := make(map[int]bool, len(done))
	for _, d := range done {
		if d.ID < 1 || d.ID > len(m.list) {
			return nil, fmt.Errorf("the database records migration %d (%s), which this efile does not know: "+
				"a newer release migrated it; run that release or a later one", d.ID, d.Name)
		}
		applied[d.ID] = true
	}
	var out []migrations.Migration
	for _, mg := range m.list {
		if !applied[mg.ID] {
			out = append(out, mg)
		}
	}
	return out, nil
}

// apply runs one migration and records it, through tx.
func apply(ctx context.Context, tx *gorm.DB, mg migrations.Migration) error {
	if err := mg.Up(ctx, tx); err != nil {
		return fmt.Errorf("migration %d (%s): %w", mg.ID, mg.Name, err)
	}
	return tx.Exec("INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)",
		mg.ID, mg.Name, time.Now().UTC()).Error
}
