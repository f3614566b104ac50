package cadre

import (
	"context"

	"efile/models"
	"efile/services/errs"

	"gorm.io/gorm"
)

// What an import of other kinds of files than the roster (appointment
// forms, SPEC 16) needs of the registry: the same rules, the same look-up by
// ID number, the same identity rule, and writes that join the caller's
// transaction and its access-log entry.

// Validate checks a cadre's fields as Create does, naming them as the API
// does (name, id_number, ...), and brings their text to NFC. The unit is
// the caller's to check.
func (s *Service) Validate(f *Fields) *errs.Validation {
	v := &errs.Validation{}
	s.check(v, f, plain)
	return v
}

// ByIDNumbers finds the cadres with these (valid, normalized) ID numbers,
// keyed by the number; lock reads them FOR UPDATE (MySQL) inside the
// caller's transaction.
func (s *Service) ByIDNumbers(ctx context.Context, ids []string, lock bool) (map[string]*models.Cadre, error) {
	fields := make([]Fields, len(ids))
	for i, id := range ids {
		fields[i].IDNumber = id
	}
	byHash, err := s.byHashes(ctx, fields, lock)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*models.Cadre, len(byHash))
	for _, id := range ids {
		if c, ok := byHash[s.keys.Lookup(id)]; ok {
			out[id] = c
		}
	}
	return out, nil
}

// IdentityDiff names, in Chinese, what of the identity (name, gender, birth
// date) differs between cadre c and f; "" when f is the same person. An
// import never changes the identity (SPEC 5).
func IdentityDiff(c *models.Cadre, f *Fields) string { return identityDiff(c, f) }

// Insert registers a checked cadre inside the caller's transaction. Unlike
// Create it does not name the cadre in the access log: an import may create
// many.
func (s *Service) Insert(ctx context.Context, f *Fields) (*models.Cadre, error) {
	c := &models.Cadre{Status: "active", Version: 1}
	s.apply(c, f)
	if err := models.Get(ctx, s.db).Create(c).Error; err != nil {
		if models.IsDuplicate(err) {
			return nil, ErrDuplicate
		}
		return nil, err
	}
	return c, nil
}

// SetPosition changes the position of cadre id at version inside the
// caller's transaction (version + 1); a stale version is a version conflict.
func (s *Service) SetPosition(ctx context.Context, id int64, position string, version int) error {
	res := models.Get(ctx, s.db).Model(&models.Cadre{}).Where("id = ? AND version = ?", id, version).
		Updates(map[string]any{"position": position, "version": gorm.Expr("version + 1"), "updated_at": s.now().UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errs.ErrVersionConflict
	}
	return nil
}
