package routes

import (
	"context"
	"time"

	"efile/models"
	"efile/services/appraisal"
	"efile/services/civil"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

type createCycleRequest struct {
	Name              string     `json:"name" len:"1,100"`
	Kind              string     `json:"kind" enum:"cycle_kinds"`
	Year              int        `json:"year"`
	PeriodStart       civil.Date `json:"period_start"`
	PeriodEnd         civil.Date `json:"period_end"`
	ExcellentQuotaPct *int       `json:"excellent_quota_pct" min:"0" max:"100"`
}

type cycleResponse struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	Kind              string     `json:"kind" enum:"cycle_kinds"`
	Year              int        `json:"year"`
	PeriodStart       civil.Date `json:"period_start"`
	PeriodEnd         civil.Date `json:"period_end"`
	ExcellentQuotaPct int        `json:"excellent_quota_pct" min:"0" max:"100"`
	Status            string     `json:"status" enum:"cycle_statuses"`
	Version           int        `json:"version"`
	CreatedBy         int64      `json:"created_by"`
	CreatedAt         time.Time  `json:"created_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	FinalizedAt       *time.Time `json:"finalized_at"`
	FinalizedBy       *int64     `json:"finalized_by"`
	// ScoreWeights are the weights of the five marks in percent (SPEC 7),
	// for the console's labels and its preview of a total.
	ScoreWeights scoreWeights `json:"score_weights"`
}

// scoreWeights are the weights of 德能勤绩廉 in percent.
type scoreWeights struct {
	Morality    int `json:"morality" min:"0" max:"100"`
	Ability     int `json:"ability" min:"0" max:"100"`
	Diligence   int `json:"diligence" min:"0" max:"100"`
	Achievement int `json:"achievement" min:"0" max:"100"`
	Integrity   int `json:"integrity" min:"0" max:"100"`
}

func markWeights() scoreWeights {
	w := appraisal.MarkWeights()
	return scoreWeights{Morality: w["morality"], Ability: w["ability"], Diligence: w["diligence"],
		Achievement: w["achievement"], Integrity: w["integrity"]}
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
		CreatedAt: c.CreatedAt.UTC(), ClosedAt: utc(c.ClosedAt), FinalizedAt: utc(c.FinalizedAt), FinalizedBy: c.FinalizedBy,
		ScoreWeights: markWeights()}
}

func (h *handlers) createCycle(c *gin.Context, in *createCycleRequest) (cycleResponse, error) {
	cy, err := h.s.Appraisals.CreateCycle(ctx(c), me(c), appraisal.NewCycle{Name: in.Name, Kind: in.Kind, Year: in.Year,
		PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, QuotaPct: in.ExcellentQuotaPct})
	if err != nil {
		return cycleResponse{}, err
	}
	return toCycleResponse(cy), nil
}

type listCyclesQuery struct {
	paging
	Status string `query:"status" doc:"draft, open, closed or finalized" enum:"cycle_statuses"`
	Kind   string `query:"kind" doc:"ordinary, annual, special or term" enum:"cycle_kinds"`
	Year   *int   `query:"year" doc:"cycles of this year"`
}

func (h *handlers) listCycles(c *gin.Context, in *listCyclesQuery) (list[cycleResponse], error) {
	f := appraisal.CycleFilter{Page: in.page(), Status: in.Status, Kind: in.Kind, Year: in.Year}
	rows, total, err := h.s.Appraisals.ListCycles(ctx(c), me(c), f)
	return newList(rows, total, in.page(), toCycleResponse), err
}

// cycleOp is a handler of /appraisal-cycles/:id that needs only the id.
func cycleOp(fn func(ctx context.Context, viewer *models.User, id int64) (*models.AppraisalCycle, error)) func(*gin.Context, *byID) (cycleResponse, error) {
	return func(c *gin.Context, in *byID) (cycleResponse, error) {
		cy, err := fn(ctx(c), me(c), in.ID)
		if err != nil {
			return cycleResponse{}, err
		}
		return toCycleResponse(cy), nil
	}
}

type overrideRequest struct {
	CadreID int64  `json:"cadre_id"`
	Grade   string `json:"grade" enum:"grades"`
	Reason  string `json:"reason" len:"1,"`
}

type finalizeRequest struct {
	ID        int64             `path:"id" json:"-"`
	Overrides []overrideRequest `json:"overrides,omitempty"`
}

func (h *handlers) finalizeCycle(c *gin.Context, in *finalizeRequest) (cycleResponse, error) {
	ovs := make([]appraisal.Override, len(in.Overrides))
	for i, o := range in.Overrides {
		ovs[i] = appraisal.Override(o)
	}
	return answer(toCycleResponse)(h.s.Appraisals.Finalize(ctx(c), me(c), in.ID, ovs))
}

type createAssignmentRequest struct {
	CycleID     int64  `path:"id" json:"-"`
	EvaluatorID int64  `json:"evaluator_id"`
	CadreID     int64  `json:"cadre_id"`
	RaterType   string `json:"rater_type" enum:"rater_types"`
}

type assignmentResponse struct {
	ID            int64     `json:"id"`
	CycleID       int64     `json:"cycle_id"`
	EvaluatorID   int64     `json:"evaluator_id"`
	EvaluatorName string    `json:"evaluator_name"`
	CadreID       int64     `json:"cadre_id"`
	CadreName     string    `json:"cadre_name"`
	RaterType     string    `json:"rater_type" enum:"rater_types"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
}

