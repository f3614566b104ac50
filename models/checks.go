package models

import (
	"time"

	"efile/services/civil"
)

// The four checks before a promotion (凡提四必, SPEC section 13). Reviews and
// checks are records: written once, never changed (a correction is a new
// record). An integrity-opinion request changes state once, from pending to
// replied or withdrawn, and is never deleted.
//
// Every table is read by cadre, newest first ((cadre_id, id) indexes); the
// inbox of integrity opinions is read newest first, by status, and by status
// and due date (overdue requests).

// DossierReview is one review of a cadre's personnel dossier (干部人事档案
// 审核: 三龄二历一身份). Conclusion is computed from its findings.
type DossierReview struct {
	ID             int64      `gorm:"primaryKey;index:idx_dossier_reviews_cadre,priority:2"`
	CadreID        int64      `gorm:"not null;index:idx_dossier_reviews_cadre,priority:1"`
	ReviewedOn     civil.Date `gorm:"type:char(10);not null"`
	Conclusion     string     `gorm:"size:20;not null"`
	Note           string     `gorm:"type:text;not null"`
	RecordedBy     int64      `gorm:"not null"`
	RecordedByName string     `gorm:"size:100;not null"` // the reviewer's display name at the time
	RecordedAt     time.Time  `gorm:"precision:6;not null"`
}

// DossierFinding is one item of a review: the primary key makes each item
// appear once in a review.
type DossierFinding struct {
	ReviewID int64  `gorm:"primaryKey;autoIncrement:false"`
	Item     string `gorm:"primaryKey;size:20"`
	Result   string `gorm:"size:20;not null"`
	Note     string `gorm:"type:text;not null"`
}

// PersonalMattersCheck is one check of a cadre's personal-matters report
// (领导干部个人有关事项报告查核).
type PersonalMattersCheck struct {
	ID              int64      `gorm:"primaryKey;index:idx_pm_checks_cadre,priority:2"`
	CadreID         int64      `gorm:"not null;index:idx_pm_checks_cadre,priority:1"`
	Kind            string     `gorm:"size:20;not null"`
	CheckedOn       civil.Date `gorm:"type:char(10);not null"`
	Result          string     `gorm:"size:20;not null"`
	FamilyEmigrated bool       `gorm:"not null;default:false"`
	Note            string     `gorm:"type:text;not null"`
	RecordedBy      int64      `gorm:"not null"`
	RecordedByName  string     `gorm:"size:100;not null"`
	RecordedAt      time.Time  `gorm:"precision:6;not null"`
}

// IntegrityOpinion is a request for the discipline body's integrity opinion
// (党风廉政意见) on a cadre, and its reply once given.
//
// PendingCadreID is CadreID while the request is pending and NULL once it is
// replied or withdrawn: its unique index is the database's guarantee of one
// pending request per cadre, so two concurrent requests end in one insert
// and one duplicate-key error (NULLs never collide, on SQLite or MySQL).
type IntegrityOpinion struct {
	ID              int64      `gorm:"primaryKey;index:idx_opinions_cadre,priority:2;index:idx_opinions_status_id,priority:2"`
	CadreID         int64      `gorm:"not null;index:idx_opinions_cadre,priority:1"`
	PendingCadreID  *int64     `gorm:"uniqueIndex:idx_opinions_pending"`
	Purpose         string     `gorm:"size:20;not null"`
	Note            string     `gorm:"type:text;not null"`
	DueOn           civil.Date `gorm:"type:char(10);not null;index:idx_opinions_status_due,priority:2"`
	Status          string     `gorm:"size:20;not null;index:idx_opinions_status_id,priority:1;index:idx_opinions_status_due,priority:1"`
	RequestedBy     int64      `gorm:"not null"`
	RequestedByName string     `gorm:"size:100;not null"`
	RequestedAt     time.Time  `gorm:"precision:6;not null"`
	// The reply: Conclusion and RepliedAt are nil, the texts empty, before.
	Conclusion    *string    `gorm:"size:30"`
	Text          string     `gorm:"type:text;not null"`
	SignedBy      string     `gorm:"size:50;not null"`
	RepliedBy     *int64     //
	RepliedByName *string    `gorm:"size:100"`
	RepliedAt     *time.Time `gorm:"precision:6"`
	Late          bool       `gorm:"not null;default:false"` // replied after due_on, fixed at the reply
	WithdrawnBy   *int64     //
	WithdrawnAt   *time.Time `gorm:"precision:6"`
}

// IntegrityOpinionFlag is a flag of the discipline department that a reply
// relies on.
type IntegrityOpinionFlag struct {
	OpinionID int64 `gorm:"primaryKey;autoIncrement:false"`
	FlagID    int64 `gorm:"primaryKey;autoIncrement:false"`
}
