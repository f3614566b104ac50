package appraisal

import (
	"cmp"
	"fmt"
	"slices"
)

// Cycle kinds (SPEC 7).
const (
	KindOrdinary = "ordinary" // 平时考核
	KindAnnual   = "annual"   // 年度考核
	KindSpecial  = "special"  // 专项考核
	KindTerm     = "term"     // 任期考核
)

// Kinds lists the cycle kinds.
var Kinds = []string{KindOrdinary, KindAnnual, KindSpecial, KindTerm}

// ValidKind tells whether k is a cycle kind.
func ValidKind(k string) bool { return slices.Contains(Kinds, k) }

// GradeUngraded is 不定等次, the same in every kind of cycle.
const GradeUngraded = "ungraded"

// Grade names of annual, special and term cycles.
const (
	GradeExcellent      = "excellent"       // 优秀
	GradeCompetent      = "competent"       // 称职
	GradeBasicCompetent = "basic_competent" // 基本称职
	GradeIncompetent    = "incompetent"     // 不称职
)

// Grade names of ordinary cycles (平时考核).
const (
	GradeGood       = "good"        // 好
	GradeFairlyGood = "fairly_good" // 较好
	GradeAverage    = "average"     // 一般
	GradePoor       = "poor"        // 较差
)

// scale is one kind's grade names, from the top down.
type scale struct{ top, second, third, bottom string }

func scaleOf(kind string) scale {
	// 公务员考核规定 art. 8 names 好/较好/一般/较差 for 平时考核; the other
	// kinds use the annual grades.
	if kind == KindOrdinary {
		return scale{GradeGood, GradeFairlyGood, GradeAverage, GradePoor}
	}
	return scale{GradeExcellent, GradeCompetent, GradeBasicCompetent, GradeIncompetent}
}

// Grades lists the grades a cycle of kind may give, top first, then ungraded.
func Grades(kind string) []string {
	s := scaleOf(kind)
	return []string{s.top, s.second, s.third, s.bottom, GradeUngraded}
}

// TopGrade is the grade the quota limits: excellent, or good in ordinary cycles.
func TopGrade(kind string) string { return scaleOf(kind).top }

// ValidGrade tells whether g is a grade of a cycle of kind.
func ValidGrade(kind, g string) bool { return slices.Contains(Grades(kind), g) }

// Cut-offs, compared with the rounded score (SPEC 7).
const (
	cutBasic     Score = 6000 // below: incompetent / poor
	cutCompetent Score = 7000 // below: basic_competent / average
	cutTop       Score = 9000 // at or above: may take a quota place
)

// byScore is the grade the score alone gives, before quota and bars.
func (s scale) byScore(score Score) string {
	switch {
	case score < cutBasic:
		return s.bottom
	case score < cutCompetent:
		return s.third
	}
	return s.second
}

// Reasons a result carries.
const (
	ReasonQuotaTie           = "quota_tie"
	ReasonSanctionInPeriod   = "sanction_in_period"
	ReasonUnderInvestigation = "under_investigation"
)

// reasonOrder is the order reasons are listed in, whatever the input order.
var reasonOrder = []string{ReasonSanctionInPeriod, ReasonUnderInvestigation, ReasonQuotaTie}

// Reasons lists every reason a result may carry (vocabulary grade_reasons).
func Reasons() []string { return slices.Clone(reasonOrder) }

// Bar is one effect of a sanction or an investigation on one cadre's grade.
// The sanction table (which sanction, which year, which effect) lives in the
// sanction service; it hands its verdicts here as Bars.
type Bar struct {
	// Grade forces the grade: "" (none), "ungraded" or "incompetent" (in an
	// ordinary cycle, "incompetent" gives the bottom grade, poor).
	Grade string
	// NoTop bars the top grade (excellent, or good).
	NoTop bool
	// Reason is sanction_in_period or under_investigation.
	Reason string
	// FlagID is the flag that bars: a 409 grade_forced names it.
	FlagID int64
}

func (b Bar) check(id int64) error {
	switch {
	case b.Grade != "" && b.Grade != GradeUngraded && b.Grade != GradeIncompetent:
		return fmt.Errorf("bar on cadre %d forces grade %q", id, b.Grade)
	case b.Reason != ReasonSanctionInPeriod && b.Reason != ReasonUnderInvestigation:
		return fmt.Errorf("bar on cadre %d has reason %q", id, b.Reason)
	case b.Grade == "" && !b.NoTop:
		return fmt.Errorf("bar on cadre %d bars nothing", id)
	}
	return nil
}

// Result is one appraised cadre's result.
type Result struct {
	CadreID int64
	// Score is shown even when a bar forces the grade.
	Score         Score
	ProposedGrade string
	// FinalGrade is empty until Finalize.
	FinalGrade string
	// Reasons is never nil, so it encodes as [] when empty.
	Reasons []string
	Raters  Raters
	// OverrideReason is set by Finalize on the cadres it overrides.
	OverrideReason string
}

// Barred tells whether a sanction or an investigation bars the cadre from
// the top grade. Every bar lists its reason, so the reasons say it, also
// on results read back from the database.
func (r Result) Barred() bool {
	return slices.Contains(r.Reasons, ReasonSanctionInPeriod) || slices.Contains(r.Reasons, ReasonUnderInvestigation)
}

// Results are a cycle's results: the appraised cadres, highest score first
// then by cadre id, and the cadres assigned but never appraised, by id.
type Results struct {
	Items   []Result
	Missing []int64
}

