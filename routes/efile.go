package routes

import (
	"efile/services/checks"
	"efile/services/efile"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

type efileResponse struct {
	Cadre         cadreResponse            `json:"cadre"`
	Profile       profileResponse          `json:"profile"`
	RecordCounts  map[string]int64         `json:"record_counts"`
	RecentRecords []recordResponse         `json:"recent_records"`
	Appraisals    []efileAppraisalResponse `json:"appraisals"`
	FlagSummary   efileFlagSummary         `json:"flag_summary"`
	Vettings      []efileVettingResponse   `json:"vettings"`
	Checks        efileChecks              `json:"checks"`
}

// efileChecks is the newest record of each of the four checks (SPEC 10),
// null where there is none.
type efileChecks struct {
	DossierReview        *reviewResponse  `json:"dossier_review"`
	PersonalMattersCheck *mattersResponse `json:"personal_matters_check"`
	IntegrityOpinion     *opinionResponse `json:"integrity_opinion"`
}

func toEFileChecks(l *checks.Latest) efileChecks {
	var out efileChecks
	if l.Review != nil {
		r := toReviewResponse(l.Review)
		out.DossierReview = &r
	}
	if l.Matters != nil {
		m := toMattersResponse(l.Matters)
		out.PersonalMattersCheck = &m
	}
	if l.Opinion != nil {
		o := toOpinionResponse(l.Opinion)
		out.IntegrityOpinion = &o
	}
	return out
}

// efileAppraisalResponse is one final grade of the cadre in a finalized cycle.
type efileAppraisalResponse struct {
	CycleID   int64   `json:"cycle_id"`
	CycleName string  `json:"cycle_name"`
	Kind      string  `json:"kind"`
	Year      int     `json:"year"`
	Score     float64 `json:"score"`
	Grade     string  `json:"grade"`
	// Regraded is present where the grade was given by a regrade (补定等次).
	Regraded *regradedResponse `json:"regraded,omitempty"`
}

// efileFlagSummary is the flag summary inside the e-file.
type efileFlagSummary flagSummaryResponse

// efileVettingResponse is a vetting as the vetting routes show it, with
// the reviewer's name.
type efileVettingResponse struct {
	vettingResponse
	CheckedByName string `json:"checked_by_name"`
}

func toEFileResponse(f *efile.File, cd cadreResponse) efileResponse {
	out := efileResponse{Cadre: cd, Profile: toProfileResponse(f.Profile), RecordCounts: f.RecordCounts,
		RecentRecords: make([]recordResponse, len(f.RecentRecords)), Appraisals: make([]efileAppraisalResponse, len(f.Appraisals)),
		FlagSummary: efileFlagSummary(f.FlagSummary), Vettings: make([]efileVettingResponse, len(f.Vettings))}
	for i := range f.RecentRecords {
		out.RecentRecords[i] = toRecordResponse(&f.RecentRecords[i])
	}
	for i, a := range f.Appraisals {
		out.Appraisals[i] = efileAppraisalResponse{CycleID: a.CycleID, CycleName: a.CycleName, Kind: a.Kind, Year: a.Year,
			Score: a.Score, Grade: a.Grade, Regraded: toRegradedResponse(a.Regraded)}
	}
	for i, v := range f.Vettings {
		out.Vettings[i] = efileVettingResponse{vettingResponse: vettingResponse{ID: v.ID, CadreID: v.CadreID, CadreName: v.CadreName, Purpose: v.Purpose,
			AsOf: v.AsOf, Verdict: v.Verdict, Reasons: toReasonResponses(v.Reasons), CheckedBy: v.CheckedBy, CheckedAt: v.CheckedAt.UTC(),
			BecomesReportingSubject: v.BecomesReportingSubject, Basis: toBasisResponse(v.Basis.DossierReviewID,
				v.Basis.PersonalMattersCheckID, v.Basis.IntegrityOpinionID)},
			CheckedByName: v.CheckedByName}
	}
	out.Checks = toEFileChecks(&f.Checks)
	return out
}

func (h *handlers) getEFile(c *gin.Context, in *byID) (efileResponse, error) {
	f, err := h.s.EFiles.Build(ctx(c), me(c), in.ID)
	if err != nil {
		return efileResponse{}, err
	}
	cd, err := h.toCadreResponse(me(c), f.Cadre)
	if err != nil {
		return efileResponse{}, err
	}
	return toEFileResponse(f, cd), nil
}

func (h *handlers) getEFileXLSX(c *gin.Context, in *byID) (*sheet.Book, error) {
	return h.s.EFiles.Workbook(ctx(c), me(c), in.ID)
}
