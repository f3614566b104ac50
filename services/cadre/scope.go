package cadre

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"efile/models"
	"efile/services/account"
	"efile/services/errs"
	"efile/services/idnumber"

	"gorm.io/gorm"
)

// The visibility API: the one place that decides which cadres a user may
// see or act on, for a purpose. Every domain calls it; none writes a scope
// rule of its own. Scope is applied inside the query (a subquery of cadre
// ids), never by loading rows and filtering them in Go, so lists, batches and
// checks of many ids cost one query whatever their size.
//
// Recusal (回避) is applied in exactly one place, notRecused: nobody may
// read, record on, appraise, flag or vet their own cadre record, whatever
// their role.

// Purpose is what a user wants to do with cadres.
type Purpose struct {
	kind    purposeKind
	cycleID int64
}

type purposeKind int

const (
	purposeRead      purposeKind = iota + 1 // read a profile, its records and e-file
	purposeRecord                           // write performance records
	purposeAppraise                         // appraise in one cycle
	purposeFlag                             // file a flag (an auditor of a source department)
	purposeVet                              // pre-promotion vetting
	purposeLookup                           // an auditor's limited look-up
	purposeReadFlags                        // read the flags raised on cadres
	purposeAssign                           // assign raters to cadres in an appraisal cycle
)

// The purposes. Appraise names its cycle.
var (
	Read   = Purpose{kind: purposeRead}
	Record = Purpose{kind: purposeRecord}
	Flag   = Purpose{kind: purposeFlag}
	Vet    = Purpose{kind: purposeVet}
	Lookup = Purpose{kind: purposeLookup}
	// ReadFlags is reading flags (SPEC section 8): an org_reviewer the flags
	// of any cadre, an auditor those of any cadre. Which flags of a cadre an
	// auditor sees (their own department's) is a rule on flags, not on
	// cadres, and is the flag service's filter in the same query.
	ReadFlags = Purpose{kind: purposeReadFlags}
	// Assign is the purpose of assigning evaluators to appraise cadres: an
	// org_reviewer any cadre but their own.
	Assign = Purpose{kind: purposeAssign}
)

// Appraise is the purpose of appraising cadres in cycle id: the assignment,
// not the unit, gives the right (SPEC section 7).
func Appraise(cycleID int64) Purpose { return Purpose{kind: purposeAppraise, cycleID: cycleID} }

// Recused tells whether u is linked to cadre id and so may do nothing with
// it. It is the Go form of notRecused, for checks about a user other than
// the viewer (an evaluator being assigned).
func Recused(u *models.User, id int64) bool { return u.CadreID != nil && *u.CadreID == id }

// notRecused is recusal in SQL: the one place it is applied to queries.
func notRecused(q *gorm.DB, u *models.User) *gorm.DB {
	if u.CadreID != nil {
		return q.Where("cadres.id <> ?", *u.CadreID)
	}
	return q
}

// Scoped returns a query on cadres restricted to those viewer may use for
// purpose p: recusal first, then the purpose's rule.
//   - Read, Record: an org_reviewer sees every cadre; an evaluator the cadres
//     of their unit and every unit under it (one indexed prefix match on the
//     units' materialised path); anyone else none.
//   - Appraise(cycle): an evaluator the cadres they are assigned in that cycle.
//   - Flag, Lookup: an auditor any cadre (they learn only what Lookup shows).
//   - Vet, Assign: an org_reviewer any cadre.
//   - ReadFlags: an org_reviewer or an auditor any cadre.
func (s *Service) Scoped(ctx context.Context, viewer *models.User, p Purpose) (*gorm.DB, error) {
	return s.scoped(ctx, viewer, p, false)
}

