package routes

import (
	"fmt"
	"slices"
	"time"

	"efile/models"
	"efile/services/authz"
	"efile/services/errs"
	"efile/services/flag"

	"github.com/gin-gonic/gin"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password" text:"-"` // a secret, compared byte for byte: not a text
}

type loginResponse struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expires_at"`
	User      sessionUser `json:"user"`
}

// sessionUser is who is signed in, as login and /me show it.
type sessionUser struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles" enum:"roles"`
	UnitID      *int64   `json:"unit_id"`
	Department  *string  `json:"department" enum:"departments"`
	CadreID     *int64   `json:"cadre_id"`
}

func toSessionUser(u *models.User) sessionUser {
	return sessionUser{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.RoleNames(),
		UnitID: u.UnitID, Department: u.Department, CadreID: u.CadreID}
}

type revokedResponse struct {
	Revoked bool `json:"revoked"`
}

type changedResponse struct {
	Changed bool `json:"changed"`
}

func (h *handlers) login(c *gin.Context, in *loginRequest) (loginResponse, error) {
	v := &errs.Validation{}
	if in.Username == "" {
		v.Add("username", "is required")
	}
	if in.Password == "" {
		v.Add("password", "is required")
	}
	if err := v.Err(); err != nil {
		return loginResponse{}, err
	}
	tok, exp, u, err := h.s.Accounts.Login(ctx(c), in.Username, in.Password, c.ClientIP())
	if err != nil {
		return loginResponse{}, err
	}
	return loginResponse{Token: tok, ExpiresAt: exp.UTC(), User: toSessionUser(u)}, nil
}

func (h *handlers) logout(c *gin.Context, _ *noInput) (revokedResponse, error) {
	return revokedResponse{true}, h.s.Accounts.Logout(ctx(c), session(c))
}

// meResponse is GET /me: who is signed in, and the route keys
// ("METHOD /path-template", the gin template as policies/policy.csv writes
// it) that their roles may use (SPEC section 12). The console derives its
// menus and route guards from them, so who may do what is written once.
type meResponse struct {
	sessionUser
	Permissions []string `json:"permissions"`
	// MayFile is what the user's department may file (SPEC 8's table), for
	// the flag form to offer only that; absent for whoever files no flag.
	MayFile *mayFileResponse `json:"may_file,omitempty"`
}

// mayFileResponse: the kinds, sanction types and petition types that the
// user's department decides (the organization files report petitions only).
type mayFileResponse struct {
	Kinds         []string `json:"kinds" enum:"flag_kinds"`
	SanctionTypes []string `json:"sanction_types" enum:"sanctions"`
	PetitionTypes []string `json:"petition_types" enum:"petition_types"`
}

// mayFile is what u may file, nil for a user who files no flag (no
// department).
func mayFile(u *models.User) *mayFileResponse {
	kinds, sanctions, petitions := flag.MayFile(authz.Department(u))
	if kinds == nil {
		return nil
	}
	return &mayFileResponse{Kinds: kinds, SanctionTypes: append([]string{}, sanctions...), PetitionTypes: petitions}
}

func (h *handlers) me(c *gin.Context, _ *noInput) (meResponse, error) {
	u := me(c)
	perms, err := h.permissions(u.RoleNames())
	if err != nil {
		return meResponse{}, err
	}
	out := meResponse{sessionUser: toSessionUser(u), Permissions: perms}
	if slices.Contains(perms, "POST /api/v1/flags") {
		out.MayFile = mayFile(u)
	}
	return out, nil
}

// permissions lists, in the route table's order, the key of every route
// that one of roles may use, asking the same enforcer that authorize asks
// on every request (the roles are read from the database per request, so
// a role change shows on the next /me).
func (h *handlers) permissions(roles []string) ([]string, error) {
	out := []string{}
	for _, rt := range h.table() {
		if rt.Public {
			continue
		}
		for _, role := range roles {
			ok, err := h.enforcer.Enforce(role, rt.Path, rt.Method)
			if err != nil {
				return nil, fmt.Errorf("casbin enforce: %w", err)
			}
			if ok {
				out = append(out, rt.Method+" "+rt.Path)
				break
			}
		}
	}
	return out, nil
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password" text:"-"`
	NewPassword     string `json:"new_password" text:"-" len:"12,64"`
}

func (h *handlers) changePassword(c *gin.Context, in *passwordRequest) (changedResponse, error) {
	return changedResponse{true}, h.s.Accounts.ChangePassword(ctx(c), session(c), in.CurrentPassword, in.NewPassword, c.ClientIP())
}
