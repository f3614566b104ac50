package appraisal

import (
	"context"
	"slices"
	"strings"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/flag"
	"efile/services/sanction"
)

// 补定等次 (SPEC 7; 公务员考核规定 (2020) art. 28, docs/regulations.md row 30:
// 结案后，不给予处分或者给予警告处分的，按照规定补定等次): a cadre left
// ungraded by an investigation gets a grade once it ends without a
// sanction, or with a warning at most.

// Regrade is the body of a regrade.
type Regrade struct {
	CadreID int64
	Grade   string
	Reason  string
}

// Regraded is a regrade as made: the cadre, from and to, why, who and when.
type Regraded struct {
	CadreID int64
	From    string
	To      string
	Reason  string
	By      int64
	ByName  string // the reviewer's display name
	At      time.Time
}

// warningsAtMost are the sanctions after which a regrade is still made.
var warningsAtMost = []string{string(sanction.GovWarning), string(sanction.PartyWarning)}

// RegradeCadre regrades one cadre of a finalized cycle. Checks, in SPEC
// order: the cycle (404), the body (400), the cadre in the reviewer's scope
// (403), then 409: the cycle finalized, the cadre's final grade ungraded
// for under_investigation, no investigation of theirs still open, no
// sanction heavier than a warning decided since the investigation began
// (conflict); the grade within the bars of sanctions in effect
// (grade_forced) and the quota (quota_exceeded).
func (s *Service) RegradeCadre(ctx context.Context, viewer *models.User, cycleID int64, in Regrade) (*Regraded, error) {
	var out *Regraded
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cycle(ctx, cycleID, true)
		if err != nil {
			return err
		}
		v := &errs.Validation{}
		if in.CadreID < 1 {
			v.Add("cadre_id", "is required: the cadre whose grade changes")
		}
		checkOverride(v, "", Override{Grade: in.Grade, Reason: in.Reason}, c.Kind)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.az.CheckBody(ctx, viewer, authz.CadreAssign, in.CadreID); err != nil {
			return err
		}
		accesslog.SetCadre(ctx, in.CadreID)
		if c.Status != StatusFinalized {
			return errs.Conflict("conflict", "only a finalized cycle's grades are regraded (补定等次); this cycle is %s", c.Status)
		}
		db := models.Get(ctx, s.db)
		var r models.AppraisalResult
		err = db.Where("cycle_id = ? AND cadre_id = ? AND missing = FALSE", c.ID, in.CadreID).Take(&r).Error
		if models.IsNotFound(err) {
			return errs.Invalid("cadre_id", "cadre %d has no result in this cycle; only appraised cadres can be graded", in.CadreID)
		}
		if err != nil {
			return err
		}
		if r.FinalGrade != GradeUngraded || !slices.Contains(strings.Split(r.Reasons, ","), ReasonUnderInvestigation) {
			return errs.Conflict("conflict", "cadre %d was not left ungraded by an investigation in this cycle: nothing to regrade", in.CadreID)
		}
		flags, err := s.barringFlags(ctx, []int64{in.CadreID})
		if err != nil {
			return err
		}
		if err := s.investigationEnded(ctx, c, in.CadreID, flags); err != nil {
			return err
		}
		if err := Forced(c.Kind, in.CadreID, in.Grade, Bars(c, flags)[in.CadreID]); err != nil {
			return err
		}
		if top := TopGrade(c.Kind); in.Grade == top {
			if err := s.quotaLeft(ctx, c); err != nil {
				return err
			}
		}
		now := s.stamp()
		reason := strings.TrimSpace(in.Reason)
		res := db.Model(&models.AppraisalResult{}).Where("cycle_id = ? AND cadre_id = ? AND final_grade = ?", c.ID, in.CadreID, GradeUngraded).
			Updates(map[string]any{"final_grade": in.Grade, "regraded_from": GradeUngraded, "regrade_reason": reason,
				"regraded_by": viewer.ID, "regraded_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		out = &Regraded{CadreID: in.CadreID, From: GradeUngraded, To: in.Grade, Reason: reason, By: viewer.ID, ByName: viewer.DisplayName, At: now}
		return nil
	})
	return out, err
}

// investigationEnded: no investigation of the cadre still open, and no
// sanction heavier than a warning in effect decided on or after the
// investigation's occurred_on (its own bar is the grade then: 409).
func (s *Service) investigationEnded(ctx context.Context, c *models.AppraisalCycle, cadreID int64, barring []models.Flag) error {
	for _, f := range barring {
		if f.Kind == flag.KindInvestigation {
			return errs.Conflict("conflict", "flag %d: the investigation of cadre %d is still open; regrade once it ends", f.ID, cadreID)
		}
	}
	// The investigations that could have left the cadre ungraded: begun by
	// the end of the cycle's period; the earliest counts.
	var began civil.Date
	err := models.Get(ctx, s.db).Model(&models.Flag{}).Select("MIN(occurred_on)").
		Where("cadre_id = ? AND kind = ? AND occurred_on <= ?", cadreID, flag.KindInvestigation, c.PeriodEnd).Row().Scan(&began)
	if err != nil {
		return err
	}
	if began.IsZero() {
		began = c.PeriodStart
	}
	for _, f := range barring {
		if f.Kind == flag.KindSanction && f.DecidedOn != nil && !f.DecidedOn.Before(began) &&
			f.SanctionType != nil && !slices.Contains(warningsAtMost, *f.SanctionType) {
			return errs.Conflict("conflict", "flag %d: the case of cadre %d ended with a %s, heavier than a warning: its own bar is the grade, not a regrade",
				f.ID, cadreID, *f.SanctionType)
		}
	}
	return nil
}

// quotaLeft answers 409 quota_exceeded when the cycle's top grades already
// fill its quota.
func (s *Service) quotaLeft(ctx context.Context, c *models.AppraisalCycle) error {
	var n struct {
		Appraised int64
		Top       int64
	}
	top := TopGrade(c.Kind)
	err := models.Get(ctx, s.db).Model(&models.AppraisalResult{}).
		Select("COUNT(*) AS appraised, SUM(CASE WHEN final_grade = ? THEN 1 ELSE 0 END) AS top", top).
		Where("cycle_id = ? AND missing = FALSE", c.ID).Scan(&n).Error
	if err != nil {
		return err
	}
	if q := Quota(c.ExcellentQuotaPct, int(n.Appraised)); int(n.Top)+1 > q {
		return errs.Conflict("quota_exceeded", "%d cadres would be graded %s, but the quota of %d%% of %d appraised cadres allows %d",
			n.Top+1, top, c.ExcellentQuotaPct, n.Appraised, q)
	}
	return nil
}
