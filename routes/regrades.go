package routes

import (
	"time"

	"efile/services/appraisal"

	"github.com/gin-gonic/gin"
)

// 补定等次 (SPEC 7): the regrade of a cadre an ended investigation left
// ungraded, and what a result shows of it.

// regradedResponse is what a result shows of its regrade (补定等次).
type regradedResponse struct {
	From   string    `json:"from"`
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
}

func toRegradedResponse(r *appraisal.Regraded) *regradedResponse {
	if r == nil {
		return nil
	}
	return &regradedResponse{From: r.From, Reason: r.Reason, By: r.By, ByName: r.ByName, At: r.At.UTC()}
}

// regradeRequest is a regrade (补定等次) of one cadre of a finalized cycle.
type regradeRequest struct {
	ID      int64  `path:"id" json:"-"`
	CadreID int64  `json:"cadre_id" min:"1"`
	Grade   string `json:"grade" enum:"grades"`
	Reason  string `json:"reason" len:"1,1000"`
}

// regradeResponse is a regrade as made.
type regradeResponse struct {
	CadreID int64     `json:"cadre_id"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  string    `json:"reason"`
	By      int64     `json:"by"`
	ByName  string    `json:"by_name"`
	At      time.Time `json:"at"`
}

func (h *handlers) regrade(c *gin.Context, in *regradeRequest) (regradeResponse, error) {
	r, err := h.s.Appraisals.RegradeCadre(ctx(c), me(c), in.ID, appraisal.Regrade{CadreID: in.CadreID, Grade: in.Grade, Reason: in.Reason})
	if err != nil {
		return regradeResponse{}, err
	}
	return regradeResponse{CadreID: r.CadreID, From: r.From, To: r.To, Reason: r.Reason, By: r.By, ByName: r.ByName, At: r.At.UTC()}, nil
}
