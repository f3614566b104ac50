// Package checks keeps the four checks before a promotion (凡提四必, SPEC
// section 13; 党政领导干部选拔任用工作条例 (2019) art. 31 and 关于防止干部"带病
// 提拔"的意见, docs/regulations.md rows 45–52):
//
//   - dossier reviews (凡提必审, 干部人事档案审核: 三龄二历一身份) and
//     personal-matters checks (凡提必核, 个人有关事项报告查核): records written
//     once and never changed, a correction being a new record;
//   - integrity opinions (凡提必听, 党风廉政意见): a reviewer's request to the
//     discipline body, its inbox, and the discipline body's one reply;
//   - the checklist of a cadre before a promotion, with the open specific
//     reports (凡提必查) among the flags.
//
// Vetting (package vetting) reads these records through Evidence; how long a
// record counts is this package's configuration (EFILE_CHECK_VALID_DAYS,
// EFILE_OPINION_VALID_DAYS), local settings that no national rule fixes.
// This package has no update or delete of a review or a check.
package checks

import (
	"cmp"
	"context"
	"slices"
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
)

// Dossier items: 三龄二历一身份 (age, working years, party years; education,
// career; identity), the facts 干部人事档案造假问题处理办法（试行）(2015) art. 5
// names (regulations row 48), in the order a dossier review lists them; their
// labels are the vocabulary's (dossier_items).
const (
	ItemBirthDate, ItemWorkStart, ItemPartyJoin = "birth_date", "work_start", "party_join"
	ItemEducation, ItemCareer, ItemIdentity     = "education", "career", "identity"
)

// Results of a dossier finding. A discrepancy settled by the organization's
// determination (组织认定, 干部人事档案工作条例: regulations row 49) counts as
// consistent.
const (
	FindingConsistent  = "consistent"
	FindingDetermined  = "determined"
	FindingDiscrepancy = "discrepancy"
)

// Conclusions of a dossier review, computed from its findings.
const (
	ConclusionPass        = "pass"
	ConclusionDiscrepancy = "discrepancy"
)

// Kinds of personal-matters checks (查核: before a promotion, random, targeted).
const (
	MattersPrePromotion = "pre_promotion"
	MattersRandom       = "random"
	MattersTargeted     = "targeted"
)

// Results of a personal-matters check: 领导干部个人有关事项报告查核结果处理办法
// (2017) arts. 3–4 tell omission (漏报) from concealment (隐瞒不报)
// (regulations row 51).
const (
	MattersConsistent  = "consistent"
	MattersOmission    = "omission"
	MattersConcealment = "concealment"
)

// Conclusions of an integrity opinion (SPEC 13).
const (
	OpinionNoIssue               = "no_issue"
	OpinionClueClosed            = "clue_closed"
	OpinionClueUnderVerification = "clue_under_verification"
	OpinionSanctionInPeriod      = "sanction_in_period"
	OpinionNotRecommended        = "not_recommended"
)

// Statuses of an integrity-opinion request.
const (
	StatusPending   = "pending"
	StatusReplied   = "replied"
	StatusWithdrawn = "withdrawn"
)

var (
	dossierItems       = []string{ItemBirthDate, ItemWorkStart, ItemPartyJoin, ItemEducation, ItemCareer, ItemIdentity}
	findingResults     = []string{FindingConsistent, FindingDetermined, FindingDiscrepancy}
	dossierConclusions = []string{ConclusionPass, ConclusionDiscrepancy}
	mattersKinds       = []string{MattersPrePromotion, MattersRandom, MattersTargeted}
	mattersResults     = []string{MattersConsistent, MattersOmission, MattersConcealment}
	opinionConclusions = []string{OpinionNoIssue, OpinionClueClosed, OpinionClueUnderVerification,
		OpinionSanctionInPeriod, OpinionNotRecommended}
	opinionStatuses = []string{StatusPending, StatusReplied, StatusWithdrawn}
)

// DossierItems lists the six items in the SPEC's order (a new slice on each
// call; so do the others).
func DossierItems() []string { return slices.Clone(dossierItems) }

// FindingResults lists the results of a dossier finding.
func FindingResults() []string { return slices.Clone(findingResults) }

// DossierConclusions lists the conclusions of a dossier review.
func DossierConclusions() []string { return slices.Clone(dossierConclusions) }

// MattersKinds lists the kinds of personal-matters checks.
func MattersKinds() []string { return slices.Clone(mattersKinds) }

// MattersResults lists the results of a personal-matters check.
func MattersResults() []string { return slices.Clone(mattersResults) }

// OpinionConclusions lists the conclusions of an integrity opinion.
func OpinionConclusions() []string { return slices.Clone(opinionConclusions) }

// OpinionStatuses lists the statuses of an integrity-opinion request.
func OpinionStatuses() []string { return slices.Clone(opinionStatuses) }

// Limits, in Unicode characters, and the due date's horizon.
const (
	MaxNote        = 2000 // a review's, a check's, a request's note
	MaxFindingNote = 500
	MaxText        = 2000 // a reply's text
	MaxSignedBy    = 50
	MaxFlagIDs     = 50 // flags one reply may name
	MaxDueDays     = 60 // due_on from today to 60 days ahead (SPEC 13; local)
)

// Config is how long a check record counts for vetting (SPEC 2 and 9): local
// settings, no national rule fixes them (docs/regulations.md section 4).
type Config struct {
	CheckValidDays   int // EFILE_CHECK_VALID_DAYS: a dossier review or a personal-matters check
	OpinionValidDays int // EFILE_OPINION_VALID_DAYS: a reply to an integrity-opinion request
}

