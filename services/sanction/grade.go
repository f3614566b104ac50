package sanction

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
// decided_on), by the table of SPEC section 7 (公务员考核规定 2020 and the
// rules on appraising sanctioned civil servants):
//
//	warning, party warning, 诫勉, 调整职务      not excellent that year
//	记过, 严重警告, 免职, 降职                  ungraded that year
//	记大过, 降级, 撤职                          ungraded that year and the next
//	撤销党内职务                                incompetent that year
//	留党察看 (1 or 2 years), 开除党籍            incompetent that year, ungraded the next
//	开除 (our choice; not in the SPEC table)    ungraded that year
//
// An unknown type has no effect. Only sanctions on substantiated or resolved
// flags count; that is the caller's filter.
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
		case incompetentThatYear, incompetentThenUngraded:
			return Effect{Grade: GradeIncompetent, NoTop: true}
		}
	case 1:
		switch r.tier {
		case ungradedTwoYears, incompetentThenUngraded:
			return Effect{Grade: GradeUngraded, NoTop: true}
		}
	}
	return Effect{}
}

// PeriodEffect is the effect on a cycle of another kind than annual
// (ordinary, special, term) running from periodStart to periodEnd
// (inclusive, YYYY-MM-DD): SPEC section 7 says a sanction decided inside the
// cycle period bars the top grade, whatever its type. An unknown type has no
// effect.
func PeriodEffect(t Type, decidedOn, periodStart, periodEnd string) Effect {
	if _, ok := Lookup(t); !ok {
		return Effect{}
	}
	// Dates in YYYY-MM-DD compare as strings.
	if periodStart <= decidedOn && decidedOn <= periodEnd {
		return Effect{NoTop: true}
	}
	return Effect{}
}

// Combine folds the effects of several sanctions on one cadre in one cycle:
// incompetent outranks ungraded (it is the harsher outcome and the explicit
// one), and any effect bars the top grade.
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
