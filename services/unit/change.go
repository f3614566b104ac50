package unit

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"efile/models"
	"efile/services/errs"
	"efile/services/text"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Change is what an administrator gives to change a unit (SPEC section 5):
// nil fields stay as they are.
type Change struct {
	Name *string
	// Move says a parent was given: ParentID is the new parent, nil for
	// the root.
	Move     bool
	ParentID *int64
	Disabled *bool
	Version  int
}

// Update renames, moves or disables (or enables again) unit id, and keeps
// the change in its history, all in one transaction with the request's
// access-log entry.
//
// A move rewrites the materialised path of the unit and of every unit under
// it with one UPDATE, so an evaluator's scope, derived from paths at each
// request, follows at once.
//
// Two changes of the tree must not interleave: a move of A under B racing
// a move of B under A would each pass a check read before the other
// commits, and leave a cycle. So every move, disabling or enabling (and
// every new sub-unit) first takes the tree's lock, a row it writes
// (models.TakeLock): they run one after the other on MySQL, and on Galera
// the later of two on two nodes fails certification and is retried. Each
// then reads the rows it checks FOR UPDATE, i.e. as they are now, not as a
// snapshot taken earlier in the transaction. A rename takes no lock: names
// are no part of the tree, and its own row is written anyway. On SQLite
// the single writer serializes all of it.
//
// Sub-units: no enabled unit lies under a disabled one. Disabling a unit
// with enabled sub-units is a conflict (move or disable them first);
// enabling a unit under a disabled parent too; a disabled unit takes no new
// sub-units (400).
func (s *Service) Update(ctx context.Context, actor *models.User, id int64, c Change) (*models.Unit, error) {
	v := &errs.Validation{}
	if c.Version < 1 {
		v.Add("version", "is required: the version you last read")
	}
	if c.Name != nil {
		name := text.Clean(v, "name", *c.Name, 1, 100, false)
		c.Name = &name
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *models.Unit
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.update(ctx, actor, id, c)
		return err
	})
	return out, err
}

func (s *Service) update(ctx context.Context, actor *models.User, id int64, c Change) (*models.Unit, error) {
	if c.Move || c.Disabled != nil {
		if err := models.TakeLock(ctx, s.db, treeLock); err != nil {
			return nil, err
		}
	}
	u, parent, err := s.lockPair(ctx, id, c)
	if err != nil {
		return nil, err
	}
	next := *u
	if c.Name != nil {
		next.Name = *c.Name
	}
	if c.Move {
		next.ParentID = c.ParentID
	}
	if c.Disabled != nil {
		next.Disabled = *c.Disabled
	}
	moved := !sameID(u.ParentID, next.ParentID)
	if moved {
		if next.Path, err = s.checkMove(ctx, u, parent); err != nil {
			return nil, err
		}
		if !next.Disabled && parent != nil && parent.Disabled {
			return nil, errs.Invalid("parent_id", "unit %d is disabled and takes no new sub-units", parent.ID)
		}
	}
	if u.Version != c.Version {
		return nil, errs.ErrVersionConflict
	}
	if next.Name == u.Name && !moved && next.Disabled == u.Disabled {
		return u, nil // nothing changes: no new version, no history
	}
	if err := s.checkState(ctx, u, &next, parent); err != nil {
		return nil, err
	}
	db := models.Get(ctx, s.db)
	res := db.Model(&models.Unit{}).Where("id = ? AND version = ?", id, c.Version).Updates(map[string]any{
		"name": next.Name, "parent_id": next.ParentID, "disabled": next.Disabled,
		"version": gorm.Expr("version + 1"), "updated_at": s.now().UTC(),
	})
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected != 1 {
		return nil, errs.ErrVersionConflict
	}
	if moved {
		// One statement for the whole subtree: the unit's own path is
		// the prefix, and every unit under it starts with it.
		res := db.Model(&models.Unit{}).Where("path LIKE ?", u.Path+"%").
			Update("path", gorm.Expr(concat(db, "?", "SUBSTR(path, ?)"), next.Path, len(u.Path)+1))
		if res.Error != nil {
			return nil, res.Error
		}
	}
	err = db.Create(&models.UnitChange{UnitID: id, ActorID: actor.ID, Actor: actor.Username, At: s.now().UTC(),
		OldName: u.Name, NewName: next.Name, OldParentID: u.ParentID, NewParentID: next.ParentID,
		OldDisabled: u.Disabled, NewDisabled: next.Disabled, Version: u.Version + 1}).Error
	if err != nil {
		return nil, err
	}
	return models.FindUnit(ctx, s.db, id)
}

