package models

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NamedLock is a lock held by writing a row: Taken counts how often it was
// taken. Row locks read with SELECT … FOR UPDATE keep transactions apart on
// one MySQL server but not on Galera, where they are local to a node and
// only the rows a transaction writes are certified; a write to one row is
// kept apart on both.
type NamedLock struct {
	Name  string `gorm:"primaryKey;size:64"`
	Taken int64  `gorm:"not null;default:0"`
}

// TakeLock takes the lock called name for the rest of the transaction ctx
// carries, by writing its row: on MySQL another transaction taking it waits
// for this one to end, and on Galera the later of two taking it on two
// nodes fails certification and is retried (WithTx). SQLite's single writer
// serializes transactions anyway; the row is written all the same.
func TakeLock(ctx context.Context, db *gorm.DB, name string) error {
	return Get(ctx, db).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}},
		DoUpdates: clause.Assignments(map[string]any{"taken": gorm.Expr("taken + 1")})}).
		Create(&NamedLock{Name: name, Taken: 1}).Error
}
