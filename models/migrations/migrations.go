// Package migrations is the history of efile's schema: an ordered list of
// migrations, one file each, run in order by models.Migrate and recorded in
// schema_migrations once applied. A schema migration is SQL,
// NNNN_what_it_does.sql (schema.go); a data migration is Go,
// NNNN_what_it_does.go, whose init calls register.
//
// A released migration never changes. It carries its own copy of what it
// creates (the SQL of its tables and indexes, for each engine), so a later
// change of a struct in models/ changes nothing of what an old migration
// does: the change is a new migration. How to add one, and how it is
// tested: docs/architecture.md, "Migrations and upgrades".
package migrations

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// Migration is one step of the schema's history.
type Migration struct {
	// ID orders the migrations: 1, 2, 3… with no gap, the number its file
	// name starts with.
	ID int
	// Name says what it does, for people; it is stored with the id.
	Name string
	// Up makes the change through tx, bound to ctx. On SQLite every pending
	// migration of a run shares one transaction; on MySQL each has its own,
	// which a DDL statement commits on the spot (MySQL cannot roll DDL
	// back). So Up must be safe to run again after a run that stopped
	// anywhere inside it: a schema migration is (each statement runs only
	// when what it creates is missing); a data migration changes rows only
	// (its DML and the row recording it commit together) and is written so
	// that running it twice changes nothing.
	Up func(ctx context.Context, tx *gorm.DB) error
}

// registry holds every migration of this binary, in the order files
// registered them; All sorts and checks it.
var registry []Migration

// register adds m to the history. A Go migration calls it from the init
// function of its own file.
func register(m Migration) {
	if m.Up == nil || m.Name == "" {
		panic(fmt.Sprintf("migration %d: a migration needs a name and an Up", m.ID))
	}
	registry = append(registry, m)
}

// All returns every migration, ordered by id. It fails when the ids are
// not 1, 2, 3… without a gap or a repeat (two branches that each added
// "the next" migration, say).
func All() ([]Migration, error) {
	list := slices.Clone(registry)
	if err := Check(list); err != nil {
		return nil, err
	}
	return list, nil
}

// Check sorts list by id and tells whether the ids run 1, 2, 3… without a
// gap or a repeat.
func Check(list []Migration) error {
	slices.SortFunc(list, func(a, b Migration) int { return a.ID - b.ID })
	for i, m := range list {
		if m.ID != i+1 {
			return fmt.Errorf("migrations: ids must run 1, 2, 3… without gap or repeat; found %d at position %d (%s)", m.ID, i+1, m.Name)
		}
	}
	return nil
}
