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
	"efile/services"
	"efile/services/appraisal"
	"efile/services/datakey"
	"efile/services/flag"
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
	t.Setenv("EFILE_ADMIN_PASSWORD", "the-first-admin-password")
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
	if len(cats) != len(record.Categories()) || len(kinds) != len(flag.Kinds()) {
		t.Fatalf("categories %v, kinds %v", cats, kinds)
	}
	a.Model(&models.Flag{}).Where("kind = 'sanction' AND (sanction_type IS NULL OR decided_on IS NULL OR status <> 'in_effect')").Count(&n)
	if n != 0 {
		t.Fatalf("%d sanctions without a type or decision date, or not in effect", n)
	}
	// Each department filed only what it decides (SPEC 8).
	var filed []models.Flag
	a.Model(&models.Flag{}).Select("source, kind, sanction_type, petition_type").Find(&filed)
	for _, f := range filed {
		in := flag.New{Kind: f.Kind, PetitionType: f.PetitionType}
		if f.SanctionType != nil {
			in.Sanction = &flag.NewSanction{Type: *f.SanctionType}
		}
		if err := flag.CheckFiling(f.Source, &in); err != nil {
			t.Fatalf("seeded flag: %v", err)
		}
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

// The seeded results are what the application computes from the seeded
// appraisals: each seeded cycle is copied (its kind, year and quota, the
// same assignments and appraisals) into an open cycle, which the appraisal
// service closes and finalizes; every seeded result (score, proposed and
// final grade, reasons, rater counts, missing) equals the copy's. Scores
// are 0–100 in hundredths, the excellent grades within the quota, and the
// data shows every grade, both bars, and the quota at work.
func TestSeedResultsAsClosed(t *testing.T) {
	db, err := seedInto(t, "--cadres", "300", "--records-per-cadre", "1", "--flags", "60", "--cycles", "3", "--seed", "5")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(testDataKey)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := services.New(db, services.Config{JWTSecret: []byte(strings.Repeat("j", 32)), DataKey: raw})
	if err != nil {
		t.Fatal(err)
	}
	var cycles []models.AppraisalCycle
	if err := db.Where("status = ?", appraisal.StatusFinalized).Order("id").Find(&cycles).Error; err != nil {
		t.Fatal(err)
	}
	if len(cycles) != 3 {
		t.Fatalf("%d finalized cycles, want 3", len(cycles))
	}
	ctx := context.Background()
	reviewer := &models.User{ID: 1}
	seen := map[string]bool{}
	for _, c := range cycles {
		cp := copyCycle(t, db, c)
		if _, err := svc.Appraisals.Close(ctx, reviewer, cp); err != nil {
			t.Fatalf("close the copy of cycle %d: %v", c.ID, err)
		}
		if _, err := svc.Appraisals.Finalize(ctx, reviewer, cp, nil); err != nil {
			t.Fatalf("finalize the copy of cycle %d: %v", c.ID, err)
		}
		seeded, computed := resultsOf(t, db, c.ID), resultsOf(t, db, cp)
		if len(seeded) != 300 || len(computed) != len(seeded) {
			t.Fatalf("cycle %d: %d seeded results, %d computed; want 300", c.ID, len(seeded), len(computed))
		}
		appraised, top := 0, 0
		for i, got := range seeded {
			want := computed[i]
			want.CycleID = got.CycleID
			if got != want {
				t.Fatalf("cycle %d, cadre %d: seeded %+v, computed %+v", c.ID, got.CadreID, got, want)
			}
			switch {
			case got.Missing:
				seen["missing"] = true
				continue
			case got.Score < 0 || got.Score > 10000:
				t.Fatalf("cycle %d, cadre %d: score %s outside 0-100", c.ID, got.CadreID, appraisal.Score(got.Score))
			case got.FinalGrade == appraisal.GradeExcellent:
				top++
			case got.Score >= 9000 && got.Reasons == "":
				seen["quota binds"] = true // 90 or more, no bar, not excellent
			}
			appraised++
			seen[got.FinalGrade] = true
			for _, r := range strings.Split(got.Reasons, ",") {
				if r != "" {
					seen[r] = true
				}
			}
		}
		if q := appraisal.Quota(c.ExcellentQuotaPct, appraised); top > q || top == 0 {
			t.Fatalf("cycle %d: %d excellent of %d appraised, quota %d%% allows %d", c.ID, top, appraised, c.ExcellentQuotaPct, q)
		}
	}
	for _, want := range append(appraisal.Grades(appraisal.KindAnnual), "missing", "quota binds",
		appraisal.ReasonSanctionInPeriod, appraisal.ReasonUnderInvestigation) {
		if !seen[want] {
			t.Errorf("no seeded result shows %s", want)
		}
	}
}

// copyCycle copies cycle c, open, with its assignments and appraisals, and
// returns the copy's id.
func copyCycle(t *testing.T, db *gorm.DB, c models.AppraisalCycle) int64 {
	t.Helper()
	cp := models.AppraisalCycle{Name: c.Name + "（复算）", Kind: c.Kind, Year: c.Year, PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd,
		ExcellentQuotaPct: c.ExcellentQuotaPct, Status: appraisal.StatusOpen, Version: 1, CreatedBy: 1}
	if err := db.Create(&cp).Error; err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO appraisal_assignments (cycle_id, evaluator_id, cadre_id, rater_type, created_by, created_at)
		 SELECT ?, evaluator_id, cadre_id, rater_type, created_by, created_at FROM appraisal_assignments WHERE cycle_id = ?`,
		`INSERT INTO appraisals (cycle_id, assignment_id, evaluator_id, cadre_id, rater_type, morality, ability, diligence,
		   achievement, integrity, comment, version, submitted_at, updated_at)
		 SELECT n.cycle_id, n.id, a.evaluator_id, a.cadre_id, a.rater_type, a.morality, a.ability, a.diligence,
		   a.achievement, a.integrity, a.comment, a.version, a.submitted_at, a.updated_at
		 FROM appraisals a JOIN appraisal_assignments n ON n.cycle_id = ? AND n.evaluator_id = a.evaluator_id AND n.cadre_id = a.cadre_id
		 WHERE a.cycle_id = ?`,
	} {
		if err := db.Exec(q, cp.ID, c.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	return cp.ID
}

// resultsOf reads a cycle's results by cadre, without who overrode them.
func resultsOf(t *testing.T, db *gorm.DB, cycle int64) []models.AppraisalResult {
	t.Helper()
	var rs []models.AppraisalResult
	if err := db.Where("cycle_id = ?", cycle).Order("cadre_id").Find(&rs).Error; err != nil {
		t.Fatal(err)
	}
	for i := range rs {
		rs[i].OverriddenBy, rs[i].OverriddenAt = nil, nil
	}
	return rs
}

// The seed writes the four checks' records as the application reads them:
// the checklist of a cadre with a seeded review shows it with its six
// items, reporting subjects are the cadres of 副处级 and above, and every
// seeded opinion is either pending (holding its cadre's pending slot) or
// replied with a conclusion.
func TestSeedChecks(t *testing.T) {
	db, err := seedInto(t, "--cadres", "200", "--records-per-cadre", "1", "--flags", "10", "--cycles", "1", "--seed", "7")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(testDataKey)
	svc, err := services.New(db, services.Config{JWTSecret: []byte(strings.Repeat("j", 32)), DataKey: raw})
	if err != nil {
		t.Fatal(err)
	}
	var reviewed, opinions, matters int64
	db.Model(&models.DossierReview{}).Count(&reviewed)
	db.Model(&models.IntegrityOpinion{}).Count(&opinions)
	db.Model(&models.PersonalMattersCheck{}).Count(&matters)
	if reviewed < 30 || opinions < 5 || matters < 5 {
		t.Fatalf("%d reviews, %d opinions, %d personal-matters checks: want some of each among 200 cadres", reviewed, opinions, matters)
	}
	var wrong int64
	db.Model(&models.Cadre{}).Where("reports_personal_matters = ? AND `rank` NOT IN ?", true, []string{"正处级", "副处级"}).Count(&wrong)
	if wrong != 0 {
		t.Fatalf("%d reporting subjects below 副处级", wrong)
	}
	db.Model(&models.PersonalMattersCheck{}).Where("cadre_id NOT IN (SELECT id FROM cadres WHERE reports_personal_matters = ?)", true).Count(&wrong)
	if wrong != 0 {
		t.Fatalf("%d personal-matters checks of cadres who report none", wrong)
	}
	db.Model(&models.IntegrityOpinion{}).Where("(status = 'pending' AND (pending_cadre_id IS NULL OR pending_cadre_id <> cadre_id OR conclusion IS NOT NULL))" +
		" OR (status = 'replied' AND (pending_cadre_id IS NOT NULL OR conclusion IS NULL OR replied_at IS NULL))").Count(&wrong)
	if wrong != 0 {
		t.Fatalf("%d opinions neither cleanly pending nor replied", wrong)
	}
	var r models.DossierReview
	if err := db.Order("id").First(&r).Error; err != nil {
		t.Fatal(err)
	}
	reviewer := &models.User{ID: 1, Roles: []models.UserRole{{UserID: 1, Role: "org_reviewer"}}}
	list, err := svc.Checks.Checklist(context.Background(), reviewer, r.CadreID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Reviews) != 1 || list.Reviews[0].ID != r.ID || len(list.Reviews[0].Findings) != 6 || list.Reviews[0].Conclusion != "pass" {
		t.Fatalf("the checklist of cadre %d shows %+v, want the seeded review %d with six items, passed", r.CadreID, list.Reviews, r.ID)
	}
}
