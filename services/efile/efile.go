// Package efile assembles a cadre's electronic file (干部现实表现电子档案):
// the profile, performance records, finalized appraisals, the integrity
// (flag) summary and the vettings, as JSON and as an Excel workbook.
package efile

import (
	"context"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/appraisal"
	"efile/services/cadre"
	"efile/services/record"

	"gorm.io/gorm"
)

// RecentLimit is how many records the e-file shows inline.
const RecentLimit = 20

// Appraisal is one final grade of the cadre in a finalized cycle.
type Appraisal struct {
	CycleID   int64   `json:"cycle_id"`
	CycleName string  `json:"cycle_name"`
	Kind      string  `json:"kind"`
	Year      int     `json:"year"`
	Score     float64 `json:"score"`
	Grade     string  `json:"grade"`
}

// FlagSummary summarises the flags of the source departments.
type FlagSummary struct {
	Open           int64            `json:"open"`
	BySource       map[string]int64 `json:"by_source"`
	ActiveSanction bool             `json:"active_sanction"`
}

// Flag is one flag as the e-file shows it: never with its reporter.
type Flag struct {
	ID         int64  `json:"id"`
	Source     string `json:"source"`
	Kind       string `json:"kind"`
	Severity   string `json:"severity"`
	Status     string `json:"status"`
	Summary    string `json:"summary"`
	OccurredOn string `json:"occurred_on"`
	Sanction   string `json:"sanction,omitempty"`
}

// Vetting is one stored pre-promotion vetting.
type Vetting struct {
	ID        int64  `json:"id"`
	Purpose   string `json:"purpose"`
	AsOf      string `json:"as_of"`
	Verdict   string `json:"verdict"`
	CheckedBy string `json:"checked_by"`
	CheckedAt string `json:"checked_at"`
}

// File is a cadre's e-file.
type File struct {
	Cadre         *models.Cadre
	IDNumber      string // whole or masked, as the viewer may see it
	RecordCounts  map[string]int64
	RecentRecords []models.Record
	Appraisals    []Appraisal
	FlagSummary   FlagSummary
	Vettings      []Vetting
}

// Service builds e-files.
type Service struct {
	db      *gorm.DB
	cadres  *cadre.Service
	records *record.Service
	grades  *appraisal.Service
	zone    *time.Location
	now     func() time.Time
}

// New builds the service; times in workbooks are shown in zone (EFILE_TZ),
// and now (nil: time.Now) is the clock that dates an export.
func New(db *gorm.DB, cadres *cadre.Service, records *record.Service, grades *appraisal.Service, zone *time.Location, now func() time.Time) *Service {
	if zone == nil {
		zone = time.UTC
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, cadres: cadres, records: records, grades: grades, zone: zone, now: now}
}

// Build assembles the e-file of a cadre in the viewer's scope (404
// otherwise) in a fixed number of queries, whatever the number of records.
func (s *Service) Build(ctx context.Context, viewer *models.User, id int64) (*File, error) {
	accesslog.SetCadre(ctx, id)
	c, err := s.cadres.Get(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	idn, err := s.cadres.IDNumber(viewer, c)
	if err != nil {
		return nil, err
	}
	f := &File{Cadre: c, IDNumber: idn, Appraisals: []Appraisal{}, Vettings: []Vetting{},
		FlagSummary: FlagSummary{BySource: map[string]int64{}}}
	for _, src := range account.Departments() {
		f.FlagSummary.BySource[src] = 0
	}
	if f.RecordCounts, err = s.records.Counts(ctx, id); err != nil {
		return nil, err
	}
	if f.RecentRecords, err = s.records.Recent(ctx, id, RecentLimit); err != nil {
		return nil, err
	}
	grades, err := s.grades.Finalized(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, g := range grades {
		f.Appraisals = append(f.Appraisals, Appraisal{CycleID: g.CycleID, CycleName: g.CycleName, Kind: g.Kind,
			Year: g.Year, Score: g.Score.Float64(), Grade: g.Grade})
	}
	return f, nil
}

// Flags lists the cadre's flags for the workbook (filled in by the flag domain).
func (s *Service) Flags(ctx context.Context, id int64) ([]Flag, error) { return []Flag{}, nil }
