// Package unit manages the tree of units (organisations). Each unit keeps a
// materialised path of ids, so a subtree is one indexed prefix query.
// Units change with institutional reforms (机构改革): they are renamed,
// moved with their sub-units and disabled, never deleted (change.go).
package unit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/errs"
	"efile/services/text"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrNotFound is returned for an unknown unit id.
var ErrNotFound = errs.NotFound("unit")

// Service manages units.
type Service struct {
	db  *gorm.DB
	log *accesslog.Service
	now func() time.Time
}

// New builds the service.
func New(db *gorm.DB, log *accesslog.Service) *Service {
	return &Service{db: db, log: log, now: time.Now}
}

// WithClock sets the clock that dates the history of changes.
func (s *Service) WithClock(now func() time.Time) *Service {
	if now != nil {
		s.now = now
	}
	return s
}

// NewUnit is what an administrator gives to create a unit.
type NewUnit struct {
	Name     string
	Code     string
	ParentID *int64
}

// CodePattern is what a unit code looks like (the API document says it too).
const CodePattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`

var codeRe = regexp.MustCompile(CodePattern)

// maxPath is the longest materialised path the column holds.
const maxPath = 512

// treeLock is the lock every change of the tree's shape or states takes.
const treeLock = "unit_tree"

// Create adds a unit under its parent (or at the root). A disabled parent
// takes no new sub-units.
func (s *Service) Create(ctx context.Context, in NewUnit) (*models.Unit, error) {
	v := &errs.Validation{}
	in.Name = text.Clean(v, "name", in.Name, 1, 100, false)
	if !codeRe.MatchString(in.Code) {
		v.Add("code", "must be 1 to 64 letters, digits, '.', '_' or '-'")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var u *models.Unit
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		u = &models.Unit{Name: in.Name, Code: in.Code, ParentID: in.ParentID, Version: 1, Path: "/"}
		db := models.Get(ctx, s.db)
		parentPath := "/"
		if in.ParentID != nil {
			// Under the tree's lock (change.go), so that a move of the
			// parent waits for this unit to be written under the
			// parent's current path, or this waits for the move and
			// reads the new one.
			if err := models.TakeLock(ctx, s.db, treeLock); err != nil {
				return err
			}
			p, err := s.locked(ctx, *in.ParentID)
			if err != nil {
				return err
			}
			if p == nil {
				return errs.Invalid("parent_id", "no unit has id %d", *in.ParentID)
			}
			if p.Disabled {
				return errs.Invalid("parent_id", "unit %d is disabled and takes no new sub-units", p.ID)
			}
			parentPath = p.Path
		}
		if len(parentPath) > maxPath-32 {
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

// locked reads unit id as it is now, locking its row until the transaction
// ends (MySQL; SQLite's writers are serialized already); nil when there is
// none.
func (s *Service) locked(ctx context.Context, id int64) (*models.Unit, error) {
	var u models.Unit
	err := models.Get(ctx, s.db).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).First(&u).Error
	if models.IsNotFound(err) {
		return nil, nil
	}
	return &u, err
}

// Get loads one unit.
func (s *Service) Get(ctx context.Context, id int64) (*models.Unit, error) {
	u, err := models.FindUnit(ctx, s.db, id)
	if models.IsNotFound(err) {
		return nil, ErrNotFound
	}
	return u, err
}

// Filter selects units for List.
type Filter struct {
	ParentID *int64 // this unit and every unit under it
	Disabled *bool  // only disabled units, or only the others
	Page     models.Page
}

// List lists units, newest first, disabled ones included unless the
// filter says otherwise: cadres and evaluators of a disabled unit are
// still shown with its name.
func (s *Service) List(ctx context.Context, f Filter) ([]models.Unit, int64, error) {
	q := s.db.WithContext(ctx).Model(&models.Unit{})
	if f.ParentID != nil {
		root, err := s.Get(ctx, *f.ParentID)
		if errors.Is(err, errs.ErrNotFound) {
			return nil, 0, errs.Invalid("parent_id", "no unit has id %d", *f.ParentID)
		}
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("path LIKE ?", root.Path+"%")
	}
	if f.Disabled != nil {
		q = q.Where("disabled = ?", *f.Disabled)
	}
	return models.Paged[models.Unit](q, f.Page, "id DESC")
}

// Admits checks a unit id given for a new member of the unit, a cadre or
// an evaluator (SPEC section 5): the unit must exist and not be disabled.
// A fault is added to v on field; only a failing query is returned. A
// member already in a disabled unit stays there with its history; this is
// asked only when one joins it.
func Admits(ctx context.Context, db *gorm.DB, v *errs.Validation, field string, id int64) error {
	var u models.Unit
	err := models.Get(ctx, db).Select("id", "disabled").Where("id = ?", id).First(&u).Error
	switch {
	case models.IsNotFound(err):
		v.Add(field, "no unit has id %d", id)
	case err != nil:
		return err
	case u.Disabled:
		v.Add(field, "unit %d is disabled and takes no new cadres or evaluators", id)
	}
	return nil
}
