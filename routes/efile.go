package routes

import (
	"efile/services/efile"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

type efileResponse struct {
	Cadre         cadreResponse     `json:"cadre"`
	Profile       profileResponse   `json:"profile"`
	RecordCounts  map[string]int64  `json:"record_counts"`
	RecentRecords []recordResponse  `json:"recent_records"`
	Appraisals    []efile.Appraisal `json:"appraisals"`
	FlagSummary   efile.FlagSummary `json:"flag_summary"`
	Vettings      []efile.Vetting   `json:"vettings"`
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
	out := efileResponse{Cadre: cd, Profile: toProfileResponse(f.Profile), RecordCounts: f.RecordCounts,
		RecentRecords: make([]recordResponse, 0, len(f.RecentRecords)), Appraisals: f.Appraisals,
		FlagSummary: f.FlagSummary, Vettings: f.Vettings}
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
