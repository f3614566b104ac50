package routes

import (
	"efile/services/checks"
	"efile/services/efile"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

type efileResponse struct {
	Cadre         cadreResponse     `json:"cadre"`
	RecordCounts  map[string]int64  `json:"record_counts"`
	RecentRecords []recordResponse  `json:"recent_records"`
	Appraisals    []efile.Appraisal `json:"appraisals"`
	FlagSummary   efile.FlagSummary `json:"flag_summary"`
	Vettings      []efileVetting    `json:"vettings"`
	Checks        efileChecks       `json:"checks"`
}

// efileVetting is a vetting as the vetting routes show it, with the
// reviewer's name.
type efileVetting struct {
	vettingResponse
	CheckedByName string `json:"checked_by_name"`
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

func toEFileVetting(v *efile.Vetting) efileVetting {
	return efileVetting{CheckedByName: v.CheckedByName, vettingResponse: vettingResponse{ID: v.ID, CadreID: v.CadreID,
		Purpose: v.Purpose, AsOf: v.AsOf, Verdict: v.Verdict, Reasons: v.Reasons, CheckedBy: v.CheckedBy, CheckedAt: v.CheckedAt,
		BecomesReportingSubject: v.BecomesReportingSubject, Basis: basisResponse{DossierReviewID: v.Basis.DossierReviewID,
			PersonalMattersCheckID: v.Basis.PersonalMattersCheckID, IntegrityOpinionID: v.Basis.IntegrityOpinionID}}}
}

func (h *handlers) getEFile(c *gin.Context) (efileResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return efileResponse{}, err
	}
	f, err := h.s.EFiles.Build(ctx(c), me(c), id)
	if err != nil {
		return efileResponse{}, err
	}
	cd, err := h.toCadreResponse(me(c), f.Cadre)
	if err != nil {
		return efileResponse{}, err
	}
	out := efileResponse{Cadre: cd, RecordCounts: f.RecordCounts,
		RecentRecords: make([]recordResponse, 0, len(f.RecentRecords)), Appraisals: f.Appraisals,
		FlagSummary: f.FlagSummary, Vettings: convert(f.Vettings, toEFileVetting), Checks: toEFileChecks(&f.Checks)}
	for i := range f.RecentRecords {
		out.RecentRecords = append(out.RecentRecords, toRecordResponse(&f.RecentRecords[i]))
	}
	return out, nil
}

func (h *handlers) getEFileXLSX(c *gin.Context) (*sheet.Book, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.s.EFiles.Workbook(ctx(c), me(c), id)
}
