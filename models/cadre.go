package models

import (
	"context"
	"time"

	"efile/services/civil"

	"gorm.io/gorm"
)

// Cadre is one cadre's profile. The ID number is stored encrypted
// (IDNumberEnc, AES-GCM) with a keyed lookup hash (IDNumberHash, HMAC-SHA256)
// that makes it unique without storing it in clear. Cadres are never deleted.
type Cadre struct {
	ID           int64      `gorm:"primaryKey"`
	Name         string     `gorm:"size:50;not null;index"`
	Gender       string     `gorm:"size:10;not null"`
	BirthDate    civil.Date `gorm:"type:char(10);not null"`
	IDNumberEnc  []byte     `gorm:"type:varbinary(128);not null"`
	IDNumberHash string     `gorm:"type:char(64);not null;uniqueIndex"`
	IDNumberMask string     `gorm:"size:18;not null"`
	UnitID       int64      `gorm:"not null;index"`
	Position     string     `gorm:"size:100;not null"`
	Rank         string     `gorm:"size:50;not null"`
	IsTopLeader  bool       `gorm:"not null;default:false;index"`
	AppointedOn  civil.Date `gorm:"type:char(10);not null"`
	Status       string     `gorm:"size:10;not null;default:active;index"`
	Version      int        `gorm:"not null;default:1"`
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// ReportsPersonalMatters: the cadre is a subject of the personal-matters
	// reporting rules (县处级副职 and above, SPEC 5 and 9).
	ReportsPersonalMatters bool `gorm:"not null;default:false"`
}

// CadreExists tells whether a cadre with id exists.
func CadreExists(ctx context.Context, db *gorm.DB, id int64) (bool, error) {
	var n int64
	err := Get(ctx, db).Model(&Cadre{}).Where("id = ?", id).Count(&n).Error
	return n > 0, err
}