func toAssignmentResponse(l *appraisal.Labelled[models.AppraisalAssignment]) assignmentResponse {
	a := &l.Row
	return assignmentResponse{ID: a.ID, CycleID: a.CycleID, EvaluatorID: a.EvaluatorID, EvaluatorName: l.Evaluator,
		CadreID: a.CadreID, CadreName: l.Cadre.Name, RaterType: a.RaterType, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC()}
}

func (h *handlers) createAssignment(c *gin.Context, in *createAssignmentRequest) (assignmentResponse, error) {
	a, err := h.s.Appraisals.Assign(ctx(c), me(c), in.CycleID, appraisal.NewAssignment{EvaluatorID: in.EvaluatorID,
		CadreID: in.CadreID, RaterType: in.RaterType})
	if err != nil {
		return assignmentResponse{}, err
	}
	return toAssignmentResponse(a), nil
}

type bulkAssignRequest struct {
	CycleID      int64   `path:"id" json:"-"`
	EvaluatorIDs []int64 `json:"evaluator_ids"`
	UnitID       int64   `json:"unit_id"`
	RaterType    string  `json:"rater_type" enum:"rater_types"`
}

// bulkResponse counts the pairs a bulk assignment created and skipped
// (already assigned, or the evaluator is linked to the cadre).
type bulkResponse struct {
	Created int64 `json:"created"`
	Skipped int64 `json:"skipped"`
}

func (h *handlers) bulkAssign(c *gin.Context, in *bulkAssignRequest) (bulkResponse, error) {
	r, err := h.s.Appraisals.AssignBulk(ctx(c), me(c), in.CycleID, appraisal.Bulk{EvaluatorIDs: in.EvaluatorIDs,
		UnitID: in.UnitID, RaterType: in.RaterType})
	if err != nil {
		return bulkResponse{}, err
	}
	return bulkResponse(*r), nil
}

type listAssignmentsQuery struct {
	CycleID int64 `path:"id"`
	paging
	EvaluatorID *int64 `query:"evaluator_id" doc:"assignments of this evaluator"`
	CadreID     *int64 `query:"cadre_id" doc:"assignments to appraise this cadre"`
}

func (h *handlers) listAssignments(c *gin.Context, in *listAssignmentsQuery) (list[assignmentResponse], error) {
	f := appraisal.AssignmentFilter{Page: in.page(), EvaluatorID: in.EvaluatorID, CadreID: in.CadreID}
	rows, total, err := h.s.Appraisals.ListAssignments(ctx(c), me(c), in.CycleID, f)
	return newList(rows, total, in.page(), toAssignmentResponse), err
}

