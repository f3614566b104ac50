package routes

import (
	"time"

	"efile/models"
	"efile/services/unit"

	"github.com/gin-gonic/gin"
)

type createUnitRequest struct {
	Name     string `json:"name" len:"1,100"`
	Code     string `json:"code" len:"1,64" pattern:"unit_code"`
	ParentID *int64 `json:"parent_id"`
}

// updateUnitRequest renames, moves (parent_id null: to the root) or
// disables a unit.
type updateUnitRequest struct {
	ID       int64           `path:"id" json:"-"`
	Name     *string         `json:"name" len:"1,100"`
	ParentID optional[int64] `json:"parent_id"`
	Disabled *bool           `json:"disabled"`
	Version  int             `json:"version" min:"1"`
}

type unitResponse struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Code      string    `json:"code"`
	ParentID  *int64    `json:"parent_id"`
	Disabled  bool      `json:"disabled"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toUnitResponse(u *models.Unit) unitResponse {
	return unitResponse{ID: u.ID, Name: u.Name, Code: u.Code, ParentID: u.ParentID, Disabled: u.Disabled, Version: u.Version,
		CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

// unitChangeResponse is one entry of a unit's history.
type unitChangeResponse struct {
	ID          int64     `json:"id"`
	UnitID      int64     `json:"unit_id"`
	ActorID     int64     `json:"actor_id"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
	OldName     string    `json:"old_name"`
	NewName     string    `json:"new_name"`
	OldParentID *int64    `json:"old_parent_id"`
	NewParentID *int64    `json:"new_parent_id"`
	OldDisabled bool      `json:"old_disabled"`
	NewDisabled bool      `json:"new_disabled"`
	Version     int       `json:"version"`
}

func toUnitChangeResponse(c *models.UnitChange) unitChangeResponse {
	return unitChangeResponse{ID: c.ID, UnitID: c.UnitID, ActorID: c.ActorID, Actor: c.Actor, At: c.At.UTC(),
		OldName: c.OldName, NewName: c.NewName, OldParentID: c.OldParentID, NewParentID: c.NewParentID,
		OldDisabled: c.OldDisabled, NewDisabled: c.NewDisabled, Version: c.Version}
}

func (h *handlers) createUnit(c *gin.Context, in *createUnitRequest) (unitResponse, error) {
	return answer(toUnitResponse)(h.s.Units.Create(ctx(c), unit.NewUnit{Name: in.Name, Code: in.Code, ParentID: in.ParentID}))
}

type listUnitsQuery struct {
	paging
	ParentID *int64 `query:"parent_id" doc:"only this unit and every unit under it"`
	Disabled *bool  `query:"disabled" doc:"only disabled units, or only the others (default: both)"`
}

func (h *handlers) listUnits(c *gin.Context, in *listUnitsQuery) (list[unitResponse], error) {
	rows, total, err := h.s.Units.List(ctx(c), unit.Filter{Page: in.page(), ParentID: in.ParentID, Disabled: in.Disabled})
	return newList(rows, total, in.page(), toUnitResponse), err
}

func (h *handlers) getUnit(c *gin.Context, in *byID) (unitResponse, error) {
	return answer(toUnitResponse)(h.s.Units.Get(ctx(c), in.ID))
}

func (h *handlers) updateUnit(c *gin.Context, in *updateUnitRequest) (unitResponse, error) {
	u, err := h.s.Units.Update(ctx(c), me(c), in.ID, unit.Change{Name: in.Name, Move: in.ParentID.Set, ParentID: in.ParentID.Value,
		Disabled: in.Disabled, Version: in.Version})
	if err != nil {
		return unitResponse{}, err
	}
	return toUnitResponse(u), nil
}

type unitHistoryQuery struct {
	paging
	ID int64 `path:"id"`
}

func (h *handlers) unitHistory(c *gin.Context, in *unitHistoryQuery) (list[unitChangeResponse], error) {
	rows, total, err := h.s.Units.History(ctx(c), in.ID, in.page())
	return newList(rows, total, in.page(), toUnitChangeResponse), err
}
