package appraisal

import (
	"context"
	"fmt"
	"strings"

	"efile/models"
	"efile/services/account"
	"efile/services/authz"
	"efile/services/errs"

	"gorm.io/gorm"
)

// NewAssignment assigns one evaluator to appraise one cadre.
type NewAssignment struct {
	EvaluatorID int64
	CadreID     int64
	RaterType   string
}

// evaluator is what an assignment needs to know of an evaluator.
type evaluator struct {
	ID      int64
	CadreID *int64
}

// evaluators loads, in one query, those of ids that are enabled users with
// the evaluator role.
func (s *Service) evaluators(ctx context.Context, ids []int64) (map[int64]evaluator, error) {
	var rows []evaluator
	err := models.Get(ctx, s.db).Model(&models.User{}).Select("users.id, users.cadre_id").
		Joins("JOIN user_roles ON user_roles.user_id = users.id AND user_roles.role = ?", account.RoleEvaluator).
		Where("users.id IN ? AND users.disabled = FALSE", ids).Scan(&rows).Error
	out := make(map[int64]evaluator, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, err
}

func checkRaterType(v *errs.Validation, t string) {
	if !ValidRaterType(t) {
		v.Add("rater_type", "must be one of: %s", strings.Join(RaterTypes, ", "))
	}
}

// Assign assigns an evaluator to a cadre in a draft or open cycle. Checks,
// in SPEC order: the body (400; an evaluator_id that is not an enabled
// evaluator is a 400 too), the cycle (404), the cadre in the reviewer's
// scope and the evaluator not linked to the cadre (recusal; both 403), the
// cycle's state (409 cycle_not_open), then the pair once (409 conflict, by
// the unique index, so two concurrent requests end in one 201 and one 409).
func (s *Service) Assign(ctx context.Context, viewer *models.User, cycleID int64, in NewAssignment) (*Labelled[models.AppraisalAssignment], error) {
	v := &errs.Validation{}
	if in.EvaluatorID < 1 {
		v.Add("evaluator_id", "is required: the id of a user with the evaluator role")
	}
	if in.CadreID < 1 {
		v.Add("cadre_id", "is required: the id of the cadre to appraise")
	}
	checkRaterType(v, in.RaterType)
	if err := v.Err(); err != nil {
		return nil, err
	}
	a := &models.AppraisalAssignment{CycleID: cycleID, EvaluatorID: in.EvaluatorID, CadreID: in.CadreID,
		RaterType: in.RaterType, CreatedBy: viewer.ID}
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cycle(ctx, cycleID, true)
		if err != nil {
			return err
		}
		evs, err := s.evaluators(ctx, []int64{in.EvaluatorID})
		if err != nil {
			return err
		}
		ev, ok := evs[in.EvaluatorID]
		if !ok {
			return errs.Invalid("evaluator_id", "user %d is not an enabled user with the evaluator role", in.EvaluatorID)
		}
		if err := s.az.CheckBody(ctx, viewer, authz.CadreAssign, in.CadreID); err != nil {
			return err
		}
		if authz.Recused(&models.User{ID: ev.ID, CadreID: ev.CadreID}, in.CadreID) {
			return errs.Forbidden("evaluator %d is linked to cadre %d and may not appraise them (recusal)", ev.ID, in.CadreID)
		}
		if c.Status != StatusDraft && c.Status != StatusOpen {
			return notAssignable(c.Status)
		}
		a.ID, a.CreatedAt = 0, s.stamp()
		if err := models.Get(ctx, s.db).Create(a).Error; err != nil {
			if models.IsDuplicate(err) {
				return ErrAssigned
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return labelOne(ctx, s, a)
}

// MaxBulkPairs bounds the pairs (evaluators × cadres) of one bulk assignment.
const MaxBulkPairs = 5000

// Bulk assigns several evaluators to every active cadre of a unit.
type Bulk struct {
	EvaluatorIDs []int64
	UnitID       int64
	RaterType    string
}

// BulkResult counts the pairs a bulk assignment created and skipped
// (already assigned, or the evaluator is linked to the cadre).
type BulkResult struct {
	Created int64
	Skipped int64
}

// AssignBulk assigns each evaluator to every active cadre of the unit and
// its sub-units that the reviewer may assign (authz.CadreAssign: all but their
// own record), skipping existing and recused pairs. It runs a fixed number
// of queries whatever the size: the cycle, the evaluators, the unit, a count
// of the cadres, and one INSERT … SELECT that skips what exists (and what a
// concurrent request has just inserted: ON CONFLICT / ON DUPLICATE KEY).
func (s *Service) AssignBulk(ctx context.Context, viewer *models.User, cycleID int64, in Bulk) (*BulkResult, error) {
	v := &errs.Validation{}
	if len(in.EvaluatorIDs) == 0 {
		v.Add("evaluator_ids", "is required: the ids of one or more evaluators")
	}
	if len(in.EvaluatorIDs) > MaxBulkPairs {
		v.Add("evaluator_ids", "at most %d evaluators per request", MaxBulkPairs)
	}
	seen := make(map[int64]bool, len(in.EvaluatorIDs))
	for i, id := range in.EvaluatorIDs {
		if seen[id] {
			v.Add(fmt.Sprintf("evaluator_ids[%d]", i), "evaluator %d is listed twice", id)
		}
		seen[id] = true
	}
	if in.UnitID < 1 {
		v.Add("unit_id", "is required: the unit whose cadres (and those of its sub-units) are assigned")
	}
	checkRaterType(v, in.RaterType)
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := &BulkResult{}
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cycle(ctx, cycleID, true)
		if err != nil {
			return err
		}
		evs, err := s.evaluators(ctx, in.EvaluatorIDs)
		if err != nil {
			return err
		}
		v := &errs.Validation{}
		for i, id := range in.EvaluatorIDs {
			if _, ok := evs[id]; !ok {
				v.Add(fmt.Sprintf("evaluator_ids[%d]", i), "user %d is not an enabled user with the evaluator role", id)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		tree, err := s.cadres.InUnit(ctx, in.UnitID, "unit_id")
		if err != nil {
			return err
		}
		// The active cadres of the subtree that the reviewer may assign; a
		// new query each time, as running a gorm query changes its statement.
		cadres := func() (*gorm.DB, error) {
			q, err := s.az.Scope(ctx, viewer, authz.CadreAssign)
			if err != nil {
				return nil, err
			}
			return q.Select("cadres.id").Where("cadres.unit_id IN (?) AND cadres.status = ?", tree, "active"), nil
		}
		q, err := cadres()
		if err != nil {
			return err
		}
		var n int64
		if err := q.Count(&n).Error; err != nil {
			return err
		}
		pairs := n * int64(len(in.EvaluatorIDs))
		if pairs > MaxBulkPairs {
			return errs.Invalid("evaluator_ids", "%d evaluators × %d active cadres are %d pairs; at most %d per request: split the evaluators or the unit",
				len(in.EvaluatorIDs), n, pairs, MaxBulkPairs)
		}
		if c.Status != StatusDraft && c.Status != StatusOpen {
			return notAssignable(c.Status)
		}
		if q, err = cadres(); err != nil {
			return err
		}
		created, err := s.insertPairs(ctx, cycleID, in, q, viewer.ID)
		if err != nil {
			return err
		}
		out.Created, out.Skipped = created, pairs-created
		return nil
	})
	return out, err
}

// insertPairs inserts every (evaluator, cadre) pair of the cadres subquery
// not yet assigned and not recused, in one statement; it returns how many
// it inserted. The unique index decides what exists, so a concurrent bulk
// of the same pairs inserts each once.
func (s *Service) insertPairs(ctx context.Context, cycleID int64, in Bulk, cadres *gorm.DB, by int64) (int64, error) {
	db := models.Get(ctx, s.db)
	// One side of the cross join is the evaluators (enabled evaluators, as
	// checked above), the other the cadres in scope. Recusal: an evaluator
	// linked to a cadre is not paired with it.
	sel := db.Table("users CROSS JOIN cadres").
		Select("?, users.id, cadres.id, ?, ?, ?", cycleID, in.RaterType, by, s.stamp()).
		Where("users.id IN ? AND cadres.id IN (?)", in.EvaluatorIDs, cadres).
		Where("users.cadre_id IS NULL OR users.cadre_id <> cadres.id")
	stmt := sel.Session(&gorm.Session{DryRun: true}).Find(&[]struct{}{}).Statement
	cols := "INSERT INTO appraisal_assignments (cycle_id, evaluator_id, cadre_id, rater_type, created_by, created_at) "
	conflict := " ON CONFLICT (cycle_id, evaluator_id, cadre_id) DO NOTHING"
	if db.Dialector.Name() == "mysql" {
		conflict = " ON DUPLICATE KEY UPDATE appraisal_assignments.cadre_id = appraisal_assignments.cadre_id"
	}
	res := db.Exec(cols+stmt.SQL.String()+conflict, stmt.Vars...)
	return res.RowsAffected, res.Error
}

// inCycle is a query on a cycle's rows of kind p (assignments, appraisals)
// that viewer may read (authz: an org_reviewer all but those of their own
// cadre record, an evaluator only their own; 404 for a cycle they may not
// see).
func (s *Service) inCycle(ctx context.Context, viewer *models.User, cycleID int64, p authz.Purpose) (*gorm.DB, error) {
	if _, err := s.GetCycle(ctx, viewer, cycleID); err != nil {
		return nil, err
	}
	q, err := s.az.Scope(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	return q.Where("cycle_id = ?", cycleID), nil
}

// AssignmentFilter selects assignments for ListAssignments.
type AssignmentFilter struct {
	EvaluatorID *int64
	CadreID     *int64
	Page        models.Page
}

// ListAssignments lists a cycle's assignments, newest first: an
// org_reviewer all (but those of their own cadre record), an evaluator only
// their own.
func (s *Service) ListAssignments(ctx context.Context, viewer *models.User, cycleID int64, f AssignmentFilter) ([]Labelled[models.AppraisalAssignment], int64, error) {
	q, err := s.inCycle(ctx, viewer, cycleID, authz.AssignmentRead)
	if err != nil {
		return nil, 0, err
	}
	if f.EvaluatorID != nil {
		q = q.Where("evaluator_id = ?", *f.EvaluatorID)
	}
	if f.CadreID != nil {
		q = q.Where("cadre_id = ?", *f.CadreID)
	}
	rows, total, err := models.Paged[models.AppraisalAssignment](q, f.Page, "id DESC")
	if err != nil {
		return nil, 0, err
	}
	out, err := label(ctx, s, rows)
	return out, total, err
}
