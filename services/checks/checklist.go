package checks

import (
	"cmp"
	"context"
	"slices"
	"time"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/flag"
)

// ChecklistLimit is how many records of each kind the checklist shows,
// newest first; the lists of each kind page through them all.
const ChecklistLimit = 20

// SpecificReport is an open report petition naming concrete facts (凡提必查):
// vetting blocks a promotion while one is open.
type SpecificReport struct {
	FlagID     int64
	Source     string
	Status     string
	OccurredOn civil.Date
}

// Checklist is what stands before a promotion (SPEC 13): the cadre's
// reviews, checks and requests, newest first, and the open specific reports;
// with whether the cadre reports personal matters and the validity windows,
// so that a reader judges "valid" as vetting does.
type Checklist struct {
	CadreID                int64
	ReportsPersonalMatters bool
	Windows                Config
	Reviews                []Review
	Matters                []MattersCheck
	Opinions               []Opinion
	OpenSpecificReports    []SpecificReport
}

// Checklist reads the checklist of a cadre the reviewer may vet (404
// otherwise), in a fixed number of queries.
func (s *Service) Checklist(ctx context.Context, viewer *models.User, cadreID int64) (*Checklist, error) {
	c, err := s.cadres.Find(ctx, viewer, authz.CadreVet, cadreID)
	if err != nil {
		return nil, err
	}
	out := &Checklist{CadreID: cadreID, ReportsPersonalMatters: c.ReportsPersonalMatters, Windows: s.cfg, OpenSpecificReports: []SpecificReport{}}
	if out.Reviews, out.Matters, out.Opinions, err = s.records(ctx, cadreID, ChecklistLimit); err != nil {
		return nil, err
	}
	db := models.Get(ctx, s.db)
	// The cadre's open flags by (cadre_id, status), the specific reports
	// kept here: SQLite would otherwise search by kind, every petition of
	// the city (routes/plan_test.go).
	var fs []models.Flag
	err = db.Model(&models.Flag{}).Select("id, source, kind, petition_type, is_specific, status, occurred_on").
		Where("cadre_id = ? AND status IN ?", cadreID, flag.OpenStatuses()).Find(&fs).Error
	if err != nil {
		return nil, err
	}
	slices.SortFunc(fs, func(a, b models.Flag) int { return cmp.Compare(b.ID, a.ID) })
	for _, f := range fs {
		if f.Kind == flag.KindPetition && f.PetitionType != nil && *f.PetitionType == flag.PetitionReport && f.Specific {
			out.OpenSpecificReports = append(out.OpenSpecificReports,
				SpecificReport{FlagID: f.ID, Source: f.Source, Status: f.Status, OccurredOn: f.OccurredOn})
		}
	}
	return out, nil
}

// Latest is the newest record of each kind (nil where none), for the
// e-file.
type Latest struct {
	Review  *Review
	Matters *MattersCheck
	Opinion *Opinion
}

// Latest reads the newest review, check and request of a cadre whose scope
// the caller has checked (the e-file), in the queries of records.
func (s *Service) Latest(ctx context.Context, cadreID int64) (*Latest, error) {
	rs, ms, ops, err := s.records(ctx, cadreID, 1)
	if err != nil {
		return nil, err
	}
	out := &Latest{}
	if len(rs) > 0 {
		out.Review = &rs[0]
	}
	if len(ms) > 0 {
		out.Matters = &ms[0]
	}
	if len(ops) > 0 {
		out.Opinion = &ops[0]
	}
	return out, nil
}

// All lists every review, check and request of a cadre whose scope the
// caller has checked, newest first, for the e-file's workbook (审核记录).
func (s *Service) All(ctx context.Context, cadreID int64) ([]Review, []MattersCheck, []Opinion, error) {
	return s.records(ctx, cadreID, 0)
}

// records reads a cadre's reviews, checks and requests, newest first, at
// most limit of each (0: all): the three tables, the reviews' findings, and
// the requests' cadre and flags (the last three only when there are rows
// to dress).
func (s *Service) records(ctx context.Context, cadreID int64, limit int) ([]Review, []MattersCheck, []Opinion, error) {
	reviews, err := newest[models.DossierReview](ctx, s, cadreID, limit)
	if err != nil {
		return nil, nil, nil, err
	}
	rs, err := s.withFindings(ctx)(reviews)
	if err != nil {
		return nil, nil, nil, err
	}
	matters, err := newest[models.PersonalMattersCheck](ctx, s, cadreID, limit)
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := s.dressMatters(matters)
	if err != nil {
		return nil, nil, nil, err
	}
	opinions, err := newest[models.IntegrityOpinion](ctx, s, cadreID, limit)
	if err != nil {
		return nil, nil, nil, err
	}
	ops, err := s.dress(ctx, opinions)
	return rs, ms, ops, err
}

