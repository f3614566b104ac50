package models_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/testenv"

	mysqldriver "github.com/go-sql-driver/mysql"
)

func TestWithTxRetriesDeadlocks(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	calls := 0
	err := models.WithTx(ctx, db, func(ctx context.Context) error {
		calls++
		if err := models.Get(ctx, db).Create(&models.Unit{Name: "u", Code: "U", Path: "/"}).Error; err != nil {
			return err
		}
		if calls < 3 {
			return &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	var n int64
	db.Model(&models.Unit{}).Count(&n)
	if n != 1 {
		t.Fatalf("retried attempts must roll back: %d units", n)
	}
	t.Run("lockWaitTimeoutRetried", func(t *testing.T) {
		calls := 0
		_ = models.WithTx(ctx, db, func(ctx context.Context) error {
			calls++
			return &mysqldriver.MySQLError{Number: 1205}
		})
		if calls != 5 {
			t.Fatalf("%d attempts, want 5", calls)
		}
	})
	t.Run("otherErrorsNotRetried", func(t *testing.T) {
		calls := 0
		boom := errors.New("boom")
		if err := models.WithTx(ctx, db, func(ctx context.Context) error { calls++; return boom }); !errors.Is(err, boom) || calls != 1 {
			t.Fatalf("%v after %d calls", err, calls)
		}
	})
	t.Run("nestedJoinsOuter", func(t *testing.T) {
		err := models.WithTx(ctx, db, func(ctx context.Context) error {
			if err := models.WithTx(ctx, db, func(ctx context.Context) error {
				return models.Get(ctx, db).Create(&models.Unit{Name: "v", Code: "V", Path: "/"}).Error
			}); err != nil {
				return err
			}
			return errors.New("roll back both")
		})
		var n int64
		db.Model(&models.Unit{}).Where("code = 'V'").Count(&n)
		if err == nil || n != 0 {
			t.Fatalf("inner write survived an outer rollback")
		}
	})
	t.Run("duplicateDetected", func(t *testing.T) {
		err := db.Create(&models.Unit{Name: "u", Code: "U", Path: "/"}).Error
		if !models.IsDuplicate(err) {
			t.Fatalf("not a duplicate: %v", err)
		}
	})
}

func TestPurgeExpired(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	now := time.Now().UTC()
	db.Create(&models.Idempotency{UserID: 1, Route: "/a", Key: "old", RequestHash: "h", Status: 201, Response: []byte("x"), CreatedAt: now.Add(-25 * time.Hour)})
	db.Create(&models.Idempotency{UserID: 1, Route: "/a", Key: "new", RequestHash: "h", Status: 201, Response: []byte("x"), CreatedAt: now.Add(-time.Hour)})
	db.Create(&models.RevokedToken{JTI: "gone", ExpiresAt: now.Add(-time.Minute)})
	db.Create(&models.RevokedToken{JTI: "live", ExpiresAt: now.Add(time.Hour)})
	// Login throttles go once their window and lock are over.
	db.Create(&models.LoginThrottle{Username: "over", ClientIP: "10.0.0.1", WindowStart: now.Add(-time.Hour), ExpiresAt: now.Add(-45 * time.Minute)})
	db.Create(&models.LoginThrottle{Username: "locked", ClientIP: "10.0.0.1", WindowStart: now.Add(-20 * time.Minute), ExpiresAt: now.Add(5 * time.Minute)})
	n, err := models.PurgeExpired(ctx, db, now)
	if err != nil || n != 3 {
		t.Fatalf("purged %d, %v", n, err)
	}
	var keys, toks int64
	var left []models.LoginThrottle
	db.Model(&models.Idempotency{}).Count(&keys)
	db.Model(&models.RevokedToken{}).Count(&toks)
	db.Find(&left)
	if keys != 1 || toks != 1 || len(left) != 1 || left[0].Username != "locked" {
		t.Fatalf("left %d keys, %d tokens, throttles %+v", keys, toks, left)
	}
}

func TestMigrateTwice(t *testing.T) {
	db, _, _ := testenv.DB(t) // migrated once already
	db.Create(&models.Unit{Name: "u", Code: "KEEP", Path: "/"})
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.Unit{}).Where("code = 'KEEP'").Count(&n)
	var h models.ChainHead
	if n != 1 || db.First(&h, 1).Error != nil || h.Seq != 0 {
		t.Fatal("a second migration lost data or the chain head")
	}
}

// TestSQLiteFilesPrivate: the database file and its WAL hold personal
// data, and are created readable by their owner only, like the key file.
func TestSQLiteFilesPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "efile.db")
	db, err := models.Open(context.Background(), "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(f)
		if err != nil {
			if f != path && errors.Is(err, os.ErrNotExist) {
				continue
			}
			t.Fatal(err)
		}
		if mode := st.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group or others", filepath.Base(f), mode)
		}
	}
}

// TestMySQLTablesUTF8MB4: tables are utf8mb4 whatever the server's default.
func TestMySQLTablesUTF8MB4(t *testing.T) {
	db, driver, _ := testenv.DB(t)
	if driver != "mysql" {
		t.Skip("MySQL only: set " + testenv.MySQLDSN)
	}
	var rows []struct {
		TableName      string `gorm:"column:TABLE_NAME"`
		TableCollation string `gorm:"column:TABLE_COLLATION"`
	}
	if err := db.Raw("SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) < 5 {
		t.Fatalf("only %d tables", len(rows))
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.TableCollation, "utf8mb4") {
			t.Errorf("table %s has collation %s", r.TableName, r.TableCollation)
		}
	}
}
