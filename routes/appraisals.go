package routes

import (
	"efile/services/sheet"
	"strconv"
	"time"

	"efile/models"
	"efile/services/appraisal"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
)

type createCycleRequest struct {
	Name              string `json:"name"`
	Kind              string `json:"kind"`
	Year              int    `json:"year"`
	PeriodStart       string `json:"period_start"`
	PeriodEnd         string `json:"period_end"`
	ExcellentQuotaPct *int   `json:"excellent_quota_pct"`
}

type cycleResponse struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	Kind              string     `json:"kind"`
	Year              int        `json:"year"`
	PeriodStart       string     `json:"period_start"`
	PeriodEnd         string     `json:"period_end"`
	ExcellentQuotaPct int        `json:"excellent_quota_pct"`
	Status            string     `json:"status"`
	Version           int        `json:"version"`
	CreatedBy         int64      `json:"created_by"`
	CreatedAt         time.Time  `json:"created_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	FinalizedAt       *time.Time `json:"finalized_at"`
	FinalizedBy       *int64     `json:"finalized_by"`
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toCycleResponse(c *models.AppraisalCycle) cycleResponse {
	return cycleResponse{ID: c.ID, Name: c.Name, Kind: c.Kind, Year: c.Year, PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd,
		ExcellentQuotaPct: c.ExcellentQuotaPct, Status: c.Status, Version: c.Version, CreatedBy: c.CreatedBy,
		CreatedAt: c.CreatedAt.UTC(), ClosedAt: utc(c.ClosedAt), FinalizedAt: utc(c.FinalizedAt), FinalizedBy: c.FinalizedBy}
}

func (h *handlers) createCycle(c *gin.Context, in *createCycleRequest) (cycleResponse, error) {
	cy, err := h.s.Appraisals.CreateCycle(ctx(c), me(c), appraisal.NewCycle{Name: in.Name, Kind: in.Kind, Year: in.Year,
		PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, QuotaPct: in.ExcellentQuotaPct})
	if err != nil {
		return cycleResponse{}, err
	}
	return toCycleResponse(cy), nil
}

func (h *handlers) listCycles(c *gin.Context) (list[cycleResponse], error) {
	p, err := page(c)
	v := &errs.Validation{}
	f := appraisal.CycleFilter{Page: p, Status: c.Query("status"), Kind: c.Query("kind")}
	if s := c.Query("year"); s != "" {
		y, perr := strconv.Atoi(s)
		if perr != nil {
			v.Add("year", "must be an integer year")
		}
		f.Year = &y
	}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return list[cycleResponse]{}, err
	}
	rows, total, err := h.s.Appraisals.ListCycles(ctx(c), me(c), f)
	return newList(rows, total, p, toCycleResponse), err
}

// cycleOp is a handler of /appraisal-cycles/:id that needs only the id.
func (h *handlers) cycleOp(fn func(*gin.Context, int64) (*models.AppraisalCycle, error)) func(*gin.Context) (cycleResponse, error) {
	return func(c *gin.Context) (cycleResponse, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return cycleResponse{}, err
		}
		cy, err := fn(c, id)
		if err != nil {
			return cycleResponse{}, err
		}
		return toCycleResponse(cy), nil
	}
}

func (h *handlers) getCycle(c *gin.Context) (cycleResponse, error) {
	return h.cycleOp(func(c *gin.Context, id int64) (*models.AppraisalCycle, error) {
		return h.s.Appraisals.GetCycle(ctx(c), me(c), id)
	})(c)
}

func (h *handlers) openCycle(c *gin.Context) (cycleResponse, error) {
	return h.cycleOp(func(c *gin.Context, id int64) (*models.AppraisalCycle, error) {
		return h.s.Appraisals.Open(ctx(c), me(c), id)
	})(c)
}

func (h *handlers) closeCycle(c *gin.Context) (cycleResponse, error) {
	return h.cycleOp(func(c *gin.Context, id int64) (*models.AppraisalCycle, error) {
		return h.s.Appraisals.Close(ctx(c), me(c), id)
	})(c)
}

type overrideRequest struct {
	CadreID int64  `json:"cadre_id"`
	Grade   string `json:"grade"`
	Reason  string `json:"reason"`
}

type finalizeRequest struct {
	Overrides []overrideRequest `json:"overrides"`
}

func (h *handlers) finalizeCycle(c *gin.Context, in *finalizeRequest) (cycleResponse, error) {
	ovs := make([]appraisal.Override, len(in.Overrides))
	for i, o := range in.Overrides {
		ovs[i] = appraisal.Override(o)
	}
	return h.cycleOp(func(c *gin.Context, id int64) (*models.AppraisalCycle, error) {
		return h.s.Appraisals.Finalize(ctx(c), me(c), id, ovs)
	})(c)
}

type createAssignmentRequest struct {
	EvaluatorID int64  `json:"evaluator_id"`
	CadreID     int64  `json:"cadre_id"`
	RaterType   string `json:"rater_type"`
}

type assignmentResponse struct {
	ID          int64     `json:"id"`
	CycleID     int64     `json:"cycle_id"`
	EvaluatorID int64     `json:"evaluator_id"`
	CadreID     int64     `json:"cadre_id"`
	RaterType   string    `json:"rater_type"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func toAssignmentResponse(a *models.AppraisalAssignment) assignmentResponse {
	return assignmentResponse{ID: a.ID, CycleID: a.CycleID, EvaluatorID: a.EvaluatorID, CadreID: a.CadreID,
		RaterType: a.RaterType, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC()}
}

