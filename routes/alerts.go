package routes

import (
	"time"

	"efile/services/civil"
	"efile/services/oversight"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

// The alerts of SPEC 14 and the top-leader oversight of SPEC 15, rows of
// the route table (table.go) like any other.

const alertScope = "Each role its own kinds (SPEC 14). Nobody: alerts about their own cadre record (recusal). Auditors: their own department's flags only."

const oversightScope = "The active top leaders of the unit and its sub-units (every unit without unit_id). Nobody: their own cadre record (recusal)."

func (h *handlers) alertRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/alerts", Summary: "The caller's alerts, the most urgent first (at most 200; total counts all), messages in the caller's language",
			Op: readOp(h.listAlerts), Scope: alertScope},
		{Method: "GET", Path: "/api/v1/oversight/top-leaders", Summary: "Top-leader oversight (一把手监督): a row per active top leader and a summary",
			Op: readOp(h.topLeaders), Scope: oversightScope},
		{Method: "GET", Path: "/api/v1/oversight/top-leaders.xlsx", Summary: "Top-leader oversight as a printable workbook (A4 landscape; the summary on a second sheet)",
			Op: workbookOp(h.topLeadersXLSX), Scope: oversightScope, Limit: limitExport, Errors: []int{429}},
	}
}

// alertResponse is one alert; the ids name the object it is about.
type alertResponse struct {
	Kind      string      `json:"kind" enum:"alert_kinds"`
	Severity  string      `json:"severity" enum:"severities"`
	Message   string      `json:"message"`
	DueOn     *civil.Date `json:"due_on,omitempty"`
	Count     *int64      `json:"count,omitempty"`
	CadreID   *int64      `json:"cadre_id,omitempty"`
	CycleID   *int64      `json:"cycle_id,omitempty"`
	FlagID    *int64      `json:"flag_id,omitempty"`
	RequestID *int64      `json:"request_id,omitempty"`
}

type alertsResponse struct {
	Items []alertResponse `json:"items"`
	Total int64           `json:"total"`
}

func (h *handlers) listAlerts(c *gin.Context, _ *noInput) (alertsResponse, error) {
	l, err := h.s.Alerts.List(ctx(c), me(c))
	if err != nil {
		return alertsResponse{}, err
	}
	p := printerFor(c)
	out := alertsResponse{Items: make([]alertResponse, len(l.Items)), Total: l.Total}
	for i, a := range l.Items {
		out.Items[i] = alertResponse{Kind: a.Kind, Severity: a.Severity, Message: localize(p, a.Message), DueOn: a.DueOn, Count: a.Count,
			CadreID: a.CadreID, CycleID: a.CycleID, FlagID: a.FlagID, RequestID: a.RequestID}
	}
	return out, nil
}

type oversightQuery struct {
	UnitID *int64 `query:"unit_id" doc:"the top leaders of this unit and its sub-units"`
	Year   *int   `query:"year" min:"1949" max:"9999" doc:"flags and findings with occurred_on in this year or before; sanctions and tenure at its end or today, whichever is earlier (default: the current year)"`
}

func (q *oversightQuery) query() oversight.Query {
	out := oversight.Query{UnitID: q.UnitID}
	if q.Year != nil {
		out.Year = *q.Year
	}
	return out
}

type oversightSummary struct {
	Leaders                 int64            `json:"leaders"`
	WithOpenFlags           int64            `json:"with_open_flags"`
	WithActiveSanction      int64            `json:"with_active_sanction"`
	WithUnrectifiedFindings int64            `json:"with_unrectified_findings"`
	Tenure9yOrMore          int64            `json:"tenure_9y_or_more"`
	Grades                  map[string]int64 `json:"grades"`
}

type oversightFindings struct {
	Direct                 int64 `json:"direct"`
	Leadership             int64 `json:"leadership"`
	Unrectified            int64 `json:"unrectified"`
	EconomicResponsibility int64 `json:"economic_responsibility"`
}

type oversightMatters struct {
	CheckedOn civil.Date `json:"checked_on"`
	Result    string     `json:"result" enum:"personal_matters_results"`
}

type oversightGrade struct {
	Year  int    `json:"year"`
	Grade string `json:"grade" enum:"grades"`
}

type oversightVetting struct {
	Verdict   string    `json:"verdict" enum:"verdicts"`
	CheckedAt time.Time `json:"checked_at"`
}

type oversightLeader struct {
	CadreID                  int64             `json:"cadre_id"`
	Name                     string            `json:"name"`
	UnitID                   int64             `json:"unit_id"`
	UnitName                 string            `json:"unit_name"`
	Position                 string            `json:"position"`
	AppointedOn              civil.Date        `json:"appointed_on"`
	TenureYears              int               `json:"tenure_years"`
	OpenFlags                map[string]int64  `json:"open_flags"`
	ActiveSanction           bool              `json:"active_sanction"`
	Findings                 oversightFindings `json:"findings"`
	LastPersonalMattersCheck *oversightMatters `json:"last_personal_matters_check"`
	Grades                   []oversightGrade  `json:"grades"`
	LastVetting              *oversightVetting `json:"last_vetting"`
}

type oversightResponse struct {
	Year    int               `json:"year"`
	AsOf    civil.Date        `json:"as_of"`
	Summary oversightSummary  `json:"summary"`
	Items   []oversightLeader `json:"items"`
}

func toOversightResponse(r *oversight.Report) oversightResponse {
	s := r.Summary
	out := oversightResponse{Year: r.Year, AsOf: r.AsOf, Items: make([]oversightLeader, len(r.Leaders)),
		Summary: oversightSummary{Leaders: s.Leaders, WithOpenFlags: s.WithOpenFlags, WithActiveSanction: s.WithActiveSanction,
			WithUnrectifiedFindings: s.WithUnrectifiedFindings, Tenure9yOrMore: s.Tenure9yOrMore, Grades: s.Grades}}
	for i, l := range r.Leaders {
		o := oversightLeader{CadreID: l.CadreID, Name: l.Name, UnitID: l.UnitID, UnitName: l.UnitName, Position: l.Position,
			AppointedOn: l.AppointedOn, TenureYears: l.TenureYears, OpenFlags: l.OpenFlags, ActiveSanction: l.ActiveSanction,
			Findings: oversightFindings(l.Findings), Grades: make([]oversightGrade, len(l.Grades))}
		if m := l.LastMatters; m != nil {
			o.LastPersonalMattersCheck = &oversightMatters{CheckedOn: m.CheckedOn, Result: m.Result}
		}
		for j, g := range l.Grades {
			o.Grades[j] = oversightGrade(g)
		}
		if v := l.LastVetting; v != nil {
			o.LastVetting = &oversightVetting{Verdict: v.Verdict, CheckedAt: v.CheckedAt.UTC()}
		}
		out.Items[i] = o
	}
	return out
}

func (h *handlers) topLeaders(c *gin.Context, in *oversightQuery) (oversightResponse, error) {
	return answer(toOversightResponse)(h.s.Oversight.Build(ctx(c), me(c), in.query()))
}

func (h *handlers) topLeadersXLSX(c *gin.Context, in *oversightQuery) (*sheet.Book, error) {
	return h.s.Oversight.Workbook(ctx(c), me(c), in.query())
}
