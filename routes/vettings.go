package routes

import (
	"time"

	"efile/services/civil"
	"efile/services/vetting"

	"github.com/gin-gonic/gin"
)

type vetRequest struct {
	CadreID int64       `path:"id" json:"-"`
	Purpose string      `json:"purpose" enum:"purposes"`
	AsOf    *civil.Date `json:"as_of"` // absent or null: today in EFILE_TZ
	// A promotion into a post whose holders report personal matters (SPEC 9);
	// optional, false when absent.
	BecomesReportingSubject bool `json:"becomes_reporting_subject,omitzero"`
}

type vetBatchRequest struct {
	CadreIDs                []int64     `json:"cadre_ids" len:"1,1000"`
	Purpose                 string      `json:"purpose" enum:"purposes"`
	AsOf                    *civil.Date `json:"as_of"`
	BecomesReportingSubject bool        `json:"becomes_reporting_subject,omitzero"` // optional, false when absent
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
	CadreName string           `json:"cadre_name"`
	Purpose   string           `json:"purpose" enum:"purposes"`
	AsOf      civil.Date       `json:"as_of"`
	Verdict   string           `json:"verdict" enum:"verdicts"`
	Reasons   []reasonResponse `json:"reasons"`
	CheckedBy int64            `json:"checked_by"`
	CheckedAt time.Time        `json:"checked_at"`

	BecomesReportingSubject bool          `json:"becomes_reporting_subject"`
	Basis                   basisResponse `json:"basis"`
}

// reasonResponse is one finding of a vetting: the rule, its message, and
// the flag, cycle or check record it is about.
type reasonResponse struct {
	Rule    string `json:"rule" enum:"vetting_rules"`
	Message string `json:"message"`
	FlagID  *int64 `json:"flag_id,omitempty"`
	CycleID *int64 `json:"cycle_id,omitempty"`
	CheckID *int64 `json:"check_id,omitempty"` // a dossier review, a personal-matters check or an opinion request
}

func toReasonResponses(rs []vetting.Reason) []reasonResponse {
	out := make([]reasonResponse, len(rs))
	for i, r := range rs {
		out[i] = reasonResponse(r)
	}
	return out
}

type vetBatchResponse struct {
	Items []vettingResponse `json:"items"`
}

func toVettingResponse(r *vetting.Result) vettingResponse {
	return vettingResponse{ID: r.ID, CadreID: r.CadreID, CadreName: r.CadreName, Purpose: r.Purpose, AsOf: r.AsOf, Verdict: r.Verdict,
		Reasons: toReasonResponses(r.Reasons), CheckedBy: r.CheckedBy, CheckedAt: r.CheckedAt.UTC(),
		BecomesReportingSubject: r.BecomesReportingSubject, Basis: toBasisResponse(r.BasisDossierReviewID,
			r.BasisPersonalMattersCheckID, r.BasisIntegrityOpinionID)}
}

// toBasisResponse is the basis columns of a vetting.
func toBasisResponse(review, matters, opinion *int64) basisResponse {
	return basisResponse{DossierReviewID: review, PersonalMattersCheckID: matters, IntegrityOpinionID: opinion}
}

func (h *handlers) createVetting(c *gin.Context, in *vetRequest) (vettingResponse, error) {
	r, err := h.s.Vettings.Vet(ctx(c), me(c), in.CadreID, vetting.Request{Purpose: in.Purpose, AsOf: in.AsOf,
		BecomesReportingSubject: in.BecomesReportingSubject})
	if err != nil {
		return vettingResponse{}, err
	}
	return toVettingResponse(r), nil
}

type listVettingsQuery struct {
	CadreID int64 `path:"id"`
	paging
}

func (h *handlers) listVettings(c *gin.Context, in *listVettingsQuery) (list[vettingResponse], error) {
	rows, total, err := h.s.Vettings.List(ctx(c), me(c), in.CadreID, in.page())
	return newList(rows, total, in.page(), toVettingResponse), err
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
