package checks

import (
	"context"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
)

// NewMattersCheck is a personal-matters check to record. FamilyEmigrated is
// the 裸官 finding: the spouse, or with no spouse all the children, settled
// abroad (任用条例 (2019) art. 24(5), regulations row 43).
type NewMattersCheck struct {
	Kind            string
	CheckedOn       civil.Date
	Result          string
	FamilyEmigrated bool
	Note            string
}

// MattersCheck is a stored personal-matters check; ValidUntil is the last
// day it counts for vetting.
type MattersCheck struct {
	models.PersonalMattersCheck
	ValidUntil civil.Date
}

// CreateMattersCheck records a personal-matters check of a cadre the
// reviewer may vet (404 otherwise), in the order of CreateReview. Any cadre
// may be checked; vetting asks for a check of reporting subjects only.
func (s *Service) CreateMattersCheck(ctx context.Context, viewer *models.User, cadreID int64, in NewMattersCheck) (*MattersCheck, error) {
	v := &errs.Validation{}
	oneOf(v, "kind", in.Kind, mattersKinds)
	date(v, "checked_on", in.CheckedOn, s.cadres.Today())
	oneOf(v, "result", in.Result, mattersResults)
	in.Note = length(v, "note", in.Note, 0, MaxNote)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *MattersCheck
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cadres.Find(ctx, viewer, authz.CadreVet, cadreID)
		if err != nil {
			return err
		}
		if err := civil.NotBeforeBirth(c.BirthDate, civil.FieldDate{Field: "checked_on", Date: in.CheckedOn}); err != nil {
			return err
		}
		m := &models.PersonalMattersCheck{CadreID: cadreID, Kind: in.Kind, CheckedOn: in.CheckedOn, Result: in.Result,
			FamilyEmigrated: in.FamilyEmigrated, Note: in.Note, RecordedBy: viewer.ID, RecordedByName: viewer.DisplayName,
			RecordedAt: s.stamp()}
		if err := models.Get(ctx, s.db).Create(m).Error; err != nil {
			return err
		}
		out = s.matters(m)
		return nil
	})
	return out, err
}

// ListMattersChecks lists a cadre's personal-matters checks, newest first
// (404 when the reviewer may not vet the cadre).
func (s *Service) ListMattersChecks(ctx context.Context, viewer *models.User, cadreID int64, p models.Page) ([]MattersCheck, int64, error) {
	return cadreRows(ctx, s, viewer, cadreID, p, s.dressMatters)
}

// GetMattersCheck reads one personal-matters check of a cadre the reviewer
// may vet.
func (s *Service) GetMattersCheck(ctx context.Context, viewer *models.User, cadreID, id int64) (*MattersCheck, error) {
	return cadreRow(ctx, s, viewer, cadreID, id, s.dressMatters, ErrCheckNotFound)
}

// dressMatters gives stored checks the last day they count.
func (s *Service) dressMatters(rows []models.PersonalMattersCheck) ([]MattersCheck, error) {
	out := make([]MattersCheck, len(rows))
	for i := range rows {
		out[i] = *s.matters(&rows[i])
	}
	return out, nil
}

func (s *Service) matters(m *models.PersonalMattersCheck) *MattersCheck {
	return &MattersCheck{PersonalMattersCheck: *m, ValidUntil: m.CheckedOn.AddDate(0, 0, s.cfg.CheckValidDays)}
}
