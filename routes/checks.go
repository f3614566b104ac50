package routes

import (
	"time"

	"efile/services/checks"
	"efile/services/civil"

	"github.com/gin-gonic/gin"
)

// The four checks before a promotion (SPEC section 13): dossier reviews,
// personal-matters checks, integrity opinions and the checklist.

type findingRequest struct {
	Item   string  `json:"item" enum:"dossier_items"`
	Result string  `json:"result" enum:"dossier_finding_results"`
	Note   *string `json:"note" len:",500"`
}

type createReviewRequest struct {
	CadreID    int64            `path:"id" json:"-"`
	ReviewedOn civil.Date       `json:"reviewed_on"`
	Findings   []findingRequest `json:"findings" len:"6,6"`
	Note       *string          `json:"note" len:",2000"`
}

type createMattersRequest struct {
	CadreID         int64      `path:"id" json:"-"`
	Kind            string     `json:"kind" enum:"personal_matters_kinds"`
	CheckedOn       civil.Date `json:"checked_on"`
	Result          string     `json:"result" enum:"personal_matters_results"`
	FamilyEmigrated bool       `json:"family_emigrated,omitzero"` // optional, false when absent
	Note            *string    `json:"note" len:",2000"`
}

type createOpinionRequest struct {
	CadreID int64      `path:"id" json:"-"`
	Purpose string     `json:"purpose" enum:"purposes"`
	DueOn   civil.Date `json:"due_on"`
	Note    *string    `json:"note" len:",2000"`
}

type replyOpinionRequest struct {
	ID         int64   `path:"id" json:"-"`
	Conclusion string  `json:"conclusion" enum:"opinion_conclusions"`
	Text       string  `json:"text" len:",2000"`
	SignedBy   string  `json:"signed_by" len:",50"`
	FlagIDs    []int64 `json:"flag_ids,omitempty" len:",50"`
}

// recorded is who wrote a review or a check, and when; ValidUntil is the
// last day it counts for vetting (EFILE_CHECK_VALID_DAYS after its date).
type recorded struct {
	RecordedBy     int64      `json:"recorded_by"`
	RecordedByName string     `json:"recorded_by_name"`
	RecordedAt     time.Time  `json:"recorded_at"`
	ValidUntil     civil.Date `json:"valid_until"`
}

type findingResponse struct {
	Item   string  `json:"item" enum:"dossier_items"`
	Result string  `json:"result" enum:"dossier_finding_results"`
	Note   *string `json:"note"`
}

type reviewResponse struct {
	ID         int64             `json:"id"`
	CadreID    int64             `json:"cadre_id"`
	ReviewedOn civil.Date        `json:"reviewed_on"`
	Findings   []findingResponse `json:"findings"` // the six items, in the SPEC's order
	Conclusion string            `json:"conclusion" enum:"dossier_conclusions"`
	Note       *string           `json:"note"`
	recorded
}

type mattersResponse struct {
	ID              int64      `json:"id"`
	CadreID         int64      `json:"cadre_id"`
	Kind            string     `json:"kind" enum:"personal_matters_kinds"`
	CheckedOn       civil.Date `json:"checked_on"`
	Result          string     `json:"result" enum:"personal_matters_results"`
	FamilyEmigrated bool       `json:"family_emigrated"`
	Note            *string    `json:"note"`
	recorded
}

// opinionFlagResponse is all a reply shows of a flag it names.
type opinionFlagResponse struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind" enum:"flag_kinds"`
	Status string `json:"status" enum:"flag_statuses"`
}