// Input is what Propose needs from a closed cycle.
type Input struct {
	Kind     string
	QuotaPct int // excellent_quota_pct, 0–100
	// Assigned lists the cadres with an assignment (repeats are fine); those
	// without an appraisal are Missing.
	Assigned   []int64
	Appraisals []Appraisal
	// Bars lists the bars on each cadre; several combine.
	Bars map[int64][]Bar
}

// Quota is the number of top grades a cycle may give: floor(pct × appraised
// / 100), where appraised counts the cadres with at least one appraisal
// (SPEC 7). 20% of 7 is 1; of 4, 0.
func Quota(pct, appraised int) int { return pct * appraised / 100 }

// Propose computes the proposed results of a cycle at close.
//
// Each appraised cadre gets the grade its rounded score gives (< 60 the
// bottom, < 70 the third, else the second grade). A bar's forced grade then
// replaces it (incompetent before ungraded when both apply). The top grade
// goes to cadres with a score of 90 or more that no bar touches, highest
// first, up to the quota; see allocateTop for ties.
func Propose(in Input) (Results, error) {
	if !ValidKind(in.Kind) {
		return Results{}, fmt.Errorf("cycle kind %q", in.Kind)
	}
	if in.QuotaPct < 0 || in.QuotaPct > 100 {
		return Results{}, fmt.Errorf("excellent quota %d%%, outside 0-100", in.QuotaPct)
	}
	scored, err := ScoreAll(in.Appraisals)
	if err != nil {
		return Results{}, err
	}
	sc := scaleOf(in.Kind)
	items := make([]Result, len(scored))
	var candidates []int // indexes into items
	for i, s := range scored {
		r := Result{CadreID: s.CadreID, Score: s.Score, Raters: s.Raters, ProposedGrade: sc.byScore(s.Score)}
		forced, noTop, reasons, err := combine(s.CadreID, in.Bars[s.CadreID])
		if err != nil {
			return Results{}, err
		}
		switch forced {
		case GradeIncompetent:
			r.ProposedGrade = sc.bottom
		case GradeUngraded:
			r.ProposedGrade = GradeUngraded
		}
		r.Reasons = reasons
		items[i] = r
		if forced == "" && !noTop && s.Score >= cutTop {
			candidates = append(candidates, i)
		}
	}
	top, tied := allocateTop(items, candidates, Quota(in.QuotaPct, len(items)))
	for _, i := range top {
		items[i].ProposedGrade = sc.top
	}
	for _, i := range tied {
		items[i].Reasons = addReason(items[i].Reasons, ReasonQuotaTie)
	}
	sortResults(items)
	return Results{Items: items, Missing: missing(in.Assigned, scored)}, nil
}

// combine folds a cadre's bars into one forced grade (incompetent before
// ungraded: a decided sanction's grade is not suspended by a pending case),
// whether the top grade is barred, and the reasons, in their fixed order.
func combine(id int64, bars []Bar) (forced string, noTop bool, reasons []string, err error) {
	reasons = []string{}
	for _, b := range bars {
		if err := b.check(id); err != nil {
			return "", false, nil, err
		}
		if b.Grade == GradeIncompetent || (b.Grade == GradeUngraded && forced == "") {
			forced = b.Grade
		}
		noTop = noTop || b.NoTop
		reasons = addReason(reasons, b.Reason)
	}
	return forced, noTop, reasons, nil
}

// addReason adds r once, keeping reasonOrder.
func addReason(rs []string, r string) []string {
	if slices.Contains(rs, r) {
		return rs
	}
	rs = append(rs, r)
	slices.SortFunc(rs, func(a, b string) int {
		return cmp.Compare(slices.Index(reasonOrder, a), slices.Index(reasonOrder, b))
	})
	return rs
}

// allocateTop picks, among the candidates (indexes into items), those who
// take the quota's places, and those tied at the cut-off.
//
// Candidates are ranked by score, highest first. When they fit the quota,
// all take a place. Otherwise let c be the score of the first candidate
// beyond the quota: candidates above c take a place; when the last place
// would go to a score of c too, everyone at c is tied at the cut-off and
// none of them takes a place (reason quota_tie): the rules give no way to
// choose among equal scores. The places a tie leaves empty stay empty;
// candidates below c are not promoted into them, as that would rank them
// above colleagues who scored better.
func allocateTop(items []Result, candidates []int, quota int) (top, tied []int) {
	slices.SortFunc(candidates, func(a, b int) int { return cmp.Compare(items[b].Score, items[a].Score) })
	if len(candidates) <= quota {
		return candidates, nil
	}
	c := items[candidates[quota]].Score
	for _, i := range candidates {
		if items[i].Score > c {
			top = append(top, i)
		}
	}
	if quota > 0 && items[candidates[quota-1]].Score == c {
		for _, i := range candidates {
			if items[i].Score == c {
				tied = append(tied, i)
			}
		}
	}
	return top, tied
}

// sortResults orders results highest score first, then by cadre id.
func sortResults(items []Result) {
	slices.SortFunc(items, func(a, b Result) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.CadreID, b.CadreID)
	})
}

// missing lists, by id and once each, the assigned cadres with no appraisal.
func missing(assigned []int64, scored []Scored) []int64 {
	seen := make(map[int64]bool, len(scored))
	for _, s := range scored {
		seen[s.CadreID] = true
	}
	out := []int64{}
	for _, id := range assigned {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