// Bounds are the first days on which a record still counts for a vetting
// on a given day: a review or a check (Checks), a reply (Opinions), and a
// check that found concealment (Concealment: twelve months, a local setting,
// SPEC 9). The last day is the vetting's own.
type Bounds struct {
	Checks      civil.Date
	Opinions    civil.Date
	Concealment civil.Date
}

// Bounds are c's bounds for a vetting on day asOf.
func (c Config) Bounds(asOf civil.Date) Bounds {
	return Bounds{Checks: asOf.AddDate(0, 0, -c.CheckValidDays), Opinions: asOf.AddDate(0, 0, -c.OpinionValidDays),
		Concealment: asOf.AddDate(-1, 0, 0)}
}

// The defaults of Config.
const (
	DefaultCheckValidDays   = 180
	DefaultOpinionValidDays = 90
)

// Service keeps the checks on the database.
type Service struct {
	db     *gorm.DB
	log    *accesslog.Service
	az     *authz.Service
	cadres *cadre.Service
	loc    *time.Location
	now    func() time.Time
	cfg    Config
}

// New builds the service. Zero windows in cfg take the defaults; loc is
// EFILE_TZ (nil: UTC), which decides on which day a reply was given.
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, loc *time.Location,
	now func() time.Time, cfg Config) *Service {
	s := &Service{db: db, log: log, az: az, cadres: cadres, loc: cmp.Or(loc, time.UTC), now: now, cfg: Config{
		CheckValidDays:   cmp.Or(max(cfg.CheckValidDays, 0), DefaultCheckValidDays),
		OpinionValidDays: cmp.Or(max(cfg.OpinionValidDays, 0), DefaultOpinionValidDays)}}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Windows is the service's validity windows.
func (s *Service) Windows() Config { return s.cfg }

// Errors of this domain: what is not there (or out of scope, alike: each
// kind's 404 of authz)…
var (
	ErrReviewNotFound  = authz.NotFound(authz.KindDossierReview)
	ErrCheckNotFound   = authz.NotFound(authz.KindMattersCheck)
	ErrOpinionNotFound = authz.NotFound(authz.KindOpinion)
)

// …and what a request's state refuses (409).
var (
	ErrPending    = errs.Conflict("conflict", "an integrity-opinion request for this cadre is already pending: wait for its reply or withdraw it")
	ErrReplied    = errs.Conflict("conflict", "this request has been replied to: a reply is final")
	ErrWithdrawn  = errs.Conflict("conflict", "this request has been withdrawn")
	ErrNotPending = errs.Conflict("conflict", "this request is no longer pending: it was replied to or withdrawn meanwhile")
)

// date checks a day of a check (SPEC 3: a real date in the range of
// civil.Event, not in the future); the cadre's birth date is checked once
// the cadre is found.
func date(v *errs.Validation, field string, d, today civil.Date) {
	if civil.Past(v, field, d, today) {
		civil.Check(v, field, d, civil.Event, today)
	}
}

// length trims s and checks its length in characters, adding a detail on
// field to v; the characters themselves were settled by the decoder, which
// applies the text rule of SPEC 3 to every text of a request.
func length(v *errs.Validation, field, s string, min, max int) string {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n < min || n > max {
		v.Add(field, "must be %d to %d characters long", min, max)
	}
	return s
}

func oneOf(v *errs.Validation, field, s string, allowed []string) {
	if !slices.Contains(allowed, s) {
		v.Add(field, "must be one of: %s", strings.Join(allowed, ", "))
	}
}

// stamp is the time a record is written: UTC, to the microsecond (what
// MySQL's DATETIME(6) keeps).
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// dayOf is the day an instant falls on in EFILE_TZ.
func (s *Service) dayOf(t time.Time) civil.Date { return civil.Of(t, s.loc) }

// cadreRows lists a cadre's records of M (a review or a check), newest
// first, after the path's check (authz.CadreVet: 404 when the reviewer may
// not vet the cadre): the count and one page (models.Paged), then dress
// (the findings of the reviews).
func cadreRows[M, T any](ctx context.Context, s *Service, viewer *models.User, cadreID int64, p models.Page,
	dress func([]M) ([]T, error)) ([]T, int64, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreVet, cadreID); err != nil {
		return nil, 0, err
	}
	var m M
	rows, total, err := models.Paged[M](models.Get(ctx, s.db).Model(&m).Where("cadre_id = ?", cadreID), p, "id DESC")
	if err != nil {
		return nil, 0, err
	}
	out, err := dress(rows)
	return out, total, err
}

// cadreRow reads record id of M of a cadre (notFound when it is another
// cadre's or none), after the path's check, as records are read.
func cadreRow[M, T any](ctx context.Context, s *Service, viewer *models.User, cadreID, id int64,
	dress func([]M) ([]T, error), notFound error) (*T, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreVet, cadreID); err != nil {
		return nil, err
	}
	var rows []M
	if err := models.Get(ctx, s.db).Where("id = ? AND cadre_id = ?", id, cadreID).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFound
	}
	out, err := dress(rows)
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// newest reads a cadre's records of M, newest first: at most limit (0: all).
func newest[M any](ctx context.Context, s *Service, cadreID int64, limit int) ([]M, error) {
	q := models.Get(ctx, s.db).Where("cadre_id = ?", cadreID).Order("id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []M
	err := q.Find(&rows).Error
	return rows, err
}
