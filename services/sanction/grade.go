package sanction

import (
	"efile/services/civil"
)

// Effect is what sanctions do to one cadre's grade in one cycle.
type Effect struct {
	// Grade replaces the computed grade: "", GradeUngraded or
	// GradeIncompetent.
	Grade string
	// NoTop bars the top grade (excellent, or good in ordinary cycles), also
	// against a reviewer's override at finalize. Any effect at all implies it.
	NoTop bool
}

// None tells whether the effect leaves the grade alone.
func (e Effect) None() bool { return e == Effect{} }

// GradeEffect is the effect on an annual cycle of year cycleYear of a
// sanction of type t decided in decisionYear (the calendar year of
// decided_on), by the table of SPEC section 7. Sources (docs/regulations.md
// section 2.2): government sanctions, 公务员考核规定 (2020) art. 29 (rows
// 28, 29, checked); party sanctions, 中央纪委、中组部、人事部 组通字〔1998〕19号
// items 1–5 (rows 31–35, checked; 严重警告 ungraded in every case per the
// 2016 中组部 reply, secondary, row 32); 诫勉 and 组织处理: secondary lists
// only (rows 36, 37); 停职检查 and 开除: local (section 4).
//
//	warning, party warning, 诫勉, 停职检查, 调整职务   not excellent that year
//	记过, 严重警告, 免职, 降职                         ungraded that year
//	记大过, 降级, 撤职                                 ungraded that year and the next
//	撤销党内职务                                       incompetent that year
//	留党察看一年                                       incompetent, then ungraded one year
//	留党察看二年, 开除党籍                              incompetent, then ungraded two years
//	开除 (our choice; not in the SPEC table)           ungraded that year
//
// An unknown type has no effect. Only sanctions in effect count (never a
// revoked one); that is the caller's filter.
func GradeEffect(t Type, decisionYear, cycleYear int) Effect {
	r, ok := Lookup(t)
	if !ok {
		return Effect{}
	}
	switch cycleYear - decisionYear {
	case 0:
		switch r.tier {
		case noTopThatYear:
			return Effect{NoTop: true}
		case ungradedThatYear, ungradedTwoYears:
			return Effect{Grade: GradeUngraded, NoTop: true}
		case incompetentThatYear, incompetentThenUngraded, incompetentThenTwoUngraded:
			return Effect{Grade: GradeIncompetent, NoTop: true}
		}
	case 1:
		switch r.tier {
		case ungradedTwoYears, incompetentThenUngraded, incompetentThenTwoUngraded:
			return Effect{Grade: GradeUngraded, NoTop: true}
		}
	case 2:
		if r.tier == incompetentThenTwoUngraded {
			return Effect{Grade: GradeUngraded, NoTop: true}
		}
	}
	return Effect{}
}

// PeriodEffect is the effect on a cycle of another kind than annual
// (ordinary, special, term) running from periodStart to periodEnd
// (inclusive): SPEC section 7 says a sanction decided inside the
// cycle period bars the top grade, whatever its type. An unknown type has no
// effect.
func PeriodEffect(t Type, decidedOn, periodStart, periodEnd civil.Date) Effect {
	if _, ok := Lookup(t); !ok {
		return Effect{}
	}
	if !decidedOn.Before(periodStart) && !decidedOn.After(periodEnd) {
		return Effect{NoTop: true}
	}
	return Effect{}
}

// Combine folds the effects of several sanctions on one cadre in one cycle:
// the heaviest wins (SPEC 7; docs/regulations.md row 38: 按照对其年度考核结果
// 影响较重的处理处分确定): incompetent outranks ungraded, which outranks "not
// excellent", and any effect bars the top grade.
func Combine(effects ...Effect) Effect {
	var out Effect
	for _, e := range effects {
		out.NoTop = out.NoTop || e.NoTop
		if gradeRank(e.Grade) > gradeRank(out.Grade) {
			out.Grade = e.Grade
		}
	}
	return out
}

func gradeRank(g string) int {
	switch g {
	case GradeIncompetent:
		return 2
	case GradeUngraded:
		return 1
	}
	return 0
}