// Evidence is what vetting reads of one cadre's checks (SPEC 9): whether the
// cadre reports personal matters, and the records that may count on the
// day asked, each a superset of what the rules retain (vetting applies the
// windows itself, to the day).
type Evidence struct {
	ReportsPersonalMatters bool
	Reviews                []ReviewFact  // reviewed within CheckValidDays
	Matters                []MattersFact // checked within CheckValidDays or 12 months, the longer
	Opinions               []OpinionFact // replied within OpinionValidDays
}

// ReviewFact is a dossier review as vetting reads it.
type ReviewFact struct {
	ID         int64
	ReviewedOn civil.Date
	Conclusion string
}

// MattersFact is a personal-matters check as vetting reads it.
type MattersFact struct {
	ID              int64
	CheckedOn       civil.Date
	Result          string
	FamilyEmigrated bool
}

// OpinionFact is a reply as vetting reads it: the day it was given, in
// EFILE_TZ.
type OpinionFact struct {
	ID         int64
	RepliedOn  civil.Date
	Conclusion string
}

// Evidence reads the evidence of every cadre of ids on day asOf in four
// queries whatever their number; every id has an entry.
func (s *Service) Evidence(ctx context.Context, ids []int64, asOf civil.Date) (map[int64]*Evidence, error) {
	out := make(map[int64]*Evidence, len(ids))
	for _, id := range ids {
		out[id] = &Evidence{}
	}
	db := models.Get(ctx, s.db)
	var subjects []int64
	if err := db.Model(&models.Cadre{}).Where("id IN ? AND reports_personal_matters = TRUE", ids).
		Pluck("id", &subjects).Error; err != nil {
		return nil, err
	}
	for _, id := range subjects {
		out[id].ReportsPersonalMatters = true
	}
	b := s.cfg.Bounds(asOf)
	var rs []models.DossierReview
	if err := db.Select("id, cadre_id, reviewed_on, conclusion").
		Where("cadre_id IN ? AND reviewed_on >= ? AND reviewed_on <= ?", ids, b.Checks, asOf).
		Find(&rs).Error; err != nil {
		return nil, err
	}
	for _, r := range rs {
		e := out[r.CadreID]
		e.Reviews = append(e.Reviews, ReviewFact{ID: r.ID, ReviewedOn: r.ReviewedOn, Conclusion: r.Conclusion})
	}
	from := b.Checks
	if b.Concealment.Before(from) {
		from = b.Concealment
	}
	var ms []models.PersonalMattersCheck
	if err := db.Select("id, cadre_id, checked_on, result, family_emigrated").
		Where("cadre_id IN ? AND checked_on >= ? AND checked_on <= ?", ids, from, asOf).Find(&ms).Error; err != nil {
		return nil, err
	}
	for _, m := range ms {
		e := out[m.CadreID]
		e.Matters = append(e.Matters, MattersFact{ID: m.ID, CheckedOn: m.CheckedOn, Result: m.Result, FamilyEmigrated: m.FamilyEmigrated})
	}
	start, end := s.dayStart(b.Opinions), s.dayStart(asOf.AddDate(0, 0, 1))
	// Only replied requests have replied_at; no status condition, which
	// would lead SQLite to the (status, id) index, every reply of the city,
	// instead of the cadres' (BenchmarkVetBatch1000).
	var replies []models.IntegrityOpinion
	if err := db.Select("id, cadre_id, conclusion, replied_at").
		Where("cadre_id IN ? AND replied_at >= ? AND replied_at < ?", ids, start, end).
		Find(&replies).Error; err != nil {
		return nil, err
	}
	for _, o := range replies {
		if o.Conclusion == nil || o.RepliedAt == nil {
			continue
		}
		e := out[o.CadreID]
		e.Opinions = append(e.Opinions, OpinionFact{ID: o.ID, RepliedOn: s.dayOf(*o.RepliedAt), Conclusion: *o.Conclusion})
	}
	return out, nil
}

// dayStart is the first instant of day in EFILE_TZ, in UTC.
func (s *Service) dayStart(day civil.Date) time.Time {
	if !day.Valid() {
		return time.Time{}
	}
	y, m, d := day.Time().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc).UTC()
}
