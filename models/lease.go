package models

import "time"

// JobLease is the lease of one periodic job (services/jobs): the process
// named by Holder runs the job, and only it, until ExpiresAt, renewing the
// lease while it lives. Holder is empty once released. Version rises at
// every take and renewal, so that a renewal always changes the row (MySQL
// reports changed rows, not matched ones).
type JobLease struct {
	Name      string    `gorm:"primaryKey;size:64"`
	Holder    string    `gorm:"size:128;not null"`
	ExpiresAt time.Time `gorm:"precision:6;not null"`
	// TakenAt is when the holder took the lease (its renewals keep it).
	TakenAt time.Time `gorm:"precision:6;not null"`
	Version int64     `gorm:"not null"`
}