// scoped is Scoped; few says the query will be narrowed to a few ids
// (Unseen): an evaluator's subtree is then checked per cadre, by a probe
// of its unit's path (one primary-key look-up an id), instead of gathering
// every unit of the subtree first (5,000 for an evaluator of the whole
// city, on every request: docs/performance.md).
func (s *Service) scoped(ctx context.Context, viewer *models.User, p Purpose, few bool) (*gorm.DB, error) {
	db := models.Get(ctx, s.db)
	q := notRecused(db.Model(&models.Cadre{}), viewer)
	none := func() (*gorm.DB, error) { return q.Where("1 = 0"), nil }
	switch p.kind {
	case purposeRead, purposeRecord:
		switch {
		case viewer.HasRole(account.RoleOrgReviewer):
			return q, nil
		case viewer.HasRole(account.RoleEvaluator) && viewer.UnitID != nil:
			if few {
				path, err := s.unitPath(ctx, *viewer.UnitID)
				if err != nil {
					return nil, err
				}
				return q.Where("EXISTS (SELECT 1 FROM units WHERE units.id = cadres.unit_id AND units.path LIKE ?)", path+"%"), nil
			}
			sub, err := s.unitTree(ctx, *viewer.UnitID)
			if err != nil {
				return nil, err
			}
			return q.Where("cadres.unit_id IN (?)", sub), nil
		}
	case purposeAppraise:
		if viewer.HasRole(account.RoleEvaluator) {
			return q.Where("cadres.id IN (?)", db.Model(&models.AppraisalAssignment{}).Select("cadre_id").
				Where("cycle_id = ? AND evaluator_id = ?", p.cycleID, viewer.ID)), nil
		}
	case purposeFlag, purposeLookup:
		if viewer.HasRole(account.RoleAuditor) {
			return q, nil
		}
	case purposeVet, purposeAssign:
		if viewer.HasRole(account.RoleOrgReviewer) {
			return q, nil
		}
	case purposeReadFlags:
		if viewer.HasRole(account.RoleOrgReviewer) || viewer.HasRole(account.RoleAuditor) {
			return q, nil
		}
	default:
		return nil, fmt.Errorf("cadre scope: unknown purpose %d", p.kind)
	}
	return none()
}

// Visible returns the subquery of cadre ids viewer may use for p, for other
// domains to filter their own tables with: Where("cadre_id IN (?)", sub).
func (s *Service) Visible(ctx context.Context, viewer *models.User, p Purpose) (*gorm.DB, error) {
	q, err := s.Scoped(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	return q.Select("cadres.id"), nil
}

// unitTree is the subquery of a unit's id and the ids of every unit under it.
func (s *Service) unitTree(ctx context.Context, id int64) (*gorm.DB, error) {
	path, err := s.unitPath(ctx, id)
	if err != nil {
		return nil, err
	}
	return models.Get(ctx, s.db).Model(&models.Unit{}).Select("id").Where("path LIKE ?", path+"%"), nil
}

// unitPath is a unit's materialised path; a unit that is gone has one
// that matches nothing.
func (s *Service) unitPath(ctx context.Context, id int64) (string, error) {
	var u models.Unit
	err := models.Get(ctx, s.db).Select("path").First(&u, id).Error
	if models.IsNotFound(err) {
		return "/nonexistent/", nil
	}
	return u.Path, err
}

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
	return models.Get(ctx, s.db).Model(&models.Unit{}).Select("id").Where("path LIKE ?", u.Path+"%"), nil
}

// Unseen returns the positions in ids of those viewer may not use for p
// (unknown ids included), in one query whatever the number of ids.
func (s *Service) Unseen(ctx context.Context, viewer *models.User, p Purpose, ids []int64) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, err := s.scoped(ctx, viewer, p, true)
	if err != nil {
		return nil, err
	}
	var seen []int64
	if err := q.Where("cadres.id IN ?", ids).Pluck("cadres.id", &seen).Error; err != nil {
		return nil, err
	}
	ok := make(map[int64]bool, len(seen))
	for _, id := range seen {
		ok[id] = true
	}
	var out []int
	for i, id := range ids {
		if !ok[id] {
			out = append(out, i)
		}
	}
	return out, nil
}

// CheckPath checks a cadre id from a request path: out of scope answers 404,
// exactly as if the cadre did not exist (SPEC section 3).
func (s *Service) CheckPath(ctx context.Context, viewer *models.User, p Purpose, id int64) error {
	bad, err := s.Unseen(ctx, viewer, p, []int64{id})
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return ErrNotFound
	}
	return nil
}

// CheckBody checks cadre ids from a request body: any out of scope answers
// 403 (SPEC section 3).
func (s *Service) CheckBody(ctx context.Context, viewer *models.User, p Purpose, ids ...int64) error {
	bad, err := s.Unseen(ctx, viewer, p, ids)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return errs.Forbidden("you may not act on cadre %d", ids[bad[0]])
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
	return utf8.RuneCountInString(id) == idnumber.Length && idnumber.Check(id, "") == nil
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
	q, err := s.Scoped(ctx, viewer, Read)
	if err != nil {
		return nil, 0, err
	}
	if f.UnitID != nil {
		sub, err := s.unitTree(ctx, *f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("cadres.unit_id IN (?)", sub)
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

// LooksUpOnly tells whether u may only look cadres up (an auditor), not
// list them.
func LooksUpOnly(u *models.User) bool {
	return !u.HasRole(account.RoleOrgReviewer) && !u.HasRole(account.RoleEvaluator) && u.HasRole(account.RoleAuditor)
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
	q, err := s.Scoped(ctx, viewer, Lookup)
	if err != nil {
		return nil, err
	}
	var out []models.Cadre
	err = s.byQ(q, text).Order("cadres.id DESC").Limit(LookupLimit).Find(&out).Error
	return out, err
}
