package unit

import (
	"context"

	"efile/models"
)

// History lists the changes of unit id, newest first: who, when, and the
// name, parent and state before and after each. An unknown unit is 404.
func (s *Service) History(ctx context.Context, id int64, p models.Page) ([]models.UnitChange, int64, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, 0, err
	}
	q := s.db.WithContext(ctx).Model(&models.UnitChange{}).Where("unit_id = ?", id)
	return models.Paged[models.UnitChange](q, p, "id DESC")
}
