package routes

import (
	"time"

	"efile/models"
	"efile/services/unit"

	"github.com/gin-gonic/gin"
)

type createUnitRequest struct {
	Name     string `json:"name"`
	Code     string `json:"code"`
	ParentID *int64 `json:"parent_id"`
}

type unitResponse struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Code      string    `json:"code"`
	ParentID  *int64    `json:"parent_id"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

func toUnitResponse(u *models.Unit) unitResponse {
	return unitResponse{ID: u.ID, Name: u.Name, Code: u.Code, ParentID: u.ParentID, Version: u.Version, CreatedAt: u.CreatedAt.UTC()}
}

func (h *handlers) createUnit(c *gin.Context, in *createUnitRequest) (unitResponse, error) {
	u, err := h.s.Units.Create(ctx(c), unit.NewUnit{Name: in.Name, Code: in.Code, ParentID: in.ParentID})
	if err != nil {
		return unitResponse{}, err
	}
	return toUnitResponse(u), nil
}

type listUnitsQuery struct {
	paging
	ParentID *int64 `query:"parent_id" doc:"only this unit and every unit under it"`
}

func (h *handlers) listUnits(c *gin.Context, in *listUnitsQuery) (list[unitResponse], error) {
	rows, total, err := h.s.Units.List(ctx(c), in.ParentID, in.page())
	return newList(rows, total, in.page(), toUnitResponse), err
}

func (h *handlers) getUnit(c *gin.Context, in *byID) (unitResponse, error) {
	u, err := h.s.Units.Get(ctx(c), in.ID)
	if err != nil {
		return unitResponse{}, err
	}
	return toUnitResponse(u), nil
}
