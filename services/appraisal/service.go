package appraisal

// The database-backed service of appraisal cycles: cycles and their state
// machine (this file), assignments (assign.go), submissions (submit.go),
// closing, results and finalizing (close.go, results.go), the results
// workbook (workbook.go). The pure rules it calls are score.go, grade.go and
// finalize.go.

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/errs"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Cycle statuses: draft → open → closed → finalized, never back.
const (
	StatusDraft     = "draft"
	StatusOpen      = "open"
	StatusClosed    = "closed"
	StatusFinalized = "finalized"
)

// DefaultQuotaPct is the excellent quota when a cycle states none (SPEC 7).
const DefaultQuotaPct = 20

// Errors of this domain.
var (
	ErrCycleNotFound     = authz.NotFound(authz.KindCycle)
	ErrAppraisalNotFound = authz.NotFound(authz.KindAppraisal)
	ErrCycleNotOpen      = errs.Conflict("cycle_not_open", "the cycle is not open: appraisals are submitted and revised only while it is open")
	ErrAlreadySubmitted  = errs.Conflict("already_submitted", "you have already appraised this cadre in this cycle; revise your appraisal with PUT instead")
	ErrAssigned          = errs.Conflict("conflict", "this evaluator is already assigned to this cadre in this cycle")
	ErrResultsNotReady   = errs.Conflict("conflict", "the cycle has no results yet: they are computed when it is closed")
)

// notAssignable is the 409 for assignments once a cycle is closed.
func notAssignable(status string) error {
	return errs.Conflict("cycle_not_open", "the cycle is %s: evaluators are assigned only while it is draft or open", status)
}

// Service manages appraisal cycles.
type Service struct {
	db     *gorm.DB
	log    *accesslog.Service
	az     *authz.Service
	cadres *cadre.Service
	now    func() time.Time
	zone   *time.Location
}

// New builds the service; workbooks are dated in zone (EFILE_TZ).
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, now func() time.Time, zone *time.Location) *Service {
	if now == nil {
		now = time.Now
	}
	if zone == nil {
		zone = time.UTC
	}
	return &Service{db: db, log: log, az: az, cadres: cadres, now: now, zone: zone}
}

func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// NewCycle is a cycle to create. QuotaPct nil takes the default of 20.
type NewCycle struct {
	Name        string
	Kind        string
	Year        int
	PeriodStart civil.Date
	PeriodEnd   civil.Date
	QuotaPct    *int
}

// Years a cycle may be of: from 1990 (older appraisals are not entered) to
// next year (a cycle may be prepared ahead).
const minYear = 1990

// CreateCycle creates a draft cycle (org_reviewer by policy).
func (s *Service) CreateCycle(ctx context.Context, viewer *models.User, in NewCycle) (*models.AppraisalCycle, error) {
	v := &errs.Validation{}
	name := strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		v.Add("name", "must be 1 to 100 characters long")
	}
	if !ValidKind(in.Kind) {
		v.Add("kind", "must be one of: %s", strings.Join(Kinds, ", "))
	}
	maxYear := s.now().Year() + 1
	if in.Year < minYear || in.Year > maxYear {
		v.Add("year", "must be a year from %d to %d", minYear, maxYear)
	}
	okStart, okEnd := in.PeriodStart.Valid(), in.PeriodEnd.Valid()
	if !okStart {
		v.Add("period_start", "must be a date YYYY-MM-DD")
	}
	if !okEnd {
		v.Add("period_end", "must be a date YYYY-MM-DD")
	}
	if okStart && okEnd && in.PeriodStart.After(in.PeriodEnd) {
		v.Add("period_end", "must not be before period_start (%s)", in.PeriodStart.String())
	}
	// An annual cycle appraises its year: its period lies inside it (SPEC
	// 3; issue 22; docs/decisions.md).
	if in.Kind == KindAnnual && in.Year >= minYear && in.Year <= maxYear {
		for _, f := range []civil.FieldDate{{Field: "period_start", Date: in.PeriodStart}, {Field: "period_end", Date: in.PeriodEnd}} {
			if f.Date.Valid() && f.Date.Time().Year() != in.Year {
				v.Add(f.Field, "must lie inside the year %d of an annual cycle", in.Year)
			}
		}
	}
	pct := DefaultQuotaPct
	if in.QuotaPct != nil {
		pct = *in.QuotaPct
		if pct < 0 || pct > 100 {
			v.Add("excellent_quota_pct", "must be an integer from 0 to 100 (a percentage of the appraised cadres)")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &models.AppraisalCycle{Name: name, Kind: in.Kind, Year: in.Year, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd,
		ExcellentQuotaPct: pct, Status: StatusDraft, Version: 1, CreatedBy: viewer.ID}
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c.ID = 0
		return models.Get(ctx, s.db).Create(c).Error
	})
	return c, err
}

