package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"efile/models"
	"efile/models/migrations"
	"efile/testenv"

	"gorm.io/gorm"
)

// second opens another handle on the database of db (driver, dsn), as a
// second replica would.
func second(t *testing.T, driver, dsn string) *gorm.DB {
	t.Helper()
	db, err := models.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db) })
	return db
}

// createTable is a migration creating table name, safe to run again.
func createTable(id int, name string, runs *atomic.Int32) migrations.Migration {
	return migrations.Migration{ID: id, Name: "create " + name, Up: func(ctx context.Context, tx *gorm.DB) error {
		runs.Add(1)
		return tx.Exec("CREATE TABLE IF NOT EXISTS " + name + " (id integer NOT NULL PRIMARY KEY)").Error
	}}
}

// recorded lists the ids schema_migrations records.
func recorded(t *testing.T, db *gorm.DB) (ids []int) {
	t.Helper()
	if err := db.Table("schema_migrations").Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

// Two runs at once on one database (two replicas starting together): the
// second waits for the first's lock, then finds every migration recorded;
// each migration runs once and both runs succeed.
func TestMigrateConcurrentRunsApplyEachOnce(t *testing.T) {
	db, driver, dsn := testenv.EmptyDB(t)
	other := second(t, driver, dsn)
	ctx := context.Background()
	var runs [2]atomic.Int32
	secondDone := make(chan error, 1)
	waiting := make(chan struct{})
	var once sync.Once
	var list []migrations.Migration
	list = []migrations.Migration{
		{ID: 1, Name: "first, holding the lock until the second run waits for it", Up: func(ctx context.Context, tx *gorm.DB) error {
			if runs[0].Add(1) > 1 {
				return errors.New("migration 1 ran twice")
			}
			go func() {
				secondDone <- models.MigrateList(ctx, other, list, time.Minute, func() { once.Do(func() { close(waiting) }) })
			}()
			select {
			case <-waiting:
			case err := <-secondDone:
				return fmt.Errorf("the second run ended (%v) while the first held the lock", err)
			}
			return tx.Exec("CREATE TABLE m1 (id integer NOT NULL PRIMARY KEY)").Error
		}},
		createTable(2, "m2", &runs[1]),
	}
	if err := models.MigrateList(ctx, db, list, time.Minute, nil); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if err := <-secondDone; err != nil {
		t.Fatalf("second run: %v", err)
	}
	if runs[0].Load() != 1 || runs[1].Load() != 1 {
		t.Errorf("migrations ran %d and %d times, want once each", runs[0].Load(), runs[1].Load())
	}
	if ids := recorded(t, db); !slices.Equal(ids, []int{1, 2}) {
		t.Errorf("recorded %v", ids)
	}
}

// The real migrations, run by two replicas at once from an empty database.
func TestMigrateTwoReplicasAtOnce(t *testing.T) {
	db, driver, dsn := testenv.EmptyDB(t)
	dbs := []*gorm.DB{db, second(t, driver, dsn)}
	start := make(chan struct{})
	errs := make(chan error, len(dbs))
	for _, d := range dbs {
		go func() {
			<-start
			errs <- models.Migrate(context.Background(), d)
		}()
	}
	close(start)
	for range dbs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	if ids := recorded(t, db); len(ids) != len(all) {
		t.Errorf("recorded %v, want each of %d migrations once", ids, len(all))
	}
}

// A database migrated by a newer release is refused, not run against.
func TestMigrateRefusesNewerDatabase(t *testing.T) {
	db, _, _ := testenv.DB(t)
	if err := db.Exec("INSERT INTO schema_migrations (id, name, applied_at) VALUES (99, 'from a newer release', ?)", time.Now().UTC()).Error; err != nil {
		t.Fatal(err)
	}
	err := models.Migrate(context.Background(), db)
	if err == nil || !strings.Contains(err.Error(), "migration 99 (from a newer release)") {
		t.Fatalf("got %v", err)
	}
}

// A run that fails part way is finished by the next. On SQLite nothing of
// it was kept (one transaction); on MySQL the migrations before the failed
// one are recorded, and the failed one's DDL stayed, which running it again
// survives.
func TestMigrateFailedRunResumes(t *testing.T) {
	db, driver, _ := testenv.EmptyDB(t)
	ctx := context.Background()
	var runs [3]atomic.Int32
	broken := migrations.Migration{ID: 2, Name: "creates m2, then fails", Up: func(ctx context.Context, tx *gorm.DB) error {
		if err := createTable(2, "m2", &runs[1]).Up(ctx, tx); err != nil {
			return err
		}
		return errors.New("boom")
	}}
	list := []migrations.Migration{createTable(1, "m1", &runs[0]), broken, createTable(3, "m3", &runs[2])}
	if err := models.MigrateList(ctx, db, list, time.Minute, nil); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v", err)
	}
	m := db.Migrator()
	switch driver {
	case "sqlite":
		if m.HasTable("m1") || m.HasTable("m2") || m.HasTable("schema_migrations") {
			t.Error("a failed run on SQLite left part of its work")
		}
	case "mysql":
		if ids := recorded(t, db); !slices.Equal(ids, []int{1}) || !m.HasTable("m2") || m.HasTable("m3") {
			t.Errorf("a failed run on MySQL: recorded %v, m2 %v, m3 %v", ids, m.HasTable("m2"), m.HasTable("m3"))
		}
	}
	list[1] = createTable(2, "m2", &runs[1])
	if err := models.MigrateList(ctx, db, list, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if ids := recorded(t, db); !slices.Equal(ids, []int{1, 2, 3}) || !m.HasTable("m3") {
		t.Errorf("after the second run: recorded %v", ids)
	}
}

// The MySQL lock is a lease row. A lease whose holder died is taken over
// once expired; a live one is waited for; a run whose lease another run
// took stops before its next migration; a run that gives up waiting says
// who holds it.
func TestMigrationLease(t *testing.T) {
	db, driver, _ := testenv.EmptyDB(t)
	if driver != "mysql" {
		t.Skip("MySQL only (SQLite's lock is its write lock): set " + testenv.MySQLDSN)
	}
	ctx := context.Background()
	var runs [5]atomic.Int32
	list := []migrations.Migration{createTable(1, "m1", &runs[0])}
	if err := models.MigrateList(ctx, db, list, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	hold := func(holder, until string) {
		t.Helper()
		if err := db.Exec("UPDATE schema_migration_lock SET holder = ?, expires_at = UTC_TIMESTAMP(6) + INTERVAL "+until, holder).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Run("expiredTakenOver", func(t *testing.T) {
		hold("dead", "-1 SECOND")
		list = append(list, createTable(2, "m2", &runs[1]))
		waited := false
		if err := models.MigrateList(ctx, db, list, time.Minute, func() { waited = true }); err != nil || waited || runs[1].Load() != 1 {
			t.Errorf("err %v, waited %v, m2 ran %d times", err, waited, runs[1].Load())
		}
	})
	t.Run("liveWaitedFor", func(t *testing.T) {
		hold("alive", "1 HOUR")
		list = append(list, createTable(3, "m3", &runs[2]))
		waits := 0
		dies := func() {
			waits++
			if runs[2].Load() != 0 {
				t.Error("m3 ran while another run held the lease")
			}
			hold("alive", "-1 SECOND") // the holder dies; its lease has run out
		}
		if err := models.MigrateList(ctx, db, list, time.Minute, dies); err != nil || waits != 1 || runs[2].Load() != 1 {
			t.Errorf("err %v, waited %d times, m3 ran %d times", err, waits, runs[2].Load())
		}
	})
	t.Run("lostStops", func(t *testing.T) {
		thief := migrations.Migration{ID: 4, Name: "stalls until another run takes the lease", Up: func(ctx context.Context, tx *gorm.DB) error {
			runs[3].Add(1)
			hold("thief", "1 HOUR")
			return nil
		}}
		list = append(list, thief, createTable(5, "m5", &runs[4]))
		err := models.MigrateList(ctx, db, list, time.Minute, nil)
		if err == nil || !strings.Contains(err.Error(), "lost the migration lock") || runs[4].Load() != 0 {
			t.Errorf("err %v, m5 ran %d times", err, runs[4].Load())
		}
		if ids := recorded(t, db); !slices.Equal(ids, []int{1, 2, 3, 4}) {
			t.Errorf("recorded %v", ids)
		}
	})
	t.Run("givingUpSaysWhoHoldsIt", func(t *testing.T) {
		// The thief still holds the lease.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		err := models.MigrateList(ctx, db, list, time.Minute, cancel)
		if err == nil || !strings.Contains(err.Error(), "held by thief") || !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
}
