package appraisal

import (
	"context"
	"fmt"

	"efile/models"
	"efile/services/authz"
	"efile/services/flag"
	"efile/services/sanction"

	"gorm.io/gorm"
)

// resultBatch is how many result rows one INSERT writes (14 columns: well
// under SQLite's limit of bound parameters).
const resultBatch = 500

// Close moves an open cycle to closed and computes its proposed results,
// in one transaction and a fixed number of queries whatever its size: the
// cycle, its appraisals, its assigned cadres, the flags that bear on their
// grades, the result rows in batches of 500, the status. The results are
// stored, so reading them again gives the same answer.
func (s *Service) Close(ctx context.Context, viewer *models.User, id int64) (*models.AppraisalCycle, error) {
	var c *models.AppraisalCycle
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.cycle(ctx, id, true); err != nil {
			return err
		}
		if c.Status != StatusOpen {
			return s.transition(ctx, c, StatusOpen, StatusClosed) // the 409
		}
		res, err := s.propose(ctx, c)
		if err != nil {
			return err
		}
		rows := ToRows(c.ID, res)
		if len(rows) > 0 {
			if err := models.Get(ctx, s.db).CreateInBatches(rows, resultBatch).Error; err != nil {
				return err
			}
		}
		return s.transition(ctx, c, StatusOpen, StatusClosed)
	})
	return c, err
}

// propose loads what scoring needs and calls Propose.
func (s *Service) propose(ctx context.Context, c *models.AppraisalCycle) (Results, error) {
	db := models.Get(ctx, s.db)
	var apps []models.Appraisal
	err := db.Select("cadre_id, rater_type, morality, ability, diligence, achievement, integrity").
		Where("cycle_id = ?", c.ID).Find(&apps).Error
	if err != nil {
		return Results{}, err
	}
	var assigned []int64
	err = db.Model(&models.AppraisalAssignment{}).Distinct("cadre_id").Where("cycle_id = ?", c.ID).Pluck("cadre_id", &assigned).Error
	if err != nil {
		return Results{}, err
	}
	flags, err := s.barringFlags(ctx, db.Model(&models.AppraisalAssignment{}).Select("cadre_id").Where("cycle_id = ?", c.ID))
	if err != nil {
		return Results{}, err
	}
	res, err := Propose(Input{Kind: c.Kind, QuotaPct: c.ExcellentQuotaPct, Assigned: assigned,
		Appraisals: FromModels(apps), Bars: Bars(c, flags)})
	if err != nil {
		return Results{}, fmt.Errorf("propose results of cycle %d: %w", c.ID, err)
	}
	return res, nil
}

// barringFlags reads the flags that may bear on the grades of the cadres
// (a subquery or a list of ids): sanctions in effect (never revoked ones)
// and investigations still open (open, verifying, on_hold).
func (s *Service) barringFlags(ctx context.Context, cadres any) ([]models.Flag, error) {
	var flags []models.Flag
	err := models.Get(ctx, s.db).Select("id, cadre_id, kind, status, sanction_type, decided_on").
		Where("cadre_id IN (?)", cadres).
		Where("(kind = ? AND sanction_type IS NOT NULL AND decided_on IS NOT NULL AND status = ?) OR (kind = ? AND status IN ?)",
			flag.KindSanction, flag.StatusInEffect, flag.KindInvestigation, flag.OpenStatuses()).
		Order("id").Find(&flags).Error
	return flags, err
}

