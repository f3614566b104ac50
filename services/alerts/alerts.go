// Package alerts tells each role what is late or ending (SPEC section 14):
// appraisals to submit, raters missing, integrity opinions pending or
// overdue, sanctions whose influence ends soon, top leaders long in post,
// stale appeals and suggestions, findings not rectified in their period.
//
// Alerts are computed at each request from indexed queries, each kind read
// through the purposes of the objects it is about (services/authz), so
// scope holds as everywhere: recusal (no alert about one's own cadre
// record) and departments (an auditor hears only of their department's
// flags). Nothing is stored and nothing is cached.
package alerts

import (
	"cmp"
	"context"
	"slices"
	"time"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"

	"gorm.io/gorm"
)

// Kinds of alerts, in the order SPEC 14 lists them (the order of the
// vocabulary, and the tie-break of the list).
const (
	KindAppraisalsDue        = "appraisals_due"
	KindRatersMissing        = "raters_missing"
	KindOpinionPending       = "opinion_pending"
	KindOpinionOverdue       = "opinion_overdue"
	KindInfluenceEnding      = "influence_ending"
	KindTopLeaderTenure      = "top_leader_tenure"
	KindPetitionStale        = "petition_stale"
	KindRectificationPending = "rectification_pending"
)

// Severities, lightest first.
const (
	Info    = "info"
	Warning = "warning"
	Serious = "serious"
)

// The thresholds of SPEC 14, in days or years; the rectification periods
// and the petition handling period are local settings (docs/decisions.md).
const (
	DueSoonDays           = 7  // appraisals_due warns, raters_missing starts
	OpinionSoonDays       = 3  // opinion_pending warns
	InfluenceEndingDays   = 30 // influence_ending
	TenureWarnYears       = 9  // top_leader_tenure
	TenureSeriousYears    = 10 // 同一职位任职满十年的必须交流
	PetitionHandlingDays  = 60 // 信访工作条例 办理期限
	InspectionRectifyDays = 60 // 巡察整改
	AuditRectifyDays      = 90 // 审计整改
)

// Max is the most items a list holds; Total counts them all.
const Max = 200

var kinds = []string{KindAppraisalsDue, KindRatersMissing, KindOpinionPending, KindOpinionOverdue,
	KindInfluenceEnding, KindTopLeaderTenure, KindPetitionStale, KindRectificationPending}

// Kinds lists the alert kinds (a new slice).
func Kinds() []string { return slices.Clone(kinds) }

// Alert is one item: what, how urgent, the message (in the language of
// whoever reads it), the day it is (or was) due, and the object it is
// about.
type Alert struct {
	Kind      string
	Severity  string
	Message   errs.Msg
	DueOn     *civil.Date
	Count     *int64
	CadreID   *int64
	CycleID   *int64
	FlagID    *int64
	RequestID *int64
}

// List is the alerts of a viewer: at most Max items, the most urgent
// first, and how many there are in all.
type List struct {
	Items []Alert
	Total int64
}

// FlagStatuses are the statuses of flags the alerts need: those that count
// as open, the substantiated one, and the sanction's in-effect one (the
// flag domain's, given by the wiring so that this package does not copy
// them).
type FlagStatuses struct {
	Open          []string
	Substantiated string
	InEffect      string
}

// Service computes alerts.
type Service struct {
	az    *authz.Service
	now   func() time.Time
	loc   *time.Location
	flags FlagStatuses
}

// New builds the service; loc is EFILE_TZ (what "today" is). It reads
// through authz's scopes only, which carry the database.
func New(az *authz.Service, now func() time.Time, loc *time.Location, flags FlagStatuses) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{az: az, now: now, loc: cmp.Or(loc, time.UTC), flags: flags}
}

// source is one kind's reader: who hears of it, and its items (at most
// Max, its own most urgent first) with their number in all.
type source struct {
	hears func(v *models.User) bool
	read  func(ctx context.Context, s *Service, v *models.User, today civil.Date) ([]Alert, int64, error)
}

// List computes the viewer's alerts.
func (s *Service) List(ctx context.Context, viewer *models.User) (*List, error) {
	now := s.now().In(s.loc)
	today := civil.Of(now, s.loc)
	out := &List{Items: []Alert{}}
	for _, src := range sources {
		if !src.hears(viewer) {
			continue
		}
		items, n, err := src.read(ctx, s, viewer, today)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, items...)
		out.Total += n
	}
	slices.SortStableFunc(out.Items, urgency)
	if len(out.Items) > Max {
		out.Items = out.Items[:Max]
	}
	return out, nil
}

// urgency orders alerts: the most severe first, then the earliest due
// (none last), then by kind and object.
func urgency(a, b Alert) int {
	if c := cmp.Compare(rank(b.Severity), rank(a.Severity)); c != 0 {
		return c
	}
	switch {
	case a.DueOn == nil && b.DueOn != nil:
		return 1
	case a.DueOn != nil && b.DueOn == nil:
		return -1
	case a.DueOn != nil && b.DueOn != nil:
		if c := a.DueOn.Compare(*b.DueOn); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(slices.Index(kinds, a.Kind), slices.Index(kinds, b.Kind)); c != 0 {
		return c
	}
	return cmp.Compare(id(a), id(b))
}

func rank(severity string) int {
	return slices.Index([]string{Info, Warning, Serious}, severity)
}

func id(a Alert) int64 {
	for _, p := range []*int64{a.CycleID, a.RequestID, a.FlagID, a.CadreID} {
		if p != nil {
			return *p
		}
	}
	return 0
}

// bounded counts the rows of q, then reads the columns sel of the first
// Max of them in order into dst: a kind's total and its most urgent items.
func bounded[T any](q *gorm.DB, sel, order string, dst *[]T) (int64, error) {
	var n int64
	if err := q.Session(&gorm.Session{}).Count(&n).Error; err != nil || n == 0 {
		return n, err
	}
	return n, q.Select(sel).Order(order).Limit(Max).Scan(dst).Error
}
