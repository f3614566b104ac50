// Package unit manages the tree of units (organisations). Each unit keeps a
// materialised path of ids, so a subtree is one indexed prefix query.
package unit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/errs"

	"gorm.io/gorm"
)

// ErrNotFound is returned for an unknown unit id.
var ErrNotFound = errs.NotFound("unit")

// Service manages units.
type Service struct {
	db  *gorm.DB
	log *accesslog.Service
}

// New builds the service.
func New(db *gorm.DB, log *accesslog.Service) *Service { return &Service{db: db, log: log} }

// New is what an administrator gives to create a unit.
type NewUnit struct {
	Name     string
	Code     string
	ParentID *int64
}

var codeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Create adds a unit under its parent (or at the root).
func (s *Service) Create(ctx context.Context, in NewUnit) (*models.Unit, error) {
	v := &errs.Validation{}
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n < 1 || n > 100 {
		v.Add("name", "must be 1 to 100 characters long")
	}
	if !codeRe.MatchString(in.Code) {
		v.Add("code", "must be 1 to 64 letters, digits, '.', '_' or '-'")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	u := &models.Unit{Name: in.Name, Code: in.Code, ParentID: in.ParentID, Version: 1, Path: "/"}
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		db := models.Get(ctx, s.db)
		parentPath := "/"
		if in.ParentID != nil {
			p, err := models.FindUnit(ctx, s.db, *in.ParentID)
			if models.IsNotFound(err) {
				return errs.Invalid("parent_id", "no unit has id %d", *in.ParentID)
			}
			if err != nil {
				return err
			}
			parentPath = p.Path
		}
		if len(parentPath) > 480 {
			return errs.Invalid("parent_id", "the unit tree is too deep under this parent")
		}
		if err := db.Create(u).Error; err != nil {
			if models.IsDuplicate(err) {
				return errs.Conflict("conflict", "unit code %q is taken", in.Code)
			}
			return err
		}
		u.Path = fmt.Sprintf("%s%d/", parentPath, u.ID)
		return db.Model(u).Update("path", u.Path).Error
	})
	return u, err
}

// Get loads one unit.
func (s *Service) Get(ctx context.Context, id int64) (*models.Unit, error) {
	u, err := models.FindUnit(ctx, s.db, id)
	if models.IsNotFound(err) {
		return nil, ErrNotFound
	}
	return u, err
}

// List lists units, newest first; with parentID, only that unit's subtree.
func (s *Service) List(ctx context.Context, parentID *int64, p models.Page) ([]models.Unit, int64, error) {
	q := s.db.WithContext(ctx).Model(&models.Unit{})
	if parentID != nil {
		root, err := s.Get(ctx, *parentID)
		if errors.Is(err, errs.ErrNotFound) {
			return nil, 0, errs.Invalid("parent_id", "no unit has id %d", *parentID)
		}
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("path LIKE ?", root.Path+"%")
	}
	return models.Paged[models.Unit](q, p, "id DESC")
}
