package models_test

import (
	"context"
	"testing"

	"efile/models"
	"efile/services/civil"
	"efile/testenv"
)

// TestAppraisalSchema pins what the appraisal tables promise on both
// databases: a pair is assigned and appraised once, a result is one row per
// cycle and cadre, and a quota of 0 is stored as 0 (no gorm default swaps it).
func TestAppraisalSchema(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	c := models.AppraisalCycle{Name: "2025 年度考核", Kind: "annual", Year: 2025,
		PeriodStart: civil.MustParse("2025-01-01"), PeriodEnd: civil.MustParse("2025-12-31"), ExcellentQuotaPct: 0, CreatedBy: 1}
	if err := models.Get(ctx, db).Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	t.Run("quotaZeroKept_statusDraft_version1", func(t *testing.T) {
		var got models.AppraisalCycle
		if err := db.First(&got, c.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got.ExcellentQuotaPct != 0 || got.Status != "draft" || got.Version != 1 {
			t.Fatalf("stored %+v", got)
		}
	})
	a := models.AppraisalAssignment{CycleID: c.ID, EvaluatorID: 7, CadreID: 9, RaterType: "peer", CreatedBy: 1}
	if err := db.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	t.Run("assignmentTwice_duplicate", func(t *testing.T) {
		err := db.Create(&models.AppraisalAssignment{CycleID: c.ID, EvaluatorID: 7, CadreID: 9, RaterType: "superior", CreatedBy: 1}).Error
		if !models.IsDuplicate(err) {
			t.Fatalf("second assignment of one pair: %v", err)
		}
	})
	ap := models.Appraisal{CycleID: c.ID, AssignmentID: a.ID, EvaluatorID: 7, CadreID: 9, RaterType: "peer",
		Morality: 80, Ability: 80, Diligence: 80, Achievement: 80, Integrity: 80, SubmittedAt: db.NowFunc()}
	if err := db.Create(&ap).Error; err != nil {
		t.Fatal(err)
	}
	t.Run("doubleSubmission_landsOnce", func(t *testing.T) {
		dup := ap
		dup.ID = 0
		if err := db.Create(&dup).Error; !models.IsDuplicate(err) {
			t.Fatalf("second appraisal of one pair: %v", err)
		}
		var n int64
		db.Model(&models.Appraisal{}).Where("cycle_id = ?", c.ID).Count(&n)
		if n != 1 {
			t.Fatalf("%d appraisals", n)
		}
	})
	t.Run("resultTwice_duplicate", func(t *testing.T) {
		r := models.AppraisalResult{CycleID: c.ID, CadreID: 9, Score: 8000, ProposedGrade: "competent", PeerCount: 1}
		if err := db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&r).Error; !models.IsDuplicate(err) {
			t.Fatalf("second result row for one cadre: %v", err)
		}
	})
}
