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
	"efile/services/checks"
	"efile/services/civil"
	"efile/services/flag"
	"efile/services/profile"
	"efile/services/record"
	"efile/services/vetting"

	"gorm.io/gorm"
)

// RecentLimit is how many records the e-file shows inline.
const RecentLimit = 20

// Appraisal is one final grade of the cadre in a finalized cycle.
type Appraisal struct {
	CycleID   int64
	CycleName string
	Kind      string
	Year      int
	Score     float64
	Grade     string
	// Regraded is the regrade (补定等次) that gave Grade, or nil.
	Regraded *appraisal.Regraded
}

// FlagSummary summarises the flags of the source departments.
type FlagSummary struct {
	Open           int64
	BySource       map[string]int64
	ActiveSanction bool
}

// VettingLimit is how many vettings the e-file shows, newest first.
const VettingLimit = 5

// Flag is one flag as the e-file shows it: never with its reporter.
type Flag struct {
	ID             int64
	Source         string
	Kind           string
	Severity       string
	Status         string
	Summary        string
	OccurredOn     civil.Date
	Sanction       string
	DecidedOn      civil.Date // no date without a sanction
	InfluenceUntil civil.Date // no date: no end, or no sanction
	// A measure's type and day; a finding's responsibility and audit type
	// (empty for other kinds).
	Measure          string
	MeasureDecidedOn civil.Date
	Responsibility   string
	AuditType        string
}

// Vetting is one stored pre-promotion vetting, as the vetting routes show
// it, with the reviewer's name for the workbook.
type Vetting struct {
	ID            int64
	CadreID       int64
	Purpose       string
	AsOf          civil.Date
	Verdict       string
	Reasons       []vetting.Reason
	CadreName     string
	CheckedBy     int64
	CheckedByName string
	CheckedAt     time.Time
	// What it relied on (SPEC 9).
	BecomesReportingSubject bool
	Basis                   vetting.Basis
}

// File is a cadre's e-file.
type File struct {
	Cadre         *models.Cadre
	IDNumber      string // whole or masked, as the viewer may see it
	Profile       *profile.Profile
	RecordCounts  map[string]int64
	RecentRecords []models.Record
	Appraisals    []Appraisal
	FlagSummary   FlagSummary
	Vettings      []Vetting
	// Checks is the newest record of each of the four checks (SPEC 10, 13).
	Checks checks.Latest
}

// Service builds e-files.
type Service struct {
	db      *gorm.DB
	cadres  *cadre.Service
	records *record.Service
	grades  *appraisal.Service
	zone    *time.Location
	now     func() time.Time
	// flags and vettings fill the integrity sections (SPEC 8, 9); nil
	// leaves them empty.
	flags    *flag.Service
	vettings *vetting.Service
	// profiles fills the profile (SPEC 16); nil leaves it empty.
	profiles *profile.Service
	// checks fills the four checks (SPEC 13); nil leaves them empty.
	checks *checks.Service
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

// WithIntegrity gives the e-file its flag summary, its flags (廉政情况) and
// its vettings (审核记录), and returns s.
func (s *Service) WithIntegrity(flags *flag.Service, vettings *vetting.Service) *Service {
	s.flags, s.vettings = flags, vettings
	return s
}

// WithProfiles gives the e-file the cadre's profile, resume and family
// (SPEC 16), and returns s.
func (s *Service) WithProfiles(p *profile.Service) *Service {
	s.profiles = p
	return s
}

// WithChecks gives the e-file the four checks of SPEC 13 (the newest of
// each, and all of them in 审核记录), and returns s.
func (s *Service) WithChecks(c *checks.Service) *Service {
	s.checks = c
	return s
}

// Build assembles the e-file of a cadre in the viewer's scope (404
// otherwise) in a fixed number of queries, whatever the number of records.
func (s *Service) Build(ctx context.Context, viewer *models.User, id int64) (*File, error) {
	return s.build(ctx, viewer, id, true)
}

// build is Build; latest false leaves Checks empty (the workbook lists
// every check instead).
func (s *Service) build(ctx context.Context, viewer *models.User, id int64, latest bool) (*File, error) {
	accesslog.SetCadre(ctx, id)
	c, err := s.cadres.Get(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	idn, err := s.cadres.IDNumber(viewer, c)
	if err != nil {
		return nil, err
	}
	f := &File{Cadre: c, IDNumber: idn, Profile: profile.Empty(), Appraisals: []Appraisal{}, Vettings: []Vetting{},
		FlagSummary: FlagSummary{BySource: map[string]int64{}}}
	if s.profiles != nil {
		if f.Profile, err = s.profiles.Load(ctx, id); err != nil {
			return nil, err
		}
	}
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
			Year: g.Year, Score: g.Score.Float64(), Grade: g.Grade, Regraded: g.Regrade()})
	}
	if err := s.integrity(ctx, f, id); err != nil {
		return nil, err
	}
	if s.checks != nil && latest {
		l, err := s.checks.Latest(ctx, id)
		if err != nil {
			return nil, err
		}
		f.Checks = *l
	}
	return f, nil
}

// integrity fills the flag summary (counts only, one grouped query) and
// the newest vettings (one query) of a cadre Build has scoped.
func (s *Service) integrity(ctx context.Context, f *File, id int64) error {
	if s.flags != nil {
		sum, err := s.flags.Counts(ctx, id)
		if err != nil {
			return err
		}
		f.FlagSummary = FlagSummary{Open: sum.Open, BySource: sum.BySource, ActiveSanction: sum.ActiveSanction}
	}
	if s.vettings != nil {
		rs, err := s.vettings.Recent(ctx, id, VettingLimit)
		if err != nil {
			return err
		}
		for _, r := range rs {
			f.Vettings = append(f.Vettings, Vetting{ID: r.ID, CadreID: r.CadreID, CadreName: f.Cadre.Name, Purpose: r.Purpose, AsOf: r.AsOf,
				Verdict: r.Verdict, Reasons: r.Reasons, CheckedBy: r.CheckedBy, CheckedByName: r.CheckedByName,
				CheckedAt: r.CheckedAt.UTC(), BecomesReportingSubject: r.BecomesReportingSubject,
				Basis: vetting.Basis{DossierReviewID: r.BasisDossierReviewID,
					PersonalMattersCheckID: r.BasisPersonalMattersCheckID, IntegrityOpinionID: r.BasisIntegrityOpinionID}})
		}
	}
	return nil
}

// Flags lists the cadre's flags for the workbook, newest first, without
// their reporters (the query does not read them).
func (s *Service) Flags(ctx context.Context, id int64) ([]Flag, error) {
	out := []Flag{}
	if s.flags == nil {
		return out, nil
	}
	rows, err := s.flags.ForWorkbook(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, Flag{ID: r.ID, Source: r.Source, Kind: r.Kind, Severity: r.Severity, Status: r.Status,
			Summary: r.Summary, OccurredOn: r.OccurredOn, Sanction: deref(r.SanctionType), DecidedOn: deref(r.DecidedOn),
			InfluenceUntil: deref(r.InfluenceUntil), Measure: deref(r.MeasureType), MeasureDecidedOn: deref(r.MeasureDecidedOn),
			Responsibility: deref(r.Responsibility), AuditType: deref(r.AuditType)})
	}
	return out, nil
}