// progressResponse is how far a cycle's raters have got, per unit (by the
// cadre's own unit) and per evaluator.
type progressResponse struct {
	Units      []unitProgressResponse      `json:"units"`
	Evaluators []evaluatorProgressResponse `json:"evaluators"`
}

type unitProgressResponse struct {
	UnitID    int64  `json:"unit_id"`
	UnitName  string `json:"unit_name"`
	Assigned  int64  `json:"assigned"`
	Submitted int64  `json:"submitted"`
	Missing   int64  `json:"missing"` // assigned − submitted
}

type evaluatorProgressResponse struct {
	EvaluatorID   int64  `json:"evaluator_id"`
	EvaluatorName string `json:"evaluator_name"`
	Assigned      int64  `json:"assigned"`
	Submitted     int64  `json:"submitted"`
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

func (h *handlers) getProgress(c *gin.Context, in *byID) (progressResponse, error) {
	return answer(toProgressResponse)(h.s.Appraisals.Progress(ctx(c), me(c), in.ID))
}

// scoresBody holds the five marks; a mark left out is 400 on its field.
type scoresBody struct {
	Morality    *int `json:"morality" presence:"required" min:"0" max:"100"`
	Ability     *int `json:"ability" presence:"required" min:"0" max:"100"`
	Diligence   *int `json:"diligence" presence:"required" min:"0" max:"100"`
	Achievement *int `json:"achievement" presence:"required" min:"0" max:"100"`
	Integrity   *int `json:"integrity" presence:"required" min:"0" max:"100"`
}

type submitAppraisalRequest struct {
	CycleID int64      `path:"id" json:"-"`
	CadreID int64      `json:"cadre_id"`
	Scores  scoresBody `json:"scores"`
	Comment string     `json:"comment,omitempty" len:",2000"`
}

type reviseAppraisalRequest struct {
	CycleID     int64      `path:"id" json:"-"`
	AppraisalID int64      `path:"aid" json:"-"`
	Scores      scoresBody `json:"scores"`
	Comment     string     `json:"comment,omitempty" len:",2000"`
	Version     int        `json:"version" min:"1"`
}

type scoresResponse struct {
	Morality    int `json:"morality" min:"0" max:"100"`
	Ability     int `json:"ability" min:"0" max:"100"`
	Diligence   int `json:"diligence" min:"0" max:"100"`
	Achievement int `json:"achievement" min:"0" max:"100"`
	Integrity   int `json:"integrity" min:"0" max:"100"`
}

type appraisalResponse struct {
	ID            int64          `json:"id"`
	CycleID       int64          `json:"cycle_id"`
	AssignmentID  int64          `json:"assignment_id"`
	EvaluatorID   int64          `json:"evaluator_id"`
	EvaluatorName string         `json:"evaluator_name"`
	CadreID       int64          `json:"cadre_id"`
	CadreName     string         `json:"cadre_name"`
	RaterType     string         `json:"rater_type" enum:"rater_types"`
	Scores        scoresResponse `json:"scores"`
	Comment       string         `json:"comment"`
	Version       int            `json:"version"`
	SubmittedAt   time.Time      `json:"submitted_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

func toAppraisalResponse(l *appraisal.Labelled[models.Appraisal]) appraisalResponse {
	a := &l.Row
	return appraisalResponse{ID: a.ID, CycleID: a.CycleID, AssignmentID: a.AssignmentID, EvaluatorID: a.EvaluatorID,
		EvaluatorName: l.Evaluator, CadreID: a.CadreID, CadreName: l.Cadre.Name, RaterType: a.RaterType, Comment: a.Comment, Version: a.Version,
		SubmittedAt: a.SubmittedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
		Scores: scoresResponse{Morality: a.Morality, Ability: a.Ability, Diligence: a.Diligence, Achievement: a.Achievement, Integrity: a.Integrity}}
}

func (h *handlers) submitAppraisal(c *gin.Context, in *submitAppraisalRequest) (appraisalResponse, error) {
	a, err := h.s.Appraisals.Submit(ctx(c), me(c), in.CycleID, appraisal.Submission{CadreID: in.CadreID,
		Scores: appraisal.Scores(in.Scores), Comment: in.Comment})
	if err != nil {
		return appraisalResponse{}, err
	}
	return toAppraisalResponse(a), nil
}

func (h *handlers) reviseAppraisal(c *gin.Context, in *reviseAppraisalRequest) (appraisalResponse, error) {
	a, err := h.s.Appraisals.Revise(ctx(c), me(c), in.CycleID, in.AppraisalID, appraisal.Revision{Scores: appraisal.Scores(in.Scores),
		Comment: in.Comment, Version: in.Version})
	if err != nil {
		return appraisalResponse{}, err
	}
	return toAppraisalResponse(a), nil
}

type listAppraisalsQuery struct {
	CycleID int64 `path:"id"`
	paging
	CadreID     *int64 `query:"cadre_id" doc:"appraisals of this cadre"`
	EvaluatorID *int64 `query:"evaluator_id" doc:"appraisals by this evaluator"`
}

func (h *handlers) listAppraisals(c *gin.Context, in *listAppraisalsQuery) (list[appraisalResponse], error) {
	f := appraisal.AppraisalFilter{Page: in.page(), CadreID: in.CadreID, EvaluatorID: in.EvaluatorID}
	rows, total, err := h.s.Appraisals.ListAppraisals(ctx(c), me(c), in.CycleID, f)
	return newList(rows, total, in.page(), toAppraisalResponse), err
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
	CadreName     string            `json:"cadre_name"`
	UnitID        int64             `json:"unit_id"` // the cadre's unit
	UnitName      string            `json:"unit_name"`
	Score         score             `json:"score"`
	Grade         string            `json:"grade" enum:"grades"`
	ProposedGrade string            `json:"proposed_grade" enum:"grades"`
	Reasons       []string          `json:"reasons" enum:"grade_reasons"`
	Raters        ratersResponse    `json:"raters"`
	Override      *overrideResponse `json:"override,omitempty"`
	Regraded      *regradedResponse `json:"regraded,omitempty"` // 补定等次, where made
}

// overrideResponse is a reviewer's override of one result: the grade, why,
// who and when.
type overrideResponse struct {
	Grade  string    `json:"grade" enum:"grades"`
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
}

// score is a score on the wire: a JSON number with at most two decimals
// (79.69, 80.5, 80), the shortest form of the exact value, never a float's
// approximation and never a string.
type score appraisal.Score

func (s score) MarshalJSON() ([]byte, error) { return []byte(appraisal.Score(s).String()), nil }

type resultsResponse struct {
	CycleID int64            `json:"cycle_id"`
	Status  string           `json:"status" enum:"cycle_statuses"`
	Items   []resultResponse `json:"items"`
	Missing []int64          `json:"missing"`
}

func toResultsResponse(r *appraisal.CycleResults) resultsResponse {
	out := resultsResponse{CycleID: r.Cycle.ID, Status: r.Cycle.Status, Items: make([]resultResponse, len(r.Items)), Missing: r.Missing}
	for i, it := range r.Items {
		out.Items[i] = resultResponse{CadreID: it.CadreID, CadreName: it.Cadre.Name, UnitID: it.Cadre.UnitID, UnitName: it.Cadre.UnitName, Score: score(it.Score), Grade: it.Grade, ProposedGrade: it.ProposedGrade,
			Reasons: it.Reasons, Raters: ratersResponse{Superior: it.Raters.Superior, Peer: it.Raters.Peer, Subordinate: it.Raters.Subordinate}}
		if o := it.Override; o != nil {
			out.Items[i].Override = &overrideResponse{Grade: o.Grade, Reason: o.Reason, By: o.By, ByName: o.ByName, At: o.At.UTC()}
		}
		out.Items[i].Regraded = toRegradedResponse(it.Regraded)
	}
	return out
}

func (h *handlers) getResults(c *gin.Context, in *byID) (resultsResponse, error) {
	return answer(toResultsResponse)(h.s.Appraisals.Results(ctx(c), me(c), in.ID))
}

func (h *handlers) getResultsXLSX(c *gin.Context, in *byID) (*sheet.Book, error) {
	return h.s.Appraisals.Workbook(ctx(c), me(c), in.ID)
}
