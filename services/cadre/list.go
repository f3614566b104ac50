package cadre

import (
	"context"
	"strings"
	"unicode/utf8"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/idnumber"

	"gorm.io/gorm"
)

// Lists and look-ups of cadres (this file was scope.go, the visibility API
// that services/authz replaced). Which cadres a viewer may see is the
// authz package's (purposes authz.CadreRead and authz.CadreLookup), applied
// inside the queries here.

// InUnit is the subquery of the ids of unit id and every unit under it, to
// narrow a scoped query to a subtree (Where("cadres.unit_id IN (?)", sub));
// an unknown unit is a 400 on field.
func (s *Service) InUnit(ctx context.Context, id int64, field string) (*gorm.DB, error) {
	var u models.Unit
	err := models.Get(ctx, s.db).Select("path").First(&u, id).Error
	if models.IsNotFound(err) {
		return nil, errs.Invalid(field, "unit %d does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	return models.UnitsUnder(ctx, s.db, u.Path), nil
}

// Filter selects cadres for List.
type Filter struct {
	UnitID      *int64
	Q           string
	IsTopLeader *bool
	Status      string
	Page        models.Page
}

// byQ matches q as a whole ID number (through its lookup hash) or as part of
// a name.
func (s *Service) byQ(q *gorm.DB, text string) *gorm.DB {
	if IsWholeIDNumber(text) {
		n := idnumber.Normalize(text)
		hashes := []string{s.keys.Lookup(n)}
		if old, ok := s.keys.LookupPrevious(n); ok {
			// A row not yet re-hashed by `efile keys rotate`.
			hashes = append(hashes, old)
		}
		return q.Where("cadres.id_number_hash IN ?", hashes)
	}
	// '!' escapes LIKE's wildcards; a backslash would mean different things
	// to MySQL and SQLite.
	esc := strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(text)
	return q.Where(`cadres.name LIKE ? ESCAPE '!'`, "%"+esc+"%")
}

// IsWholeIDNumber tells whether a search text is a whole, valid ID number
// (which searches by the lookup hash, and is rate-limited for auditors).
func IsWholeIDNumber(text string) bool {
	id := idnumber.Normalize(strings.TrimSpace(text))
	return utf8.RuneCountInString(id) == idnumber.Length && idnumber.Check(id, civil.Date{}) == nil
}

// Listing is a page of cadres. Limited means the viewer only looked cadres
// up (an auditor): show each with the few fields of a look-up.
type Listing struct {
	Cadres  []models.Cadre
	Total   int64
	Page    models.Page
	Limited bool
}

// List lists the cadres viewer may read, newest first. A viewer who may
// read none but may look cadres up (an auditor) gets a look-up instead: q
// required, at most LookupLimit, Limited set.
func (s *Service) List(ctx context.Context, viewer *models.User, f Filter) (*Listing, error) {
	if LooksUpOnly(viewer) {
		rows, err := s.Search(ctx, viewer, f.Q)
		if err != nil {
			return nil, err
		}
		return &Listing{Cadres: rows, Total: int64(len(rows)), Page: models.Page{Number: 1, Size: LookupLimit}, Limited: true}, nil
	}
	rows, total, err := s.list(ctx, viewer, f)
	if err != nil {
		return nil, err
	}
	return &Listing{Cadres: rows, Total: total, Page: f.Page}, nil
}

func (s *Service) list(ctx context.Context, viewer *models.User, f Filter) ([]models.Cadre, int64, error) {
	if f.Status != "" && !validStatus(f.Status) {
		return nil, 0, errs.Invalid("status", "must be one of: active, retired, left")
	}
	q, err := s.az.Scope(ctx, viewer, authz.CadreRead)
	if err != nil {
		return nil, 0, err
	}
	if f.UnitID != nil {
		path, err := models.UnitPath(ctx, s.db, *f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("cadres.unit_id IN (?)", models.UnitsUnder(ctx, s.db, path))
	}
	if f.Q != "" {
		q = s.byQ(q, strings.TrimSpace(f.Q))
	}
	if f.IsTopLeader != nil {
		q = q.Where("cadres.is_top_leader = ?", *f.IsTopLeader)
	}
	if f.Status != "" {
		q = q.Where("cadres.status = ?", f.Status)
	}
	return models.Paged[models.Cadre](q, f.Page, "cadres.id DESC")
}

// LooksUpOnly tells whether u may only look cadres up (an auditor), not
// list them: read no cadre, but look cadres up.
func LooksUpOnly(u *models.User) bool {
	return !authz.Grants(u, authz.CadreRead) && authz.Grants(u, authz.CadreLookup)
}

// LookupLimit is the most cadres an auditor's look-up returns.
const LookupLimit = 20

// Search is an auditor's look-up: q is required (two characters of a name,
// or a whole ID number), at most 20 results; the caller shows only id, name,
// unit, position and the masked ID number.
func (s *Service) Search(ctx context.Context, viewer *models.User, text string) ([]models.Cadre, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) < 2 {
		return nil, errs.Invalid("q", "is required: at least two characters of a name, or a whole ID number")
	}
	q, err := s.az.Scope(ctx, viewer, authz.CadreLookup)
	if err != nil {
		return nil, err
	}
	var out []models.Cadre
	err = s.byQ(q, text).Order("cadres.id DESC").Limit(LookupLimit).Find(&out).Error
	return out, err
}
