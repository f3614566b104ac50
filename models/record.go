package models

import (
	"context"
	"time"

	"efile/services/civil"

	"gorm.io/gorm"
)

// Record is one performance record (现实表现记录). Records are append-only:
// no code path updates or deletes them. A correction is a new record whose
// SupersedesID names the one it corrects; the unique index lets a record be
// superseded once only. (cadre_id, category, supersedes_id) answers the
// e-file's counts per category from the index alone.
type Record struct {
	ID             int64      `gorm:"primaryKey"`
	CadreID        int64      `gorm:"not null;index:idx_records_cadre_date,priority:1;index:idx_records_cadre_category,priority:1"`
	OccurredOn     civil.Date `gorm:"type:char(10);not null;index:idx_records_cadre_date,priority:2"`
	Category       string     `gorm:"size:20;not null;index:idx_records_cadre_category,priority:2"`
	Content        string     `gorm:"type:text;not null"`
	Reason         *string    `gorm:"type:text"`
	SupersedesID   *int64     `gorm:"uniqueIndex;index:idx_records_cadre_category,priority:3"`
	RecordedBy     int64      `gorm:"not null"`
	RecordedByName string     `gorm:"size:100;not null"`
	RecordedAt     time.Time  `gorm:"precision:6;not null"`
	// Superseded is computed by queries, never stored.
	Superseded bool `gorm:"->;-:migration"`
}

// Idempotency keeps the first successful response to a create request sent
// with an Idempotency-Key, for 24 hours.
type Idempotency struct {
	ID          int64     `gorm:"primaryKey"`
	UserID      int64     `gorm:"not null;uniqueIndex:idx_idem_key,priority:1"`
	Route       string    `gorm:"size:255;not null;uniqueIndex:idx_idem_key,priority:2"`
	Key         string    `gorm:"size:255;not null;uniqueIndex:idx_idem_key,priority:3"` // hex SHA-256 of the key: compared byte for byte on every database
	CadreID     *int64    // the cadre the request's access-log entry named: a replay's names it too
	RequestHash string    `gorm:"type:char(64);not null"`
	Status      int       `gorm:"not null"`
	Response    []byte    `gorm:"type:mediumblob;not null"`
	CreatedAt   time.Time `gorm:"index"`
}

// PurgeExpired deletes what is kept only for a while: responses kept for
// idempotent retries after 24 hours, revoked tokens once they would have
// expired anyway, login throttles once their window and lock are over (a
// row from before ExpiresAt existed has none and goes too). It returns how
// many rows went.
func PurgeExpired(ctx context.Context, db *gorm.DB, now time.Time) (int64, error) {
	a := db.WithContext(ctx).Where("created_at < ?", now.Add(-24*time.Hour).UTC()).Delete(&Idempotency{})
	if a.Error != nil {
		return 0, a.Error
	}
	b := db.WithContext(ctx).Where("expires_at < ?", now.UTC()).Delete(&RevokedToken{})
	if b.Error != nil {
		return 0, b.Error
	}
	c := db.WithContext(ctx).Where("expires_at < ? OR expires_at IS NULL", now.UTC()).Delete(&LoginThrottle{})
	return a.RowsAffected + b.RowsAffected + c.RowsAffected, c.Error
}
