// Package sanction is the one table of sanctions and organizational measures
// (SPEC sections 7 and 8): their influence periods, the date a period ends,
// and what each does to an appraisal grade. Flags, appraisals and vetting all
// read it from here, so a local rule that differs is changed in one place.
//
// The package is pure: no database, no clock.
package sanction

import (
	"time"
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
	noTopThatYear           tier = iota + 1 // not excellent that year
	ungradedThatYear                        // 不定等次 that year
	ungradedTwoYears                        // 不定等次 that year and the next
	incompetentThatYear                     // 不称职 that year
	incompetentThenUngraded                 // 不称职 that year, 不定等次 the next
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
	tier   tier
}

// table is THE table. Order: government, party, organizational, as SPEC
// section 8 lists them (the vocabulary shows them in this order).
var table = [...]Rule{
	// 公职人员政务处分法 (2020) art. 7 (the types) and art. 8 (the periods:
	// 警告 6 months, 记过 12, 记大过 18, 降级 and 撤职 24, counted from the
	// day the decision takes effect); 开除 has no period. Art. 19 is what
	// the period means: no promotion of post, rank or grade while it runs.
	// Grade effects: 公务员考核规定 (2020) and the rules on appraising
	// sanctioned civil servants, as SPEC section 7 tabulates them.
	{Type: GovWarning, Family: Government, Label: "警告", Months: 6, tier: noTopThatYear},
	{Type: Demerit, Family: Government, Label: "记过", Months: 12, tier: ungradedThatYear},
	{Type: MajorDemerit, Family: Government, Label: "记大过", Months: 18, tier: ungradedTwoYears},
	{Type: Demotion, Family: Government, Label: "降级", Months: 24, tier: ungradedTwoYears},
	{Type: Dismissal, Family: Government, Label: "撤职", Months: 24, tier: ungradedTwoYears},
	// Not in the SPEC section 7 table: a cadre expelled from public office
	// (开除) leaves it and is no longer appraised, so the year of the decision
	// is ungraded and there is no "next year" to speak of (docs/decisions.md).
	{Type: GovExpulsion, Family: Government, Label: "开除", NoEnd: true, tier: ungradedThatYear},

	// 中国共产党纪律处分条例 arts. 10–13: no promotion in the party (nor
	// recommendation to a higher post outside it) for one year after 警告,
	// a year and a half after 严重警告, two years after 撤销党内职务; 留党察看
	// runs one or two years and is followed by two more years before a post
	// equal or higher may be held (hence 12+24 and 24+24); 开除党籍 bars
	// re-joining for five years.
	{Type: PartyWarning, Family: Party, Label: "党内警告", Months: 12, tier: noTopThatYear},
	{Type: PartySeriousWarning, Family: Party, Label: "党内严重警告", Months: 18, tier: ungradedThatYear},
	{Type: PartyRemoval, Family: Party, Label: "撤销党内职务", Months: 24, tier: incompetentThatYear},
	{Type: PartyProbation1y, Family: Party, Label: "留党察看一年", Months: 36, tier: incompetentThenUngraded},
	{Type: PartyProbation2y, Family: Party, Label: "留党察看二年", Months: 48, tier: incompetentThenUngraded},
	{Type: PartyExpulsion, Family: Party, Label: "开除党籍", Months: 60, tier: incompetentThenUngraded},

	// 党政领导干部选拔任用工作条例 (2019) art. 24(6): not considered for
	// promotion while the influence period of 诫勉, an organizational measure
	// or a sanction runs; 组织处理规定（试行）(2021) sets the periods: 诫勉
	// 6 months (local rules differ; a decision states its own period then),
	// 调整职务 one year without promotion, 免职/责令辞职 no leadership post
	// for one year and no promotion for two, 降职 two years.
	{Type: Admonishment, Family: Organizational, Label: "诫勉", Months: 6, tier: noTopThatYear},
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
func MayStatePeriod(t Type) bool {
	r, ok := Lookup(t)
	return ok && !r.NoEnd
}

// Until is the influence_until of a decision of type t taken on decidedOn,
// with the period the decision states (nil for the default). It is nil when
// the type has no end or the input is invalid: validate first.
func Until(t Type, decidedOn string, periodMonths *int) *string {
	r, ok := Lookup(t)
	if !ok || r.NoEnd {
		return nil
	}
	months := r.Months
	if periodMonths != nil {
		months = *periodMonths
	}
	u := InfluenceUntil(decidedOn, months)
	if u == "" {
		return nil
	}
	return &u
}

// InfluenceUntil returns decidedOn (YYYY-MM-DD) plus months calendar months:
// the first day the cadre is free again. A day past the end of the target
// month clamps to its last day (2025-08-31 + 6 = 2026-02-28), as periods
// counted in months are in practice. It returns "" when decidedOn is not a
// date or months is negative.
func InfluenceUntil(decidedOn string, months int) string {
	d, err := time.Parse(time.DateOnly, decidedOn)
	if err != nil || months < 0 {
		return ""
	}
	y, m, day := d.Date()
	n := int(m) - 1 + months
	y, m = y+n/12, time.Month(n%12+1)
	// Day 0 of the next month is the last day of this one.
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
