package appraisal

import (
	"context"
	"time"

	"efile/models"
	"efile/services/authz"

	"gorm.io/gorm"
)

// OverrideInfo is a reviewer's override of one result: the grade, why, who
// and when.
type OverrideInfo struct {
	Grade  string
	Reason string
	By     int64
	ByName string // the reviewer's display name
	At     time.Time
}

// ResultItem is one appraised cadre's result as read: Grade is the final
// grade once the cycle is finalized, else the proposed one.
type ResultItem struct {
	Result
	Grade    string
	Override *OverrideInfo
	Regraded *Regraded         // 补定等次, where made
	Cadre    models.CadreLabel // the cadre's name and unit
}

// CycleResults are a closed or finalized cycle's results, highest score
// first then by cadre id, and the cadres assigned but never appraised.
type CycleResults struct {
	Cycle   *models.AppraisalCycle
	Items   []ResultItem
	Missing []int64
}

// withResults reads a cycle whose results exist (closed or finalized; 409
// conflict before) and the query of the results viewer may see
// (authz.ResultRead: every one but their own record's).
func (s *Service) withResults(ctx context.Context, viewer *models.User, id int64) (*models.AppraisalCycle, *gorm.DB, error) {
	c, err := s.GetCycle(ctx, viewer, id)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != StatusClosed && c.Status != StatusFinalized {
		return nil, nil, ErrResultsNotReady
	}
	q, err := s.az.Scope(ctx, viewer, authz.ResultRead)
	return c, q, err
}

