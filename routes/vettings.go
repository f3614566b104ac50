package routes

import (
	"time"

	"efile/services/vetting"

	"github.com/gin-gonic/gin"
)

type vetRequest struct {
	Purpose string  `json:"purpose"`
	AsOf    *string `json:"as_of"` // absent or null: today in EFILE_TZ
	// A promotion into a post whose holders report personal matters (SPEC 9).
	BecomesReportingSubject bool `json:"becomes_reporting_subject"`
}

type vetBatchRequest struct {
	CadreIDs                []int64 `json:"cadre_ids"`
	Purpose                 string  `json:"purpose"`
	AsOf                    *string `json:"as_of"`
	BecomesReportingSubject bool    `json:"becomes_reporting_subject"`
}

// basisResponse is the check records of SPEC 13 a vetting relied on (null
// where none).
type basisResponse struct {
	DossierReviewID        *int64 `json:"dossier_review_id"`
	PersonalMattersCheckID *int64 `json:"personal_matters_check_id"`
	IntegrityOpinionID     *int64 `json:"integrity_opinion_id"`
}

type vettingResponse struct {
	ID        int64            `json:"id"`
	CadreID   int64            `json:"cadre_id"`
	Purpose   string           `json:"purpose"`
	AsOf      string           `json:"as_of"`
	Verdict   string           `json:"verdict"`
	Reasons   []vetting.Reason `json:"reasons"`
	CheckedBy int64            `json:"checked_by"`
	CheckedAt time.Time        `json:"checked_at"`

	BecomesReportingSubject bool          `json:"becomes_reporting_subject"`
	Basis                   basisResponse `json:"basis"`
}

type vetBatchResponse struct {
	Items []vettingResponse `json:"items"`
}

func toVettingResponse(r *vetting.Result) vettingResponse {
	reasons := r.Reasons
	if reasons == nil {
		reasons = []vetting.Reason{}
	}
	return vettingResponse{ID: r.ID, CadreID: r.CadreID, Purpose: r.Purpose, AsOf: r.AsOf, Verdict: r.Verdict,
		Reasons: reasons, CheckedBy: r.CheckedBy, CheckedAt: r.CheckedAt.UTC(), BecomesReportingSubject: r.BecomesReportingSubject,
		Basis: basisResponse{DossierReviewID: r.BasisDossierReviewID, PersonalMattersCheckID: r.BasisPersonalMattersCheckID,
			IntegrityOpinionID: r.BasisIntegrityOpinionID}}
}

func (h *handlers) createVetting(c *gin.Context, in *vetRequest) (vettingResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return vettingResponse{}, err
	}
	r, err := h.s.Vettings.Vet(ctx(c), me(c), id, vetting.Request{Purpose: in.Purpose, AsOf: in.AsOf,
		BecomesReportingSubject: in.BecomesReportingSubject})
	if err != nil {
		return vettingResponse{}, err
	}
	return toVettingResponse(r), nil
}

func (h *handlers) listVettings(c *gin.Context) (list[vettingResponse], error) {
	id, err := pathID(c, "id")
	if err != nil {
		return list[vettingResponse]{}, err
	}
	p, err := page(c)
	if err != nil {
		return list[vettingResponse]{}, err
	}
	rows, total, err := h.s.Vettings.List(ctx(c), me(c), id, p)
	return newList(rows, total, p, toVettingResponse), err
}

func (h *handlers) batchVetting(c *gin.Context, in *vetBatchRequest) (vetBatchResponse, error) {
	rows, err := h.s.Vettings.Batch(ctx(c), me(c), in.CadreIDs, vetting.Request{Purpose: in.Purpose, AsOf: in.AsOf,
		BecomesReportingSubject: in.BecomesReportingSubject})
	if err != nil {
		return vetBatchResponse{}, err
	}
	out := vetBatchResponse{Items: make([]vettingResponse, len(rows))}
	for i := range rows {
		out.Items[i] = toVettingResponse(&rows[i])
	}
	return out, nil
}
