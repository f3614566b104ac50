package routes

import (
	"cmp"
	"context"
	"time"

	"efile/models"
	"efile/services/checks"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
)

// The four checks before a promotion (SPEC section 13): dossier reviews,
// personal-matters checks, integrity opinions and the checklist.

type findingRequest struct {
	Item   string  `json:"item"`
	Result string  `json:"result"`
	Note   *string `json:"note"`
}

type createReviewRequest struct {
	ReviewedOn string           `json:"reviewed_on"`
	Findings   []findingRequest `json:"findings"`
	Note       *string          `json:"note"`
}

type createMattersRequest struct {
	Kind            string  `json:"kind"`
	CheckedOn       string  `json:"checked_on"`
	Result          string  `json:"result"`
	FamilyEmigrated bool    `json:"family_emigrated"` // default false
	Note            *string `json:"note"`
}

type createOpinionRequest struct {
	Purpose string  `json:"purpose"`
	DueOn   string  `json:"due_on"`
	Note    *string `json:"note"`
}

type replyOpinionRequest struct {
	Conclusion string  `json:"conclusion"`
	Text       string  `json:"text"`
	SignedBy   string  `json:"signed_by"`
	FlagIDs    []int64 `json:"flag_ids"`
}

// recorded is who wrote a review or a check, and when; ValidUntil is the
// last day it counts for vetting (EFILE_CHECK_VALID_DAYS after its date).
type recorded struct {
	RecordedBy     int64     `json:"recorded_by"`
	RecordedByName string    `json:"recorded_by_name"`
	RecordedAt     time.Time `json:"recorded_at"`
	ValidUntil     string    `json:"valid_until"`
}

type findingResponse struct {
	Item   string  `json:"item"`
	Result string  `json:"result"`
	Note   *string `json:"note"`
}

type reviewResponse struct {
	ID         int64             `json:"id"`
	CadreID    int64             `json:"cadre_id"`
	ReviewedOn string            `json:"reviewed_on"`
	Findings   []findingResponse `json:"findings"` // the six items, in the SPEC's order
	Conclusion string            `json:"conclusion"`
	Note       *string           `json:"note"`
	recorded
}

type mattersResponse struct {
	ID              int64   `json:"id"`
	CadreID         int64   `json:"cadre_id"`
	Kind            string  `json:"kind"`
	CheckedOn       string  `json:"checked_on"`
	Result          string  `json:"result"`
	FamilyEmigrated bool    `json:"family_emigrated"`
	Note            *string `json:"note"`
	recorded
}

// opinionFlagResponse is all a reply shows of a flag it names.
type opinionFlagResponse struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

