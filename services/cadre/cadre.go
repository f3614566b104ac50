// Package cadre keeps the cadre registry: profiles with their encrypted ID
// numbers, the scope rules of who sees which cadre, and the roster import.
package cadre

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/services/errs"
	"efile/services/idnumber"
	"efile/services/text"
	"efile/services/unit"

	"gorm.io/gorm"
)

// Errors of this domain.
var (
	ErrNotFound  = authz.NotFound(authz.KindCadre)
	ErrDuplicate = errs.Conflict("conflict", "a cadre with this ID number already exists")
)

// Statuses and genders.
var (
	statuses = []string{"active", "retired", "left"}
	genders  = []string{"male", "female"}
)

func validStatus(s string) bool { return slices.Contains(statuses, s) }

// Service manages cadres.
type Service struct {
	db    *gorm.DB
	log   *accesslog.Service
	az    *authz.Service
	keys  *datakey.Keys
	now   func() time.Time
	today func() civil.Date
}

// New builds the service; loc decides what "today" is.
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, keys *datakey.Keys, now func() time.Time, loc *time.Location) *Service {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: db, log: log, az: az, keys: keys, now: now, today: func() civil.Date { return civil.Of(now(), loc) }}
}

// Today is the current date in the configured time zone.
func (s *Service) Today() civil.Date { return s.today() }

// Fields are a cadre's editable fields.
type Fields struct {
	Name        string
	Gender      string
	BirthDate   civil.Date
	IDNumber    string
	UnitID      int64
	Position    string
	Rank        string
	IsTopLeader bool
	AppointedOn civil.Date
	// ReportsPersonalMatters: a subject of the personal-matters reporting
	// rules (SPEC 5; vetting asks for their check, SPEC 9).
	ReportsPersonalMatters bool
}

// Patch is a partial update; nil fields are unchanged.
type Patch struct {
	Name        *string
	Gender      *string
	BirthDate   *civil.Date
	IDNumber    *string
	UnitID      *int64
	Position    *string
	Rank        *string
	IsTopLeader *bool
	AppointedOn *civil.Date
	Status      *string
	Version     int

	ReportsPersonalMatters *bool
}

// check validates a cadre's fields and brings its text to NFC; field names
// the fields (inside an import row, for instance).
func (s *Service) check(v *errs.Validation, f *Fields, field func(string) string) {
	txt := func(name string, dst *string, max int) {
		out, fault := text.Check(*dst, 1, max, false)
		*dst = out
		if fault.Kind != text.OK {
			v.Add(field(name), "%s", fault.Msg())
		}
	}
	f.IDNumber = idnumber.Normalize(f.IDNumber)
	txt("name", &f.Name, 50)
	if !slices.Contains(genders, f.Gender) {
		v.Add(field("gender"), "must be male or female")
	}
	today := s.today()
	birthOK := f.BirthDate.Valid()
	if !birthOK {
		v.Add(field("birth_date"), "must be a date YYYY-MM-DD")
	} else {
		civil.Check(v, field("birth_date"), f.BirthDate, civil.Birth, today)
	}
	idErr := idnumber.Check(f.IDNumber, civil.Date{})
	embedded, _ := idnumber.BirthDate(f.IDNumber)
	switch {
	case errors.Is(idErr, idnumber.ErrChecksum):
		v.Add(field("id_number"), "the check character (the last) is wrong: compare the number with the card")
	case errors.Is(idErr, idnumber.ErrDate):
		v.Add(field("id_number"), "characters 7–14 are not a valid birth date")
	case idErr != nil:
		v.Add(field("id_number"), "must be 18 characters: 17 digits and a check character (a digit or X)")
	case birthOK && embedded != f.BirthDate:
		v.Add(field("id_number"), "characters 7–14 (birth date %s) do not match birth_date %s", f.IDNumber[6:14], f.BirthDate.String())
	}
	// GB 11643-1999: the 17th character, the sequence number's last digit,
	// is odd for men and even for women.
	if idErr == nil && slices.Contains(genders, f.Gender) {
		if male := (f.IDNumber[16]-'0')%2 == 1; male != (f.Gender == "male") {
			v.Add(field("gender"), "does not agree with the ID number (its 17th character is odd for men, even for women)")
		}
	}
	txt("position", &f.Position, 100)
	txt("rank", &f.Rank, 50)
	if civil.Past(v, field("appointed_on"), f.AppointedOn, today) &&
		civil.Check(v, field("appointed_on"), f.AppointedOn, civil.Event, today) {
		civil.BeforeBirth(v, field("appointed_on"), f.AppointedOn, f.BirthDate)
	}
	if f.UnitID < 1 {
		v.Add(field("unit_id"), "is required")
	}
}

