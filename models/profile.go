package models

import (
	"time"

	"efile/services/civil"
)

// Profile is the part of a cadre's 干部任免审批表 that the registry does not
// hold (SPEC section 16): origin, party and work dates, health, titles, the
// two educations and the photo. One row per cadre, written the first time
// the profile is saved; a cadre without a row has a never-written profile
// (version 0). Months are civil.Months, stored "YYYY-MM", "" when unknown. The cadre's ID number
// is not repeated here: it stays encrypted on the cadre.
type Profile struct {
	ID                int64       `gorm:"primaryKey"`
	CadreID           int64       `gorm:"not null;uniqueIndex"`
	Ethnicity         string      `gorm:"size:200;not null"`
	NativePlace       string      `gorm:"size:200;not null"`
	Birthplace        string      `gorm:"size:200;not null"`
	PartyJoinedOn     civil.Month `gorm:"type:char(7);not null"`
	OtherParty        string      `gorm:"size:200;not null"`
	WorkStartedOn     civil.Month `gorm:"type:char(7);not null"`
	Health            string      `gorm:"size:200;not null"`
	ProfessionalTitle string      `gorm:"size:200;not null"`
	Expertise         string      `gorm:"size:200;not null"`
	FullTimeLevel     string      `gorm:"size:200;not null"`
	FullTimeDegree    string      `gorm:"size:200;not null"`
	FullTimeSchool    string      `gorm:"size:200;not null"`
	InServiceLevel    string      `gorm:"size:200;not null"`
	InServiceDegree   string      `gorm:"size:200;not null"`
	InServiceSchool   string      `gorm:"size:200;not null"`
	// Photo is the JPEG or PNG as uploaded (at most 512 KiB); nil: none.
	// mediumblob: MySQL's blob holds only 64 KiB.
	Photo []byte `gorm:"type:mediumblob"`
	// PhotoSHA256 is the photo's hex SHA-256 ("" without one): an import
	// compares photos without reading them.
	PhotoSHA256 string    `gorm:"type:char(64);not null"`
	Version     int       `gorm:"not null"`
	UpdatedBy   int64     `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"precision:6"`
}

// ResumeEntry is one line of a profile's resume (简历), in order: Seq from 1.
// To is no month for the last, open entry.
type ResumeEntry struct {
	ID      int64       `gorm:"primaryKey"`
	CadreID int64       `gorm:"not null;uniqueIndex:idx_resume_cadre_seq,priority:1"`
	Seq     int         `gorm:"not null;uniqueIndex:idx_resume_cadre_seq,priority:2"`
	From    civil.Month `gorm:"column:from_month;type:char(7);not null"`
	To      civil.Month `gorm:"column:to_month;type:char(7);not null"`
	Text    string      `gorm:"type:text;not null"`
}

// FamilyMember is one family member or important social relation
// (家庭主要成员及重要社会关系) of a profile, in the form's order: Seq from 1.
type FamilyMember struct {
	ID              int64       `gorm:"primaryKey"`
	CadreID         int64       `gorm:"not null;uniqueIndex:idx_family_cadre_seq,priority:1"`
	Seq             int         `gorm:"not null;uniqueIndex:idx_family_cadre_seq,priority:2"`
	Relation        string      `gorm:"size:200;not null"`
	Name            string      `gorm:"size:200;not null"`
	BornOn          civil.Month `gorm:"type:char(7);not null"`
	PoliticalStatus string      `gorm:"size:200;not null"`
	Work            string      `gorm:"size:200;not null"`
}