// Bars turns the flags of a cycle's cadres into bars on their grades (SPEC
// 7, the table in services/sanction):
//   - a sanction in effect (never a revoked one): in an annual cycle by
//     the calendar year of decided_on against the cycle's year
//     (sanction.GradeEffect); in a cycle of another kind, decided inside the
//     cycle's period bars the top grade (sanction.PeriodEffect);
//   - an investigation open, verifying or on hold at close leaves the cadre
//     ungraded (under_investigation: 公务员考核规定 (2020) art. 28).
func Bars(c *models.AppraisalCycle, flags []models.Flag) map[int64][]Bar {
	out := map[int64][]Bar{}
	for _, f := range flags {
		switch {
		case f.Kind == flag.KindInvestigation && flag.IsOpen(f.Status):
			out[f.CadreID] = append(out[f.CadreID], Bar{Grade: GradeUngraded, NoTop: true, Reason: ReasonUnderInvestigation, FlagID: f.ID})
		case f.Kind == flag.KindSanction && f.SanctionType != nil && f.DecidedOn != nil && flag.InEffect(f.Status):
			t, on := sanction.Type(*f.SanctionType), *f.DecidedOn
			var e sanction.Effect
			if c.Kind == KindAnnual {
				if !on.Valid() {
					continue // not a date: flag.Check refuses it at filing
				}
				e = sanction.GradeEffect(t, on.Time().Year(), c.Year)
			} else {
				e = sanction.PeriodEffect(t, on, c.PeriodStart, c.PeriodEnd)
			}
			if !e.None() {
				out[f.CadreID] = append(out[f.CadreID], Bar{Grade: e.Grade, NoTop: true, Reason: ReasonSanctionInPeriod, FlagID: f.ID})
			}
		}
	}
	return out
}

// Finalize moves a closed cycle to finalized: every result's final grade is
// its proposed grade, or the override's. Checks: the cycle (404), each
// override's grade and reason (400, named overrides[i].field), the cadres
// not the reviewer's own record (403), the cycle closed (409
// invalid_transition), then appraisal.Finalize: cadres with a result (400),
// no top grade for a barred cadre (409 conflict), the quota on the final
// grades (409 quota_exceeded). Who overrode and when is kept per override.
func (s *Service) Finalize(ctx context.Context, viewer *models.User, id int64, overrides []Override) (*models.AppraisalCycle, error) {
	var c *models.AppraisalCycle
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.cycle(ctx, id, true); err != nil {
			return err
		}
		if err := CheckOverrides(overrides, c.Kind); err != nil {
			return err
		}
		ids := make([]int64, len(overrides))
		for i, o := range overrides {
			ids[i] = o.CadreID
		}
		if err := s.az.CheckBody(ctx, viewer, authz.CadreAssign, ids...); len(ids) > 0 && err != nil {
			return err
		}
		if c.Status != StatusClosed {
			return s.transition(ctx, c, StatusClosed, StatusFinalized) // the 409
		}
		db := models.Get(ctx, s.db)
		var rows []models.AppraisalResult
		if err := db.Where("cycle_id = ? AND missing = FALSE", c.ID).Find(&rows).Error; err != nil {
			return err
		}
		// The bars as they stand now: a sanction revoked since close no
		// longer forces a grade; one filed since does.
		var bars map[int64][]Bar
		if len(ids) > 0 {
			flags, err := s.barringFlags(ctx, ids)
			if err != nil {
				return err
			}
			bars = Bars(c, flags)
		}
		final, err := Finalize(FromRows(rows).Items, overrides, c.ExcellentQuotaPct, c.Kind, bars)
		if err != nil {
			return err
		}
		// One statement for the grades left as proposed, one per override.
		err = db.Model(&models.AppraisalResult{}).Where("cycle_id = ? AND missing = FALSE", c.ID).
			Update("final_grade", gorm.Expr("proposed_grade")).Error
		if err != nil {
			return err
		}
		now := s.stamp()
		byCadre := make(map[int64]Result, len(final))
		for _, r := range final {
			byCadre[r.CadreID] = r
		}
		for _, o := range overrides {
			r := byCadre[o.CadreID]
			err := db.Model(&models.AppraisalResult{}).Where("cycle_id = ? AND cadre_id = ?", c.ID, o.CadreID).
				Updates(map[string]any{"final_grade": r.FinalGrade, "override_reason": r.OverrideReason,
					"overridden_by": viewer.ID, "overridden_at": now}).Error
			if err != nil {
				return err
			}
		}
		if err := s.transition(ctx, c, StatusClosed, StatusFinalized); err != nil {
			return err
		}
		c.FinalizedBy = &viewer.ID
		return db.Model(&models.AppraisalCycle{}).Where("id = ?", c.ID).Update("finalized_by", viewer.ID).Error
	})
	return c, err
}
