package models

import "time"

// Record is one performance record (现实表现记录). Records are append-only:
// no code path updates or deletes them. A correction is a new record whose
// SupersedesID names the one it corrects; the unique index lets a record be
// superseded once only.
type Record struct {
	ID             int64     `gorm:"primaryKey"`
	CadreID        int64     `gorm:"not null;index:idx_records_cadre_date,priority:1"`
	OccurredOn     string    `gorm:"type:char(10);not null;index:idx_records_cadre_date,priority:2"`
	Category       string    `gorm:"size:20;not null"`
	Content        string    `gorm:"type:text;not null"`
	Reason         *string   `gorm:"type:text"`
	SupersedesID   *int64    `gorm:"uniqueIndex"`
	RecordedBy     int64     `gorm:"not null"`
	RecordedByName string    `gorm:"size:100;not null"`
	RecordedAt     time.Time `gorm:"precision:6;not null"`
	// Superseded is computed by queries, never stored.
	Superseded bool `gorm:"->;-:migration"`
}

// Idempotency keeps the first successful response to a create request sent
// with an Idempotency-Key, for 24 hours.
type Idempotency struct {
	ID          int64     `gorm:"primaryKey"`
	UserID      int64     `gorm:"not null;uniqueIndex:idx_idem_key,priority:1"`
	Route       string    `gorm:"size:255;not null;uniqueIndex:idx_idem_key,priority:2"`
	Key         string    `gorm:"size:255;not null;uniqueIndex:idx_idem_key,priority:3"`
	RequestHash string    `gorm:"type:char(64);not null"`
	Status      int       `gorm:"not null"`
	Response    []byte    `gorm:"type:mediumblob;not null"`
	CreatedAt   time.Time `gorm:"index"`
}
