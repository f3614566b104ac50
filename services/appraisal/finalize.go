package appraisal

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"efile/services/errs"
)

// Override is a reviewer's change of one cadre's grade at finalize.
type Override struct {
	CadreID int64
	Grade   string
	Reason  string
}

// maxOverrideReason bounds an override's reason, in characters, as the
// reason of a record's amendment is bounded.
const maxOverrideReason = 1000

// checkOverride checks one override on its own: a grade of the cycle's
// kind and a reason of 1–1000 characters; f prefixes the field names.
func checkOverride(v *errs.Validation, f string, o Override, kind string) {
	if !ValidGrade(kind, o.Grade) {
		v.Add(f+"grade", "must be one of %s for a cycle of kind %s", strings.Join(Grades(kind), ", "), kind)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(o.Reason)); n == 0 || n > maxOverrideReason {
		v.Add(f+"reason", "give the reason for the change, 1-%d characters", maxOverrideReason)
	}
}

// CheckOverrides checks each override on its own (400, every bad field
// named overrides[i].field), before the cycle's state and results are
// looked at.
func CheckOverrides(overrides []Override, kind string) error {
	v := &errs.Validation{}
	for i, o := range overrides {
		f := fmt.Sprintf("overrides[%d].", i)
		if o.CadreID < 1 {
			v.Add(f+"cadre_id", "is required: the cadre whose grade changes")
		}
		checkOverride(v, f, o, kind)
	}
	return v.Err()
}

// Finalize gives every result its final grade: the override's when there is
// one (with its reason), else the proposed grade. It returns new results in
// the results order and leaves its arguments unchanged.
//
// The overrides are checked in SPEC order. First each on its own (400,
// every bad field named): a cadre among the results (one override each), a
// grade of the cycle's kind, a reason of 1–1000 characters. Then against
// the rules (409): a grade that a sanction or an investigation forces (bars,
// as they stand at finalize) is not discretionary: grade_forced (Forced); and the quota counts the final grades,
// so a downgrade frees a place, and more top grades than the quota allows
// is quota_exceeded.
func Finalize(results []Result, overrides []Override, quotaPct int, kind string, bars map[int64][]Bar) ([]Result, error) {
	if !ValidKind(kind) {
		return nil, fmt.Errorf("cycle kind %q", kind)
	}
	if quotaPct < 0 || quotaPct > 100 {
		return nil, fmt.Errorf("excellent quota %d%%, outside 0-100", quotaPct)
	}
	at := make(map[int64]int, len(results))
	for i, r := range results {
		at[r.CadreID] = i
	}
	v := &errs.Validation{}
	byCadre := make(map[int64]Override, len(overrides))
	for i, o := range overrides {
		f := fmt.Sprintf("overrides[%d].", i)
		if _, ok := at[o.CadreID]; !ok {
			v.Add(f+"cadre_id", "cadre %d has no result in this cycle; only appraised cadres can be graded", o.CadreID)
		} else if _, dup := byCadre[o.CadreID]; dup {
			v.Add(f+"cadre_id", "cadre %d is overridden twice; give one override per cadre", o.CadreID)
		} else {
			byCadre[o.CadreID] = o
		}
		checkOverride(v, f, o, kind)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	top := TopGrade(kind)
	out := make([]Result, len(results))
	used := 0
	for i, r := range results {
		r.Reasons = append([]string{}, r.Reasons...)
		r.FinalGrade, r.OverrideReason = r.ProposedGrade, ""
		if o, ok := byCadre[r.CadreID]; ok {
			if err := Forced(kind, r.CadreID, o.Grade, bars[r.CadreID]); err != nil {
				return nil, err
			}
			r.FinalGrade, r.OverrideReason = o.Grade, strings.TrimSpace(o.Reason)
		}
		if r.FinalGrade == top {
			used++
		}
		out[i] = r
	}
	if q := Quota(quotaPct, len(results)); used > q {
		return nil, errs.Conflict("quota_exceeded", "%d cadres would be graded %s, but the quota of %d%% of %d appraised cadres allows %d",
			used, top, quotaPct, len(results), q)
	}
	sortResults(out)
	return out, nil
}

// Forced answers 409 grade_forced, naming the flag (detail flag_id), when
// grade is better than the bars on a cadre allow (SPEC 7): the top grade
// where the bar is "not excellent"; anything but the forced grade where a
// bar forces ungraded or incompetent. The heaviest bar decides.
func Forced(kind string, cadreID int64, grade string, bars []Bar) error {
	forced, noTop, _, err := combine(cadreID, bars)
	if err != nil {
		return err
	}
	want := forced
	if forced == GradeIncompetent {
		want = scaleOf(kind).bottom
	}
	switch {
	case forced != "" && grade != want:
	case forced == "" && noTop && grade == TopGrade(kind):
		want = "not " + grade
	default:
		return nil
	}
	// The bar that decides: the first forcing the grade, else the first.
	by := bars[0]
	for _, b := range bars {
		if forced != "" && b.Grade == forced {
			by = b
			break
		}
	}
	return errs.ConflictAbout("grade_forced", "flag_id", errs.M("flag %d forces this grade (%s)", by.FlagID, by.Reason),
		"cadre %d cannot be graded %s: flag %d (%s) forces %s", cadreID, grade, by.FlagID, by.Reason, want)
}
