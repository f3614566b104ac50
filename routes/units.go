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

func (h *handlers) createUnit(c *gin.Context) {
	var in createUnitRequest
	if err := decode(c, &in); err != nil {
		abort(c, err)
		return
	}
	u, err := h.d.Units.Create(ctx(c), unit.NewUnit{Name: in.Name, Code: in.Code, ParentID: in.ParentID})
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(201, toUnitResponse(u))
}

func (h *handlers) listUnits(c *gin.Context) {
	p, err := page(c)
	v := &errs.Validation{}
	parent := queryID(c, v, "parent_id")
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		abort(c, err)
		return
	}
	rows, total, err := h.d.Units.List(ctx(c), parent, p)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, newList(rows, total, p, toUnitResponse))
}

func (h *handlers) getUnit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		abort(c, err)
		return
	}
	u, err := h.d.Units.Get(ctx(c), id)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, toUnitResponse(u))
}