func (h *handlers) createAssignment(c *gin.Context, in *createAssignmentRequest) (assignmentResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return assignmentResponse{}, err
	}
	a, err := h.s.Appraisals.Assign(ctx(c), me(c), id, appraisal.NewAssignment(*in))
	if err != nil {
		return assignmentResponse{}, err
	}
	return toAssignmentResponse(a), nil
}

type bulkAssignRequest struct {
	EvaluatorIDs []int64 `json:"evaluator_ids"`
	UnitID       int64   `json:"unit_id"`
	RaterType    string  `json:"rater_type"`
}

// bulkResponse counts the pairs a bulk assignment created and skipped
// (already assigned, or the evaluator is linked to the cadre).
type bulkResponse struct {
	Created int64 `json:"created"`
	Skipped int64 `json:"skipped"`
}

func (h *handlers) bulkAssign(c *gin.Context, in *bulkAssignRequest) (bulkResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return bulkResponse{}, err
	}
	r, err := h.s.Appraisals.AssignBulk(ctx(c), me(c), id, appraisal.Bulk(*in))
	if err != nil {
		return bulkResponse{}, err
	}
	return bulkResponse(*r), nil
}

func (h *handlers) listAssignments(c *gin.Context) (list[assignmentResponse], error) {
	id, err := pathID(c, "id")
	if err != nil {
		return list[assignmentResponse]{}, err
	}
	p, err := page(c)
	v := &errs.Validation{}
	f := appraisal.AssignmentFilter{Page: p, EvaluatorID: queryID(c, v, "evaluator_id"), CadreID: queryID(c, v, "cadre_id")}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return list[assignmentResponse]{}, err
	}
	rows, total, err := h.s.Appraisals.ListAssignments(ctx(c), me(c), id, f)
	return newList(rows, total, p, toAssignmentResponse), err
}

// progressResponse is how far a cycle's raters have got, per unit (by the
// cadre's own unit) and per evaluator.
type progressResponse struct {
	Units      []unitProgressResponse      `json:"units"`
	Evaluators []evaluatorProgressResponse `json:"evaluators"`
}

type unitProgressResponse struct {
	UnitID    int64 `json:"unit_id"`
	Assigned  int64 `json:"assigned"`
	Submitted int64 `json:"submitted"`
	Missing   int64 `json:"missing"` // assigned − submitted
}

type evaluatorProgressResponse struct {
	EvaluatorID int64 `json:"evaluator_id"`
	Assigned    int64 `json:"assigned"`
	Submitted   int64 `json:"submitted"`
}

func toProgressResponse(p *appraisal.Progress) progressResponse {
	out := progressResponse{Units: make([]unitProgressResponse, len(p.Units)), Evaluators: make([]evaluatorProgressResponse, len(p.Evaluators))}
	for i, u := range p.Units {
		out.Units[i] = unitProgressResponse(u)
	}
	for i, e := range p.Evaluators {
		out.Evaluators[i] = evaluatorProgressResponse(e)
	}
	return out
}

func (h *handlers) getProgress(c *gin.Context) (progressResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return progressResponse{}, err
	}
	p, err := h.s.Appraisals.Progress(ctx(c), me(c), id)
	if err != nil {
		return progressResponse{}, err
	}
	return toProgressResponse(p), nil
}

// scoresBody holds the five marks; a mark left out is 400 on its field.
type scoresBody struct {
	Morality    *int `json:"morality"`
	Ability     *int `json:"ability"`
	Diligence   *int `json:"diligence"`
	Achievement *int `json:"achievement"`
	Integrity   *int `json:"integrity"`
}

type submitAppraisalRequest struct {
	CadreID int64      `json:"cadre_id"`
	Scores  scoresBody `json:"scores"`
	Comment string     `json:"comment"`
}

type reviseAppraisalRequest struct {
	Scores  scoresBody `json:"scores"`
	Comment string     `json:"comment"`
	Version int        `json:"version"`
}

type scoresResponse struct {
	Morality    int `json:"morality"`
	Ability     int `json:"ability"`
	Diligence   int `json:"diligence"`
	Achievement int `json:"achievement"`
	Integrity   int `json:"integrity"`
}

