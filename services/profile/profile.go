// Package profile keeps the part of a cadre's appointment form (干部任免审批表,
// SPEC section 16) that the registry does not: origin, party and work
// months, health, titles, the two educations, the resume, the family and the
// photo. Only the organization department reads or writes it: its scope is
// authz.CadreProfile, recusal included.
package profile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/errs"

	"gorm.io/gorm"
)

// Education is one of the form's two educations (全日制教育, 在职教育):
// level (学历) and degree (学位) as free text, and the school, department
// and major (毕业院校系及专业).
type Education struct {
	Level, Degree, School string
}

// ResumeEntry is one line of the resume: From and To are months, To nil on
// the last line while it runs.
type ResumeEntry struct {
	From civil.Month
	To   *civil.Month
	Text string
}

// FamilyMember is one of the family members and important social relations.
type FamilyMember struct {
	Relation        string       // 称谓
	Name            string       // 姓名
	BornOn          *civil.Month // 出生年月, nil when unknown
	PoliticalStatus string       // 政治面貌
	Work            string       // 工作单位及职务
}

// Profile is a cadre's profile. Nil months and empty texts are unknown. Version is 0 for a profile never written.
type Profile struct {
	Ethnicity         string
	NativePlace       string
	Birthplace        string
	PartyJoinedOn     *civil.Month
	OtherParty        string
	WorkStartedOn     *civil.Month
	Health            string
	ProfessionalTitle string
	Expertise         string
	FullTime          Education
	InService         Education
	Resume            []ResumeEntry
	Family            []FamilyMember
	Photo             []byte // JPEG or PNG; nil: none
	Version           int
}

// Empty is the profile of a cadre whose profile was never written.
func Empty() *Profile {
	return &Profile{Resume: []ResumeEntry{}, Family: []FamilyMember{}}
}

// Service reads and writes profiles: scope through authz, changes in the
// access log's transactions.
type Service struct {
	az     *authz.Service
	cadres *cadre.Service
	db     *gorm.DB
	log    *accesslog.Service
	now    func() time.Time
}

// New builds the service; now (nil: time.Now) dates the writes.
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, now func() time.Time) *Service {
	s := &Service{db: db, log: log, az: az, cadres: cadres, now: time.Now}
	if now != nil {
		s.now = now
	}
	return s
}

// Get reads the profile of a cadre whose profile the viewer keeps (404
// otherwise).
func (s *Service) Get(ctx context.Context, viewer *models.User, cadreID int64) (*Profile, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreProfile, cadreID); err != nil {
		return nil, err
	}
	return s.Load(ctx, cadreID)
}

// Put replaces the profile of a cadre whose profile the viewer keeps, if
// version is the one stored (0 for a profile never written): the form first
// (400), then the cadre (404), then the months against the cadre's birth
// (400), then the version (409 version_conflict).
func (s *Service) Put(ctx context.Context, viewer *models.User, cadreID int64, p Profile, version *int) (*Profile, error) {
	v := &errs.Validation{}
	switch {
	case version == nil:
		v.Add("version", "is required: the version you last read (0 for a profile never written)")
	case *version < 0:
		v.Add("version", "must be 0 or a positive integer")
	}
	Check(v, &p, s.cadres.Today(), civil.Date{})
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Profile
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cadres.Find(ctx, viewer, authz.CadreProfile, cadreID)
		if err != nil {
			return err
		}
		v := &errs.Validation{}
		CheckBirth(v, &p, c.BirthDate)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.Save(ctx, viewer.ID, cadreID, &p, *version); err != nil {
			return err
		}
		out, err = s.Load(ctx, cadreID)
		return err
	})
	return out, err
}

