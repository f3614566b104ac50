package models

import (
	"context"
	"time"

	"efile/models/migrations"

	"gorm.io/gorm"
)

// MigrateList is Migrate with a list of the test's own, a lease time, and
// contend, called when the run is about to wait for another run's lock.
func MigrateList(ctx context.Context, db *gorm.DB, list []migrations.Migration, ttl time.Duration, contend func()) error {
	if err := migrations.Check(list); err != nil {
		return err
	}
	return (&migrator{list: list, ttl: ttl, contend: contend}).run(ctx, db)
}