func plain(s string) string { return s }

func (s *Service) apply(c *models.Cadre, f *Fields) {
	c.Name, c.Gender, c.BirthDate = f.Name, f.Gender, f.BirthDate
	// Sealed bound to the row's lookup hash: a ciphertext copied into
	// another cadre's row does not open there.
	c.IDNumberHash = s.keys.Lookup(f.IDNumber)
	c.IDNumberEnc = s.keys.SealID([]byte(f.IDNumber), c.IDNumberHash)
	c.IDNumberMask = idnumber.Mask(f.IDNumber)
	c.UnitID, c.Position, c.Rank = f.UnitID, f.Position, f.Rank
	c.IsTopLeader, c.AppointedOn = f.IsTopLeader, f.AppointedOn
	c.ReportsPersonalMatters = f.ReportsPersonalMatters
}

// Create registers a cadre (org_reviewer, by route policy).
func (s *Service) Create(ctx context.Context, viewer *models.User, f Fields) (*models.Cadre, error) {
	v := &errs.Validation{}
	s.check(v, &f, plain)
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &models.Cadre{Status: "active", Version: 1}
	s.apply(c, &f)
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		// A disabled unit takes no new cadres (SPEC section 5).
		v := &errs.Validation{}
		if err := unit.Admits(ctx, s.db, v, "unit_id", f.UnitID); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := models.Get(ctx, s.db).Create(c).Error; err != nil {
			if models.IsDuplicate(err) {
				return ErrDuplicate
			}
			return err
		}
		accesslog.SetCadre(ctx, c.ID)
		return nil
	})
	return c, err
}

// Get reads one cadre the viewer may read; out of scope is 404.
func (s *Service) Get(ctx context.Context, viewer *models.User, id int64) (*models.Cadre, error) {
	return s.Find(ctx, viewer, authz.CadreRead, id)
}

