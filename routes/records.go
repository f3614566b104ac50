package routes

import (
	"time"

	"efile/models"
	"efile/services/civil"
	"efile/services/record"

	"github.com/gin-gonic/gin"
)

type createRecordRequest struct {
	CadreID    int64      `path:"id" json:"-"`
	OccurredOn civil.Date `json:"occurred_on"`
	Category   string     `json:"category" enum:"record_categories"`
	Content    string     `json:"content" len:"1,5000"`
}

type amendRecordRequest struct {
	CadreID    int64      `path:"id" json:"-"`
	RecordID   int64      `path:"rid" json:"-"`
	Content    string     `json:"content" len:"1,5000"`
	Reason     string     `json:"reason" len:"1,1000"`
	Category   string     `json:"category,omitempty" enum:"record_categories"`
	OccurredOn civil.Date `json:"occurred_on,omitempty"`
}

type recordResponse struct {
	ID             int64      `json:"id"`
	CadreID        int64      `json:"cadre_id"`
	OccurredOn     civil.Date `json:"occurred_on"`
	Category       string     `json:"category" enum:"record_categories"`
	Content        string     `json:"content"`
	Reason         *string    `json:"reason"`
	RecordedBy     int64      `json:"recorded_by"`
	RecordedByName string     `json:"recorded_by_name"`
	RecordedAt     time.Time  `json:"recorded_at"`
	SupersedesID   *int64     `json:"supersedes_id"`
	Superseded     bool       `json:"superseded"`
}

func toRecordResponse(r *models.Record) recordResponse {
	return recordResponse{ID: r.ID, CadreID: r.CadreID, OccurredOn: r.OccurredOn, Category: r.Category, Content: r.Content,
		Reason: r.Reason, RecordedBy: r.RecordedBy, RecordedByName: r.RecordedByName, RecordedAt: r.RecordedAt.UTC(),
		SupersedesID: r.SupersedesID, Superseded: r.Superseded}
}

func (h *handlers) createRecord(c *gin.Context, in *createRecordRequest) (recordResponse, error) {
	return answer(toRecordResponse)(h.s.Records.Create(ctx(c), me(c), in.CadreID, record.NewRecord{OccurredOn: in.OccurredOn, Category: in.Category, Content: in.Content}))
}

func (h *handlers) amendRecord(c *gin.Context, in *amendRecordRequest) (recordResponse, error) {
	r, err := h.s.Records.Amend(ctx(c), me(c), in.CadreID, in.RecordID, record.Amendment{Content: in.Content, Reason: in.Reason,
		Category: in.Category, OccurredOn: in.OccurredOn})
	if err != nil {
		return recordResponse{}, err
	}
	return toRecordResponse(r), nil
}

// recordPath names one record of one cadre: /cadres/:id/records/:rid.
type recordPath struct {
	CadreID  int64 `path:"id"`
	RecordID int64 `path:"rid"`
}

func (h *handlers) getRecord(c *gin.Context, in *recordPath) (recordResponse, error) {
	return answer(toRecordResponse)(h.s.Records.Get(ctx(c), me(c), in.CadreID, in.RecordID))
}

type listRecordsQuery struct {
	CadreID int64 `path:"id"`
	paging
	Category          string     `query:"category" doc:"one category" enum:"record_categories"`
	From              civil.Date `query:"from" doc:"occurred on or after this date (YYYY-MM-DD)"`
	To                civil.Date `query:"to" doc:"occurred on or before this date (YYYY-MM-DD)"`
	IncludeSuperseded *bool      `query:"include_superseded" doc:"also list records that an amendment superseded"`
}

func (h *handlers) listRecords(c *gin.Context, in *listRecordsQuery) (list[recordResponse], error) {
	f := record.Filter{Page: in.page(), Category: in.Category, From: in.From, To: in.To,
		IncludeSuperseded: in.IncludeSuperseded != nil && *in.IncludeSuperseded}
	rows, total, err := h.s.Records.List(ctx(c), me(c), in.CadreID, f)
	return newList(rows, total, in.page(), toRecordResponse), err
}
