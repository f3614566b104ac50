package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// all lists every table, in dependency order.
func all() []any {
	return []any{
		&Unit{}, &Cadre{}, &User{}, &UserRole{}, &RevokedToken{}, &LoginThrottle{},
		&AccessEntry{}, &ChainHead{}, &Record{}, &Idempotency{},
		&AppraisalCycle{}, &AppraisalAssignment{}, &Appraisal{}, &AppraisalResult{},
		&Flag{}, &FlagEvent{}, &Vetting{},
		// The four checks before a promotion (SPEC 13).
		&DossierReview{}, &DossierFinding{}, &PersonalMattersCheck{}, &IntegrityOpinion{}, &IntegrityOpinionFlag{},
	}
}

// Migrate brings the schema up to date. It only creates what is missing
// (tables, columns, indexes) and never drops or rewrites data, so it is safe
// to run at every start and on every replica.
func Migrate(ctx context.Context, db *gorm.DB) error {
	m := db.WithContext(ctx)
	if db.Dialector.Name() == "mysql" {
		// Tables are utf8mb4 whatever the server's or database's default.
		m = m.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	if err := m.AutoMigrate(all()...); err != nil {
		return errors.Join(errors.New("migrate"), err)
	}
	zero := "0000000000000000000000000000000000000000000000000000000000000000"
	return db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&ChainHead{ID: 1, Seq: 0, Hash: zero}).Error
}
