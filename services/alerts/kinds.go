package alerts

import (
	"context"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"

	"gorm.io/gorm"
)

// The departments whose flags the auditors' alerts are about (SPEC 8).
const (
	deptPetition   = "petition"
	deptAudit      = "audit"
	deptInspection = "inspection"
)

// rectifyDays is the rectification period of each department's findings,
// and the kind of its findings.
var rectify = map[string]struct {
	kind string
	days int
}{
	deptAudit:      {"audit_finding", AuditRectifyDays},
	deptInspection: {"inspection_finding", InspectionRectifyDays},
}

// sources is every kind's reader, in the order of kinds. Who hears of a
// kind is decided by authz (the purposes the kind's objects are read
// with, or the viewer's department), never by a role test here.
var sources = []source{
	{hears: func(v *models.User) bool { return authz.Grants(v, authz.AppraisalRevise) }, read: appraisalsDue},
	{hears: func(v *models.User) bool { return authz.Grants(v, authz.CadreAssign) }, read: ratersMissing},
	{hears: func(v *models.User) bool { return authz.Grants(v, authz.OpinionReply) }, read: opinionPending},
	{hears: func(v *models.User) bool { return authz.Grants(v, authz.OpinionRead) }, read: opinionOverdue},
	{hears: func(v *models.User) bool { return authz.Grants(v, authz.CadreVet) }, read: influenceEnding},
	{hears: func(v *models.User) bool { return authz.Grants(v, authz.CadreVet) }, read: topLeaderTenure},
	{hears: func(v *models.User) bool { return authz.Department(v) == deptPetition }, read: petitionStale},
	{hears: func(v *models.User) bool { _, ok := rectify[authz.Department(v)]; return ok }, read: rectificationPending},
}

// cycleRow is an open cycle with the number of its assignments not yet
// submitted.
type cycleRow struct {
	ID        int64
	Name      string
	PeriodEnd civil.Date
	N         int64
}

// unsubmitted is the open cycles with assignments in scope (recusal
// applied) that have no appraisal yet, one row per cycle: the evaluator's
// own (evaluatorID > 0), or every evaluator's whose period ends by endBy.
func (s *Service) unsubmitted(ctx context.Context, v *models.User, evaluatorID int64, endBy civil.Date) ([]cycleRow, error) {
	q, err := s.az.Scope(ctx, v, authz.AssignmentRead)
	if err != nil {
		return nil, err
	}
	q = q.Joins("JOIN appraisal_cycles ON appraisal_cycles.id = appraisal_assignments.cycle_id").
		Where("appraisal_cycles.status = ?", "open").
		Where("NOT EXISTS (SELECT 1 FROM appraisals WHERE appraisals.assignment_id = appraisal_assignments.id)")
	if evaluatorID > 0 {
		q = q.Where("appraisal_assignments.evaluator_id = ?", evaluatorID)
	}
	if !endBy.IsZero() {
		q = q.Where("appraisal_cycles.period_end <= ?", endBy)
	}
	var rows []cycleRow
	err = q.Select("appraisal_cycles.id AS id, appraisal_cycles.name AS name, appraisal_cycles.period_end AS period_end, COUNT(*) AS n").
		Group("appraisal_cycles.id, appraisal_cycles.name, appraisal_cycles.period_end").
		Order("appraisal_cycles.period_end, appraisal_cycles.id").Limit(Max).Scan(&rows).Error
	return rows, err
}

// appraisalsDue: an evaluator's open cycles with assignments not submitted,
// one item per cycle; a warning from DueSoonDays before the period's end.
func appraisalsDue(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	rows, err := s.unsubmitted(ctx, v, v.ID, civil.Date{})
	out := make([]Alert, len(rows))
	for i, r := range rows {
		sev := soon(r.PeriodEnd, today, DueSoonDays)
		out[i] = Alert{Kind: KindAppraisalsDue, Severity: sev, DueOn: ptr(r.PeriodEnd), Count: ptr(r.N), CycleID: ptr(r.ID),
			Message: errs.M("cycle %s: %d appraisals of yours to submit by %s", r.Name, r.N, r.PeriodEnd.String())}
	}
	return out, int64(len(out)), err
}

