package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"efile/models"
	"efile/services/account"
	"efile/services/idnumber"
	"efile/services/unit"
	"efile/testenv"

	"golang.org/x/crypto/bcrypt"
)

func TestImportCommand(t *testing.T) {
	db, driver, dsn := testenv.DB(t)
	t.Setenv("EFILE_DB_DRIVER", driver)
	t.Setenv("EFILE_DB_DSN", dsn)
	t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
	t.Setenv("EFILE_DATA_KEY", liveKey)
	ctx := context.Background()
	audit := testAudit(db)
	if _, err := unit.New(db, audit).Create(ctx, unit.NewUnit{Name: "区委办", Code: "QWB"}); err != nil {
		t.Fatal(err)
	}
	acc, err := account.New(db, audit, account.Config{JWTSecret: []byte(strings.Repeat("s", 32)), BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.CreateUser(ctx, account.NewUser{Username: "rev", Password: "a-long-password", DisplayName: "R", Roles: []string{"org_reviewer"}}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("姓名,性别,出生日期,身份证号,单位编码,职务,职级,是否一把手,任职时间\n")
	for i := 0; i < 1500; i++ {
		first := fmt.Sprintf("110105198001%02d%03d", i%28+1, i/28)
		gender := []string{"女", "男"}[(first[16]-'0')%2]
		fmt.Fprintf(&b, "干部%d,%s,1980-01-%02d,%s,QWB,科员,一级科员,否,2020-01-01\n", i, gender, i%28+1, first+string(idnumber.CheckDigit(first)))
	}
	file := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("needsAReviewer", func(t *testing.T) {
		if err := importRoster(ctx, &bytes.Buffer{}, []string{"--as", "nobody", file}); err == nil {
			t.Fatal("want an error")
		}
		if err := importRoster(ctx, &bytes.Buffer{}, []string{file}); err == nil {
			t.Fatal("want a usage error")
		}
	})
	t.Run("imports1500RowsAndLogs", func(t *testing.T) {
		var out bytes.Buffer
		if err := importRoster(ctx, &out, []string{"--as", "rev", file}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "1500 created") {
			t.Fatal(out.String())
		}
		var n int64
		db.Model(&models.Cadre{}).Count(&n)
		if n != 1500 {
			t.Fatalf("%d cadres", n)
		}
		var e models.AccessEntry
		if err := db.Where("method = 'CLI'").First(&e).Error; err != nil || e.Actor != "rev" || e.Status != 200 || e.Seq == nil {
			t.Fatalf("entry %+v %v", e, err)
		}
	})
	t.Run("dryRunWritesNothing", func(t *testing.T) {
		var out bytes.Buffer
		if err := importRoster(ctx, &out, []string{"--as", "rev", "--dry-run", file}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "nothing written") || !strings.Contains(out.String(), "1500 unchanged") {
			t.Fatal(out.String())
		}
		var e models.AccessEntry
		if err := db.Where("path = ?", "efile import --dry-run").First(&e).Error; err != nil || e.Status != 200 {
			t.Fatalf("entry %+v %v", e, err)
		}
	})
	t.Run("badRowsImportNothing", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(bad, []byte("姓名,性别,出生日期,身份证号,单位编码,职务,职级,是否一把手,任职时间\n新人,男,1980-01-01,110105198001019999,QWB,科员,一级科员,否,2020-01-01\n"), 0o600)
		var out bytes.Buffer
		err := importRoster(ctx, &out, []string{"--as", "rev", bad})
		if err == nil || !strings.Contains(out.String(), "身份证号") {
			t.Fatalf("%v %s", err, out.String())
		}
		var n int64
		db.Model(&models.Cadre{}).Count(&n)
		if n != 1500 {
			t.Fatalf("%d cadres", n)
		}
	})
}