// GetCycle reads one cycle the viewer may read (authz.CycleRead: an
// org_reviewer any, an evaluator those they have assignments in; else 404).
func (s *Service) GetCycle(ctx context.Context, viewer *models.User, id int64) (*models.AppraisalCycle, error) {
	var c models.AppraisalCycle
	if err := s.az.Find(ctx, viewer, authz.CycleRead, id, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// cycle loads a cycle whatever the viewer; lock takes its row for the
// transaction (MySQL; SQLite's writers are serialized already), so a
// submission and a close cannot interleave.
func (s *Service) cycle(ctx context.Context, id int64, lock bool) (*models.AppraisalCycle, error) {
	q := models.Get(ctx, s.db)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var c models.AppraisalCycle
	if err := q.Where("id = ?", id).First(&c).Error; err != nil {
		if models.IsNotFound(err) {
			return nil, ErrCycleNotFound
		}
		return nil, err
	}
	return &c, nil
}

// CycleFilter selects cycles for ListCycles.
type CycleFilter struct {
	Status string
	Kind   string
	Year   *int
	Page   models.Page
}

// ListCycles lists cycles newest first: an org_reviewer all, an evaluator
// those they have assignments in.
func (s *Service) ListCycles(ctx context.Context, viewer *models.User, f CycleFilter) ([]models.AppraisalCycle, int64, error) {
	v := &errs.Validation{}
	if f.Status != "" && f.Status != StatusDraft && f.Status != StatusOpen && f.Status != StatusClosed && f.Status != StatusFinalized {
		v.Add("status", "must be one of: draft, open, closed, finalized")
	}
	if f.Kind != "" && !ValidKind(f.Kind) {
		v.Add("kind", "must be one of: %s", strings.Join(Kinds, ", "))
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	q, err := s.az.Scope(ctx, viewer, authz.CycleRead)
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Year != nil {
		q = q.Where("year = ?", *f.Year)
	}
	return models.Paged[models.AppraisalCycle](q, f.Page, "id DESC")
}

// transition moves a locked cycle from one status to the next, or answers
// 409 invalid_transition.
func (s *Service) transition(ctx context.Context, c *models.AppraisalCycle, from, to string) error {
	if c.Status != from {
		return errs.Conflict("invalid_transition", "a %s cycle cannot be moved to %s (only %s → %s)", c.Status, to, from, to)
	}
	now := s.stamp()
	upd := map[string]any{"status": to, "version": c.Version + 1, "updated_at": now}
	switch to {
	case StatusClosed:
		c.ClosedAt = &now
		upd["closed_at"] = now
	case StatusFinalized:
		c.FinalizedAt = &now
		upd["finalized_at"] = now
	}
	res := models.Get(ctx, s.db).Model(&models.AppraisalCycle{}).Where("id = ? AND status = ?", c.ID, from).Updates(upd)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errs.Conflict("invalid_transition", "the cycle was moved by someone else; reload it")
	}
	c.Status, c.Version, c.UpdatedAt = to, c.Version+1, now
	return nil
}

// Open moves a draft cycle to open: evaluators may submit.
func (s *Service) Open(ctx context.Context, viewer *models.User, id int64) (*models.AppraisalCycle, error) {
	var c *models.AppraisalCycle
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.cycle(ctx, id, true); err != nil {
			return err
		}
		return s.transition(ctx, c, StatusDraft, StatusOpen)
	})
	return c, err
}
