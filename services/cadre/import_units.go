package cadre

import (
	"context"

	"efile/models"
)

// unitCodes maps every unit's code to its id, for the roster's 单位编码.
func (s *Service) unitCodes(ctx context.Context) (map[string]int64, error) {
	var units []models.Unit
	if err := models.Get(ctx, s.db).Select("id", "code").Find(&units).Error; err != nil {
		return nil, err
	}
	m := make(map[string]int64, len(units))
	for _, u := range units {
		m[u.Code] = u.ID
	}
	return m, nil
}

// disabledUnits is the set of disabled units: a roster row may keep a
// cadre in one, but not create a cadre in it or move one into it (SPEC
// section 5; unit.Admits is the same rule for one unit id).
func (s *Service) disabledUnits(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	if err := models.Get(ctx, s.db).Model(&models.Unit{}).Where("disabled = TRUE").Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}
