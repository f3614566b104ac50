package routes

import (
	"time"

	"efile/services/civil"
	"efile/services/flag"

	"github.com/gin-gonic/gin"
)

// createFlagRequest has no source: it is the filer's department, and a
// body naming one is refused as an unknown field.
type createFlagRequest struct {
	CadreID      int64            `json:"cadre_id" min:"1"`
	Kind         string           `json:"kind" enum:"flag_kinds"`
	Severity     string           `json:"severity" enum:"severities"`
	Summary      string           `json:"summary" len:"1,200"`
	Detail       string           `json:"detail,omitempty" len:",5000"`
	OccurredOn   civil.Date       `json:"occurred_on"`
	PetitionType *string          `json:"petition_type" enum:"petition_types"`
	Reporter     *string          `json:"reporter" len:"1,200"`
	Sanction     *sanctionRequest `json:"sanction"`
	Specific     *bool            `json:"specific"` // report petitions only; default false
	Measure      *measureRequest  `json:"measure"`  // kind measure only
	// Audit and inspection findings only; audit_type audit findings only.
	Responsibility *string     `json:"responsibility" enum:"responsibilities"`
	AuditType      *string     `json:"audit_type" enum:"audit_types"`
	FeedbackOn     *civil.Date `json:"feedback_on"`
}

type sanctionRequest struct {
	Type         string     `json:"type" enum:"sanctions"`
	DecidedOn    civil.Date `json:"decided_on"`
	PeriodMonths *int       `json:"period_months" min:"1" max:"120"`
	Basis        *string    `json:"basis" len:"1,500"`
}

type measureRequest struct {
	Type      string     `json:"type" enum:"measure_types"`
	DecidedOn civil.Date `json:"decided_on"`
}

type updateFlagRequest struct {
	ID          int64       `path:"id" json:"-"`
	Status      string      `json:"status" enum:"flag_statuses"`
	Note        string      `json:"note,omitempty" len:",1000"`
	Version     int         `json:"version" min:"1"`
	OutcomeForm *int        `json:"outcome_form" min:"1" max:"4"` // closing a clue or an investigation
	RectifiedOn *civil.Date `json:"rectified_on"`                 // resolving a finding; default today
}

// sanctionChangeRequest is a review of a sanction (复审、复核、申诉).
type sanctionChangeRequest struct {
	ID           int64      `path:"id" json:"-"`
	Action       string     `json:"action" enum:"sanction_change_actions"`
	Type         *string    `json:"type" enum:"sanctions"`
	PeriodMonths *int       `json:"period_months" min:"1" max:"120"`
	DecidedOn    civil.Date `json:"decided_on"`
	Basis        string     `json:"basis" len:"1,500"`
}

type sanctionResponse struct {
	Type           string      `json:"type" enum:"sanctions"`
	DecidedOn      civil.Date  `json:"decided_on"`
	PeriodMonths   *int        `json:"period_months"` // as the decision states it; null: the type's default
	InfluenceUntil *civil.Date `json:"influence_until"`
	Basis          *string     `json:"basis"`
}

type measureResponse struct {
	Type      string     `json:"type" enum:"measure_types"`
	DecidedOn civil.Date `json:"decided_on"`
}

// sanctionChangeResponse is one review of a sanction, as its history keeps it.
type sanctionChangeResponse struct {
	Action             string      `json:"action" enum:"sanction_change_actions"`
	DecidedOn          civil.Date  `json:"decided_on"`
	Basis              string      `json:"basis"`
	FromType           string      `json:"from_type" enum:"sanctions"`
	ToType             string      `json:"to_type" enum:"sanctions"`
	FromPeriodMonths   *int        `json:"from_period_months"`
	ToPeriodMonths     *int        `json:"to_period_months"`
	FromInfluenceUntil *civil.Date `json:"from_influence_until"`
	ToInfluenceUntil   *civil.Date `json:"to_influence_until"`
	ActorID            int64       `json:"actor_id"`
	Actor              string      `json:"actor"`
	At                 time.Time   `json:"at"`
}

