// Package authz is the one place that decides who may see or act on which
// object, and which fields of it they may see. Every domain asks it; none
// writes a rule of its own about roles.
//
// Object scope is a purpose (what a viewer wants to do with one kind of
// object: read a cadre, change a flag, revise an appraisal) turned into a
// restriction of the query on that kind's table, so that lists, batches and
// checks of many ids cost one query whatever their size, and nothing out of
// scope is ever loaded and filtered in Go. From the restriction come the
// checks of SPEC section 3: an id in the path out of scope answers 404,
// exactly as if it did not exist; an id in the body, 403.
//
// Recusal (回避: nobody may read, record on, appraise, flag or vet their own
// cadre record, whatever their role) is applied in exactly one place,
// recused, to every kind of object that belongs to a cadre.
//
// A user's department is an attribute of its own (Department): an
// auditor's source department, or "organization" for the organization
// department's reviewers. Flags are filed, changed and read by department.
package authz

import (
	"context"
	"fmt"

	"efile/models"
	"efile/services/account"

	"gorm.io/gorm"
)

// Organization is the department of the organization department's
// reviewers (组织部): the source of the flags they file (SPEC section 8).
const Organization = "organization"

// Discipline is the discipline-inspection department (纪检监察), which
// answers integrity-opinion requests (SPEC section 13).
const Discipline = "discipline"

// Department is the department viewer acts for: an auditor's own
// department, else Organization for an org_reviewer, else "" (none). A user
// holding both roles acts for their auditor department.
func Department(viewer *models.User) string {
	if viewer.HasRole(account.RoleAuditor) && viewer.Department != nil {
		return *viewer.Department
	}
	if viewer.HasRole(account.RoleOrgReviewer) {
		return Organization
	}
	return ""
}

// Recused tells whether u is linked to cadre id and so may do nothing with
// it: the Go form of recused, for a check about a user other than the
// viewer (an evaluator being assigned).
func Recused(u *models.User, cadreID int64) bool { return u.CadreID != nil && *u.CadreID == cadreID }

// recused is recusal in SQL, on the column that names an object's cadre:
// the one place it is applied to queries.
func recused(q *gorm.DB, u *models.User, column string) *gorm.DB {
	if u.CadreID != nil && column != "" {
		return q.Where(column+" <> ?", *u.CadreID)
	}
	return q
}

// Service applies scopes to queries on the database.
type Service struct {
	db *gorm.DB
}

// New builds the service.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Scope returns a query on the table of p's kind restricted to the objects
// viewer may use for p: lists filter and page it further.
func (s *Service) Scope(ctx context.Context, viewer *models.User, p Purpose) (*gorm.DB, error) {
	return s.scope(ctx, viewer, p, false)
}

// IDs returns the subquery of the ids of the objects viewer may use for p,
// for a domain to filter its own tables with: Where("cadre_id IN (?)", ids).
func (s *Service) IDs(ctx context.Context, viewer *models.User, p Purpose) (*gorm.DB, error) {
	q, err := s.Scope(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	return q.Select(p.def().id()), nil
}

// scope is Scope; few says the query will be narrowed to a few ids (checks
// and finds by id), which some rules answer more cheaply per row.
func (s *Service) scope(ctx context.Context, viewer *models.User, p Purpose, few bool) (*gorm.DB, error) {
	r, ok := rules[p.name]
	if !ok || p.def() == nil {
		return nil, fmt.Errorf("authz: unknown purpose %q", p.name)
	}
	k := p.def()
	db := models.Get(ctx, s.db)
	q := db.Table(k.table)
	if k.model != nil {
		q = db.Model(k.model())
	}
	q = recused(q, viewer, k.cadreColumn)
	if !r.who(viewer) {
		return q.Where("1 = 0"), nil
	}
	if r.where == nil {
		return q, nil
	}
	return r.where(ctx, s, viewer, p, q, few)
}

// Grants tells whether p gives viewer any scope at all (by their roles and
// department), before any object is looked at: a user who may read no
// cadre but may look cadres up is shown a look-up instead of a list.
func Grants(viewer *models.User, p Purpose) bool {
	r, ok := rules[p.name]
	return ok && r.who(viewer)
}

// Unseen returns the positions in ids of those viewer may not use for p
// (unknown ids included), in one query whatever the number of ids.
func (s *Service) Unseen(ctx context.Context, viewer *models.User, p Purpose, ids []int64) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, err := s.scope(ctx, viewer, p, true)
	if err != nil {
		return nil, err
	}
	col := p.def().id()
	var seen []int64
	if err := q.Where(col+" IN ?", ids).Pluck(col, &seen).Error; err != nil {
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

// CheckPath checks an id from a request path: out of scope answers the
// kind's 404, exactly as if the object did not exist (SPEC section 3).
func (s *Service) CheckPath(ctx context.Context, viewer *models.User, p Purpose, id int64) error {
	bad, err := s.Unseen(ctx, viewer, p, []int64{id})
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return p.def().notFound
	}
	return nil
}

// CheckBody checks ids from a request body: any out of scope answers 403
// (SPEC section 3), in one query for any number of ids.
func (s *Service) CheckBody(ctx context.Context, viewer *models.User, p Purpose, ids ...int64) error {
	bad, err := s.Unseen(ctx, viewer, p, ids)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return p.def().forbidden(ids[bad[0]])
	}
	return nil
}

// Find loads into dst (a pointer to the kind's model) the object id that
// viewer may use for p; out of scope answers the kind's 404, as for an id
// in a path. The check and the read are one query.
func (s *Service) Find(ctx context.Context, viewer *models.User, p Purpose, id int64, dst any) error {
	q, err := s.scope(ctx, viewer, p, true)
	if err != nil {
		return err
	}
	if err := q.Where(p.def().id()+" = ?", id).Take(dst).Error; err != nil {
		if models.IsNotFound(err) {
			return p.def().notFound
		}
		return err
	}
	return nil
}

// CheckAll tells whether viewer may still use every one of ids for p (an
// idempotent replay showing those objects again), in queries of at most
// 1,000 ids each.
func (s *Service) CheckAll(ctx context.Context, viewer *models.User, p Purpose, ids []int64) (bool, error) {
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		bad, err := s.Unseen(ctx, viewer, p, ids[:n])
		if err != nil || len(bad) > 0 {
			return false, err
		}
		ids = ids[n:]
	}
	return true, nil
}