// Save writes a checked profile of a cadre over version (0: never written)
// inside the caller's transaction: the profile row, and its resume and family
// replaced. A stale version is errs.ErrVersionConflict.
func (s *Service) Save(ctx context.Context, actorID, cadreID int64, p *Profile, version int) error {
	db := models.Get(ctx, s.db)
	row := toRow(cadreID, p)
	row.UpdatedBy, row.UpdatedAt, row.Version = actorID, s.now().UTC(), version+1
	if version == 0 {
		if err := db.Create(&row).Error; err != nil {
			if models.IsDuplicate(err) {
				return errs.ErrVersionConflict
			}
			return err
		}
	} else {
		res := db.Model(&models.Profile{}).Where("cadre_id = ? AND version = ?", cadreID, version).
			Select("*").Omit("id", "cadre_id").Updates(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
	}
	if err := db.Where("cadre_id = ?", cadreID).Delete(&models.ResumeEntry{}).Error; err != nil {
		return err
	}
	if err := db.Where("cadre_id = ?", cadreID).Delete(&models.FamilyMember{}).Error; err != nil {
		return err
	}
	if rs := resumeRows(cadreID, p.Resume); len(rs) > 0 {
		if err := db.Create(&rs).Error; err != nil {
			return err
		}
	}
	if fs := familyRows(cadreID, p.Family); len(fs) > 0 {
		if err := db.Create(&fs).Error; err != nil {
			return err
		}
	}
	return nil
}

// Load reads the profile of a cadre whose scope the caller has checked: an
// empty profile with version 0 when it was never written. Three queries.
func (s *Service) Load(ctx context.Context, cadreID int64) (*Profile, error) {
	db := models.Get(ctx, s.db)
	var rows []models.Profile
	if err := db.Where("cadre_id = ?", cadreID).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return Empty(), nil
	}
	var resume []models.ResumeEntry
	if err := db.Where("cadre_id = ?", cadreID).Order("seq").Find(&resume).Error; err != nil {
		return nil, err
	}
	var family []models.FamilyMember
	if err := db.Where("cadre_id = ?", cadreID).Order("seq").Find(&family).Error; err != nil {
		return nil, err
	}
	return fromRows(&rows[0], resume, family), nil
}

// Stored is a stored profile without its photo's bytes, and the photo's
// PhotoSum: what an import compares a file with.
type Stored struct {
	Profile
	PhotoSum string
}

