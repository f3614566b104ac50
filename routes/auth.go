package routes

import (
	"time"

	"efile/models"
	"efile/services/errs"

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
	Roles       []string `json:"roles"`
	UnitID      *int64   `json:"unit_id"`
	Department  *string  `json:"department"`
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

func (h *handlers) me(c *gin.Context, _ *noInput) (sessionUser, error) {
	return toSessionUser(me(c)), nil
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password" text:"-"`
	NewPassword     string `json:"new_password" text:"-"`
}

func (h *handlers) changePassword(c *gin.Context, in *passwordRequest) (changedResponse, error) {
	return changedResponse{true}, h.s.Accounts.ChangePassword(ctx(c), session(c), in.CurrentPassword, in.NewPassword, c.ClientIP())
}
