package flag

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/errs"
	"efile/services/sanction"

	"gorm.io/gorm"
)

// A sanction is a decision; reviews of it (复审、复核、申诉) revoke or modify
// it (SPEC 8). Each review is kept in sanction_changes with who, when, the
// review's own decided_on and its basis, and as an event of the flag's
// history; a revoked sanction takes no further change.

// Review actions.
const (
	ActionRevoke = "revoke"
	ActionModify = "modify"
)

var actions = []string{ActionRevoke, ActionModify}

// Actions lists the review actions.
func Actions() []string { return []string{ActionRevoke, ActionModify} }

// Review is the body of a sanction change.
type Review struct {
	Action       string
	Type         *string
	PeriodMonths *int
	DecidedOn    string
	Basis        string
}

// SanctionChange is one review as the history shows it.
type SanctionChange struct {
	models.SanctionChange
	Actor string
}

// checkReview validates a review's body (400): the action, its fields, the
// review's day and a basis of 1–500 characters (trimmed in place).
func checkReview(r *Review, today string) error {
	v := &errs.Validation{}
	oneOf(v, "action", r.Action, actions)
	date(v, "decided_on", r.DecidedOn, today)
	r.Basis = strings.TrimSpace(r.Basis)
	if n := utf8.RuneCountInString(r.Basis); n < 1 || n > MaxBasis {
		v.Add("basis", "must be 1 to %d characters long", MaxBasis)
	}
	switch r.Action {
	case ActionRevoke:
		if r.Type != nil {
			v.Add("type", "is only for action modify")
		}
		if r.PeriodMonths != nil {
			v.Add("period_months", "is only for action modify")
		}
	case ActionModify:
		if r.Type == nil && r.PeriodMonths == nil {
			v.Add("type", "is required for action modify: the new type, or the new period_months, or both")
		}
		if r.Type != nil && !sanction.Valid(*r.Type) {
			oneOf(v, "type", *r.Type, typeNames())
		}
	}
	return v.Err()
}

func typeNames() []string {
	var out []string
	for _, t := range sanction.Types() {
		out = append(out, string(t))
	}
	return out
}

// ChangeSanction records a review of a sanction of the viewer's own
// department: the body (400), the flag in the department's scope (404), a
// sanction still in effect (409), the new type one the department decides
// (403), then the change, its event and the access-log entry together.
func (s *Service) ChangeSanction(ctx context.Context, viewer *models.User, id int64, r Review) (*View, error) {
	if err := checkReview(&r, s.cadres.Today()); err != nil {
		return nil, err
	}
	var out *View
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		var f models.Flag
		if err := s.az.Find(ctx, viewer, authz.FlagChange, id, &f); err != nil {
			return err
		}
		accesslog.SetCadre(ctx, f.CadreID)
		switch {
		case f.Kind != KindSanction || f.SanctionType == nil || f.DecidedOn == nil:
			return errs.Conflict("conflict", "flag %d is not a sanction: only a sanction is revoked or modified", f.ID)
		case f.Status == StatusRevoked:
			return errs.Conflict("invalid_transition", "flag %d is a revoked sanction: it takes no further change", f.ID)
		}
		if r.DecidedOn < *f.DecidedOn {
			return errs.Invalid("decided_on", "must not be before the sanction's decided_on (%s)", *f.DecidedOn)
		}
		ch := models.SanctionChange{FlagID: f.ID, Action: r.Action, DecidedOn: r.DecidedOn, Basis: r.Basis,
			FromType: *f.SanctionType, ToType: *f.SanctionType, FromPeriodMonths: f.PeriodMonths, ToPeriodMonths: f.PeriodMonths,
			FromInfluenceUntil: f.InfluenceUntil, ToInfluenceUntil: f.InfluenceUntil, ActorID: viewer.ID}
		set := map[string]any{}
		to := f.Status
		if r.Action == ActionRevoke {
			to = StatusRevoked
			set["status"] = to
		} else {
			if err := s.modify(&f, &r, &ch); err != nil {
				return err
			}
			set["sanction_type"], set["period_months"], set["influence_until"] = ch.ToType, ch.ToPeriodMonths, ch.ToInfluenceUntil
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		ch.At = now
		set["version"], set["updated_at"] = gorm.Expr("version + 1"), now
		db := models.Get(ctx, s.db)
		res := db.Model(&models.Flag{}).Where("id = ? AND version = ?", f.ID, f.Version).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		if err := db.Create(&ch).Error; err != nil {
			return err
		}
		ev := &models.FlagEvent{FlagID: f.ID, ActorID: viewer.ID, At: now, FromStatus: f.Status, ToStatus: to, Note: r.Basis}
		if err := db.Create(ev).Error; err != nil {
			return err
		}
		f.Status, f.Version, f.UpdatedAt = to, f.Version+1, now
		f.SanctionType, f.PeriodMonths, f.InfluenceUntil = &ch.ToType, ch.ToPeriodMonths, ch.ToInfluenceUntil
		var err error
		if out, err = s.view(ctx, viewer, &f, true); err != nil {
			return err
		}
		return s.label(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// modify fills ch's new type and period from the review: a new type without
// a period takes the type's default; a new period keeps the type. The
// period still counts from the original sanction's decided_on.
func (s *Service) modify(f *models.Flag, r *Review, ch *models.SanctionChange) error {
	if r.Type != nil {
		if err := CheckSanctionType(f.Source, *r.Type); err != nil {
			return err
		}
		ch.ToType, ch.ToPeriodMonths = *r.Type, nil
	}
	if r.PeriodMonths != nil {
		ch.ToPeriodMonths = r.PeriodMonths
	}
	v := &errs.Validation{}
	field := "period_months"
	checkPeriod(v, field, ch.ToType, ch.ToPeriodMonths)
	if err := v.Err(); err != nil {
		return err
	}
	ch.ToInfluenceUntil = sanction.Until(sanction.Type(ch.ToType), *f.DecidedOn, ch.ToPeriodMonths)
	return nil
}

// changes reads a sanction's reviews, oldest first.
func (s *Service) changes(ctx context.Context, out *View) error {
	var rows []SanctionChange
	err := models.Get(ctx, s.db).Model(&models.SanctionChange{}).
		Select("sanction_changes.*, COALESCE(users.username, '') AS actor").
		Joins("LEFT JOIN users ON users.id = sanction_changes.actor_id").
		Where("sanction_changes.flag_id = ?", out.ID).Order("sanction_changes.id").Scan(&rows).Error
	out.SanctionChanges = rows
	return err
}
