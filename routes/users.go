package routes

import (
	"time"

	"efile/models"
	"efile/services/account"

	"github.com/gin-gonic/gin"
)

type createUserRequest struct {
	Username    string   `json:"username" len:"2,64" pattern:"username"`
	Password    string   `json:"password" text:"-" len:"12,64"`
	DisplayName string   `json:"display_name" len:"1,100"`
	Roles       []string `json:"roles" enum:"roles" len:"1,"`
	UnitID      *int64   `json:"unit_id"`
	Department  *string  `json:"department" enum:"departments"`
	CadreID     *int64   `json:"cadre_id"`
}

type updateUserRequest struct {
	ID         int64            `path:"id" json:"-"`
	Roles      *[]string        `json:"roles" enum:"roles" len:"1,"`
	Disabled   *bool            `json:"disabled"`
	UnitID     optional[int64]  `json:"unit_id"`
	Department optional[string] `json:"department" enum:"departments"`
	CadreID    optional[int64]  `json:"cadre_id"`
	Password   *string          `json:"password" text:"-" len:"12,64"`
	Version    int              `json:"version" min:"1"`
}

// userResponse is a user as the administrator sees it: what a session
// shows of its user, and the account's state.
type userResponse struct {
	sessionUser
	Disabled  bool      `json:"disabled"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toUserResponse(u *models.User) userResponse {
	return userResponse{sessionUser: toSessionUser(u), Disabled: u.Disabled,
		Version: u.Version, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

func (h *handlers) createUser(c *gin.Context, in *createUserRequest) (userResponse, error) {
	u, err := h.s.Accounts.CreateUser(ctx(c), account.NewUser{Username: in.Username, Password: in.Password,
		DisplayName: in.DisplayName, Roles: in.Roles, UnitID: in.UnitID, Department: in.Department, CadreID: in.CadreID})
	if err != nil {
		return userResponse{}, err
	}
	return toUserResponse(u), nil
}

type listUsersQuery struct{ paging }

func (h *handlers) listUsers(c *gin.Context, in *listUsersQuery) (list[userResponse], error) {
	rows, total, err := h.s.Accounts.ListUsers(ctx(c), in.page())
	return newList(rows, total, in.page(), toUserResponse), err
}

func (h *handlers) getUser(c *gin.Context, in *byID) (userResponse, error) {
	return answer(toUserResponse)(h.s.Accounts.GetUser(ctx(c), in.ID))
}

func (h *handlers) updateUser(c *gin.Context, in *updateUserRequest) (userResponse, error) {
	u, err := h.s.Accounts.UpdateUser(ctx(c), me(c), in.ID, account.UserPatch{Roles: in.Roles, Disabled: in.Disabled,
		UnitID: account.Opt[int64](in.UnitID), Department: account.Opt[string](in.Department),
		CadreID: account.Opt[int64](in.CadreID), Password: in.Password, Version: in.Version})
	if err != nil {
		return userResponse{}, err
	}
	return toUserResponse(u), nil
}

// evaluatorResponse is all a reviewer learns of an evaluator: who, and in
// which unit.
type evaluatorResponse struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	UnitID      *int64 `json:"unit_id"`
}

func toEvaluatorResponse(u *models.User) evaluatorResponse {
	return evaluatorResponse{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, UnitID: u.UnitID}
}

type listEvaluatorsQuery struct {
	paging
	UnitID *int64 `query:"unit_id" doc:"evaluators of this unit and the units under it"`
	Q      string `query:"q" doc:"part of the name or username"`
}

func (h *handlers) listEvaluators(c *gin.Context, in *listEvaluatorsQuery) (list[evaluatorResponse], error) {
	rows, total, err := h.s.Accounts.ListEvaluators(ctx(c), account.EvaluatorFilter{Page: in.page(), UnitID: in.UnitID, Q: in.Q})
	return newList(rows, total, in.page(), toEvaluatorResponse), err
}