// Find reads one cadre the viewer may use for p; out of scope is 404, as
// for an id in a path.
func (s *Service) Find(ctx context.Context, viewer *models.User, p authz.Purpose, id int64) (*models.Cadre, error) {
	var c models.Cadre
	if err := s.az.Find(ctx, viewer, p, id, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// NotBeforeBirth refuses, with a 400 naming each field, the days of cadre
// id's life that are before the cadre's birth date (SPEC 3): fieldDays are
// a field's name and its day each (civil.NotBeforeBirth). The caller
// has checked the cadre is in scope; an unknown cadre has no birth date.
func (s *Service) NotBeforeBirth(ctx context.Context, id int64, days ...civil.FieldDate) error {
	var birth []civil.Date
	if err := models.Get(ctx, s.db).Model(&models.Cadre{}).Where("id = ?", id).Pluck("birth_date", &birth).Error; err != nil || len(birth) == 0 {
		return err
	}
	return civil.NotBeforeBirth(birth[0], days...)
}

// Update applies a patch with an optimistic version (org_reviewer).
func (s *Service) Update(ctx context.Context, viewer *models.User, id int64, p Patch) (*models.Cadre, error) {
	v := &errs.Validation{}
	if p.Version < 1 {
		v.Add("version", "is required: the version you last read")
	}
	if p.Status != nil && !validStatus(*p.Status) {
		v.Add("status", "must be one of: active, retired, left")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *models.Cadre
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.Get(ctx, viewer, id)
		if err != nil {
			return err
		}
		plainID, err := s.keys.OpenID(c.IDNumberEnc, c.IDNumberHash)
		if err != nil {
			return fmt.Errorf("decrypt the ID number of cadre %d: %w", c.ID, err)
		}
		f := Fields{Name: c.Name, Gender: c.Gender, BirthDate: c.BirthDate, IDNumber: string(plainID), UnitID: c.UnitID,
			Position: c.Position, Rank: c.Rank, IsTopLeader: c.IsTopLeader, AppointedOn: c.AppointedOn,
			ReportsPersonalMatters: c.ReportsPersonalMatters}
		set(&f.Name, p.Name)
		set(&f.Gender, p.Gender)
		set(&f.BirthDate, p.BirthDate)
		set(&f.IDNumber, p.IDNumber)
		set(&f.UnitID, p.UnitID)
		set(&f.Position, p.Position)
		set(&f.Rank, p.Rank)
		set(&f.IsTopLeader, p.IsTopLeader)
		set(&f.AppointedOn, p.AppointedOn)
		set(&f.ReportsPersonalMatters, p.ReportsPersonalMatters)
		s.check(v, &f, plain)
		if err := v.Err(); err != nil {
			return err
		}
		// Moved to another unit: it must take new cadres (a cadre who
		// stays in a disabled unit keeps it).
		if f.UnitID != c.UnitID {
			if err := unit.Admits(ctx, s.db, v, "unit_id", f.UnitID); err != nil {
				return err
			}
			if err := v.Err(); err != nil {
				return err
			}
		}
		if c.Version != p.Version {
			return errs.ErrVersionConflict
		}
		s.apply(c, &f)
		if p.Status != nil {
			c.Status = *p.Status
		}
		res := models.Get(ctx, s.db).Model(&models.Cadre{}).Where("id = ? AND version = ?", id, p.Version).Updates(map[string]any{
			"name": c.Name, "gender": c.Gender, "birth_date": c.BirthDate, "id_number_enc": c.IDNumberEnc,
			"id_number_hash": c.IDNumberHash, "id_number_mask": c.IDNumberMask, "unit_id": c.UnitID,
			"position": c.Position, "rank": c.Rank, "is_top_leader": c.IsTopLeader, "appointed_on": c.AppointedOn,
			"status": c.Status, "version": gorm.Expr("version + 1"), "updated_at": s.now().UTC(),
			"reports_personal_matters": c.ReportsPersonalMatters,
		})
		if res.Error != nil {
			if models.IsDuplicate(res.Error) {
				return ErrDuplicate
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		out, err = s.Get(ctx, viewer, id)
		return err
	})
	return out, err
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// IDNumber is the ID number as viewer may see it: whole or masked, as
// authz.SeesWholeIDNumber decides. A number that cannot be decrypted is an
// error, never silently shown masked.
func (s *Service) IDNumber(viewer *models.User, c *models.Cadre) (string, error) {
	if authz.SeesWholeIDNumber(viewer) {
		p, err := s.keys.OpenID(c.IDNumberEnc, c.IDNumberHash)
		if err != nil {
			return "", fmt.Errorf("decrypt the ID number of cadre %d: %w", c.ID, err)
		}
		return string(p), nil
	}
	return Masked(c), nil
}

// Masked is the masked ID number of a cadre: first and last character
// (SPEC section 5), derived from the stored mask so that rows masked under
// an older, weaker rule are shown under today's.
func Masked(c *models.Cadre) string {
	r := []rune(c.IDNumberMask)
	if len(r) != idnumber.Length {
		return strings.Repeat("*", idnumber.Length)
	}
	return idnumber.Mask(string(r[0]) + strings.Repeat("0", idnumber.Length-2) + string(r[len(r)-1]))
}