// ratersMissing: the open cycles whose period ends within DueSoonDays or
// has ended, with assignments not submitted; serious once ended.
func ratersMissing(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	rows, err := s.unsubmitted(ctx, v, 0, today.AddDate(0, 0, DueSoonDays))
	out := make([]Alert, len(rows))
	for i, r := range rows {
		sev := Warning
		if r.PeriodEnd.Before(today) {
			sev = Serious
		}
		out[i] = Alert{Kind: KindRatersMissing, Severity: sev, DueOn: ptr(r.PeriodEnd), Count: ptr(r.N), CycleID: ptr(r.ID),
			Message: errs.M("cycle %s: %d appraisals not submitted, the period ends %s", r.Name, r.N, r.PeriodEnd.String())}
	}
	return out, int64(len(out)), err
}

// objectRow is one object an alert is about, with its cadre's name and
// the day it is due.
type objectRow struct {
	ID        int64
	CadreID   int64
	CadreName string
	DueOn     civil.Date
}

// opinions is the pending integrity-opinion requests in scope whose due_on
// satisfies cond, earliest due first.
func (s *Service) opinions(ctx context.Context, v *models.User, cond string, today civil.Date) ([]objectRow, int64, error) {
	q, err := s.az.Scope(ctx, v, authz.OpinionRead)
	if err != nil {
		return nil, 0, err
	}
	q = q.Where("integrity_opinions.status = ? AND integrity_opinions.due_on "+cond+" ?", "pending", today)
	var rows []objectRow
	n, err := bounded(q.Joins("JOIN cadres ON cadres.id = integrity_opinions.cadre_id"),
		"integrity_opinions.id AS id, integrity_opinions.cadre_id AS cadre_id, cadres.name AS cadre_name, integrity_opinions.due_on AS due_on",
		"integrity_opinions.due_on, integrity_opinions.id", &rows)
	return rows, n, err
}

// opinionPending: requests not yet due; a warning within OpinionSoonDays.
func opinionPending(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	rows, n, err := s.opinions(ctx, v, ">=", today)
	out := make([]Alert, len(rows))
	for i, r := range rows {
		sev := soon(r.DueOn, today, OpinionSoonDays)
		out[i] = Alert{Kind: KindOpinionPending, Severity: sev, DueOn: ptr(r.DueOn), CadreID: ptr(r.CadreID), RequestID: ptr(r.ID),
			Message: errs.M("integrity opinion on %s to reply by %s", r.CadreName, r.DueOn.String())}
	}
	return out, n, err
}

// opinionOverdue: requests past due_on without a reply, serious.
func opinionOverdue(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	rows, n, err := s.opinions(ctx, v, "<", today)
	out := make([]Alert, len(rows))
	for i, r := range rows {
		out[i] = Alert{Kind: KindOpinionOverdue, Severity: Serious, DueOn: ptr(r.DueOn), CadreID: ptr(r.CadreID), RequestID: ptr(r.ID),
			Message: errs.M("integrity opinion on %s overdue since %s", r.CadreName, r.DueOn.String())}
	}
	return out, n, err
}

// flagRows reads the flags in scope that where narrows, with their cadre's
// name and the column that is their day (due), earliest first.
func (s *Service) flagRows(ctx context.Context, v *models.User, due string, where func(*gorm.DB) *gorm.DB) ([]objectRow, int64, error) {
	q, err := s.az.Scope(ctx, v, authz.FlagRead)
	if err != nil {
		return nil, 0, err
	}
	var rows []objectRow
	n, err := bounded(where(q).Joins("JOIN cadres ON cadres.id = flags.cadre_id"),
		"flags.id AS id, flags.cadre_id AS cadre_id, cadres.name AS cadre_name, "+due+" AS due_on",
		due+", flags.id", &rows)
	return rows, n, err
}

// influenceEnding: sanctions in effect whose influence ends within
// InfluenceEndingDays (influence_until is the first free day), info.
func influenceEnding(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	rows, n, err := s.flagRows(ctx, v, "flags.influence_until", func(q *gorm.DB) *gorm.DB {
		return q.Where("flags.kind = ? AND flags.status = ? AND flags.influence_until > ? AND flags.influence_until <= ?",
			"sanction", s.flags.InEffect, today, today.AddDate(0, 0, InfluenceEndingDays))
	})
	out := make([]Alert, len(rows))
	for i, r := range rows {
		out[i] = Alert{Kind: KindInfluenceEnding, Severity: Info, DueOn: ptr(r.DueOn), CadreID: ptr(r.CadreID), FlagID: ptr(r.ID),
			Message: errs.M("the influence period of %s's sanction ends on %s", r.CadreName, r.DueOn.String())}
	}
	return out, n, err
}

