package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Unit is an organisation (a bureau, a township, an office). Path is the
// materialised path of ids from the root, "/1/5/9/", so that a subtree is one
// indexed prefix query: path LIKE '/1/5/%'. Units are never deleted: an
// institutional reform renames, moves or disables them (SPEC section 5).
type Unit struct {
	ID        int64  `gorm:"primaryKey"`
	Name      string `gorm:"size:100;not null"`
	Code      string `gorm:"size:64;not null;uniqueIndex"`
	ParentID  *int64 `gorm:"index"`
	Path      string `gorm:"size:512;not null;index"`
	Disabled  bool   `gorm:"not null;default:false"`
	Version   int    `gorm:"not null;default:1"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UnitChange is one change of a unit (a rename, a move, disabling or
// enabling it), kept for its history: who, when, and the name, parent and
// state before and after. Changes are only ever added.
type UnitChange struct {
	ID          int64     `gorm:"primaryKey;index:idx_unit_changes_unit,priority:2"`
	UnitID      int64     `gorm:"not null;index:idx_unit_changes_unit,priority:1"`
	ActorID     int64     `gorm:"not null"`
	Actor       string    `gorm:"size:64;not null"`
	At          time.Time `gorm:"precision:6;not null"`
	OldName     string    `gorm:"size:100;not null"`
	NewName     string    `gorm:"size:100;not null"`
	OldParentID *int64
	NewParentID *int64
	OldDisabled bool `gorm:"not null"`
	NewDisabled bool `gorm:"not null"`
	Version     int  `gorm:"not null"` // the unit's version after the change
}

// FindUnit loads one unit.
func FindUnit(ctx context.Context, db *gorm.DB, id int64) (*Unit, error) {
	var u Unit
	err := Get(ctx, db).First(&u, id).Error
	return &u, err
}

// UnitPath is a unit's materialised path; a unit that does not exist has
// one that matches nothing.
func UnitPath(ctx context.Context, db *gorm.DB, id int64) (string, error) {
	var u Unit
	err := Get(ctx, db).Select("path").First(&u, id).Error
	if IsNotFound(err) {
		return "/nonexistent/", nil
	}
	return u.Path, err
}

// UnitsUnder is the subquery of the ids of the unit with path and of every
// unit under it: one indexed prefix match.
func UnitsUnder(ctx context.Context, db *gorm.DB, path string) *gorm.DB {
	return Get(ctx, db).Model(&Unit{}).Select("id").Where("path LIKE ?", path+"%")
}
