package vetting

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/checks"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/flag"

	"gorm.io/gorm"
)

// MaxBatch is the most cadres one batch vets (SPEC section 9).
const MaxBatch = 1000

// Service runs vettings on the database and keeps them: a vetting is
// stored as it was answered and never changed (this package has no update
// or delete).
type Service struct {
	db     *gorm.DB
	log    *accesslog.Service
	az     *authz.Service
	cadres *cadre.Service
	now    func() time.Time
	// checks reads the four checks of SPEC 13 for a promotion or an
	// appointment (WithChecks); nil reads none.
	checks *checks.Service
}

// New builds the service; "today" (the default as_of) is the cadre
// service's, in EFILE_TZ.
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, az: az, cadres: cadres, now: now}
}

// WithChecks gives vetting the four checks of SPEC section 13 to read, and
// returns s.
func (s *Service) WithChecks(c *checks.Service) *Service {
	s.checks = c
	return s
}

// Request is what a reviewer asks: a purpose and the day to vet on (nil:
// today in EFILE_TZ).
type Request struct {
	Purpose string
	AsOf    *civil.Date
	// BecomesReportingSubject: the promotion puts the cadre into a post whose
	// holders report personal matters (SPEC 9); no effect for the purposes
	// that need no checks.
	BecomesReportingSubject bool
}

// Result is a stored vetting with its reasons decoded.
type Result struct {
	models.Vetting
	Reasons []Reason
	// CadreName is the vetted cadre's name (not read by Recent: the e-file
	// that reads it names its cadre itself).
	CadreName string
	// CheckedByName is the reviewer's display name; only Recent reads it.
	CheckedByName string
}

// named fills the cadres' names of rs, in one query.
func (s *Service) named(ctx context.Context, rs []Result) error {
	ids := make([]int64, len(rs))
	for i := range rs {
		ids[i] = rs[i].CadreID
	}
	labels, err := models.CadreLabels(ctx, s.db, ids)
	for i := range rs {
		rs[i].CadreName = labels[rs[i].CadreID].Name
	}
	return err
}

// check validates a request into v and returns its as_of.
func (s *Service) check(v *errs.Validation, r Request) civil.Date {
	today := s.cadres.Today()
	asOf := today
	if r.AsOf != nil {
		asOf = *r.AsOf
	}
	if err := CheckRequest(r.Purpose, asOf, today); err != nil {
		if fv, ok := err.(*errs.Validation); ok {
			v.Details = append(v.Details, fv.Details...)
		}
	}
	return asOf
}

