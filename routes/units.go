package routes

import (
	"time"

	"efile/models"
	"efile/services/errs"
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

func (h *handlers) listUnits(c *gin.Context) (list[unitResponse], error) {
	p, err := page(c)
	v := &errs.Validation{}
	parent := queryID(c, v, "parent_id")
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return list[unitResponse]{}, err
	}
	rows, total, err := h.s.Units.List(ctx(c), parent, p)
	return newList(rows, total, p, toUnitResponse), err
}

func (h *handlers) getUnit(c *gin.Context) (unitResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return unitResponse{}, err
	}
	u, err := h.s.Units.Get(ctx(c), id)
	if err != nil {
		return unitResponse{}, err
	}
	return toUnitResponse(u), nil
}