// Results reads the stored results of a closed or finalized cycle (409
// conflict before close), with the cadres' names and units joined in: two
// queries whatever the size of the cycle. The reviewer's own cadre record
// is left out (recusal).
func (s *Service) Results(ctx context.Context, viewer *models.User, id int64) (*CycleResults, error) {
	c, q, err := s.withResults(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	var named []struct {
		models.AppraisalResult
		CadreName string
		UnitID    int64
		UnitName  string
	}
	// LEFT JOIN (a result's cadre always exists): the cycle's results
	// drive the join, found by their primary key's cycle_id prefix; with an
	// inner join MariaDB chose to scan every cadre of the city instead.
	err = q.Select("appraisal_results.*, COALESCE(cadres.name, '') AS cadre_name, COALESCE(cadres.unit_id, 0) AS unit_id, COALESCE(units.name, '') AS unit_name").
		Joins("LEFT JOIN cadres ON cadres.id = appraisal_results.cadre_id").Joins("LEFT JOIN units ON units.id = cadres.unit_id").
		Where("appraisal_results.cycle_id = ?", id).Scan(&named).Error
	if err != nil {
		return nil, err
	}
	rows := make([]models.AppraisalResult, len(named))
	labels := make(map[int64]models.CadreLabel, len(named))
	for i, n := range named {
		rows[i] = n.AppraisalResult
		labels[n.CadreID] = models.CadreLabel{ID: n.CadreID, Name: n.CadreName, UnitID: n.UnitID, UnitName: n.UnitName}
	}
	out := readResults(c, rows)
	var by []int64
	for i := range out.Items {
		it := &out.Items[i]
		it.Cadre = labels[it.CadreID]
		if it.Override != nil {
			by = append(by, it.Override.By)
		}
		if it.Regraded != nil {
			by = append(by, it.Regraded.By)
		}
	}
	// Who overrode or regraded, by name: one query for the whole cycle.
	names, err := models.DisplayNames(ctx, s.db, by)
	for i := range out.Items {
		it := &out.Items[i]
		if it.Override != nil {
			it.Override.ByName = names[it.Override.By]
		}
		if it.Regraded != nil {
			it.Regraded.ByName = names[it.Regraded.By]
		}
	}
	return out, err
}

// readResults turns stored rows into results in the results order.
func readResults(c *models.AppraisalCycle, rows []models.AppraisalResult) *CycleResults {
	res := FromRows(rows)
	byCadre := make(map[int64]*models.AppraisalResult, len(rows))
	for i := range rows {
		byCadre[rows[i].CadreID] = &rows[i]
	}
	out := &CycleResults{Cycle: c, Items: make([]ResultItem, len(res.Items)), Missing: res.Missing}
	for i, r := range res.Items {
		it := ResultItem{Result: r, Grade: r.ProposedGrade}
		if c.Status == StatusFinalized {
			it.Grade = r.FinalGrade
		}
		m := byCadre[r.CadreID]
		if m.OverriddenBy != nil && m.OverriddenAt != nil {
			it.Override = &OverrideInfo{Grade: m.FinalGrade, Reason: m.OverrideReason, By: *m.OverriddenBy, At: m.OverriddenAt.UTC()}
		}
		it.Regraded = regradedOf(m.CadreID, m.FinalGrade, m.RegradedFrom, m.RegradeReason, m.RegradedBy, m.RegradedAt)
		out.Items[i] = it
	}
	return out
}

// UnitProgress counts one unit's assignments (evaluator-cadre pairs, by the
// cadre's own unit): assigned, submitted, and missing = assigned − submitted.
type UnitProgress struct {
	UnitID    int64
	UnitName  string
	Assigned  int64
	Submitted int64
	Missing   int64
}

// EvaluatorProgress counts one evaluator's assignments and submissions.
type EvaluatorProgress struct {
	EvaluatorID   int64
	EvaluatorName string
	Assigned      int64
	Submitted     int64
}

// Progress is how far a cycle's raters have got.
type Progress struct {
	Units      []UnitProgress
	Evaluators []EvaluatorProgress
}

// Progress counts a cycle's assignments and submissions per unit and per
// evaluator, so that the department can chase late raters: the cycle and
// two grouped queries, whatever the size.
func (s *Service) Progress(ctx context.Context, viewer *models.User, id int64) (*Progress, error) {
	if _, err := s.GetCycle(ctx, viewer, id); err != nil {
		return nil, err
	}
	db := models.Get(ctx, s.db)
	base := func() *gorm.DB {
		return db.Table("appraisal_assignments AS a").
			Joins("LEFT JOIN appraisals AS ap ON ap.assignment_id = a.id").
			Where("a.cycle_id = ?", id)
	}
	out := &Progress{Units: []UnitProgress{}, Evaluators: []EvaluatorProgress{}}
	err := base().Joins("JOIN cadres ON cadres.id = a.cadre_id").Joins("LEFT JOIN units ON units.id = cadres.unit_id").
		Select("cadres.unit_id AS unit_id, COALESCE(units.name, '') AS unit_name, COUNT(*) AS assigned, COUNT(ap.id) AS submitted").
		Group("cadres.unit_id, units.name").Order("cadres.unit_id").Scan(&out.Units).Error
	if err != nil {
		return nil, err
	}
	for i := range out.Units {
		out.Units[i].Missing = out.Units[i].Assigned - out.Units[i].Submitted
	}
	err = base().Joins("LEFT JOIN users ON users.id = a.evaluator_id").
		Select("a.evaluator_id AS evaluator_id, COALESCE(users.display_name, '') AS evaluator_name, COUNT(*) AS assigned, COUNT(ap.id) AS submitted").
		Group("a.evaluator_id, users.display_name").Order("a.evaluator_id").Scan(&out.Evaluators).Error
	return out, err
}

// FinalGrade is one cadre's final grade in one finalized cycle.
type FinalGrade struct {
	CadreID   int64
	CycleID   int64
	CycleName string
	Kind      string
	Year      int
	Score     Score
	Grade     string
	// The regrade (补定等次) that gave Grade, where one did.
	RegradedFrom  *string
	RegradeReason *string
	RegradedBy    *int64
	RegradedAt    *time.Time
	// The regrader's display name ("" when no regrade).
	RegradedByName string
}

// regradedOf is a stored regrade, or nil where none was made.
func regradedOf(cadreID int64, to string, from, reason *string, by *int64, at *time.Time) *Regraded {
	if from == nil || reason == nil || by == nil || at == nil {
		return nil
	}
	return &Regraded{CadreID: cadreID, From: *from, To: to, Reason: *reason, By: *by, At: at.UTC()}
}

// Regrade is the regrade that gave the grade, or nil.
func (g FinalGrade) Regrade() *Regraded {
	r := regradedOf(g.CadreID, g.Grade, g.RegradedFrom, g.RegradeReason, g.RegradedBy, g.RegradedAt)
	if r != nil {
		r.ByName = g.RegradedByName
	}
	return r
}

// finalGrades is the query of final grades: finalized cycles, appraised
// cadres, newest year first, then newest cycle. The constant FALSE is
// written in the SQL, not bound: with "r.missing = ?" SQLite prepared the
// statement again at every execution (a third of the e-file's parsing,
// 25 against 9 µs a query; docs/performance.md), and constant booleans are
// written so everywhere (docs/architecture.md).
func (s *Service) finalGrades(ctx context.Context) *gorm.DB {
	return models.Get(ctx, s.db).Table("appraisal_results AS r").
		Joins("JOIN appraisal_cycles AS c ON c.id = r.cycle_id").
		Select("r.cadre_id AS cadre_id, c.id AS cycle_id, c.name AS cycle_name, c.kind AS kind, c.year AS year, r.score AS score, r.final_grade AS grade, "+
			"r.regraded_from AS regraded_from, r.regrade_reason AS regrade_reason, r.regraded_by AS regraded_by, r.regraded_at AS regraded_at, "+
			"COALESCE(u.display_name, '') AS regraded_by_name").
		Joins("LEFT JOIN users AS u ON u.id = r.regraded_by").
		Where("c.status = ? AND r.missing = FALSE", StatusFinalized).
		Order("c.year DESC, c.id DESC")
}

// Finalized lists one cadre's final grades in every finalized cycle, of any
// kind, newest first: what the e-file shows. One query; the caller has
// checked the cadre's scope.
func (s *Service) Finalized(ctx context.Context, cadreID int64) ([]FinalGrade, error) {
	out := []FinalGrade{}
	err := s.finalGrades(ctx).Where("r.cadre_id = ?", cadreID).Scan(&out).Error
	return out, err
}

// FinalGrades gives, for each of cadreIDs, their final grades in finalized
// annual cycles of year fromYear or later, newest first (highest year, then
// highest cycle id): what pre-promotion vetting reads (SPEC 9,
// recent_low_grade). One query whatever the number of cadres; the caller
// has checked their scope. Cadres without such a grade have no entry.
func (s *Service) FinalGrades(ctx context.Context, cadreIDs []int64, fromYear int) (map[int64][]FinalGrade, error) {
	out := make(map[int64][]FinalGrade, len(cadreIDs))
	if len(cadreIDs) == 0 {
		return out, nil
	}
	var rows []FinalGrade
	err := s.finalGrades(ctx).Where("c.kind = ? AND c.year >= ? AND r.cadre_id IN ?", KindAnnual, fromYear, cadreIDs).Scan(&rows).Error
	for _, r := range rows {
		out[r.CadreID] = append(out[r.CadreID], r)
	}
	return out, err
}