// flagResponse is a flag as the viewer may see it. Detail and reporter (the
// case file) are present only for the flag's source department.
type flagResponse struct {
	ID             int64             `json:"id"`
	CadreID        int64             `json:"cadre_id"`
	CadreName      string            `json:"cadre_name"`
	UnitName       string            `json:"unit_name"` // the cadre's unit
	Source         string            `json:"source" enum:"flag_sources"`
	Kind           string            `json:"kind" enum:"flag_kinds"`
	Severity       string            `json:"severity" enum:"severities"`
	Summary        string            `json:"summary"`
	Detail         *string           `json:"detail,omitempty"`
	OccurredOn     civil.Date        `json:"occurred_on"`
	PetitionType   *string           `json:"petition_type" enum:"petition_types"`
	Specific       bool              `json:"specific"`
	Reporter       *string           `json:"reporter,omitempty"`
	Sanction       *sanctionResponse `json:"sanction"`
	InfluenceUntil *civil.Date       `json:"influence_until"`
	Measure        *measureResponse  `json:"measure"`
	Responsibility *string           `json:"responsibility" enum:"responsibilities"`
	AuditType      *string           `json:"audit_type" enum:"audit_types"`
	FeedbackOn     *civil.Date       `json:"feedback_on"`
	RectifiedOn    *civil.Date       `json:"rectified_on"`
	OutcomeForm    *int              `json:"outcome_form" min:"1" max:"4"`
	Status         string            `json:"status" enum:"flag_statuses"`
	Version        int               `json:"version"`
	CreatedBy      int64             `json:"created_by"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

type flagEventResponse struct {
	ActorID int64     `json:"actor_id"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
	From    string    `json:"from"`
	To      string    `json:"to" enum:"flag_statuses"`
	Note    string    `json:"note"`
}

// flagDetailResponse is one flag with its history, oldest change first,
// and a sanction's reviews (sanction flags only). NextStatuses are the
// statuses it may move to (SPEC 8), for the console to offer: the
// transitions are the server's, never copied.
type flagDetailResponse struct {
	flagResponse
	History         []flagEventResponse       `json:"history"`
	NextStatuses    []string                  `json:"next_statuses" enum:"flag_statuses"`
	SanctionChanges *[]sanctionChangeResponse `json:"sanction_changes,omitempty"`
}

type flagSummaryResponse struct {
	Open           int64            `json:"open"`
	BySource       map[string]int64 `json:"by_source"`
	ActiveSanction bool             `json:"active_sanction"`
}

func toFlagResponse(v *flag.View) flagResponse {
	f := &v.Flag
	out := flagResponse{ID: f.ID, CadreID: f.CadreID, CadreName: v.Cadre.Name, UnitName: v.Cadre.UnitName, Source: f.Source, Kind: f.Kind, Severity: f.Severity,
		Summary: f.Summary, Detail: v.Detail, OccurredOn: f.OccurredOn, PetitionType: f.PetitionType,
		Specific: f.Specific, Reporter: v.Reporter, InfluenceUntil: f.InfluenceUntil, Status: f.Status, Version: f.Version,
		Responsibility: f.Responsibility, AuditType: f.AuditType, FeedbackOn: f.FeedbackOn, RectifiedOn: f.RectifiedOn,
		OutcomeForm: f.OutcomeForm, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC()}
	if f.SanctionType != nil {
		out.Sanction = &sanctionResponse{Type: *f.SanctionType, PeriodMonths: f.PeriodMonths, InfluenceUntil: f.InfluenceUntil,
			Basis: f.SanctionBasis}
		if f.DecidedOn != nil {
			out.Sanction.DecidedOn = *f.DecidedOn
		}
	}
	if f.MeasureType != nil && f.MeasureDecidedOn != nil {
		out.Measure = &measureResponse{Type: *f.MeasureType, DecidedOn: *f.MeasureDecidedOn}
	}
	return out
}

func toFlagDetailResponse(v *flag.View) flagDetailResponse {
	out := flagDetailResponse{flagResponse: toFlagResponse(v), History: make([]flagEventResponse, len(v.History)),
		NextStatuses: flag.Next(v.Flag.Status)}
	for i, e := range v.History {
		out.History[i] = flagEventResponse{ActorID: e.ActorID, Actor: e.Actor, At: e.At.UTC(), From: e.From, To: e.To, Note: e.Note}
	}
	if v.Kind == flag.KindSanction {
		changes := make([]sanctionChangeResponse, len(v.SanctionChanges))
		for i, c := range v.SanctionChanges {
			changes[i] = sanctionChangeResponse{Action: c.Action, DecidedOn: c.DecidedOn, Basis: c.Basis, FromType: c.FromType,
				ToType: c.ToType, FromPeriodMonths: c.FromPeriodMonths, ToPeriodMonths: c.ToPeriodMonths,
				FromInfluenceUntil: c.FromInfluenceUntil, ToInfluenceUntil: c.ToInfluenceUntil, ActorID: c.ActorID,
				Actor: c.Actor, At: c.At.UTC()}
		}
		out.SanctionChanges = &changes
	}
	return out
}

