// Package testenv gives tests a real, fresh database: a SQLite file in the
// test's temp dir always, or a new MySQL database on the server named by
// EFILE_TEST_MYSQL_DSN when that is set. It is imported by tests only.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"

	"efile/models"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// MySQLDSN is the variable naming a MySQL server (and any database on it)
// that tests may create databases on.
const MySQLDSN = "EFILE_TEST_MYSQL_DSN"

func mysqlBase() string { return getenv(MySQLDSN) }

// DB returns a fresh migrated database for one test, and its driver and DSN
// (for tests that start a second process or command on it).
func DB(t testing.TB) (*gorm.DB, string, string) {
	t.Helper()
	db, driver, dsn := EmptyDB(t)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(fmt.Errorf("migrate: %w", err))
	}
	return db, driver, dsn
}

// EmptyDB returns a fresh database with no table in it, for tests of the
// migrations themselves, and its driver and DSN. It is closed (and on
// MySQL dropped) when the test ends.
func EmptyDB(t testing.TB) (*gorm.DB, string, string) {
	t.Helper()
	ctx := context.Background()
	if base := mysqlBase(); base != "" {
		cfg, err := mysqldriver.ParseDSN(base)
		if err != nil {
			t.Fatalf("%s: %v", MySQLDSN, err)
		}
		var b [6]byte
		rand.Read(b[:]) // never fails since Go 1.24
		name := "efile_t_" + hex.EncodeToString(b[:])
		admin, err := models.Open(ctx, "mysql", base)
		if err != nil {
			t.Fatalf("connect to %s: %v", MySQLDSN, err)
		}
		// latin1 on purpose: efile must create its tables utf8mb4 whatever
		// the database's default, and every test on MySQL proves it.
		if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET latin1").Error; err != nil {
			t.Fatalf("create database: %v", err)
		}
		cfg.DBName = name
		dsn := cfg.FormatDSN()
		db, err := models.Open(ctx, "mysql", dsn)
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		t.Cleanup(func() {
			models.Close(db)
			admin.Exec("DROP DATABASE " + name)
			if sqlDB, err := admin.DB(); err == nil {
				sqlDB.Close()
			}
		})
		return db, "mysql", dsn
	}
	dsn := filepath.Join(t.TempDir(), "efile.db")
	db, err := models.Open(ctx, "sqlite", dsn)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() {
		models.Close(db)
	})
	return db, "sqlite", dsn
}
