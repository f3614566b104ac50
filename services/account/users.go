package account

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"efile/models"
	"efile/services/errs"
	"efile/services/unit"

	"gorm.io/gorm"
)

// ErrUserNotFound is returned for an unknown user id.
var ErrUserNotFound = errs.NotFound("user")

// NewUser is what an administrator gives to create a user.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Roles       []string
	UnitID      *int64
	Department  *string
	CadreID     *int64
}

// Opt is an optional field of a patch: Set when present, with a nil Value
// when present as null (clear it).
type Opt[T any] struct {
	Set   bool
	Value *T
}

// UserPatch is a partial update of a user.
type UserPatch struct {
	Roles      *[]string
	Disabled   *bool
	UnitID     Opt[int64]
	Department Opt[string]
	CadreID    Opt[int64]
	Password   *string
	Version    int
}

// UsernamePattern: 2 to 64 characters (a two-letter name such as "li" is
// real); the API document says it too.
const UsernamePattern = `^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$`

var usernameRe = regexp.MustCompile(UsernamePattern)

// checkRoles applies the role rules of SPEC section 4 to a user's final state.
func checkRoles(v *errs.Validation, roles []string, unitID *int64, dept *string) {
	if !checkRoleList(v, roles) {
		return
	}
	checkRoleNeeds(v, roles, unitID, dept)
}

// checkRoleList checks the roles themselves: known, unique, exclusivity.
func checkRoleList(v *errs.Validation, roles []string) bool {
	if len(roles) == 0 {
		v.Add("roles", "must name at least one role")
		return false
	}
	seen := map[string]bool{}
	for i, r := range roles {
		if !slices.Contains(allRoles, r) {
			v.Add(fmt.Sprintf("roles[%d]", i), "must be one of: %s", strings.Join(allRoles, ", "))
			return false
		}
		if seen[r] {
			v.Add(fmt.Sprintf("roles[%d]", i), "repeats role %s", r)
			return false
		}
		seen[r] = true
	}
	for _, r := range roles {
		if exclusive[r] && len(roles) > 1 {
			v.Add("roles", "%s is an exclusive role and cannot be combined with another (separation of duties)", r)
			return false
		}
	}
	return true
}

// checkRoleNeeds checks what some roles require: an auditor's department,
// an evaluator's unit.
func checkRoleNeeds(v *errs.Validation, roles []string, unitID *int64, dept *string) {
	if slices.Contains(roles, RoleAuditor) {
		if dept == nil {
			v.Add("department", "is required for an auditor: one of %s", strings.Join(departments, ", "))
		}
	} else if dept != nil {
		v.Add("department", "is only for auditors")
	}
	if dept != nil && !slices.Contains(departments, *dept) {
		v.Add("department", "must be one of: %s", strings.Join(departments, ", "))
	}
	if slices.Contains(roles, RoleEvaluator) && unitID == nil {
		v.Add("unit_id", "is required for an evaluator")
	}
}

// checkLinks checks that the cadre named exists, and that the unit a user
// joins exists and is not disabled (400 if not).
func (s *Service) checkLinks(ctx context.Context, v *errs.Validation, unitID, cadreID *int64) error {
	if unitID != nil {
		if err := unit.Admits(ctx, s.db, v, "unit_id", *unitID); err != nil {
			return err
		}
	}
	if cadreID != nil {
		ok, err := models.CadreExists(ctx, s.db, *cadreID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("cadre_id", "no cadre has id %d", *cadreID)
		}
	}
	return nil
}

