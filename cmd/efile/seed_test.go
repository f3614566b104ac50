package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"efile/models"
	"efile/services/datakey"
	"efile/services/idnumber"
	"efile/services/record"
	"efile/testenv"

	"gorm.io/gorm"
)

const testDataKey = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="

func seedInto(t *testing.T, args ...string) (*gorm.DB, error) {
	t.Helper()
	db, driver, dsn := testenv.DB(t)
	t.Setenv("EFILE_DB_DRIVER", driver)
	t.Setenv("EFILE_DB_DSN", dsn)
	t.Setenv("EFILE_JWT_SECRET", strings.Repeat("j", 32))
	t.Setenv("EFILE_DATA_KEY", testDataKey)
	return db, seedCmd(context.Background(), io.Discard, append([]string{"--quiet"}, args...))
}

func fingerprint(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT id, name, gender, birth_date, id_number_hash, unit_id FROM cadres ORDER BY id",
		"SELECT id, cadre_id, occurred_on, category, content FROM records ORDER BY id",
		"SELECT id, cadre_id, source, kind, status, sanction_type FROM flags ORDER BY id",
		"SELECT cycle_id, cadre_id, score, final_grade FROM appraisal_results ORDER BY cycle_id, cadre_id",
	} {
		var rows []map[string]any
		if err := db.Raw(q).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(&b, rows)
	}
	return b.String()
}

// The same --seed gives the same people, records, flags and results; every
// ID number is valid and agrees with the birth date and gender; every record
// category and flag kind occurs; sanctions carry their decision and period.
func TestSeed(t *testing.T) {
	args := []string{"--cadres", "120", "--records-per-cadre", "6", "--flags", "30", "--cycles", "2", "--seed", "42"}
	a, err := seedInto(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := seedInto(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	if fa, fb := fingerprint(t, a), fingerprint(t, b); fa != fb {
		t.Fatal("two seeds with --seed 42 differ")
	}
	raw, _ := base64.StdEncoding.DecodeString(testDataKey)
	keys, err := datakey.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	var cadres []models.Cadre
	a.Find(&cadres)
	if len(cadres) != 120 {
		t.Fatalf("%d cadres", len(cadres))
	}
	for _, c := range cadres {
		plain, err := keys.Open(c.IDNumberEnc)
		if err != nil {
			t.Fatal(err)
		}
		id := string(plain)
		if err := idnumber.Check(id, c.BirthDate); err != nil {
			t.Fatalf("cadre %d: %s: %v", c.ID, id, err)
		}
		if male := (id[16]-'0')%2 == 1; male != (c.Gender == "male") || keys.Lookup(id) != c.IDNumberHash {
			t.Fatalf("cadre %d: %s does not agree with %s or its hash", c.ID, id, c.Gender)
		}
	}
	var n int64
	a.Model(&models.Record{}).Count(&n)
	if n != 720 {
		t.Fatalf("%d records", n)
	}
	var cats, kinds []string
	a.Model(&models.Record{}).Distinct("category").Pluck("category", &cats)
	a.Model(&models.Flag{}).Distinct("kind").Pluck("kind", &kinds)
	if len(cats) != len(record.Categories()) || len(kinds) != 6 {
		t.Fatalf("categories %v, kinds %v", cats, kinds)
	}
	a.Model(&models.Flag{}).Where("kind = 'sanction' AND (sanction_type IS NULL OR decided_on IS NULL)").Count(&n)
	if n != 0 {
		t.Fatalf("%d sanctions without a type or decision date", n)
	}
	a.Model(&models.AppraisalResult{}).Count(&n)
	if n != 240 {
		t.Fatalf("%d results", n)
	}
}

// A database that already holds cadres is refused (exit 2) unless --force.
func TestSeed2_refusesPopulated(t *testing.T) {
	db, err := seedInto(t, "--cadres", "5", "--records-per-cadre", "1")
	if err != nil {
		t.Fatal(err)
	}
	err = seedCmd(context.Background(), io.Discard, []string{"--quiet", "--cadres", "5"})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("err %v, want exit 2", err)
	}
	if err := seedCmd(context.Background(), io.Discard, []string{"--quiet", "--cadres", "5", "--force", "--seed", "9"}); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.Cadre{}).Count(&n)
	if n != 10 {
		t.Fatalf("%d cadres after --force, want 10", n)
	}
}
