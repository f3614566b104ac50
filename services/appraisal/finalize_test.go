package appraisal

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"efile/services/errs"
)

func TestFinalize(t *testing.T) {
	// Five cadres at 20%: one place. 1 is excellent; 2 scores 92 but is
	// barred by a sanction; 3 is under investigation; 4 and 5 are competent.
	in := cycle(KindAnnual, 20, 95, 92, 91, 90, 75)
	in.Bars[2] = []Bar{{NoTop: true, Reason: ReasonSanctionInPeriod, FlagID: 12}}
	in.Bars[3] = []Bar{{Grade: GradeUngraded, Reason: ReasonUnderInvestigation, FlagID: 13}}
	bars := in.Bars
	proposed := propose(t, in).Items
	if got := graded(proposed); got != "1:excellent 2:competent[sanction_in_period] 3:ungraded[under_investigation] 4:competent 5:competent" {
		t.Fatalf("setup: %s", got)
	}
	ordinary := propose(t, cycle(KindOrdinary, 20, 95, 90, 80, 70, 60)).Items

	for _, tc := range []struct {
		name      string
		results   []Result
		kind      string
		overrides []Override
		want      string
	}{
		{"noOverrides_finalIsProposed", proposed, KindAnnual, nil,
			"1:excellent 2:competent[sanction_in_period] 3:ungraded[under_investigation] 4:competent 5:competent"},
		// The downgrade of 1 frees the one place, and 4 takes it.
		{"downgradeFreesPlace", proposed, KindAnnual, []Override{
			{CadreID: 1, Grade: GradeCompetent, Reason: "通报批评"},
			{CadreID: 4, Grade: GradeExcellent, Reason: "突出贡献"}},
			"1:competent 2:competent[sanction_in_period] 3:ungraded[under_investigation] 4:excellent 5:competent"},
		// Order of the overrides does not matter: the quota counts the final grades.
		{"upgradeBeforeDowngrade_ok", proposed, KindAnnual, []Override{
			{CadreID: 5, Grade: GradeExcellent, Reason: "突出贡献"},
			{CadreID: 1, Grade: GradeBasicCompetent, Reason: "复核"}},
			"1:basic_competent 2:competent[sanction_in_period] 3:ungraded[under_investigation] 4:competent 5:excellent"},
		// A grade barred only from the top may go down.
		{"barredToBasic_ok", proposed, KindAnnual, []Override{{CadreID: 2, Grade: GradeBasicCompetent, Reason: "复核"}},
			"1:excellent 2:basic_competent[sanction_in_period] 3:ungraded[under_investigation] 4:competent 5:competent"},
		{"toUngraded_ok", proposed, KindAnnual, []Override{{CadreID: 5, Grade: GradeUngraded, Reason: "病假超过半年"}},
			"1:excellent 2:competent[sanction_in_period] 3:ungraded[under_investigation] 4:competent 5:ungraded"},
		{"ordinary_downgradeFreesGood", ordinary, KindOrdinary, []Override{
			{CadreID: 1, Grade: GradeFairlyGood, Reason: "复核"}, {CadreID: 2, Grade: GradeGood, Reason: "复核"}},
			"1:fairly_good 2:good 3:fairly_good 4:fairly_good 5:average"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := clone(tc.results)
			b := bars
			if tc.kind == KindOrdinary {
				b = nil // the ordinary cycle's cadres carry no bar
			}
			got, err := Finalize(tc.results, tc.overrides, 20, tc.kind, b)
			if err != nil {
				t.Fatal(err)
			}
			if g := graded(got); g != tc.want {
				t.Fatalf("got  %s\nwant %s", g, tc.want)
			}
			for _, r := range got {
				i := slices.IndexFunc(tc.overrides, func(o Override) bool { return o.CadreID == r.CadreID })
				if (i >= 0) != (r.OverrideReason != "") || (i >= 0 && r.OverrideReason != tc.overrides[i].Reason) {
					t.Fatalf("cadre %d: override reason %q", r.CadreID, r.OverrideReason)
				}
				if r.FinalGrade == "" {
					t.Fatalf("cadre %d has no final grade", r.CadreID)
				}
			}
			if !reflect.DeepEqual(tc.results, before) {
				t.Fatal("Finalize changed its argument")
			}
		})
	}

	t.Run("proposedKept_besideFinal", func(t *testing.T) {
		got, _ := Finalize(proposed, []Override{{CadreID: 1, Grade: GradeCompetent, Reason: "复核"}}, 20, KindAnnual, bars)
		if got[0].CadreID != 1 || got[0].ProposedGrade != GradeExcellent || got[0].FinalGrade != GradeCompetent || got[0].Score != 9500 {
			t.Fatalf("%+v", got[0])
		}
	})
	t.Run("reasonTrimmed", func(t *testing.T) {
		got, _ := Finalize(proposed, []Override{{CadreID: 5, Grade: GradeBasicCompetent, Reason: "  复核 \n"}}, 20, KindAnnual, bars)
		if got[4].OverrideReason != "复核" {
			t.Fatalf("%q", got[4].OverrideReason)
		}
	})

	conflicts := []struct {
		name      string
		overrides []Override
		code      string
	}{
		{"secondExcellent_quotaExceeded", []Override{{CadreID: 4, Grade: GradeExcellent, Reason: "突出贡献"}}, "quota_exceeded"},
		// The tie rule binds the proposal only; but no override may exceed the quota either.
		{"twoUpOneDown_quotaExceeded", []Override{
			{CadreID: 1, Grade: GradeCompetent, Reason: "复核"},
			{CadreID: 4, Grade: GradeExcellent, Reason: "复核"},
			{CadreID: 5, Grade: GradeExcellent, Reason: "复核"}}, "quota_exceeded"},
		// Barred even when a place is free.
		{"sanctionedToExcellent_gradeForced", []Override{
			{CadreID: 1, Grade: GradeCompetent, Reason: "复核"},
			{CadreID: 2, Grade: GradeExcellent, Reason: "复核"}}, "grade_forced"},
		{"investigatedToExcellent_gradeForced", []Override{
			{CadreID: 1, Grade: GradeCompetent, Reason: "复核"},
			{CadreID: 3, Grade: GradeExcellent, Reason: "复核"}}, "grade_forced"},
		// 不定等次 forced by an investigation is not discretionary.
		{"ungradedToCompetent_gradeForced", []Override{{CadreID: 3, Grade: GradeCompetent, Reason: "审查结束"}}, "grade_forced"},
	}
	for _, tc := range conflicts {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Finalize(proposed, tc.overrides, 20, KindAnnual, bars)
			var c *errs.Coded
			if !errors.As(err, &c) || c.Code != tc.code || !errors.Is(err, errs.ErrConflict) {
				t.Fatalf("err %v, want 409 %s", err, tc.code)
			}
			if tc.code == "grade_forced" && (len(c.Details) != 1 || c.Details[0].Field != "flag_id" ||
				!strings.Contains(c.Error(), "flag 1")) {
				t.Fatalf("grade_forced without the flag: %v %+v", err, c.Details)
			}
		})
	}
	t.Run("ordinaryGoodOverQuota_quotaExceeded", func(t *testing.T) {
		_, err := Finalize(ordinary, []Override{{CadreID: 2, Grade: GradeGood, Reason: "复核"}}, 20, KindOrdinary, nil)
		var c *errs.Coded
		if !errors.As(err, &c) || c.Code != "quota_exceeded" {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("quotaZero_anyExcellent_quotaExceeded", func(t *testing.T) {
		_, err := Finalize(proposed, nil, 0, KindAnnual, bars) // 1 was proposed under 20%
		var c *errs.Coded
		if !errors.As(err, &c) || c.Code != "quota_exceeded" {
			t.Fatalf("err %v", err)
		}
	})

	long := strings.Repeat("理", 1001)
	invalid := []struct {
		name      string
		kind      string
		overrides []Override
		fields    []string
	}{
		{"reasonEmpty_400", KindAnnual, []Override{{CadreID: 4, Grade: GradeBasicCompetent}}, []string{"overrides[0].reason"}},
		{"reasonBlank_400", KindAnnual, []Override{{CadreID: 4, Grade: GradeBasicCompetent, Reason: " \t"}}, []string{"overrides[0].reason"}},
		{"reasonTooLong_400", KindAnnual, []Override{{CadreID: 4, Grade: GradeBasicCompetent, Reason: long}}, []string{"overrides[0].reason"}},
		{"gradeOfOtherKind_400", KindAnnual, []Override{{CadreID: 4, Grade: GradeGood, Reason: "复核"}}, []string{"overrides[0].grade"}},
		{"gradeUnknown_400", KindAnnual, []Override{{CadreID: 4, Grade: "outstanding", Reason: "复核"}}, []string{"overrides[0].grade"}},
		{"excellentInOrdinary_400", KindOrdinary, []Override{{CadreID: 4, Grade: GradeExcellent, Reason: "复核"}}, []string{"overrides[0].grade"}},
		{"cadreWithoutResult_400", KindAnnual, []Override{{CadreID: 99, Grade: GradeCompetent, Reason: "复核"}}, []string{"overrides[0].cadre_id"}},
		{"cadreTwice_400", KindAnnual, []Override{
			{CadreID: 4, Grade: GradeCompetent, Reason: "复核"}, {CadreID: 4, Grade: GradeBasicCompetent, Reason: "复核"}}, []string{"overrides[1].cadre_id"}},
		// Every bad field is named at once, and a 400 comes before any 409.
		{"severalBad_allNamed_before409", KindAnnual, []Override{
			{CadreID: 2, Grade: GradeExcellent, Reason: "复核"},
			{CadreID: 99, Grade: "best", Reason: ""}},
			[]string{"overrides[1].cadre_id", "overrides[1].grade", "overrides[1].reason"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			results := proposed
			if tc.kind == KindOrdinary {
				results = ordinary
			}
			_, err := Finalize(results, tc.overrides, 20, tc.kind, bars)
			var v *errs.Validation
			if !errors.As(err, &v) || !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("err %v, want 400", err)
			}
			var fields []string
			for _, d := range v.Details {
				fields = append(fields, d.Field)
				if d.Message == "" {
					t.Fatalf("%s without a message", d.Field)
				}
			}
			if !reflect.DeepEqual(fields, tc.fields) {
				t.Fatalf("fields %v, want %v", fields, tc.fields)
			}
		})
	}
	t.Run("unknownKind_error", func(t *testing.T) {
		if _, err := Finalize(proposed, nil, 20, "weekly", bars); err == nil || errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("err %v", err)
		}
	})
}