// petitionStale: the petition department's appeals and suggestions still
// open PetitionHandlingDays after they were filed (occurred_on), warning.
func petitionStale(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	rows, n, err := s.flagRows(ctx, v, "flags.occurred_on", func(q *gorm.DB) *gorm.DB {
		return q.Where("flags.source = ? AND flags.status IN ? AND flags.kind = ? AND flags.petition_type IN ? AND flags.occurred_on <= ?",
			deptPetition, s.flags.Open, "petition", []string{"appeal", "suggestion"}, today.AddDate(0, 0, -PetitionHandlingDays))
	})
	out := make([]Alert, len(rows))
	for i, r := range rows {
		due := r.DueOn.AddDate(0, 0, PetitionHandlingDays)
		out[i] = Alert{Kind: KindPetitionStale, Severity: Warning, DueOn: &due, CadreID: ptr(r.CadreID), FlagID: ptr(r.ID),
			Message: errs.M("the petition about %s filed on %s is past its handling period (%s)", r.CadreName, r.DueOn.String(), due.String())}
	}
	return out, n, err
}

// rectificationPending: the department's findings substantiated, not yet
// resolved, past their rectification period from feedback_on, warning.
func rectificationPending(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	dept := authz.Department(v)
	r := rectify[dept]
	rows, n, err := s.flagRows(ctx, v, "flags.feedback_on", func(q *gorm.DB) *gorm.DB {
		return q.Where("flags.source = ? AND flags.status = ? AND flags.kind = ? AND flags.feedback_on < ?",
			dept, s.flags.Substantiated, r.kind, today.AddDate(0, 0, -r.days))
	})
	out := make([]Alert, len(rows))
	for i, row := range rows {
		due := row.DueOn.AddDate(0, 0, r.days)
		out[i] = Alert{Kind: KindRectificationPending, Severity: Warning, DueOn: &due, CadreID: ptr(row.CadreID), FlagID: ptr(row.ID),
			Message: errs.M("the finding about %s fed back on %s was to be rectified by %s", row.CadreName, row.DueOn.String(), due.String())}
	}
	return out, n, err
}

// topLeaderTenure: active top leaders appointed TenureWarnYears or more
// ago, serious from TenureSeriousYears; due on the tenth anniversary.
func topLeaderTenure(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error) {
	q, err := s.az.Scope(ctx, v, authz.CadreVet)
	if err != nil {
		return nil, 0, err
	}
	var rows []objectRow
	n, err := bounded(q.Where("cadres.is_top_leader = TRUE AND cadres.status = ? AND cadres.appointed_on <= ?", "active", today.AddDate(-TenureWarnYears, 0, 0)),
		"cadres.id AS id, cadres.id AS cadre_id, cadres.name AS cadre_name, cadres.appointed_on AS due_on",
		"cadres.appointed_on, cadres.id", &rows)
	out := make([]Alert, len(rows))
	for i, r := range rows {
		due := r.DueOn.AddDate(TenureSeriousYears, 0, 0)
		out[i] = Alert{Kind: KindTopLeaderTenure, Severity: Warning, DueOn: &due, CadreID: ptr(r.CadreID),
			Message: errs.M("%s has been top leader since %s: ten years on %s", r.CadreName, r.DueOn.String(), due.String())}
		if !r.DueOn.After(today.AddDate(-TenureSeriousYears, 0, 0)) {
			out[i].Severity = Serious
			out[i].Message = errs.M("%s has been top leader since %s: ten years since %s, an exchange is due", r.CadreName, r.DueOn.String(), due.String())
		}
	}
	return out, n, err
}

func ptr[T any](v T) *T { return &v }

// soon is the severity of what falls due on due: a warning from days before.
func soon(due, today civil.Date, days int) string {
	if due.After(today.AddDate(0, 0, days)) {
		return Info
	}
	return Warning
}