// opinionResponse is a request, with the cadre it is about and, once
// replied, the reply; the reply's fields are null before.
type opinionResponse struct {
	ID              int64     `json:"id"`
	CadreID         int64     `json:"cadre_id"`
	CadreName       string    `json:"cadre_name"`
	UnitID          int64     `json:"unit_id"`
	UnitName        string    `json:"unit_name"`
	Position        string    `json:"position"`
	Purpose         string    `json:"purpose"`
	Note            *string   `json:"note"`
	Status          string    `json:"status"`
	DueOn           string    `json:"due_on"`
	Overdue         bool      `json:"overdue"` // pending past due_on
	RequestedBy     int64     `json:"requested_by"`
	RequestedByName string    `json:"requested_by_name"`
	RequestedAt     time.Time `json:"requested_at"`

	Conclusion    *string               `json:"conclusion"`
	Text          *string               `json:"text"`
	SignedBy      *string               `json:"signed_by"`
	FlagIDs       []int64               `json:"flag_ids"`
	Flags         []opinionFlagResponse `json:"flags"`
	RepliedBy     *int64                `json:"replied_by"`
	RepliedByName *string               `json:"replied_by_name"`
	RepliedAt     *time.Time            `json:"replied_at"`
	Late          *bool                 `json:"late"`        // replied after due_on
	ValidUntil    *string               `json:"valid_until"` // the last day the reply counts for vetting

	WithdrawnBy *int64     `json:"withdrawn_by"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

type specificReportResponse struct {
	FlagID     int64  `json:"flag_id"`
	Source     string `json:"source"`
	Status     string `json:"status"`
	OccurredOn string `json:"occurred_on"`
}

// checklistResponse is the checklist before a promotion: the newest records
// of each kind (at most 20), the open specific reports, and what a reader
// needs to judge them as vetting does.
type checklistResponse struct {
	CadreID                int64                    `json:"cadre_id"`
	ReportsPersonalMatters bool                     `json:"reports_personal_matters"`
	CheckValidDays         int                      `json:"check_valid_days"`
	OpinionValidDays       int                      `json:"opinion_valid_days"`
	DossierReviews         []reviewResponse         `json:"dossier_reviews"`
	PersonalMattersChecks  []mattersResponse        `json:"personal_matters_checks"`
	IntegrityOpinions      []opinionResponse        `json:"integrity_opinions"`
	OpenSpecificReports    []specificReportResponse `json:"open_specific_reports"`
}

func noteOf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func textOf(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func toReviewResponse(r *checks.Review) reviewResponse {
	out := reviewResponse{ID: r.ID, CadreID: r.CadreID, ReviewedOn: r.ReviewedOn, Conclusion: r.Conclusion,
		Note: noteOf(r.Note), Findings: make([]findingResponse, len(r.Findings)),
		recorded: recorded{r.RecordedBy, r.RecordedByName, r.RecordedAt.UTC(), r.ValidUntil}}
	for i, f := range r.Findings {
		out.Findings[i] = findingResponse{Item: f.Item, Result: f.Result, Note: noteOf(f.Note)}
	}
	return out
}

func toMattersResponse(m *checks.MattersCheck) mattersResponse {
	return mattersResponse{ID: m.ID, CadreID: m.CadreID, Kind: m.Kind, CheckedOn: m.CheckedOn, Result: m.Result,
		FamilyEmigrated: m.FamilyEmigrated, Note: noteOf(m.Note),
		recorded: recorded{m.RecordedBy, m.RecordedByName, m.RecordedAt.UTC(), m.ValidUntil}}
}

func toOpinionResponse(o *checks.Opinion) opinionResponse {
	out := opinionResponse{ID: o.ID, CadreID: o.CadreID, CadreName: o.CadreName, UnitID: o.UnitID, UnitName: o.UnitName,
		Position: o.Position, Purpose: o.Purpose, Note: noteOf(o.Note), Status: o.Status, DueOn: o.DueOn, Overdue: o.Overdue,
		RequestedBy: o.RequestedBy, RequestedByName: o.RequestedByName, RequestedAt: o.RequestedAt.UTC(),
		Conclusion: o.Conclusion, FlagIDs: []int64{}, Flags: []opinionFlagResponse{},
		RepliedBy: o.RepliedBy, RepliedByName: o.RepliedByName, ValidUntil: o.ValidUntil, WithdrawnBy: o.WithdrawnBy}
	for _, f := range o.Flags {
		out.FlagIDs = append(out.FlagIDs, f.ID)
		out.Flags = append(out.Flags, opinionFlagResponse{ID: f.ID, Kind: f.Kind, Status: f.Status})
	}
	if o.RepliedAt != nil {
		at, late, text, signed := o.RepliedAt.UTC(), o.Late, o.Text, o.SignedBy
		out.RepliedAt, out.Late, out.Text, out.SignedBy = &at, &late, &text, &signed
	}
	if o.WithdrawnAt != nil {
		at := o.WithdrawnAt.UTC()
		out.WithdrawnAt = &at
	}
	return out
}

func (h *handlers) createDossierReview(c *gin.Context, in *createReviewRequest) (reviewResponse, error) {
	nr := checks.NewReview{ReviewedOn: in.ReviewedOn, Note: textOf(in.Note), Findings: make([]checks.Finding, len(in.Findings))}
	for i, f := range in.Findings {
		nr.Findings[i] = checks.Finding{Item: f.Item, Result: f.Result, Note: textOf(f.Note)}
	}
	return byPathID(c, func(id int64) (*checks.Review, error) { return h.s.Checks.CreateReview(ctx(c), me(c), id, nr) },
		toReviewResponse)
}

func (h *handlers) listDossierReviews(c *gin.Context) (list[reviewResponse], error) {
	return cadreList(c, h.s.Checks.ListReviews, toReviewResponse)
}

func (h *handlers) getDossierReview(c *gin.Context) (reviewResponse, error) {
	return cadreObject(c, h.s.Checks.GetReview, toReviewResponse)
}

func (h *handlers) createMattersCheck(c *gin.Context, in *createMattersRequest) (mattersResponse, error) {
	nm := checks.NewMattersCheck{Kind: in.Kind, CheckedOn: in.CheckedOn, Result: in.Result,
		FamilyEmigrated: in.FamilyEmigrated, Note: textOf(in.Note)}
	return byPathID(c, func(id int64) (*checks.MattersCheck, error) {
		return h.s.Checks.CreateMattersCheck(ctx(c), me(c), id, nm)
	}, toMattersResponse)
}

func (h *handlers) listMattersChecks(c *gin.Context) (list[mattersResponse], error) {
	return cadreList(c, h.s.Checks.ListMattersChecks, toMattersResponse)
}

func (h *handlers) getMattersCheck(c *gin.Context) (mattersResponse, error) {
	return cadreObject(c, h.s.Checks.GetMattersCheck, toMattersResponse)
}

func (h *handlers) requestOpinion(c *gin.Context, in *createOpinionRequest) (opinionResponse, error) {
	no := checks.NewOpinion{Purpose: in.Purpose, DueOn: in.DueOn, Note: textOf(in.Note)}
	return byPathID(c, func(id int64) (*checks.Opinion, error) { return h.s.Checks.RequestOpinion(ctx(c), me(c), id, no) },
		toOpinionResponse)
}

func (h *handlers) listCadreOpinions(c *gin.Context) (list[opinionResponse], error) {
	return cadreList(c, h.s.Checks.CadreOpinions, toOpinionResponse)
}

// listOpinions is the inbox, filtered by status and overdue.
func (h *handlers) listOpinions(c *gin.Context) (list[opinionResponse], error) {
	p, err := page(c)
	if err != nil {
		return list[opinionResponse]{}, err
	}
	v := &errs.Validation{}
	f := checks.OpinionFilter{Page: p, Status: c.Query("status"), Overdue: queryBool(c, v, "overdue")}
	if err := v.Err(); err != nil {
		return list[opinionResponse]{}, err
	}
	rows, total, err := h.s.Checks.ListOpinions(ctx(c), me(c), f)
	return newList(rows, total, p, toOpinionResponse), err
}

func (h *handlers) getOpinion(c *gin.Context) (opinionResponse, error) {
	return byPathID(c, func(id int64) (*checks.Opinion, error) { return h.s.Checks.GetOpinion(ctx(c), me(c), id) },
		toOpinionResponse)
}

func (h *handlers) replyOpinion(c *gin.Context, in *replyOpinionRequest) (opinionResponse, error) {
	r := checks.Reply{Conclusion: in.Conclusion, Text: in.Text, SignedBy: in.SignedBy, FlagIDs: in.FlagIDs}
	return byPathID(c, func(id int64) (*checks.Opinion, error) { return h.s.Checks.ReplyOpinion(ctx(c), me(c), id, r) },
		toOpinionResponse)
}

func (h *handlers) withdrawOpinion(c *gin.Context) (opinionResponse, error) {
	return byPathID(c, func(id int64) (*checks.Opinion, error) { return h.s.Checks.WithdrawOpinion(ctx(c), me(c), id) },
		toOpinionResponse)
}

func (h *handlers) getChecklist(c *gin.Context) (checklistResponse, error) {
	return byPathID(c, func(id int64) (*checks.Checklist, error) { return h.s.Checks.Checklist(ctx(c), me(c), id) },
		toChecklistResponse)
}

func toChecklistResponse(cl *checks.Checklist) checklistResponse {
	out := checklistResponse{CadreID: cl.CadreID, ReportsPersonalMatters: cl.ReportsPersonalMatters,
		CheckValidDays: cl.Windows.CheckValidDays, OpinionValidDays: cl.Windows.OpinionValidDays,
		DossierReviews: convert(cl.Reviews, toReviewResponse), PersonalMattersChecks: convert(cl.Matters, toMattersResponse),
		IntegrityOpinions: convert(cl.Opinions, toOpinionResponse), OpenSpecificReports: []specificReportResponse{}}
	for _, r := range cl.OpenSpecificReports {
		out.OpenSpecificReports = append(out.OpenSpecificReports,
			specificReportResponse{FlagID: r.FlagID, Source: r.Source, Status: r.Status, OccurredOn: r.OccurredOn})
	}
	return out
}

// byPathID answers what fn did with the object the path's :id names.
func byPathID[M, T any](c *gin.Context, fn func(id int64) (*M, error), conv func(*M) T) (T, error) {
	var zero T
	id, err := pathID(c, "id")
	if err != nil {
		return zero, err
	}
	m, err := fn(id)
	if err != nil {
		return zero, err
	}
	return conv(m), nil
}

// cadreList answers a page of a cadre's objects: the cadre's id from the path,
// the page from the query, fetch the service's listing.
func cadreList[T, M any](c *gin.Context, fetch func(ctx context.Context, u *models.User, id int64, p models.Page) ([]M, int64, error),
	conv func(*M) T) (list[T], error) {
	id, idErr := pathID(c, "id")
	p, err := page(c)
	if err := cmp.Or(idErr, err); err != nil {
		return list[T]{}, err
	}
	rows, total, err := fetch(ctx(c), me(c), id, p)
	return newList(rows, total, p, conv), err
}

// cadreObject answers one object of a cadre, named by /cadres/:id/…/:rid.
func cadreObject[T, M any](c *gin.Context, get func(ctx context.Context, u *models.User, id, rid int64) (*M, error), conv func(*M) T) (T, error) {
	var zero T
	id, rid, err := recordPath(c)
	if err != nil {
		return zero, err
	}
	m, err := get(ctx(c), me(c), id, rid)
	if err != nil {
		return zero, err
	}
	return conv(m), nil
}

// convert converts every element of rows.
func convert[T, M any](rows []M, conv func(*M) T) []T {
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = conv(&rows[i])
	}
	return out
}