func clone(rs []Result) []Result {
	out := slices.Clone(rs)
	for i := range out {
		out[i].Reasons = slices.Clone(rs[i].Reasons)
	}
	return out
}

// Forced: the heaviest bar decides, and its flag is named.
func TestForced(t *testing.T) {
	noTop := Bar{NoTop: true, Reason: ReasonSanctionInPeriod, FlagID: 1}
	ungraded := Bar{Grade: GradeUngraded, NoTop: true, Reason: ReasonUnderInvestigation, FlagID: 2}
	incompetent := Bar{Grade: GradeIncompetent, NoTop: true, Reason: ReasonSanctionInPeriod, FlagID: 3}
	cases := []struct {
		name, kind, grade string
		bars              []Bar
		flag              int64 // 0: allowed
	}{
		{"noBars_anything", KindAnnual, GradeExcellent, nil, 0},
		{"noTop_competentOK", KindAnnual, GradeCompetent, []Bar{noTop}, 0},
		{"noTop_excellent", KindAnnual, GradeExcellent, []Bar{noTop}, 1},
		{"ungraded_competent", KindAnnual, GradeCompetent, []Bar{noTop, ungraded}, 2},
		{"ungraded_itself", KindAnnual, GradeUngraded, []Bar{ungraded}, 0},
		{"heaviestWins_ungradedRefused", KindAnnual, GradeUngraded, []Bar{ungraded, incompetent, noTop}, 3},
		{"heaviestWins_incompetentOK", KindAnnual, GradeIncompetent, []Bar{ungraded, incompetent}, 0},
		{"ordinary_poorIsTheBottom", KindOrdinary, GradePoor, []Bar{incompetent}, 0},
		{"ordinary_averageRefused", KindOrdinary, GradeAverage, []Bar{incompetent}, 3},
		{"ordinary_good", KindOrdinary, GradeGood, []Bar{noTop}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Forced(c.kind, 7, c.grade, c.bars)
			if c.flag == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *errs.Coded
			if !errors.As(err, &e) || e.Code != "grade_forced" || len(e.Details) != 1 || e.Details[0].Field != "flag_id" {
				t.Fatalf("err %v", err)
			}
			if want := fmt.Sprintf("flag %d ", c.flag); !strings.Contains(e.Error(), want) {
				t.Fatalf("%q does not name %s", e.Error(), want)
			}
		})
	}
}
