package flag

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"efile/models"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/sanction"
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
	DecidedOn    civil.Date
	Basis        string
}

// SanctionChange is one review as the history shows it.
type SanctionChange struct {
	models.SanctionChange
	Actor string
}

// checkReview validates a review's body (400): the action, its fields, the
// review's day and a basis of 1–500 characters (trimmed in place).
func checkReview(r *Review, today civil.Date) error {
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
	return s.change(ctx, viewer, id, func(ctx context.Context, f *models.Flag, now time.Time) (string, string, map[string]any, error) {
		switch {
		case f.Kind != KindSanction || f.SanctionType == nil || f.DecidedOn == nil:
			return "", "", nil, errs.Conflict("conflict", "flag %d is not a sanction: only a sanction is revoked or modified", f.ID)
		case f.Status == StatusRevoked:
			return "", "", nil, errs.Conflict("invalid_transition", "flag %d is a revoked sanction: it takes no further change", f.ID)
		}
		if r.DecidedOn.Before(*f.DecidedOn) {
			return "", "", nil, errs.Invalid("decided_on", "must not be before the sanction's decided_on (%s)", f.DecidedOn.String())
		}
		ch := models.SanctionChange{FlagID: f.ID, Action: r.Action, DecidedOn: r.DecidedOn, Basis: r.Basis,
			FromType: *f.SanctionType, ToType: *f.SanctionType, FromPeriodMonths: f.PeriodMonths, ToPeriodMonths: f.PeriodMonths,
			FromInfluenceUntil: f.InfluenceUntil, ToInfluenceUntil: f.InfluenceUntil, ActorID: viewer.ID, At: now}
		set := map[string]any{}
		to := f.Status
		if r.Action == ActionRevoke {
			to = StatusRevoked
		} else {
			if err := s.modify(f, &r, &ch); err != nil {
				return "", "", nil, err
			}
			set["sanction_type"], set["period_months"], set["influence_until"] = ch.ToType, ch.ToPeriodMonths, ch.ToInfluenceUntil
			f.SanctionType, f.PeriodMonths, f.InfluenceUntil = &ch.ToType, ch.ToPeriodMonths, ch.ToInfluenceUntil
		}
		// Kept before the flag is updated, in the same transaction: a
		// version conflict rolls both back.
		return to, r.Basis, set, models.Get(ctx, s.db).Create(&ch).Error
	})
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