// LoadMany reads the profiles of cadres whose scope the caller has checked,
// without their photos, in three queries whatever their number; a cadre
// whose profile was never written has no entry.
func (s *Service) LoadMany(ctx context.Context, ids []int64) (map[int64]*Stored, error) {
	out := map[int64]*Stored{}
	if len(ids) == 0 {
		return out, nil
	}
	db := models.Get(ctx, s.db)
	var rows []models.Profile
	if err := db.Omit("photo").Where("cadre_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	var resume []models.ResumeEntry
	if err := db.Where("cadre_id IN ?", ids).Order("cadre_id, seq").Find(&resume).Error; err != nil {
		return nil, err
	}
	var family []models.FamilyMember
	if err := db.Where("cadre_id IN ?", ids).Order("cadre_id, seq").Find(&family).Error; err != nil {
		return nil, err
	}
	rs, fs := map[int64][]models.ResumeEntry{}, map[int64][]models.FamilyMember{}
	for _, r := range resume {
		rs[r.CadreID] = append(rs[r.CadreID], r)
	}
	for _, f := range family {
		fs[f.CadreID] = append(fs[f.CadreID], f)
	}
	for i := range rows {
		r := &rows[i]
		out[r.CadreID] = &Stored{Profile: *fromRows(r, rs[r.CadreID], fs[r.CadreID]), PhotoSum: r.PhotoSHA256}
	}
	return out, nil
}

// Written tells whether p holds anything at all: a profile that holds
// nothing need not be written (an imported form without its profile).
func Written(p *Profile) bool {
	return len(Changes(Empty(), p)) > 0
}

// Changes names, as the API does, the fields that differ between a and b.
func Changes(a, b *Profile) []string {
	out := []string{}
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("ethnicity", a.Ethnicity != b.Ethnicity)
	add("native_place", a.NativePlace != b.NativePlace)
	add("birthplace", a.Birthplace != b.Birthplace)
	add("party_joined_on", month(a.PartyJoinedOn) != month(b.PartyJoinedOn))
	add("other_party", a.OtherParty != b.OtherParty)
	add("work_started_on", month(a.WorkStartedOn) != month(b.WorkStartedOn))
	add("health", a.Health != b.Health)
	add("professional_title", a.ProfessionalTitle != b.ProfessionalTitle)
	add("expertise", a.Expertise != b.Expertise)
	add("full_time_education", a.FullTime != b.FullTime)
	add("in_service_education", a.InService != b.InService)
	add("resume", !slices.EqualFunc(a.Resume, b.Resume, func(x, y ResumeEntry) bool {
		return x.From == y.From && month(x.To) == month(y.To) && x.Text == y.Text
	}))
	add("family", !slices.EqualFunc(a.Family, b.Family, func(x, y FamilyMember) bool {
		return x.Relation == y.Relation && x.Name == y.Name && month(x.BornOn) == month(y.BornOn) &&
			x.PoliticalStatus == y.PoliticalStatus && x.Work == y.Work
	}))
	add("photo", !bytes.Equal(a.Photo, b.Photo))
	return out
}

// month is *p, no month for nil.
func month(p *civil.Month) civil.Month {
	if p == nil {
		return civil.Month{}
	}
	return *p
}

// opt is m as an optional value: nil for no month.
func opt(m civil.Month) *civil.Month {
	if m.IsZero() {
		return nil
	}
	return &m
}

func toRow(cadreID int64, p *Profile) models.Profile {
	return models.Profile{CadreID: cadreID, Ethnicity: p.Ethnicity, NativePlace: p.NativePlace, Birthplace: p.Birthplace,
		PartyJoinedOn: month(p.PartyJoinedOn), OtherParty: p.OtherParty, WorkStartedOn: month(p.WorkStartedOn),
		Health: p.Health, ProfessionalTitle: p.ProfessionalTitle, Expertise: p.Expertise,
		FullTimeLevel: p.FullTime.Level, FullTimeDegree: p.FullTime.Degree, FullTimeSchool: p.FullTime.School,
		InServiceLevel: p.InService.Level, InServiceDegree: p.InService.Degree, InServiceSchool: p.InService.School,
		Photo: p.Photo, PhotoSHA256: PhotoSum(p.Photo)}
}

// PhotoSum is the hex SHA-256 of a photo, "" for none.
func PhotoSum(b []byte) string {
	if b == nil {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func resumeRows(cadreID int64, rs []ResumeEntry) []models.ResumeEntry {
	out := make([]models.ResumeEntry, len(rs))
	for i, r := range rs {
		out[i] = models.ResumeEntry{CadreID: cadreID, Seq: i + 1, From: r.From, To: month(r.To), Text: r.Text}
	}
	return out
}

func familyRows(cadreID int64, fs []FamilyMember) []models.FamilyMember {
	out := make([]models.FamilyMember, len(fs))
	for i, f := range fs {
		out[i] = models.FamilyMember{CadreID: cadreID, Seq: i + 1, Relation: f.Relation, Name: f.Name,
			BornOn: month(f.BornOn), PoliticalStatus: f.PoliticalStatus, Work: f.Work}
	}
	return out
}

func fromRows(r *models.Profile, resume []models.ResumeEntry, family []models.FamilyMember) *Profile {
	p := &Profile{Ethnicity: r.Ethnicity, NativePlace: r.NativePlace, Birthplace: r.Birthplace,
		PartyJoinedOn: opt(r.PartyJoinedOn), OtherParty: r.OtherParty, WorkStartedOn: opt(r.WorkStartedOn),
		Health: r.Health, ProfessionalTitle: r.ProfessionalTitle, Expertise: r.Expertise,
		FullTime:  Education{Level: r.FullTimeLevel, Degree: r.FullTimeDegree, School: r.FullTimeSchool},
		InService: Education{Level: r.InServiceLevel, Degree: r.InServiceDegree, School: r.InServiceSchool},
		Resume:    make([]ResumeEntry, len(resume)), Family: make([]FamilyMember, len(family)),
		Photo: r.Photo, Version: r.Version}
	if len(p.Photo) == 0 {
		p.Photo = nil
	}
	for i, e := range resume {
		p.Resume[i] = ResumeEntry{From: e.From, To: opt(e.To), Text: e.Text}
	}
	for i, f := range family {
		p.Family[i] = FamilyMember{Relation: f.Relation, Name: f.Name, BornOn: opt(f.BornOn),
			PoliticalStatus: f.PoliticalStatus, Work: f.Work}
	}
	return p
}