// lockPair reads the unit and the parent whose state matters, with their
// rows locked: the new one when it moves, its current one when it is
// enabled again. A unit that does not exist is 404; a new parent that does
// not, 400 on parent_id.
func (s *Service) lockPair(ctx context.Context, id int64, c Change) (*models.Unit, *models.Unit, error) {
	u, err := s.locked(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, ErrNotFound
	}
	var parentID *int64
	switch {
	case c.Move:
		parentID = c.ParentID
	case u.Disabled && c.Disabled != nil && !*c.Disabled:
		parentID = u.ParentID
	}
	if parentID == nil {
		return u, nil, nil
	}
	parent, err := s.locked(ctx, *parentID)
	if err != nil {
		return nil, nil, err
	}
	if parent == nil {
		return nil, nil, errs.Invalid("parent_id", "no unit has id %d", *parentID)
	}
	return u, parent, nil
}

// checkMove checks a move of u under parent (nil: to the root) and returns
// u's new path. The subtree's rows are locked by the same statement that
// measures them.
func (s *Service) checkMove(ctx context.Context, u, parent *models.Unit) (string, error) {
	prefix := "/"
	if parent != nil {
		if parent.ID == u.ID || strings.HasPrefix(parent.Path, u.Path) {
			return "", errs.Invalid("parent_id", "unit %d is this unit or one of its sub-units: a unit cannot be moved under itself", parent.ID)
		}
		prefix = parent.Path
	}
	path := prefix + strconv.FormatInt(u.ID, 10) + "/"
	var longest int
	err := models.Get(ctx, s.db).Clauses(clause.Locking{Strength: "UPDATE"}).Model(&models.Unit{}).
		Select("COALESCE(MAX(LENGTH(path)), 0)").Where("path LIKE ?", u.Path+"%").Scan(&longest).Error
	if err != nil {
		return "", err
	}
	if longest-len(u.Path)+len(path) > maxPath {
		return "", errs.Invalid("parent_id", "the unit tree is too deep under this parent")
	}
	return path, nil
}

// checkState keeps enabled units out from under disabled ones: a unit that
// ends up enabled needs an enabled parent, and one that ends up disabled
// needs every unit under it disabled (counted with the rows locked, so a
// sub-unit cannot be enabled meanwhile).
func (s *Service) checkState(ctx context.Context, u, next, parent *models.Unit) error {
	if u.Disabled && !next.Disabled && parent != nil && parent.Disabled {
		return errs.Conflict("conflict", "the parent unit %d is disabled: enable it first, or move this unit elsewhere", parent.ID)
	}
	if next.Disabled && !u.Disabled {
		var n int64
		err := models.Get(ctx, s.db).Clauses(clause.Locking{Strength: "UPDATE"}).Model(&models.Unit{}).
			Where("path LIKE ? AND id <> ? AND disabled = FALSE", u.Path+"%", u.ID).Count(&n).Error
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("conflict", "%d units under this one are enabled: move or disable them first", n)
		}
	}
	return nil
}

// concat is SQL that joins a and b as strings, on either engine (MySQL
// reads || as OR).
func concat(db *gorm.DB, a, b string) string {
	if db.Dialector.Name() == "mysql" {
		return fmt.Sprintf("CONCAT(%s, %s)", a, b)
	}
	return a + " || " + b
}

func sameID(a, b *int64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
