package routes

import (
	"context"
	"time"

	"efile/models"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
)

func ctxBackground() context.Context { return context.Background() }

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
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

func (h *handlers) login(c *gin.Context) {
	var in loginRequest
	if err := decode(c, &in); err != nil {
		abort(c, err)
		return
	}
	v := &errs.Validation{}
	if in.Username == "" {
		v.Add("username", "is required")
	}
	if in.Password == "" {
		v.Add("password", "is required")
	}
	if err := v.Err(); err != nil {
		abort(c, err)
		return
	}
	tok, exp, u, err := h.d.Accounts.Login(ctx(c), in.Username, in.Password, c.ClientIP())
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, loginResponse{Token: tok, ExpiresAt: exp.UTC(), User: toSessionUser(u)})
}

func (h *handlers) logout(c *gin.Context) {
	if err := h.d.Accounts.Logout(ctx(c), session(c)); err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, gin.H{"revoked": true})
}

func (h *handlers) me(c *gin.Context) {
	c.JSON(200, toSessionUser(me(c)))
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (h *handlers) changePassword(c *gin.Context) {
	var in passwordRequest
	if err := decode(c, &in); err != nil {
		abort(c, err)
		return
	}
	if err := h.d.Accounts.ChangePassword(ctx(c), session(c), in.CurrentPassword, in.NewPassword, c.ClientIP()); err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, gin.H{"changed": true})
}
