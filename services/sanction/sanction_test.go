package sanction

import (
	"fmt"
	"testing"

	"efile/services/civil"
)

// The defaults of SPEC section 8, one row per type.
var wantDefaults = []struct {
	t      Type
	family string
	months int // 0: no end
}{
	{GovWarning, Government, 6},
	{Demerit, Government, 12},
	{MajorDemerit, Government, 18},
	{Demotion, Government, 24},
	{Dismissal, Government, 24},
	{GovExpulsion, Government, 0},
	{PartyWarning, Party, 12},
	{PartySeriousWarning, Party, 18},
	{PartyRemoval, Party, 24},
	{PartyProbation1y, Party, 36},
	{PartyProbation2y, Party, 48},
	{PartyExpulsion, Party, 60},
	{Admonishment, Organizational, 6},
	{OrgSuspension, Organizational, -1},
	{OrgAdjustment, Organizational, 12},
	{OrgRemoval, Organizational, 24},
	{OrgDemotion, Organizational, 24},
}

func TestDefaults(t *testing.T) {
	if got := Types(); len(got) != len(wantDefaults) {
		t.Fatalf("%d types, want %d", len(got), len(wantDefaults))
	}
	for i, w := range wantDefaults {
		t.Run(string(w.t), func(t *testing.T) {
			if Types()[i] != w.t {
				t.Errorf("Types()[%d] = %s, want the SPEC order", i, Types()[i])
			}
			r, ok := Lookup(w.t)
			if !ok {
				t.Fatal("not in the table")
			}
			if r.Family != w.family || r.Label == "" {
				t.Errorf("family %q label %q", r.Family, r.Label)
			}
			if w.months == -1 {
				if r.NoEnd || !r.StatesPeriod || !MayStatePeriod(w.t) || !MustStatePeriod(w.t) {
					t.Errorf("want a period the decision states: %+v", r)
				}
				if u := Until(w.t, civil.MustParse("2025-01-15"), nil); u != nil {
					t.Errorf("Until without a period = %s, want nil", *u)
				}
				if u := Until(w.t, civil.MustParse("2025-01-15"), new(3)); u == nil || u.String() != "2025-04-15" {
					t.Errorf("Until with 3 months = %v", u)
				}
				return
			}
			if MustStatePeriod(w.t) {
				t.Error("a type with a default period must not require one")
			}
			if w.months == 0 {
				if !r.NoEnd || r.Months != 0 || MayStatePeriod(w.t) {
					t.Errorf("want no end and no stated period: %+v", r)
				}
				if u := Until(w.t, civil.MustParse("2025-01-15"), nil); u != nil {
					t.Errorf("Until = %s, want nil (no end)", *u)
				}
				return
			}
			if r.NoEnd || r.Months != w.months || !MayStatePeriod(w.t) {
				t.Errorf("got %+v, want %d months and a stated period allowed", r, w.months)
			}
			want := InfluenceUntil(civil.MustParse("2025-01-15"), w.months)
			if u := Until(w.t, civil.MustParse("2025-01-15"), nil); u == nil || *u != want {
				t.Errorf("Until default = %v, want %s", u, want)
			}
			three := 3
			if u := Until(w.t, civil.MustParse("2025-01-15"), &three); u == nil || u.String() != "2025-04-15" {
				t.Errorf("Until with period_months 3 = %v, want 2025-04-15", u)
			}
		})
	}
}

func TestUnknownType(t *testing.T) {
	for _, s := range []string{"", "warning", "GOV_WARNING", "gov_warning "} {
		if Valid(s) || MayStatePeriod(Type(s)) || Until(Type(s), civil.MustParse("2025-01-01"), nil) != nil {
			t.Errorf("%q is treated as a known type", s)
		}
		if !GradeEffect(Type(s), 2025, 2025).None() || !PeriodEffect(Type(s), civil.MustParse("2025-03-01"), civil.MustParse("2025-01-01"), civil.MustParse("2025-12-31")).None() {
			t.Errorf("%q has an effect", s)
		}
	}
}

func TestTypesIsACopy(t *testing.T) {
	a := Types()
	a[0] = "changed"
	if Types()[0] != GovWarning {
		t.Fatal("changing the returned slice changed the table")
	}
}

