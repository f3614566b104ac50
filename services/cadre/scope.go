package cadre

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"efile/models"
	"efile/services/account"
	"efile/services/errs"
	"efile/services/idnumber"

	"gorm.io/gorm"
)

// scoped returns a query on cadres restricted, inside the query itself, to
// what viewer may see:
//   - nobody sees their own cadre record (recusal, 回避);
//   - an org_reviewer sees every other cadre;
//   - an evaluator sees the cadres of their unit and every unit under it
//     (one indexed prefix match on the units' materialised path);
//   - anyone else sees none here (auditors only look cadres up, see Lookup).
func (s *Service) scoped(ctx context.Context, viewer *models.User) (*gorm.DB, error) {
	q := models.Get(ctx, s.db).Model(&models.Cadre{})
	if viewer.CadreID != nil {
		q = q.Where("cadres.id <> ?", *viewer.CadreID)
	}
	switch {
	case viewer.HasRole(account.RoleOrgReviewer):
		return q, nil
	case viewer.HasRole(account.RoleEvaluator) && viewer.UnitID != nil:
		path, err := s.unitPath(ctx, *viewer.UnitID)
		if err != nil {
			return nil, err
		}
		return q.Where("cadres.unit_id IN (?)", models.Get(ctx, s.db).Model(&models.Unit{}).Select("id").Where("path LIKE ?", path+"%")), nil
	default:
		return q.Where("1 = 0"), nil
	}
}

func (s *Service) unitPath(ctx context.Context, id int64) (string, error) {
	var u models.Unit
	err := models.Get(ctx, s.db).Select("path").First(&u, id).Error
	if models.IsNotFound(err) {
		return "/nonexistent/", nil
	}
	return u.Path, err
}

// InScope checks a cadre id from a request path: out of scope is 404.
func (s *Service) InScope(ctx context.Context, viewer *models.User, id int64) error {
	_, err := s.Get(ctx, viewer, id)
	return err
}

// MayActOn checks a cadre id from a request body: out of scope is 403.
func (s *Service) MayActOn(ctx context.Context, viewer *models.User, id int64) error {
	if _, err := s.Get(ctx, viewer, id); err != nil {
		if err == ErrNotFound {
			return errs.Forbidden("you may not act on cadre %d", id)
		}
		return err
	}
	return nil
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
	if IsIDNumberQuery(text) {
		return q.Where("cadres.id_number_hash = ?", s.keys.Lookup(idnumber.Normalize(text)))
	}
	// '!' escapes LIKE's wildcards; a backslash would mean different things
	// to MySQL and SQLite.
	esc := strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(text)
	return q.Where(`cadres.name LIKE ? ESCAPE '!'`, "%"+esc+"%")
}

// IsIDNumberQuery tells whether q searches by a whole, valid ID number
// (rather than part of a name): such look-ups have their own rate limit.
func IsIDNumberQuery(q string) bool {
	id := idnumber.Normalize(q)
	return utf8.RuneCountInString(id) == idnumber.Length && idnumber.Check(id, "") == nil
}

// List lists the cadres in the viewer's scope, newest first.
func (s *Service) List(ctx context.Context, viewer *models.User, f Filter) ([]models.Cadre, int64, error) {
	v := &errs.Validation{}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		v.Add("status", "must be one of: active, retired, left")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	q, err := s.scoped(ctx, viewer)
	if err != nil {
		return nil, 0, err
	}
	if f.UnitID != nil {
		path, err := s.unitPath(ctx, *f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("cadres.unit_id IN (?)", models.Get(ctx, s.db).Model(&models.Unit{}).Select("id").Where("path LIKE ?", path+"%"))
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
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []models.Cadre
	err = q.Order("cadres.id DESC").Offset(f.Page.Offset()).Limit(f.Page.Size).Find(&out).Error
	return out, total, err
}

// LookupLimit is the most cadres an auditor's look-up returns.
const LookupLimit = 20

// Lookup is an auditor's search: q is required (two characters of a name,
// or a whole ID number), at most 20 results; the caller shows only id, name,
// unit, position and the masked ID number. Recusal still applies.
func (s *Service) Lookup(ctx context.Context, viewer *models.User, text string) ([]models.Cadre, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) < 2 {
		return nil, errs.Invalid("q", "is required: at least two characters of a name, or a whole ID number")
	}
	q := models.Get(ctx, s.db).Model(&models.Cadre{})
	if viewer.CadreID != nil {
		q = q.Where("cadres.id <> ?", *viewer.CadreID)
	}
	var out []models.Cadre
	err := s.byQ(q, text).Order("cadres.id DESC").Limit(LookupLimit).Find(&out).Error
	return out, err
}
