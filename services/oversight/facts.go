package oversight

import (
	"context"
	"time"

	"efile/models"
	"efile/services/civil"

	"gorm.io/gorm"
)

// The facts about the leaders, each one grouped query narrowed by the
// leaders' subquery (ids), whatever their number.

// flagRow is what one source's flags on one leader add up to.
type flagRow struct {
	CadreID    int64
	Source     string
	Open       int64
	Sanctions  int64
	Direct     int64
	Leadership int64
	Unrectifed int64
	Economic   int64
}

// findingKinds are the kinds of findings SPEC 15 counts.
var findingKinds = []string{"audit_finding", "inspection_finding"}

// flags counts, per leader and source: the open flags and findings with
// occurred_on in year or before, and the sanctions in effect at asOf
// (decided_on ≤ asOf < influence_until, or no end).
func (s *Service) flags(ctx context.Context, ids *gorm.DB, byID map[int64]*Leader, year int, asOf civil.Date) error {
	end := civil.YearEnd(year)
	finding := "flags.kind IN ? AND flags.status <> ? AND flags.occurred_on <= ?"
	var rows []flagRow
	err := models.Get(ctx, s.db).Model(&models.Flag{}).
		Select(`flags.cadre_id AS cadre_id, flags.source AS source,
			SUM(CASE WHEN flags.status IN ? AND flags.occurred_on <= ? THEN 1 ELSE 0 END) AS open,
			SUM(CASE WHEN flags.kind = 'sanction' AND flags.status = ? AND flags.decided_on <= ?
				AND (flags.influence_until IS NULL OR flags.influence_until > ?) THEN 1 ELSE 0 END) AS sanctions,
			SUM(CASE WHEN `+finding+` AND flags.responsibility = 'direct' THEN 1 ELSE 0 END) AS direct,
			SUM(CASE WHEN `+finding+` AND flags.responsibility = 'leadership' THEN 1 ELSE 0 END) AS leadership,
			SUM(CASE WHEN `+finding+` AND flags.status = ? THEN 1 ELSE 0 END) AS unrectifed,
			SUM(CASE WHEN `+finding+` AND flags.audit_type = 'economic_responsibility' THEN 1 ELSE 0 END) AS economic`,
			s.rules.Open, end, s.rules.InEffect, asOf, asOf,
			findingKinds, s.rules.Dismissed, end,
			findingKinds, s.rules.Dismissed, end,
			findingKinds, s.rules.Dismissed, end, s.rules.Substantiated,
			findingKinds, s.rules.Dismissed, end).
		Where("flags.cadre_id IN (?)", ids).
		Group("flags.cadre_id, flags.source").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		l := byID[r.CadreID]
		if l == nil {
			continue
		}
		if r.Open > 0 {
			l.OpenFlags[r.Source] += r.Open
		}
		l.ActiveSanction = l.ActiveSanction || r.Sanctions > 0
		l.Findings.Direct += r.Direct
		l.Findings.Leadership += r.Leadership
		l.Findings.Unrectified += r.Unrectifed
		l.Findings.EconomicResponsibility += r.Economic
	}
	return nil
}

// matters reads each leader's newest personal-matters check (by the day it
// was checked, then the newest record).
func (s *Service) matters(ctx context.Context, ids *gorm.DB, byID map[int64]*Leader, _ int, _ civil.Date) error {
	var rows []struct {
		CadreID   int64
		CheckedOn civil.Date
		Result    string
	}
	db := models.Get(ctx, s.db)
	ranked := db.Model(&models.PersonalMattersCheck{}).
		Select("cadre_id, checked_on, result, ROW_NUMBER() OVER (PARTITION BY cadre_id ORDER BY checked_on DESC, id DESC) AS rn").
		Where("cadre_id IN (?)", ids)
	if err := db.Table("(?) AS ranked", ranked).Select("cadre_id, checked_on, result").Where("rn = 1").Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		if l := byID[r.CadreID]; l != nil {
			l.LastMatters = &MattersCheck{CheckedOn: r.CheckedOn, Result: r.Result}
		}
	}
	return nil
}

// grades reads each leader's final grades in their last three finalized
// annual cycles of year or before, newest first.
func (s *Service) grades(ctx context.Context, ids *gorm.DB, byID map[int64]*Leader, year int, _ civil.Date) error {
	var rows []struct {
		CadreID int64
		Year    int
		Grade   string
	}
	db := models.Get(ctx, s.db)
	ranked := db.Model(&models.AppraisalResult{}).
		Select(`appraisal_results.cadre_id AS cadre_id, appraisal_cycles.year AS year, appraisal_results.final_grade AS grade,
			ROW_NUMBER() OVER (PARTITION BY appraisal_results.cadre_id ORDER BY appraisal_cycles.year DESC, appraisal_cycles.id DESC) AS rn`).
		Joins("JOIN appraisal_cycles ON appraisal_cycles.id = appraisal_results.cycle_id").
		Where("appraisal_cycles.kind = ? AND appraisal_cycles.status = ? AND appraisal_cycles.year <= ?", "annual", "finalized", year).
		Where("appraisal_results.cadre_id IN (?)", ids)
	if err := db.Table("(?) AS ranked", ranked).Select("cadre_id, year, grade").Where("rn <= 3").
		Order("cadre_id, rn").Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		if l := byID[r.CadreID]; l != nil {
			l.Grades = append(l.Grades, Grade{Year: r.Year, Grade: r.Grade})
		}
	}
	return nil
}

// vettings reads each leader's newest vetting (the highest id: vettings are
// only ever added).
func (s *Service) vettings(ctx context.Context, ids *gorm.DB, byID map[int64]*Leader, _ int, _ civil.Date) error {
	var rows []struct {
		CadreID   int64
		Verdict   string
		CheckedAt time.Time
	}
	db := models.Get(ctx, s.db)
	newest := db.Model(&models.Vetting{}).Select("MAX(id)").Where("cadre_id IN (?)", ids).Group("cadre_id")
	if err := db.Model(&models.Vetting{}).Select("cadre_id, verdict, checked_at").Where("id IN (?)", newest).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		if l := byID[r.CadreID]; l != nil {
			l.LastVetting = &Vetting{Verdict: r.Verdict, CheckedAt: r.CheckedAt.UTC()}
		}
	}
	return nil
}
