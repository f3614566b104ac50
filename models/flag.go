package models

import (
	"time"

	"efile/services/civil"
)

// Flag is one flag a source department raised on a cadre (SPEC section 8).
// The sanction fields are set only for kind sanction, PetitionType only for
// petitions. ReporterEnc is who reported, sealed with the data key: only the
// source department may read it, never reviewers or exports.
//
// The indexes serve the three ways flags are read: a cadre's open flags
// (vetting, appraisal, the flag summary), a department's flags by status,
// and a department's list newest first; (status, id) and (kind, id) serve
// a reviewer's list filtered by status or kind alone, newest first;
// (source, cadre_id) an auditor's list of one cadre.
type Flag struct {
	ID             int64       `gorm:"primaryKey;index:idx_flags_source_id,priority:2;index:idx_flags_status_id,priority:2;index:idx_flags_kind_id,priority:2"`
	CadreID        int64       `gorm:"not null;index:idx_flags_cadre_status,priority:1;index:idx_flags_source_cadre,priority:2"`
	Source         string      `gorm:"size:20;not null;index:idx_flags_source_status,priority:1;index:idx_flags_source_id,priority:1;index:idx_flags_source_cadre,priority:1"`
	Kind           string      `gorm:"size:20;not null;index:idx_flags_kind_id,priority:1"`
	Severity       string      `gorm:"size:10;not null"`
	Summary        string      `gorm:"size:200;not null"`
	Detail         string      `gorm:"type:text;not null"`
	OccurredOn     civil.Date  `gorm:"type:char(10);not null"`
	PetitionType   *string     `gorm:"size:20"`
	Specific       bool        `gorm:"column:is_specific;not null;default:false"` // a report naming concrete facts (凡提必查); report petitions only
	ReporterEnc    []byte      `gorm:"type:blob"`
	SanctionType   *string     `gorm:"size:30"`
	DecidedOn      *civil.Date `gorm:"type:char(10)"`
	PeriodMonths   *int        // as the decision states it; nil: the type's default
	InfluenceUntil *civil.Date `gorm:"type:char(10)"` // nil: no end, or no sanction
	SanctionBasis  *string     `gorm:"type:text"`     // the decision's basis, as filed
	Status         string      `gorm:"size:20;not null;index:idx_flags_cadre_status,priority:2;index:idx_flags_source_status,priority:2;index:idx_flags_status_id,priority:1"`
	// Responsibility: direct, leadership or none, for audit and inspection
	// findings; AuditType for audit findings only (SPEC 8).
	Responsibility *string `gorm:"size:20"`
	AuditType      *string `gorm:"size:30"`
	// FeedbackOn is the day a finding was fed back (or the audit decision
	// served), from which rectification runs; RectifiedOn the day it was
	// rectified, recorded when the finding is resolved.
	FeedbackOn  *civil.Date `gorm:"type:char(10)"`
	RectifiedOn *civil.Date `gorm:"type:char(10)"`
	// OutcomeForm is the 四种形态 (1–4) a closed clue or investigation states.
	OutcomeForm *int
	// MeasureType and MeasureDecidedOn are a measure flag's (提醒谈话 and the
	// like): set for kind measure only.
	MeasureType      *string     `gorm:"size:30"`
	MeasureDecidedOn *civil.Date `gorm:"type:char(10)"`
	Version          int         `gorm:"not null;default:1"`
	CreatedBy        int64       `gorm:"not null"`
	CreatedAt        time.Time   `gorm:"precision:6"`
	UpdatedAt        time.Time   `gorm:"precision:6"`
}

// FlagEvent is one change of a flag's status, kept for its history: who,
// when, from, to and why. Events are only ever added.
type FlagEvent struct {
	ID         int64     `gorm:"primaryKey;index:idx_flag_events_flag,priority:2"`
	FlagID     int64     `gorm:"not null;index:idx_flag_events_flag,priority:1"`
	ActorID    int64     `gorm:"not null"`
	At         time.Time `gorm:"precision:6;not null"`
	FromStatus string    `gorm:"size:20;not null"`
	ToStatus   string    `gorm:"size:20;not null"`
	Note       string    `gorm:"type:text;not null"`
}

// SanctionChange is one review of a sanction (复审、复核、申诉, SPEC 8): a
// revocation or a modification, with who, when, the review's own decision
// day and its basis. Type, period and influence_until are kept as they were
// before and after, so the flag's history tells the whole story. Changes are
// only ever added.
type SanctionChange struct {
	ID                 int64      `gorm:"primaryKey;index:idx_sanction_changes_flag,priority:2"`
	FlagID             int64      `gorm:"not null;index:idx_sanction_changes_flag,priority:1"`
	Action             string     `gorm:"size:10;not null"` // revoke | modify
	DecidedOn          civil.Date `gorm:"type:char(10);not null"`
	Basis              string     `gorm:"type:text;not null"`
	FromType           string     `gorm:"size:30;not null"`
	ToType             string     `gorm:"size:30;not null"`
	FromPeriodMonths   *int
	ToPeriodMonths     *int
	FromInfluenceUntil *civil.Date `gorm:"type:char(10)"`
	ToInfluenceUntil   *civil.Date `gorm:"type:char(10)"`
	ActorID            int64       `gorm:"not null"`
	At                 time.Time   `gorm:"precision:6;not null"`
}
