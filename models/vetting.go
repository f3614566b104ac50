package models

import (
	"encoding/json"
	"time"

	"efile/services/civil"
)

// Vetting is one pre-promotion vetting (SPEC section 9), stored as it was
// given and never changed. Reasons is the JSON array of reasons
// ([{rule, message, flag_id?, cycle_id?, check_id?}]) exactly as answered.
// The Basis columns are the check records of SPEC section 13 the vetting
// relied on (nil where none, and for purposes that need no checks).
type Vetting struct {
	ID        int64      `gorm:"primaryKey;index:idx_vettings_cadre,priority:2"`
	CadreID   int64      `gorm:"not null;index:idx_vettings_cadre,priority:1"`
	Purpose   string     `gorm:"size:20;not null"`
	AsOf      civil.Date `gorm:"type:char(10);not null"`
	Verdict   string     `gorm:"size:10;not null"`
	Reasons   string     `gorm:"type:text;not null"`
	CheckedBy int64      `gorm:"not null"`
	CheckedAt time.Time  `gorm:"precision:6;not null"`

	BecomesReportingSubject     bool `gorm:"not null;default:false"`
	BasisDossierReviewID        *int64
	BasisPersonalMattersCheckID *int64
	BasisIntegrityOpinionID     *int64
}

// VettingReason is one reason as Vetting.Reasons stores it: the layout of
// the column's JSON array, which stored rows keep for ever (a vetting is
// shown as it was answered), so it is written here once, beside the table,
// and never by the API's types.
type VettingReason struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
	FlagID  *int64 `json:"flag_id,omitempty"`
	CycleID *int64 `json:"cycle_id,omitempty"`
	CheckID *int64 `json:"check_id,omitempty"` // a dossier review, a personal-matters check or an opinion request
}

// EncodeReasons is the column value of reasons.
func EncodeReasons(reasons []VettingReason) (string, error) {
	if reasons == nil {
		reasons = []VettingReason{}
	}
	b, err := json.Marshal(reasons)
	return string(b), err
}

// DecodeReasons reads a Reasons column.
func DecodeReasons(s string) ([]VettingReason, error) {
	var out []VettingReason
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	return out, nil
}
