// Package sanction is the one table of sanctions and organizational measures
// (SPEC sections 7 and 8): their influence periods, the date a period ends,
// and what each does to an appraisal grade. Flags, appraisals and vetting all
// read it from here, so a local rule that differs is changed in one place.
//
// The package is pure: no database, no clock.
package sanction

import (
	"time"

	"efile/services/civil"
)

// Type is a sanction type as the API spells it.
type Type string

// Government sanctions (政务处分), organizational measures and party
// sanctions (党纪处分) of SPEC section 8.
const (
	GovWarning          Type = "gov_warning"
	Demerit             Type = "demerit"
	MajorDemerit        Type = "major_demerit"
	Demotion            Type = "demotion"
	Dismissal           Type = "dismissal"
	GovExpulsion        Type = "gov_expulsion"
	PartyWarning        Type = "party_warning"
	PartySeriousWarning Type = "party_serious_warning"
	PartyRemoval        Type = "party_removal"
	PartyProbation1y    Type = "party_probation_1y"
	PartyProbation2y    Type = "party_probation_2y"
	PartyExpulsion      Type = "party_expulsion"
	Admonishment        Type = "admonishment"
	OrgSuspension       Type = "org_suspension"
	OrgAdjustment       Type = "org_adjustment"
	OrgRemoval          Type = "org_removal"
	OrgDemotion         Type = "org_demotion"
)

// Families of sanctions.
const (
	Government     = "government"
	Party          = "party"
	Organizational = "organizational"
)

// Bounds of a period a decision states itself (SPEC section 8).
const (
	MinPeriodMonths = 1
	MaxPeriodMonths = 120
)

// Grades a sanction can impose (SPEC section 7); "" leaves the computed one.
const (
	GradeUngraded    = "ungraded"
	GradeIncompetent = "incompetent"
)

// tier is a row of the grade-effect table of SPEC section 7.
type tier int

const (
	noTopThatYear              tier = iota + 1 // not excellent that year
	ungradedThatYear                           // 不定等次 that year
	ungradedTwoYears                           // 不定等次 that year and the next
	incompetentThatYear                        // 不称职 that year
	incompetentThenUngraded                    // 不称职 that year, 不定等次 the next
	incompetentThenTwoUngraded                 // 不称职 that year, 不定等次 the next two
)

// Rule is one row of the table. It holds only values, so a Rule handed out
// is a copy the caller cannot use to change the table.
type Rule struct {
	Type   Type
	Family string
	Label  string // the Chinese name, as decisions and the console write it
	// Months is the default influence period in calendar months; 0 with
	// NoEnd when the sanction has no end.
	Months int
	NoEnd  bool
	// StatesPeriod: the type has no default period; every decision states
	// its own (停职检查).
	StatesPeriod bool
	tier         tier
}

