package routes

import (
	"time"

	"efile/models"
	"efile/services/errs"
	"efile/services/record"

	"github.com/gin-gonic/gin"
)

type createRecordRequest struct {
	OccurredOn string `json:"occurred_on"`
	Category   string `json:"category"`
	Content    string `json:"content"`
}

type amendRecordRequest struct {
	Content    string `json:"content"`
	Reason     string `json:"reason"`
	Category   string `json:"category"`
	OccurredOn string `json:"occurred_on"`
}

type recordResponse struct {
	ID             int64     `json:"id"`
	CadreID        int64     `json:"cadre_id"`
	OccurredOn     string    `json:"occurred_on"`
	Category       string    `json:"category"`
	Content        string    `json:"content"`
	Reason         *string   `json:"reason"`
	RecordedBy     int64     `json:"recorded_by"`
	RecordedByName string    `json:"recorded_by_name"`
	RecordedAt     time.Time `json:"recorded_at"`
	SupersedesID   *int64    `json:"supersedes_id"`
	Superseded     bool      `json:"superseded"`
}

func toRecordResponse(r *models.Record) recordResponse {
	return recordResponse{ID: r.ID, CadreID: r.CadreID, OccurredOn: r.OccurredOn, Category: r.Category, Content: r.Content,
		Reason: r.Reason, RecordedBy: r.RecordedBy, RecordedByName: r.RecordedByName, RecordedAt: r.RecordedAt.UTC(),
		SupersedesID: r.SupersedesID, Superseded: r.Superseded}
}

// recordPath reads the cadre and record ids of /cadres/:id/records/:rid.
func recordPath(c *gin.Context) (int64, int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, 0, err
	}
	rid, err := pathID(c, "rid")
	return id, rid, err
}

func (h *handlers) createRecord(c *gin.Context, in *createRecordRequest) (recordResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return recordResponse{}, err
	}
	r, err := h.s.Records.Create(ctx(c), me(c), id, record.NewRecord(*in))
	if err != nil {
		return recordResponse{}, err
	}
	return toRecordResponse(r), nil
}

func (h *handlers) amendRecord(c *gin.Context, in *amendRecordRequest) (recordResponse, error) {
	id, rid, err := recordPath(c)
	if err != nil {
		return recordResponse{}, err
	}
	r, err := h.s.Records.Amend(ctx(c), me(c), id, rid, record.Amendment(*in))
	if err != nil {
		return recordResponse{}, err
	}
	return toRecordResponse(r), nil
}

func (h *handlers) getRecord(c *gin.Context) (recordResponse, error) {
	id, rid, err := recordPath(c)
	if err != nil {
		return recordResponse{}, err
	}
	r, err := h.s.Records.Get(ctx(c), me(c), id, rid)
	if err != nil {
		return recordResponse{}, err
	}
	return toRecordResponse(r), nil
}

func (h *handlers) listRecords(c *gin.Context) (list[recordResponse], error) {
	id, err := pathID(c, "id")
	if err != nil {
		return list[recordResponse]{}, err
	}
	p, err := page(c)
	v := &errs.Validation{}
	f := record.Filter{Page: p, Category: c.Query("category"), From: c.Query("from"), To: c.Query("to")}
	if b := queryBool(c, v, "include_superseded"); b != nil {
		f.IncludeSuperseded = *b
	}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return list[recordResponse]{}, err
	}
	rows, total, err := h.s.Records.List(ctx(c), me(c), id, f)
	return newList(rows, total, p, toRecordResponse), err
}
