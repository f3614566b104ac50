package lrmx

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"efile/models"
	"efile/services/appraisal"
	"efile/services/civil"
	"efile/services/flag"
	"efile/services/sanction"
	"efile/services/vocab"
)

// The verified parts of the form (年度考核结果, 奖惩情况) come from efile's own
// records, never from an imported file. Each kind of fact is read through
// one function below, so that a change of what counts is made in one place:
//   - formGrades: final grades (when regrades, 补定等次, land: the
//     regrade-aware final grade);
//   - formSanctions: sanctions in effect or ended within five years, every
//     sanction flag in effect, never a revoked one (SPEC 8: a sanction is in
//     effect from the moment it is filed);
//   - formCommendations: current commendation records.

// Limits of what the form repeats.
const (
	gradeYears        = 3  // the last three annual appraisals
	sanctionYears     = 5  // sanctions whose period ended at most five years ago
	maxCommendations  = 50 // the newest commendation records
	noneText          = "无"
	gradeSeparator    = "；"
	sentenceSeparator = "\n"

	// categoryCommendation is the record category 表彰奖励 (SPEC 6).
	categoryCommendation = "commendation"
)

// formGrades is the cadre's final grade in each of the last three finalized
// annual cycles that graded them (不定等次 included), oldest first.
func (s *Service) formGrades(ctx context.Context, cadreID int64) ([]appraisal.FinalGrade, error) {
	all, err := s.grades.FinalGrades(ctx, []int64{cadreID}, 0)
	if err != nil {
		return nil, err
	}
	var out []appraisal.FinalGrade // newest first
	for _, g := range all[cadreID] {
		if g.Grade != "" && len(out) < gradeYears {
			out = append(out, g)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// formSanctions lists the cadre's sanctions decided by today that are in
// effect, or whose influence period ended within the last five years,
// oldest decision first. A sanction is a decision in effect from the day it
// is filed (SPEC 8), so every sanction flag in effect counts, never a
// revoked one.
func (s *Service) formSanctions(ctx context.Context, cadreID int64, today civil.Date) ([]models.Flag, error) {
	cutoff := today.AddDate(-sanctionYears, 0, 0)
	var out []models.Flag
	err := models.Get(ctx, s.db).Model(&models.Flag{}).
		Select("id, cadre_id, kind, status, sanction_type, decided_on, influence_until").
		Where("cadre_id = ? AND kind = ? AND status = ? AND sanction_type IS NOT NULL AND decided_on IS NOT NULL AND decided_on <= ?",
			cadreID, flag.KindSanction, flag.StatusInEffect, today).
		Where("influence_until IS NULL OR influence_until > ?", cutoff).
		Order("decided_on, id").Find(&out).Error
	return out, err
}

// formCommendations lists the cadre's current (not superseded) commendation
// records (表彰奖励), at most the newest maxCommendations, oldest first.
func (s *Service) formCommendations(ctx context.Context, cadreID int64) ([]models.Record, error) {
	var out []models.Record
	err := models.Get(ctx, s.db).Model(&models.Record{}).Select("records.id, records.occurred_on, records.content").
		Where("records.cadre_id = ? AND records.category = ? AND NOT EXISTS (SELECT 1 FROM records n WHERE n.supersedes_id = records.id)",
			cadreID, categoryCommendation).
		Order("records.occurred_on DESC, records.id DESC").Limit(maxCommendations).Find(&out).Error
	slices.Reverse(out)
	return out, err
}

// gradesText is 年度考核结果: 2023年度考核称职；2024年度考核优秀, or 无.
func gradesText(gs []appraisal.FinalGrade) string {
	if len(gs) == 0 {
		return noneText
	}
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = fmt.Sprintf("%d年度考核%s", g.Year, vocab.Label(vocab.Grades, g.Grade))
	}
	return strings.Join(parts, gradeSeparator)
}

// rewardsText is 奖惩情况: each commendation (2024年05月 and the record's
// content), then each sanction (2025年03月受到记过处分（影响期至2026年03月）),
// one sentence a line; 无 when there are none.
func rewardsText(cs []models.Record, ss []models.Flag) string {
	var lines []string
	for _, c := range cs {
		lines = append(lines, yearMonth(c.OccurredOn)+c.Content)
	}
	for _, f := range ss {
		lines = append(lines, sanctionSentence(f))
	}
	if len(lines) == 0 {
		return noneText
	}
	return strings.Join(lines, sentenceSeparator)
}

// sanctionSentence says one sanction as a form does: the month decided, the
// type's label, 处分 for government and party sanctions (处理 for the
// organizational measures), and the month its influence period runs to.
func sanctionSentence(f models.Flag) string {
	typ := deref(f.SanctionType)
	what := "处分"
	if r, ok := sanction.Lookup(sanction.Type(typ)); ok && r.Family == sanction.Organizational {
		what = "处理"
	}
	s := yearMonth(deref(f.DecidedOn)) + "受到" + vocab.Label(vocab.Sanctions, typ) + what
	if f.InfluenceUntil != nil {
		s += "（影响期至" + yearMonth(*f.InfluenceUntil) + "）"
	}
	return s
}

// yearMonth is a date as 2024年05月, "" for no date.
func yearMonth(d civil.Date) string {
	if !d.Valid() {
		return ""
	}
	s := d.String()
	return s[:4] + "年" + s[5:7] + "月"
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