func (h *handlers) createFlag(c *gin.Context, in *createFlagRequest) (flagDetailResponse, error) {
	n := flag.New{CadreID: in.CadreID, Kind: in.Kind, Severity: in.Severity, Summary: in.Summary, Detail: in.Detail,
		OccurredOn: in.OccurredOn, PetitionType: in.PetitionType, Reporter: in.Reporter, Specific: in.Specific,
		Responsibility: in.Responsibility, AuditType: in.AuditType, FeedbackOn: in.FeedbackOn}
	if in.Sanction != nil {
		n.Sanction = &flag.NewSanction{Type: in.Sanction.Type, DecidedOn: in.Sanction.DecidedOn, PeriodMonths: in.Sanction.PeriodMonths,
			Basis: in.Sanction.Basis}
	}
	if in.Measure != nil {
		n.Measure = &flag.NewMeasure{Type: in.Measure.Type, DecidedOn: in.Measure.DecidedOn}
	}
	return answer(toFlagDetailResponse)(h.s.Flags.Create(ctx(c), me(c), n))
}

func (h *handlers) getFlag(c *gin.Context, in *byID) (flagDetailResponse, error) {
	return answer(toFlagDetailResponse)(h.s.Flags.Get(ctx(c), me(c), in.ID))
}

func (h *handlers) updateFlag(c *gin.Context, in *updateFlagRequest) (flagDetailResponse, error) {
	v, err := h.s.Flags.Update(ctx(c), me(c), in.ID, flag.Change{Status: in.Status, Note: in.Note, Version: in.Version,
		OutcomeForm: in.OutcomeForm, RectifiedOn: in.RectifiedOn})
	if err != nil {
		return flagDetailResponse{}, err
	}
	return toFlagDetailResponse(v), nil
}

func (h *handlers) changeSanction(c *gin.Context, in *sanctionChangeRequest) (flagDetailResponse, error) {
	v, err := h.s.Flags.ChangeSanction(ctx(c), me(c), in.ID, flag.Review{Action: in.Action, Type: in.Type,
		PeriodMonths: in.PeriodMonths, DecidedOn: in.DecidedOn, Basis: in.Basis})
	if err != nil {
		return flagDetailResponse{}, err
	}
	return toFlagDetailResponse(v), nil
}

type listFlagsQuery struct {
	paging
	CadreID *int64 `query:"cadre_id" doc:"flags of this cadre"`
	Status  string `query:"status" doc:"open, verifying, on_hold, substantiated, unsubstantiated, resolved, in_effect, revoked or recorded" enum:"flag_statuses"`
	Source  string `query:"source" doc:"discipline, audit, petition, inspection or organization (an auditor naming another department gets an empty list)" enum:"flag_sources"`
	Kind    string `query:"kind" doc:"clue, investigation, sanction, audit_finding, inspection_finding, petition, inquiry or measure" enum:"flag_kinds"`
}

func (h *handlers) listFlags(c *gin.Context, in *listFlagsQuery) (list[flagResponse], error) {
	f := flag.Filter{Page: in.page(), CadreID: in.CadreID, Status: in.Status, Source: in.Source, Kind: in.Kind}
	rows, total, err := h.s.Flags.List(ctx(c), me(c), f)
	return newList(rows, total, in.page(), toFlagResponse), err
}

func (h *handlers) flagSummary(c *gin.Context, in *byID) (flagSummaryResponse, error) {
	s, err := h.s.Flags.Summary(ctx(c), me(c), in.ID)
	if err != nil {
		return flagSummaryResponse{}, err
	}
	return flagSummaryResponse{Open: s.Open, BySource: s.BySource, ActiveSanction: s.ActiveSanction}, nil
}