// table is THE table. Order: government, party, organizational, as SPEC
// section 8 lists them (the vocabulary shows them in this order).
var table = [...]Rule{
	// 公职人员政务处分法 (2020) art. 7 (the types) and art. 8 (the periods:
	// 警告 6 months, 记过 12, 记大过 18, 降级 and 撤职 24, counted from the
	// day the decision takes effect); 开除 has no period. Art. 19 is what
	// the period means: no promotion of post, rank or grade while it runs.
	// The same types and periods for the sanctions an appointing body decides
	// (任免机关处分): 公务员法 arts. 62, 64. Grade effects: grade.go.
	{Type: GovWarning, Family: Government, Label: "警告", Months: 6, tier: noTopThatYear},
	{Type: Demerit, Family: Government, Label: "记过", Months: 12, tier: ungradedThatYear},
	{Type: MajorDemerit, Family: Government, Label: "记大过", Months: 18, tier: ungradedTwoYears},
	{Type: Demotion, Family: Government, Label: "降级", Months: 24, tier: ungradedTwoYears},
	{Type: Dismissal, Family: Government, Label: "撤职", Months: 24, tier: ungradedTwoYears},
	// Not in the SPEC section 7 table: a cadre expelled from public office
	// (开除) leaves it and is no longer appraised, so the year of the decision
	// is ungraded and there is no "next year" to speak of (docs/decisions.md).
	{Type: GovExpulsion, Family: Government, Label: "开除", NoEnd: true, tier: ungradedThatYear},

	// 中国共产党纪律处分条例 (2023 revision, in force 2024-01-01) arts. 10–13
	// (art. 10 checked, arts. 11–13 secondary: docs/regulations.md rows
	// 8–14): no promotion in the party (nor
	// recommendation to a higher post outside it) for one year after 警告,
	// a year and a half after 严重警告, two years after 撤销党内职务; 留党察看
	// runs one or two years and is followed by two more years before a post
	// equal or higher may be held (hence 12+24 and 24+24); 开除党籍 bars
	// re-joining for five years.
	{Type: PartyWarning, Family: Party, Label: "党内警告", Months: 12, tier: noTopThatYear},
	{Type: PartySeriousWarning, Family: Party, Label: "党内严重警告", Months: 18, tier: ungradedThatYear},
	{Type: PartyRemoval, Family: Party, Label: "撤销党内职务", Months: 24, tier: incompetentThatYear},
	{Type: PartyProbation1y, Family: Party, Label: "留党察看一年", Months: 36, tier: incompetentThenUngraded},
	{Type: PartyProbation2y, Family: Party, Label: "留党察看二年", Months: 48, tier: incompetentThenTwoUngraded},
	{Type: PartyExpulsion, Family: Party, Label: "开除党籍", Months: 60, tier: incompetentThenTwoUngraded},

	// The organization department's own decisions (SPEC 8). 党政领导干部选拔
	// 任用工作条例 (2019) art. 24(6) is what their periods mean: not considered
	// for promotion while the influence period of 诫勉, 组织处理 or a sanction
	// runs (docs/regulations.md rows 41, 19–23). 诫勉 is not 组织处理 (公务员法
	// art. 57 lists it apart; 问责条例 makes it an accountability method the
	// discipline body or the organization department decides): its 6 months
	// are a local setting, no national text fixes them (row 19). 停职检查 has
	// no default: the decision states its period (问责条例 (2019) art. 8, not
	// checked; row 20). 组织处理规定（试行）(2021), not checked against its
	// text: 调整职务 one year without promotion, 免职/责令辞职 no leadership post
	// for one year and no promotion for two, 降职 two years (rows 21–23).
	{Type: Admonishment, Family: Organizational, Label: "诫勉", Months: 6, tier: noTopThatYear},
	{Type: OrgSuspension, Family: Organizational, Label: "停职检查", StatesPeriod: true, tier: noTopThatYear},
	{Type: OrgAdjustment, Family: Organizational, Label: "调整职务", Months: 12, tier: noTopThatYear},
	{Type: OrgRemoval, Family: Organizational, Label: "免职/责令辞职", Months: 24, tier: ungradedThatYear},
	{Type: OrgDemotion, Family: Organizational, Label: "降职", Months: 24, tier: ungradedThatYear},
}

// Types lists every sanction type in the table's order. The slice is new on
// each call.
func Types() []Type {
	out := make([]Type, len(table))
	for i, r := range table {
		out[i] = r.Type
	}
	return out
}

// Lookup returns the row of t, or false for an unknown type.
func Lookup(t Type) (Rule, bool) {
	for _, r := range table {
		if r.Type == t {
			return r, true
		}
	}
	return Rule{}, false
}

// Valid tells whether s names a sanction type.
func Valid(s string) bool {
	_, ok := Lookup(Type(s))
	return ok
}

// MayStatePeriod tells whether a decision of type t may state its own
// period_months: every type with an end may; those without (开除, and
// anything unknown) may not.

// MustStatePeriod tells whether a decision of type t must state its
// period_months: those without a default (停职检查).
func MustStatePeriod(t Type) bool {
	r, ok := Lookup(t)
	return ok && r.StatesPeriod
}

func MayStatePeriod(t Type) bool {
	r, ok := Lookup(t)
	return ok && !r.NoEnd
}

// Until is the influence_until of a decision of type t taken on decidedOn,
// with the period the decision states (nil for the default). It is nil when
// the type has no end or the input is invalid: validate first.
func Until(t Type, decidedOn civil.Date, periodMonths *int) *civil.Date {
	r, ok := Lookup(t)
	if !ok || r.NoEnd {
		return nil
	}
	months := r.Months
	if periodMonths != nil {
		months = *periodMonths
	} else if r.StatesPeriod {
		return nil // validate first: the period is required
	}
	u := InfluenceUntil(decidedOn, months)
	if u.IsZero() {
		return nil
	}
	return &u
}

// InfluenceUntil returns decidedOn plus months calendar months:
// the first day the cadre is free again. A day past the end of the target
// month clamps to its last day (2025-08-31 + 6 = 2026-02-28), as periods
// counted in months are in practice. It returns no date when decidedOn is
// not a date or months is negative.
func InfluenceUntil(decidedOn civil.Date, months int) civil.Date {
	if !decidedOn.Valid() || months < 0 {
		return civil.Date{}
	}
	y, m, day := decidedOn.Time().Date()
	n := int(m) - 1 + months
	y, m = y+n/12, time.Month(n%12+1)
	// Day 0 of the next month is the last day of this one.
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	return civil.Of(time.Date(y, m, day, 0, 0, 0, 0, time.UTC), time.UTC)
}