type appraisalResponse struct {
	ID           int64          `json:"id"`
	CycleID      int64          `json:"cycle_id"`
	AssignmentID int64          `json:"assignment_id"`
	EvaluatorID  int64          `json:"evaluator_id"`
	CadreID      int64          `json:"cadre_id"`
	RaterType    string         `json:"rater_type"`
	Scores       scoresResponse `json:"scores"`
	Comment      string         `json:"comment"`
	Version      int            `json:"version"`
	SubmittedAt  time.Time      `json:"submitted_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

func toAppraisalResponse(a *models.Appraisal) appraisalResponse {
	return appraisalResponse{ID: a.ID, CycleID: a.CycleID, AssignmentID: a.AssignmentID, EvaluatorID: a.EvaluatorID,
		CadreID: a.CadreID, RaterType: a.RaterType, Comment: a.Comment, Version: a.Version,
		SubmittedAt: a.SubmittedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
		Scores: scoresResponse{Morality: a.Morality, Ability: a.Ability, Diligence: a.Diligence, Achievement: a.Achievement, Integrity: a.Integrity}}
}

func (h *handlers) submitAppraisal(c *gin.Context, in *submitAppraisalRequest) (appraisalResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return appraisalResponse{}, err
	}
	a, err := h.s.Appraisals.Submit(ctx(c), me(c), id, appraisal.Submission{CadreID: in.CadreID,
		Scores: appraisal.Scores(in.Scores), Comment: in.Comment})
	if err != nil {
		return appraisalResponse{}, err
	}
	return toAppraisalResponse(a), nil
}

func (h *handlers) reviseAppraisal(c *gin.Context, in *reviseAppraisalRequest) (appraisalResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return appraisalResponse{}, err
	}
	aid, err := pathID(c, "aid")
	if err != nil {
		return appraisalResponse{}, err
	}
	a, err := h.s.Appraisals.Revise(ctx(c), me(c), id, aid, appraisal.Revision{Scores: appraisal.Scores(in.Scores),
		Comment: in.Comment, Version: in.Version})
	if err != nil {
		return appraisalResponse{}, err
	}
	return toAppraisalResponse(a), nil
}

func (h *handlers) listAppraisals(c *gin.Context) (list[appraisalResponse], error) {
	id, err := pathID(c, "id")
	if err != nil {
		return list[appraisalResponse]{}, err
	}
	p, err := page(c)
	v := &errs.Validation{}
	f := appraisal.AppraisalFilter{Page: p, CadreID: queryID(c, v, "cadre_id"), EvaluatorID: queryID(c, v, "evaluator_id")}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return list[appraisalResponse]{}, err
	}
	rows, total, err := h.s.Appraisals.ListAppraisals(ctx(c), me(c), id, f)
	return newList(rows, total, p, toAppraisalResponse), err
}

type ratersResponse struct {
	Superior    int `json:"superior"`
	Peer        int `json:"peer"`
	Subordinate int `json:"subordinate"`
}

// resultResponse is one cadre's result: grade is the final grade once the
// cycle is finalized, else the proposed one; override is present only for
// the cadres a reviewer overrode.
type resultResponse struct {
	CadreID       int64             `json:"cadre_id"`
	Score         score             `json:"score"`
	Grade         string            `json:"grade"`
	ProposedGrade string            `json:"proposed_grade"`
	Reasons       []string          `json:"reasons"`
	Raters        ratersResponse    `json:"raters"`
	Override      *overrideResponse `json:"override,omitempty"`
}

// overrideResponse is a reviewer's override of one result: the grade, why,
// who and when.
type overrideResponse struct {
	Grade  string    `json:"grade"`
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
}

// score is a score on the wire: a JSON number with at most two decimals
// (79.69, 80.5, 80), the shortest form of the exact value, never a float's
// approximation and never a string.
type score appraisal.Score

func (s score) MarshalJSON() ([]byte, error) { return []byte(appraisal.Score(s).String()), nil }

type resultsResponse struct {
	CycleID int64            `json:"cycle_id"`
	Status  string           `json:"status"`
	Items   []resultResponse `json:"items"`
	Missing []int64          `json:"missing"`
}

func toResultsResponse(r *appraisal.CycleResults) resultsResponse {
	out := resultsResponse{CycleID: r.Cycle.ID, Status: r.Cycle.Status, Items: make([]resultResponse, len(r.Items)), Missing: r.Missing}
	for i, it := range r.Items {
		out.Items[i] = resultResponse{CadreID: it.CadreID, Score: score(it.Score), Grade: it.Grade, ProposedGrade: it.ProposedGrade,
			Reasons: it.Reasons, Raters: ratersResponse{Superior: it.Raters.Superior, Peer: it.Raters.Peer, Subordinate: it.Raters.Subordinate}}
		if o := it.Override; o != nil {
			out.Items[i].Override = &overrideResponse{Grade: o.Grade, Reason: o.Reason, By: o.By, At: o.At.UTC()}
		}
	}
	return out
}

func (h *handlers) getResults(c *gin.Context) (resultsResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return resultsResponse{}, err
	}
	r, err := h.s.Appraisals.Results(ctx(c), me(c), id)
	if err != nil {
		return resultsResponse{}, err
	}
	return toResultsResponse(r), nil
}

func (h *handlers) getResultsXLSX(c *gin.Context) (*sheet.Book, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.s.Appraisals.Workbook(ctx(c), me(c), id)
}