// Vet vets one cadre (404 when the reviewer may not vet them) and stores
// the result, in one transaction with its access-log entry.
func (s *Service) Vet(ctx context.Context, viewer *models.User, cadreID int64, r Request) (*Result, error) {
	v := &errs.Validation{}
	asOf := s.check(v, r)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []Result
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		if err := s.az.CheckPath(ctx, viewer, authz.CadreVet, cadreID); err != nil {
			return err
		}
		var err error
		out, err = s.run(ctx, viewer, []int64{cadreID}, r, asOf)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// Batch vets up to MaxBatch cadres and stores every result, answering them
// in the order asked. Ids that are not positive, repeated, unknown or out
// of scope answer one 400 with a detail per id (cadre_ids[i]) and store
// nothing; unknown and out-of-scope ids get the same message, so the batch
// reveals nothing of cadres the reviewer may not vet. It runs in a fixed
// number of queries whatever the number of cadres: the scope check, the
// flags, the grades, one insert, and the access-log entry.
func (s *Service) Batch(ctx context.Context, viewer *models.User, ids []int64, r Request) ([]Result, error) {
	v := &errs.Validation{}
	if len(ids) < 1 || len(ids) > MaxBatch {
		v.Add("cadre_ids", "must list 1 to %d cadre ids", MaxBatch)
	} else {
		first := make(map[int64]int, len(ids))
		for i, id := range ids {
			field := "cadre_ids[" + strconv.Itoa(i) + "]"
			if id < 1 {
				v.Add(field, "must be a cadre's id (a positive integer)")
			} else if j, dup := first[id]; dup {
				v.Add(field, "repeats cadre_ids[%d]: list each cadre once", j)
			} else {
				first[id] = i
			}
		}
	}
	asOf := s.check(v, r)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []Result
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		bad, err := s.az.Unseen(ctx, viewer, authz.CadreVet, ids)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			v := &errs.Validation{}
			for _, i := range bad {
				v.Add("cadre_ids["+strconv.Itoa(i)+"]", "is not a cadre you may vet: remove it or correct the id")
			}
			return v
		}
		out, err = s.run(ctx, viewer, ids, r, asOf)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// run evaluates and stores the vettings of ids, whose scope the caller has
// checked: one query for all their flags, one for all their grades, four for
// their checks (a promotion or an appointment only), one insert. The results
// are in the order of ids.
func (s *Service) run(ctx context.Context, viewer *models.User, ids []int64, r Request, asOf civil.Date) ([]Result, error) {
	purpose := r.Purpose
	flags, err := s.flags(ctx, ids)
	if err != nil {
		return nil, err
	}
	var evidence map[int64]*checks.Evidence
	if s.checks != nil && needsChecks(purpose) {
		if evidence, err = s.checks.Evidence(ctx, ids, asOf); err != nil {
			return nil, err
		}
	}
	grades, lastYear, err := s.grades(ctx, ids, asOf.Time().Year())
	if err != nil {
		return nil, err
	}
	at := s.now().UTC().Truncate(time.Microsecond)
	out := make([]Result, len(ids))
	rows := make([]models.Vetting, len(ids))
	for i, id := range ids {
		in := Input{Purpose: purpose, AsOf: asOf, Flags: flags[id], Grades: grades[id], LastYearFinalized: lastYear}
		if e := evidence[id]; e != nil {
			in.Checks = &Checks{Evidence: *e, BecomesReportingSubject: r.BecomesReportingSubject, Windows: s.checks.Windows()}
		}
		verdict, reasons, basis := Assess(in)
		stored, err := models.EncodeReasons(toStored(reasons))
		if err != nil {
			return nil, err
		}
		rows[i] = models.Vetting{CadreID: id, Purpose: purpose, AsOf: asOf, Verdict: verdict, Reasons: stored,
			CheckedBy: viewer.ID, CheckedAt: at, BecomesReportingSubject: r.BecomesReportingSubject,
			BasisDossierReviewID: basis.DossierReviewID, BasisPersonalMattersCheckID: basis.PersonalMattersCheckID,
			BasisIntegrityOpinionID: basis.IntegrityOpinionID}
		out[i].Reasons = reasons
	}
	// One multi-row INSERT (12 values a row: 12,000 for a full batch, well
	// within SQLite's 32,766 and MySQL's 65,535 placeholders).
	if err := models.Get(ctx, s.db).Create(&rows).Error; err != nil {
		return nil, err
	}
	for i := range rows {
		out[i].Vetting = rows[i]
	}
	return out, s.named(ctx, out)
}

// flags reads what vetting looks at of the flags of ids, in their current
// state: only those some rule can fire on (open, verifying or on hold, and
// sanctions in effect), whatever their source department.
func (s *Service) flags(ctx context.Context, ids []int64) (map[int64][]Flag, error) {
	var rows []models.Flag
	err := models.Get(ctx, s.db).Model(&models.Flag{}).
		Select("id, cadre_id, kind, severity, status, petition_type, is_specific, sanction_type, decided_on, influence_until").
		Where("cadre_id IN ?", ids).
		Where("(status IN ? OR (kind = ? AND status = ?))",
			flag.OpenStatuses(), flag.KindSanction, flag.StatusInEffect).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]Flag, len(ids))
	for _, f := range rows {
		out[f.CadreID] = append(out[f.CadreID], Flag{ID: f.ID, Kind: f.Kind, Severity: f.Severity, Status: f.Status,
			PetitionType: deref(f.PetitionType), Specific: f.Specific, SanctionType: deref(f.SanctionType), DecidedOn: deref(f.DecidedOn),
			InfluenceUntil: f.InfluenceUntil})
	}
	return out, nil
}

