package models

import (
	"time"

	"efile/services/civil"
)

// AppraisalCycle is one appraisal (考核) round: its kind, period and quota.
// Status moves draft → open → closed → finalized and never back.
//
// ExcellentQuotaPct carries no gorm default on purpose: gorm writes a
// column's default in place of a zero value, and 0 is a valid quota (no
// cadre may be excellent). The service applies the SPEC's default of 20.
type AppraisalCycle struct {
	ID   int64  `gorm:"primaryKey"`
	Name string `gorm:"size:100;not null"`
	// Kind, Status and Year lead the index that vetting's "newest finalized
	// annual cycle of year Y or later" reads.
	Kind              string     `gorm:"size:16;not null;index:idx_cycles_kind_status_year,priority:1"`
	Year              int        `gorm:"not null;index:idx_cycles_kind_status_year,priority:3"`
	PeriodStart       civil.Date `gorm:"type:char(10);not null"`
	PeriodEnd         civil.Date `gorm:"type:char(10);not null"`
	ExcellentQuotaPct int        `gorm:"not null"`
	Status            string     `gorm:"size:16;not null;default:draft;index;index:idx_cycles_kind_status_year,priority:2"`
	Version           int        `gorm:"not null;default:1"`
	CreatedBy         int64      `gorm:"not null"`
	CreatedAt         time.Time  `gorm:"precision:6"`
	UpdatedAt         time.Time  `gorm:"precision:6"`
	ClosedAt          *time.Time `gorm:"precision:6"`
	FinalizedAt       *time.Time `gorm:"precision:6"`
	FinalizedBy       *int64
}

// AppraisalAssignment gives one evaluator the right to appraise one cadre in
// one cycle, as one rater type. The unique index makes a pair assignable
// once, so two concurrent assignments end in one success and one conflict.
type AppraisalAssignment struct {
	ID int64 `gorm:"primaryKey"`
	// (cycle_id, evaluator_id, cadre_id) is unique; its cycle_id prefix
	// serves the cycle's list of assignments.
	CycleID int64 `gorm:"not null;uniqueIndex:idx_assignments_pair,priority:1;index:idx_assignments_evaluator,priority:2;index:idx_assignments_cycle_cadre,priority:1"`
	// (evaluator_id, cycle_id) serves an evaluator's own list.
	EvaluatorID int64 `gorm:"not null;uniqueIndex:idx_assignments_pair,priority:2;index:idx_assignments_evaluator,priority:1"`
	// (cycle_id, cadre_id) serves progress per unit and the missing list.
	CadreID   int64     `gorm:"not null;uniqueIndex:idx_assignments_pair,priority:3;index:idx_assignments_cycle_cadre,priority:2"`
	RaterType string    `gorm:"size:16;not null"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"precision:6"`
}

// Appraisal is one evaluator's scores (德能勤绩廉, integers 0–100) for one
// cadre. The unique (cycle_id, evaluator_id, cadre_id) makes a double
// submission land once; the unique assignment_id says the same from the
// assignment's side.
type Appraisal struct {
	ID           int64  `gorm:"primaryKey"`
	CycleID      int64  `gorm:"not null;uniqueIndex:idx_appraisals_pair,priority:1;index:idx_appraisals_cycle_cadre,priority:1"`
	AssignmentID int64  `gorm:"not null;uniqueIndex"`
	EvaluatorID  int64  `gorm:"not null;uniqueIndex:idx_appraisals_pair,priority:2"`
	CadreID      int64  `gorm:"not null;uniqueIndex:idx_appraisals_pair,priority:3;index:idx_appraisals_cycle_cadre,priority:2"`
	RaterType    string `gorm:"size:16;not null"`
	Morality     int    `gorm:"not null"`
	Ability      int    `gorm:"not null"`
	Diligence    int    `gorm:"not null"`
	Achievement  int    `gorm:"not null"`
	Integrity    int    `gorm:"not null"`
	// Comment is at most 2000 characters; text, as utf8mb4 could need 8000 bytes.
	Comment     string    `gorm:"type:text;not null"`
	Version     int       `gorm:"not null;default:1"`
	SubmittedAt time.Time `gorm:"precision:6;not null"`
	UpdatedAt   time.Time `gorm:"precision:6"`
}

// AppraisalResult is one cadre's result in one cycle, written at close
// (proposed) and completed at finalize. Score is in hundredths (7969 is
// 79.69), exact after the single rounding. A cadre assigned but never
// appraised has a row with Missing set and no score or grade.
type AppraisalResult struct {
	CycleID int64 `gorm:"primaryKey;autoIncrement:false"`
	// The cadre_id index serves the e-file's and vetting's look-up of one
	// cadre's results across cycles.
	CadreID       int64  `gorm:"primaryKey;autoIncrement:false;index"`
	Score         int64  `gorm:"not null"`
	ProposedGrade string `gorm:"size:20;not null"`
	// FinalGrade is empty until the cycle is finalized.
	FinalGrade string `gorm:"size:20;not null"`
	// Reasons is comma-joined: quota_tie, sanction_in_period, under_investigation.
	Reasons          string `gorm:"size:255;not null"`
	SuperiorCount    int    `gorm:"not null"`
	PeerCount        int    `gorm:"not null"`
	SubordinateCount int    `gorm:"not null"`
	Missing          bool   `gorm:"not null"`
	OverrideReason   string `gorm:"type:text;not null"`
	OverriddenBy     *int64
	OverriddenAt     *time.Time `gorm:"precision:6"`
	// A regrade (补定等次, SPEC 7): the grade the cadre had (ungraded) before
	// FinalGrade was set once their investigation ended, why, who and when.
	RegradedFrom  *string `gorm:"size:20"`
	RegradeReason *string `gorm:"type:text"`
	RegradedBy    *int64
	RegradedAt    *time.Time `gorm:"precision:6"`
}