// CreateUser creates a user (administrators only, by route policy).
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*models.User, error) {
	v := &errs.Validation{}
	if !usernameRe.MatchString(in.Username) {
		v.Add("username", "must be 2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	CheckPassword(v, "password", in.Password)
	if n := utf8.RuneCountInString(strings.TrimSpace(in.DisplayName)); n < 1 || n > 100 {
		v.Add("display_name", "must be 1 to 100 characters long")
	}
	checkRoles(v, in.Roles, in.UnitID, in.Department)
	if err := s.checkLinks(ctx, v, in.UnitID, in.CadreID); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	h, err := s.hash(in.Password)
	if err != nil {
		return nil, err
	}
	u := &models.User{Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), PasswordHash: h,
		UnitID: in.UnitID, Department: in.Department, CadreID: in.CadreID, Version: 1}
	for _, r := range in.Roles {
		u.Roles = append(u.Roles, models.UserRole{Role: r})
	}
	err = s.log.Tx(ctx, func(ctx context.Context) error {
		taken := errs.Conflict("conflict", "username %q is taken", in.Username)
		if _, err := models.FindUserByName(ctx, s.db, in.Username); err == nil {
			return taken
		} else if !models.IsNotFound(err) {
			return err
		}
		err := models.Get(ctx, s.db).Create(u).Error
		if models.IsDuplicate(err) {
			return errs.Conflict("conflict", "username %q is taken", in.Username)
		}
		return err
	})
	return u, err
}

// GetUser loads one user.
func (s *Service) GetUser(ctx context.Context, id int64) (*models.User, error) {
	u, err := models.FindUser(ctx, s.db, id)
	if models.IsNotFound(err) {
		return nil, ErrUserNotFound
	}
	return u, err
}

// ListUsers lists users, newest first.
func (s *Service) ListUsers(ctx context.Context, p models.Page) ([]models.User, int64, error) {
	return models.Paged[models.User](s.db.WithContext(ctx).Model(&models.User{}), p, "id DESC",
		func(q *gorm.DB) *gorm.DB { return q.Preload("Roles") })
}

// EvaluatorFilter selects evaluators for ListEvaluators.
type EvaluatorFilter struct {
	UnitID *int64 // this unit and the units under it
	Q      string // part of the display name or username
	Page   models.Page
}

// ListEvaluators lists the enabled users who hold the evaluator role, by
// name, for a reviewer who assigns raters (the caller shows only their id,
// names and unit): reviewers may not list users, and must not have to know
// evaluators by number.
func (s *Service) ListEvaluators(ctx context.Context, f EvaluatorFilter) ([]models.User, int64, error) {
	db := s.db.WithContext(ctx)
	q := db.Model(&models.User{}).Where("users.disabled = FALSE").
		Where("users.id IN (?)", db.Model(&models.UserRole{}).Select("user_id").Where("role = ?", RoleEvaluator))
	if f.UnitID != nil {
		var u models.Unit
		if err := db.Select("path").First(&u, *f.UnitID).Error; err != nil {
			if models.IsNotFound(err) {
				return nil, 0, errs.Invalid("unit_id", "no unit has id %d", *f.UnitID)
			}
			return nil, 0, err
		}
		q = q.Where("users.unit_id IN (?)", db.Model(&models.Unit{}).Select("id").Where("path LIKE ?", u.Path+"%"))
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		esc := "%" + strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(t) + "%"
		q = q.Where(`(users.display_name LIKE ? ESCAPE '!' OR users.username LIKE ? ESCAPE '!')`, esc, esc)
	}
	return models.Paged[models.User](q, f.Page, "users.unit_id, users.display_name, users.id")
}

// UpdateUser applies a patch. Nobody may change their own roles or disabled
// state (403); the result must still satisfy the role rules (400); a stale
// version answers 409 version_conflict.
func (s *Service) UpdateUser(ctx context.Context, actor *models.User, id int64, p UserPatch) (*models.User, error) {
	v := &errs.Validation{}
	if p.Version < 1 {
		v.Add("version", "is required: the version you last read")
	}
	if p.Password != nil {
		CheckPassword(v, "password", *p.Password)
	}
	if p.Roles != nil {
		checkRoleList(v, *p.Roles)
	}
	if p.Department.Set && p.Department.Value != nil && !slices.Contains(departments, *p.Department.Value) {
		v.Add("department", "must be one of: %s", strings.Join(departments, ", "))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *models.User
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		u, err := models.FindUser(ctx, s.db, id)
		if models.IsNotFound(err) {
			return ErrUserNotFound
		}
		if err != nil {
			return err
		}
		if actor.ID == id && (p.Roles != nil || p.Disabled != nil) {
			return errs.Forbidden("you may not change your own roles or disabled state")
		}
		// The unit the user joins, which must take new evaluators: one it
		// is moved to, or its own when it becomes an evaluator there. One
		// who stays in a disabled unit keeps it.
		joins := unitIfSet(p.UnitID)
		if joins != nil && u.UnitID != nil && *joins == *u.UnitID {
			joins = nil
		}
		wasEvaluator := slices.Contains(u.RoleNames(), RoleEvaluator)
		roles := u.RoleNames()
		if p.Roles != nil {
			roles = *p.Roles
		}
		if p.UnitID.Set {
			u.UnitID = p.UnitID.Value
		}
		if p.Department.Set {
			u.Department = p.Department.Value
		} else if !slices.Contains(roles, RoleAuditor) {
			// No longer an auditor: the department went with the role.
			u.Department = nil
		}
		if p.CadreID.Set {
			u.CadreID = p.CadreID.Value
		}
		if joins == nil && u.UnitID != nil && !wasEvaluator && slices.Contains(roles, RoleEvaluator) {
			joins = u.UnitID
		}
		checkRoleNeeds(v, roles, u.UnitID, u.Department)
		if err := s.checkLinks(ctx, v, joins, unitIfSet(p.CadreID)); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if u.Version != p.Version {
			return errs.ErrVersionConflict
		}
		upd := map[string]any{"unit_id": u.UnitID, "department": u.Department, "cadre_id": u.CadreID,
			"version": gorm.Expr("version + 1"), "updated_at": s.now().UTC()}
		if p.Disabled != nil {
			upd["disabled"] = *p.Disabled
		}
		if p.Disabled != nil && *p.Disabled || p.Password != nil {
			// Disabling revokes every token the user holds, for good: they
			// stay dead when the user is enabled again (SPEC section 4); so
			// does a reset of the password.
			upd["token_gen"] = gorm.Expr("token_gen + 1")
			upd["kept_token_id"] = ""
		}
		if p.Password != nil {
			h, err := s.hash(*p.Password)
			if err != nil {
				return err
			}
			upd["password_hash"] = h
		}
		db := models.Get(ctx, s.db)
		res := db.Model(&models.User{}).Where("id = ? AND version = ?", id, p.Version).Updates(upd)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		if p.Roles != nil && !slices.Equal(sorted(roles), sorted(u.RoleNames())) {
			if err := db.Where("user_id = ?", id).Delete(&models.UserRole{}).Error; err != nil {
				return err
			}
			for _, r := range roles {
				if err := db.Create(&models.UserRole{UserID: id, Role: r}).Error; err != nil {
					return err
				}
			}
		}
		out, err = models.FindUser(ctx, s.db, id)
		return err
	})
	return out, err
}

func unitIfSet(o Opt[int64]) *int64 {
	if o.Set {
		return o.Value
	}
	return nil
}

func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