// grades reads the final grades of ids in finalized annual cycles of the
// two years before asOfYear, read from the appraisal tables directly (SPEC
// section 7: final grades, regraded ones included, are what vetting uses),
// and whether any annual cycle of the year before is finalized (SPEC 9:
// while none is, the year before that counts), in the same query. Results
// without a final grade (a cadre assigned but never appraised) are left out.
func (s *Service) grades(ctx context.Context, ids []int64, asOfYear int) (map[int64][]Grade, bool, error) {
	var rows []struct {
		CadreID    int64
		CycleID    int64
		Year       int
		FinalGrade string
		LastYear   int64
	}
	err := models.Get(ctx, s.db).Table("appraisal_results").
		Select("appraisal_results.cadre_id, appraisal_results.cycle_id, appraisal_cycles.year, appraisal_results.final_grade, "+
			"(SELECT COUNT(*) FROM appraisal_cycles last WHERE last.kind = ? AND last.status = ? AND last.year = ?) AS last_year",
			"annual", "finalized", asOfYear-1).
		Joins("JOIN appraisal_cycles ON appraisal_cycles.id = appraisal_results.cycle_id").
		Where("appraisal_results.cadre_id IN ? AND appraisal_cycles.kind = ? AND appraisal_cycles.status = ? AND appraisal_cycles.year IN ? AND appraisal_results.final_grade <> ''",
			ids, "annual", "finalized", []int{asOfYear - 1, asOfYear - 2}).
		Scan(&rows).Error
	if err != nil {
		return nil, false, err
	}
	out := make(map[int64][]Grade, len(rows))
	lastYear := false
	for _, r := range rows {
		out[r.CadreID] = append(out[r.CadreID], Grade{CycleID: r.CycleID, Year: r.Year, Grade: r.FinalGrade})
		lastYear = lastYear || r.LastYear > 0
	}
	return out, lastYear, nil
}

// List lists a cadre's vettings, newest first (404 when the reviewer may
// not vet the cadre).
func (s *Service) List(ctx context.Context, viewer *models.User, cadreID int64, p models.Page) ([]Result, int64, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreVet, cadreID); err != nil {
		return nil, 0, err
	}
	q := models.Get(ctx, s.db).Model(&models.Vetting{}).Where("cadre_id = ?", cadreID)
	rows, total, err := models.Paged[models.Vetting](q, p, "id DESC")
	if err != nil {
		return nil, 0, err
	}
	out, err := decode(rows)
	if err != nil {
		return nil, 0, err
	}
	return out, total, s.named(ctx, out)
}

// Recent returns the newest n vettings of a cadre whose scope the caller
// has checked (the e-file): one query.
func (s *Service) Recent(ctx context.Context, cadreID int64, n int) ([]Result, error) {
	var rows []struct {
		models.Vetting
		CheckedByName string
	}
	err := models.Get(ctx, s.db).Model(&models.Vetting{}).
		Select("vettings.*, COALESCE(users.display_name, '') AS checked_by_name").
		Joins("LEFT JOIN users ON users.id = vettings.checked_by").
		Where("vettings.cadre_id = ?", cadreID).Order("vettings.id DESC").Limit(n).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	vs := make([]models.Vetting, len(rows))
	for i, r := range rows {
		vs[i] = r.Vetting
	}
	out, err := decode(vs)
	for i := range out {
		out[i].CheckedByName = rows[i].CheckedByName
	}
	return out, err
}

func decode(rows []models.Vetting) ([]Result, error) {
	out := make([]Result, len(rows))
	for i, r := range rows {
		out[i].Vetting = r
		stored, err := models.DecodeReasons(r.Reasons)
		if err != nil {
			return nil, fmt.Errorf("vetting %d: stored reasons: %w", r.ID, err)
		}
		out[i].Reasons = make([]Reason, len(stored))
		for j, sr := range stored {
			out[i].Reasons[j] = Reason(sr)
		}
	}
	return out, nil
}

// toStored is reasons in the layout of the vettings table's column.
func toStored(reasons []Reason) []models.VettingReason {
	out := make([]models.VettingReason, len(reasons))
	for i, r := range reasons {
		out[i] = models.VettingReason(r)
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
