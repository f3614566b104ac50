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
	CadreID      int64            `json:"cadre_id"`
	Kind         string           `json:"kind"`
	Severity     string           `json:"severity"`
	Summary      string           `json:"summary"`
	Detail       string           `json:"detail"`
	OccurredOn   civil.Date       `json:"occurred_on"`
	PetitionType *string          `json:"petition_type"`
	Reporter     *string          `json:"reporter"`
	Sanction     *sanctionRequest `json:"sanction"`
	Specific     *bool            `json:"specific"` // report petitions only; default false
}

type sanctionRequest struct {
	Type         string     `json:"type"`
	DecidedOn    civil.Date `json:"decided_on"`
	PeriodMonths *int       `json:"period_months"`
}

type updateFlagRequest struct {
	ID      int64  `path:"id" json:"-"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

type sanctionResponse struct {
	Type           string  `json:"type"`
	DecidedOn      string  `json:"decided_on"`
	PeriodMonths   *int    `json:"period_months"` // as the decision states it; null: the type's default
	InfluenceUntil *string `json:"influence_until"`
}

// flagResponse is a flag as the viewer may see it. Detail and reporter (the
// case file) are present only for the flag's source department.
type flagResponse struct {
	ID             int64             `json:"id"`
	CadreID        int64             `json:"cadre_id"`
	CadreName      string            `json:"cadre_name"`
	UnitName       string            `json:"unit_name"` // the cadre's unit
	Source         string            `json:"source"`
	Kind           string            `json:"kind"`
	Severity       string            `json:"severity"`
	Summary        string            `json:"summary"`
	Detail         *string           `json:"detail,omitempty"`
	OccurredOn     string            `json:"occurred_on"`
	PetitionType   *string           `json:"petition_type"`
	Specific       bool              `json:"specific"`
	Reporter       *string           `json:"reporter,omitempty"`
	Sanction       *sanctionResponse `json:"sanction"`
	InfluenceUntil *string           `json:"influence_until"`
	Status         string            `json:"status"`
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
	To      string    `json:"to"`
	Note    string    `json:"note"`
}

// flagDetailResponse is one flag with its history, oldest change first.
type flagDetailResponse struct {
	flagResponse
	History []flagEventResponse `json:"history"`
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
		CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt.UTC(), UpdatedAt: f.UpdatedAt.UTC()}
	if f.SanctionType != nil {
		out.Sanction = &sanctionResponse{Type: *f.SanctionType, PeriodMonths: f.PeriodMonths, InfluenceUntil: f.InfluenceUntil}
		if f.DecidedOn != nil {
			out.Sanction.DecidedOn = *f.DecidedOn
		}
	}
	return out
}

func toFlagDetailResponse(v *flag.View) flagDetailResponse {
	out := flagDetailResponse{flagResponse: toFlagResponse(v), History: make([]flagEventResponse, len(v.History))}
	for i, e := range v.History {
		out.History[i] = flagEventResponse{ActorID: e.ActorID, Actor: e.Actor, At: e.At.UTC(), From: e.From, To: e.To, Note: e.Note}
	}
	return out
}

func (h *handlers) createFlag(c *gin.Context, in *createFlagRequest) (flagDetailResponse, error) {
	n := flag.New{CadreID: in.CadreID, Kind: in.Kind, Severity: in.Severity, Summary: in.Summary, Detail: in.Detail,
		OccurredOn: in.OccurredOn.String(), PetitionType: in.PetitionType, Reporter: in.Reporter, Specific: in.Specific}
	if in.Sanction != nil {
		n.Sanction = &flag.NewSanction{Type: in.Sanction.Type, DecidedOn: in.Sanction.DecidedOn.String(), PeriodMonths: in.Sanction.PeriodMonths}
	}
	v, err := h.s.Flags.Create(ctx(c), me(c), n)
	if err != nil {
		return flagDetailResponse{}, err
	}
	return toFlagDetailResponse(v), nil
}

func (h *handlers) getFlag(c *gin.Context, in *byID) (flagDetailResponse, error) {
	v, err := h.s.Flags.Get(ctx(c), me(c), in.ID)
	if err != nil {
		return flagDetailResponse{}, err
	}
	return toFlagDetailResponse(v), nil
}

func (h *handlers) updateFlag(c *gin.Context, in *updateFlagRequest) (flagDetailResponse, error) {
	v, err := h.s.Flags.Update(ctx(c), me(c), in.ID, flag.Change{Status: in.Status, Note: in.Note, Version: in.Version})
	if err != nil {
		return flagDetailResponse{}, err
	}
	return toFlagDetailResponse(v), nil
}

type listFlagsQuery struct {
	paging
	CadreID *int64 `query:"cadre_id" doc:"flags of this cadre"`
	Status  string `query:"status" doc:"open, verifying, substantiated, unsubstantiated or resolved"`
	Source  string `query:"source" doc:"discipline, audit, petition or inspection (an auditor naming another department gets an empty list)"`
	Kind    string `query:"kind" doc:"clue, investigation, sanction, audit_finding, petition or inquiry"`
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
