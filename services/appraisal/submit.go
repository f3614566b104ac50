package appraisal

import (
	"context"
	"unicode/utf8"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/errs"
)

// Scores are the five marks of an appraisal (德能勤绩廉), integers 0–100;
// nil is a mark not given.
type Scores struct {
	Morality, Ability, Diligence, Achievement, Integrity *int
}

// MaxComment bounds an appraisal's comment, in characters (SPEC 7).
const MaxComment = 2000

// Submission is an evaluator's appraisal of one cadre.
type Submission struct {
	CadreID int64
	Scores  Scores
	Comment string
}

// Revision changes an appraisal; Version is the one last read.
type Revision struct {
	Scores  Scores
	Comment string
	Version int
}

// check validates the marks and the comment, naming each bad field as in
// the JSON body (scores.morality, comment).
func (sc Scores) check(v *errs.Validation, comment string) {
	for _, m := range []struct {
		name string
		val  *int
	}{{"morality", sc.Morality}, {"ability", sc.Ability}, {"diligence", sc.Diligence},
		{"achievement", sc.Achievement}, {"integrity", sc.Integrity}} {
		if m.val == nil {
			v.Add("scores."+m.name, "is required: an integer from 0 to 100")
		} else if *m.val < 0 || *m.val > 100 {
			v.Add("scores."+m.name, "must be an integer from 0 to 100, not %d", *m.val)
		}
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		v.Add("comment", "must be at most %d characters long", MaxComment)
	}
}

func (sc Scores) apply(a *models.Appraisal) {
	a.Morality, a.Ability, a.Diligence, a.Achievement, a.Integrity =
		*sc.Morality, *sc.Ability, *sc.Diligence, *sc.Achievement, *sc.Integrity
}

// Submit records an evaluator's appraisal of a cadre. Checks, in SPEC
// order: the body (400), the cycle (404), an assignment for the cadre in
// this cycle (authz.CadreAppraise; 403 without), the cycle open (409
// cycle_not_open), then once per evaluator and cadre (409
// already_submitted, by the unique index: concurrent duplicates land once).
func (s *Service) Submit(ctx context.Context, viewer *models.User, cycleID int64, in Submission) (*Labelled[models.Appraisal], error) {
	v := &errs.Validation{}
	if in.CadreID < 1 {
		v.Add("cadre_id", "is required: the id of the cadre you appraise")
	}
	in.Scores.check(v, in.Comment)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var a *models.Appraisal
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cycle(ctx, cycleID, true)
		if err != nil {
			return err
		}
		if err := s.az.CheckBody(ctx, viewer, authz.CadreAppraise(cycleID), in.CadreID); err != nil {
			return err
		}
		accesslog.SetCadre(ctx, in.CadreID)
		if c.Status != StatusOpen {
			return ErrCycleNotOpen
		}
		var as models.AppraisalAssignment
		err = models.Get(ctx, s.db).Where("cycle_id = ? AND evaluator_id = ? AND cadre_id = ?", cycleID, viewer.ID, in.CadreID).
			First(&as).Error
		if err != nil {
			return err
		}
		now := s.stamp()
		a = &models.Appraisal{CycleID: cycleID, AssignmentID: as.ID, EvaluatorID: viewer.ID, CadreID: in.CadreID,
			RaterType: as.RaterType, Comment: in.Comment, Version: 1, SubmittedAt: now, UpdatedAt: now}
		in.Scores.apply(a)
		if err := models.Get(ctx, s.db).Create(a).Error; err != nil {
			if models.IsDuplicate(err) {
				return ErrAlreadySubmitted
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

// Revise changes an appraisal while its cycle is open. Only its author
// sees it (404 for anyone else); a stale version is 409 version_conflict.
func (s *Service) Revise(ctx context.Context, viewer *models.User, cycleID, id int64, in Revision) (*Labelled[models.Appraisal], error) {
	v := &errs.Validation{}
	in.Scores.check(v, in.Comment)
	if in.Version < 1 {
		v.Add("version", "is required: the version you last read")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var a models.Appraisal
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cycle(ctx, cycleID, true)
		if err != nil {
			return err
		}
		// Only the author revises it, and not if recusal has come since.
		q, err := s.az.Scope(ctx, viewer, authz.AppraisalRevise)
		if err != nil {
			return err
		}
		if err := q.Where("appraisals.id = ? AND appraisals.cycle_id = ?", id, cycleID).Take(&a).Error; err != nil {
			if models.IsNotFound(err) {
				return ErrAppraisalNotFound
			}
			return err
		}
		accesslog.SetCadre(ctx, a.CadreID)
		if c.Status != StatusOpen {
			return ErrCycleNotOpen
		}
		if a.Version != in.Version {
			return errs.ErrVersionConflict
		}
		in.Scores.apply(&a)
		a.Comment, a.UpdatedAt = in.Comment, s.stamp()
		res := models.Get(ctx, s.db).Model(&models.Appraisal{}).Where("id = ? AND version = ?", a.ID, in.Version).
			Updates(map[string]any{"morality": a.Morality, "ability": a.Ability, "diligence": a.Diligence,
				"achievement": a.Achievement, "integrity": a.Integrity, "comment": a.Comment,
				"version": in.Version + 1, "updated_at": a.UpdatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		a.Version = in.Version + 1
		return nil
	})
	if err != nil {
		return nil, err
	}
	return labelOne(ctx, s, &a)
}

// AppraisalFilter selects appraisals for ListAppraisals.
type AppraisalFilter struct {
	CadreID     *int64
	EvaluatorID *int64
	Page        models.Page
}

// ListAppraisals lists a cycle's appraisals, newest first: an evaluator
// their own, an org_reviewer all (but those of their own cadre record).
func (s *Service) ListAppraisals(ctx context.Context, viewer *models.User, cycleID int64, f AppraisalFilter) ([]Labelled[models.Appraisal], int64, error) {
	q, err := s.inCycle(ctx, viewer, cycleID, authz.AppraisalRead)
	if err != nil {
		return nil, 0, err
	}
	if f.CadreID != nil {
		q = q.Where("cadre_id = ?", *f.CadreID)
	}
	if f.EvaluatorID != nil {
		q = q.Where("evaluator_id = ?", *f.EvaluatorID)
	}
	rows, total, err := models.Paged[models.Appraisal](q, f.Page, "id DESC")
	if err != nil {
		return nil, 0, err
	}
	out, err := label(ctx, s, rows)
	return out, total, err
}