// opinionResponse is a request, with the cadre it is about and, once
// replied, the reply; the reply's fields are null before.
type opinionResponse struct {
	ID              int64      `json:"id"`
	CadreID         int64      `json:"cadre_id"`
	CadreName       string     `json:"cadre_name"`
	UnitID          int64      `json:"unit_id"`
	UnitName        string     `json:"unit_name"`
	Position        string     `json:"position"`
	Purpose         string     `json:"purpose" enum:"purposes"`
	Note            *string    `json:"note"`
	Status          string     `json:"status" enum:"opinion_statuses"`
	DueOn           civil.Date `json:"due_on"`
	Overdue         bool       `json:"overdue"` // pending past due_on
	RequestedBy     int64      `json:"requested_by"`
	RequestedByName string     `json:"requested_by_name"`
	RequestedAt     time.Time  `json:"requested_at"`

	Conclusion    *string               `json:"conclusion" enum:"opinion_conclusions"`
	Text          *string               `json:"text"`
	SignedBy      *string               `json:"signed_by"`
	FlagIDs       []int64               `json:"flag_ids"`
	Flags         []opinionFlagResponse `json:"flags"`
	RepliedBy     *int64                `json:"replied_by"`
	RepliedByName *string               `json:"replied_by_name"`
	RepliedAt     *time.Time            `json:"replied_at"`
	Late          *bool                 `json:"late"`        // replied after due_on
	ValidUntil    *civil.Date           `json:"valid_until"` // the last day the reply counts for vetting

	WithdrawnBy *int64     `json:"withdrawn_by"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

type specificReportResponse struct {
	FlagID     int64      `json:"flag_id"`
	Source     string     `json:"source" enum:"departments"`
	Status     string     `json:"status" enum:"flag_statuses"`
	OccurredOn civil.Date `json:"occurred_on"`
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
	out := opinionResponse{ID: o.ID, CadreID: o.CadreID, CadreName: o.Cadre.Name, UnitID: o.Cadre.UnitID, UnitName: o.Cadre.UnitName,
		Position: o.Cadre.Position, Purpose: o.Purpose, Note: noteOf(o.Note), Status: o.Status, DueOn: o.DueOn, Overdue: o.Overdue,
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

// cadrePaging is a page of one cadre's objects: /cadres/:id/….
type cadrePaging struct {
	CadreID int64 `path:"id"`
	paging
}

func (h *handlers) createDossierReview(c *gin.Context, in *createReviewRequest) (reviewResponse, error) {
	nr := checks.NewReview{ReviewedOn: in.ReviewedOn, Note: textOf(in.Note), Findings: make([]checks.Finding, len(in.Findings))}
	for i, f := range in.Findings {
		nr.Findings[i] = checks.Finding{Item: f.Item, Result: f.Result, Note: textOf(f.Note)}
	}
	return answer(toReviewResponse)(h.s.Checks.CreateReview(ctx(c), me(c), in.CadreID, nr))
}

func (h *handlers) listDossierReviews(c *gin.Context, in *cadrePaging) (list[reviewResponse], error) {
	rows, total, err := h.s.Checks.ListReviews(ctx(c), me(c), in.CadreID, in.page())
	return newList(rows, total, in.page(), toReviewResponse), err
}

func (h *handlers) getDossierReview(c *gin.Context, in *recordPath) (reviewResponse, error) {
	return answer(toReviewResponse)(h.s.Checks.GetReview(ctx(c), me(c), in.CadreID, in.RecordID))
}

func (h *handlers) createMattersCheck(c *gin.Context, in *createMattersRequest) (mattersResponse, error) {
	nm := checks.NewMattersCheck{Kind: in.Kind, CheckedOn: in.CheckedOn, Result: in.Result,
		FamilyEmigrated: in.FamilyEmigrated, Note: textOf(in.Note)}
	return answer(toMattersResponse)(h.s.Checks.CreateMattersCheck(ctx(c), me(c), in.CadreID, nm))
}

func (h *handlers) listMattersChecks(c *gin.Context, in *cadrePaging) (list[mattersResponse], error) {
	rows, total, err := h.s.Checks.ListMattersChecks(ctx(c), me(c), in.CadreID, in.page())
	return newList(rows, total, in.page(), toMattersResponse), err
}

func (h *handlers) getMattersCheck(c *gin.Context, in *recordPath) (mattersResponse, error) {
	return answer(toMattersResponse)(h.s.Checks.GetMattersCheck(ctx(c), me(c), in.CadreID, in.RecordID))
}

func (h *handlers) requestOpinion(c *gin.Context, in *createOpinionRequest) (opinionResponse, error) {
	no := checks.NewOpinion{Purpose: in.Purpose, DueOn: in.DueOn, Note: textOf(in.Note)}
	return answer(toOpinionResponse)(h.s.Checks.RequestOpinion(ctx(c), me(c), in.CadreID, no))
}

func (h *handlers) listCadreOpinions(c *gin.Context, in *cadrePaging) (list[opinionResponse], error) {
	rows, total, err := h.s.Checks.CadreOpinions(ctx(c), me(c), in.CadreID, in.page())
	return newList(rows, total, in.page(), toOpinionResponse), err
}

type listOpinionsQuery struct {
	paging
	Status  string `query:"status" doc:"pending, replied or withdrawn" enum:"opinion_statuses"`
	Overdue *bool  `query:"overdue" doc:"true: pending requests past due_on; false: the others"`
}

// listOpinions is the inbox, filtered by status and overdue.
func (h *handlers) listOpinions(c *gin.Context, in *listOpinionsQuery) (list[opinionResponse], error) {
	f := checks.OpinionFilter{Page: in.page(), Status: in.Status, Overdue: in.Overdue}
	rows, total, err := h.s.Checks.ListOpinions(ctx(c), me(c), f)
	return newList(rows, total, in.page(), toOpinionResponse), err
}

func (h *handlers) getOpinion(c *gin.Context, in *byID) (opinionResponse, error) {
	return answer(toOpinionResponse)(h.s.Checks.GetOpinion(ctx(c), me(c), in.ID))
}

func (h *handlers) replyOpinion(c *gin.Context, in *replyOpinionRequest) (opinionResponse, error) {
	r := checks.Reply{Conclusion: in.Conclusion, Text: in.Text, SignedBy: in.SignedBy, FlagIDs: in.FlagIDs}
	return answer(toOpinionResponse)(h.s.Checks.ReplyOpinion(ctx(c), me(c), in.ID, r))
}

func (h *handlers) withdrawOpinion(c *gin.Context, in *byID) (opinionResponse, error) {
	return answer(toOpinionResponse)(h.s.Checks.WithdrawOpinion(ctx(c), me(c), in.ID))
}

func (h *handlers) getChecklist(c *gin.Context, in *byID) (checklistResponse, error) {
	return answer(toChecklistResponse)(h.s.Checks.Checklist(ctx(c), me(c), in.ID))
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

// convert converts every element of rows.
func convert[T, M any](rows []M, conv func(*M) T) []T {
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = conv(&rows[i])
	}
	return out
}