func TestInfluenceUntil(t *testing.T) {
	cases := []struct {
		from   string
		months int
		want   string
	}{
		{"2025-06-01", 12, "2026-06-01"},
		{"2025-08-31", 6, "2026-02-28"},  // month end clamps
		{"2023-08-31", 6, "2024-02-29"},  // into a leap February
		{"2024-02-29", 12, "2025-02-28"}, // from a leap day
		{"2024-02-29", 48, "2028-02-29"}, // leap day to leap day
		{"2025-01-31", 1, "2025-02-28"},
		{"2025-03-31", 1, "2025-04-30"},
		{"2025-01-30", 13, "2026-02-28"},
		{"2025-12-31", 1, "2026-01-31"}, // across the year
		{"2025-12-15", 120, "2035-12-15"},
		{"2025-11-30", 2, "2026-01-30"},
		{"2025-05-17", 0, "2025-05-17"},
		{"2025-07-31", 18, "2027-01-31"},
		{"2025-02-28", 12, "2026-02-28"}, // not pushed to a month end
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s+%d", c.from, c.months), func(t *testing.T) {
			if got := InfluenceUntil(civil.Text(c.from), c.months); got.String() != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
	for _, bad := range []string{"", "2025-02-30", "2025-1-1", "20250101"} {
		if got := InfluenceUntil(civil.Text(bad), 6); !got.IsZero() {
			t.Errorf("InfluenceUntil(%q) = %q, want empty", bad, got)
		}
	}
	if got := InfluenceUntil(civil.MustParse("2025-01-01"), -1); !got.IsZero() {
		t.Errorf("negative months = %q, want empty", got)
	}
}

// The grade-effect table of SPEC section 7, row by row: the effect in the
// decision year, in the year after, and none two years on or before.
func TestGradeEffect(t *testing.T) {
	noTop := Effect{NoTop: true}
	ungraded := Effect{Grade: GradeUngraded, NoTop: true}
	incompetent := Effect{Grade: GradeIncompetent, NoTop: true}
	none := Effect{}
	rows := []struct {
		t                     Type
		thisYear, next, after Effect
	}{
		{GovWarning, noTop, none, none},
		{PartyWarning, noTop, none, none},
		{Admonishment, noTop, none, none},
		{OrgSuspension, noTop, none, none},
		{OrgAdjustment, noTop, none, none},
		{Demerit, ungraded, none, none},
		{PartySeriousWarning, ungraded, none, none},
		{OrgRemoval, ungraded, none, none},
		{OrgDemotion, ungraded, none, none},
		{MajorDemerit, ungraded, ungraded, none},
		{Demotion, ungraded, ungraded, none},
		{Dismissal, ungraded, ungraded, none},
		{PartyRemoval, incompetent, none, none},
		{PartyProbation1y, incompetent, ungraded, none},
		{PartyProbation2y, incompetent, ungraded, ungraded},
		{PartyExpulsion, incompetent, ungraded, ungraded},
		{GovExpulsion, ungraded, none, none}, // our choice, docs/decisions.md
	}
	if len(rows) != len(Types()) {
		t.Fatalf("%d rows for %d types", len(rows), len(Types()))
	}
	for _, r := range rows {
		t.Run(string(r.t), func(t *testing.T) {
			if got := GradeEffect(r.t, 2024, 2024); got != r.thisYear {
				t.Errorf("decision year: %+v, want %+v", got, r.thisYear)
			}
			if got := GradeEffect(r.t, 2024, 2025); got != r.next {
				t.Errorf("year after: %+v, want %+v", got, r.next)
			}
			if got := GradeEffect(r.t, 2024, 2026); got != r.after {
				t.Errorf("second year after: %+v, want %+v", got, r.after)
			}
			for _, y := range []int{2023, 2027, 2030} {
				if got := GradeEffect(r.t, 2024, y); !got.None() {
					t.Errorf("cycle year %d: %+v, want none", y, got)
				}
			}
		})
	}
}

func TestPeriodEffect(t *testing.T) {
	cases := []struct {
		name      string
		decidedOn string
		barred    bool
	}{
		{"barred_firstDay", "2025-01-01", true},
		{"barred_inside", "2025-03-15", true},
		{"barred_lastDay", "2025-06-30", true},
		{"free_dayBefore", "2024-12-31", false},
		{"free_dayAfter", "2025-07-01", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The lightest and the heaviest type bar alike.
			for _, ty := range []Type{GovWarning, PartyExpulsion} {
				got := PeriodEffect(ty, civil.Text(c.decidedOn), civil.MustParse("2025-01-01"), civil.MustParse("2025-06-30"))
				if got != (Effect{NoTop: c.barred}) {
					t.Errorf("%s: %+v, want NoTop %v", ty, got, c.barred)
				}
			}
		})
	}
}

func TestCombine(t *testing.T) {
	noTop := Effect{NoTop: true}
	ungraded := Effect{Grade: GradeUngraded, NoTop: true}
	incompetent := Effect{Grade: GradeIncompetent, NoTop: true}
	cases := []struct {
		name string
		in   []Effect
		want Effect
	}{
		{"none_empty", nil, Effect{}},
		{"none_allNone", []Effect{{}, {}}, Effect{}},
		{"noTop_alone", []Effect{{}, noTop}, noTop},
		{"ungraded_overNoTop", []Effect{noTop, ungraded}, ungraded},
		{"incompetent_overUngraded", []Effect{ungraded, incompetent, noTop}, incompetent},
		{"incompetent_firstStays", []Effect{incompetent, ungraded}, incompetent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Combine(c.in...); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
