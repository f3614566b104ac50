package appraisal

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"efile/services/errs"
)

// cycle builds input in which cadre i+1 has one superior appraisal with
// every mark scores[i], so its score is exactly scores[i].
func cycle(kind string, pct int, scores ...int) Input {
	in := Input{Kind: kind, QuotaPct: pct, Bars: map[int64][]Bar{}}
	for i, s := range scores {
		id := int64(i + 1)
		in.Assigned = append(in.Assigned, id)
		in.Appraisals = append(in.Appraisals, all(id, RaterSuperior, s))
	}
	return in
}

func propose(t *testing.T, in Input) Results {
	t.Helper()
	res, err := Propose(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// graded renders results as "id:grade[reasons]" in result order, so a whole
// outcome is compared in one line.
func graded(items []Result) string {
	var b strings.Builder
	for i, r := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		g := r.ProposedGrade
		if r.FinalGrade != "" {
			g = r.FinalGrade
		}
		b.WriteString(itoa(r.CadreID) + ":" + g)
		if len(r.Reasons) > 0 {
			b.WriteString("[" + strings.Join(r.Reasons, ",") + "]")
		}
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestQuota(t *testing.T) {
	for _, tc := range []struct {
		name           string
		pct, appraised int
		want           int
	}{
		{"20pctOf7_1", 20, 7, 1},
		{"20pctOf4_0", 20, 4, 0},
		{"20pctOf5_1", 20, 5, 1},
		{"20pctOf10_2", 20, 10, 2},
		{"15pctOf19_2", 15, 19, 2},
		{"0pct_0", 0, 100, 0},
		{"100pctOf3_3", 100, 3, 3},
		{"noneAppraised_0", 20, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Quota(tc.pct, tc.appraised); got != tc.want {
				t.Fatalf("Quota(%d, %d) = %d, want %d", tc.pct, tc.appraised, got, tc.want)
			}
		})
	}
}

func TestPropose(t *testing.T) {
	bar := func(in Input, id int64, bs ...Bar) Input {
		in.Bars[id] = append(in.Bars[id], bs...)
		return in
	}
	sanctionNoTop := Bar{NoTop: true, Reason: ReasonSanctionInPeriod}
	investigation := Bar{Grade: GradeUngraded, Reason: ReasonUnderInvestigation}
	sanctionUngraded := Bar{Grade: GradeUngraded, Reason: ReasonSanctionInPeriod}
	sanctionIncompetent := Bar{Grade: GradeIncompetent, Reason: ReasonSanctionInPeriod}

	for _, tc := range []struct {
		name string
		in   Input
		want string
	}{
		{"cutOffs_byScore", cycle(KindAnnual, 0, 59, 60, 69, 70, 90),
			"5:competent 4:competent 3:basic_competent 2:basic_competent 1:incompetent"},
		// 20% of 7 is 1.4: one place, to the highest.
		{"quota20pctOf7_oneExcellent", cycle(KindAnnual, 20, 95, 94, 93, 92, 91, 50, 50),
			"1:excellent 2:competent 3:competent 4:competent 5:competent 6:incompetent 7:incompetent"},
		// 20% of 4 is 0.8: no place, and no tie either (nobody breaks a quota of 0 by a tie).
		{"quota20pctOf4_noExcellent", cycle(KindAnnual, 20, 95, 95, 92, 91),
			"1:competent 2:competent 3:competent 4:competent"},
		{"fewerCandidatesThanPlaces_allExcellent", cycle(KindAnnual, 50, 95, 91, 89, 80),
			"1:excellent 2:excellent 3:competent 4:competent"},
		// 89.99 is not 90: only ≥ 90 (after rounding) may take a place.
		{"below90_neverExcellent", cycle(KindAnnual, 100, 89, 80), "1:competent 2:competent"},
		// Ten cadres, 2 places, three at 95: all three stay competent with
		// quota_tie, and the 93 below them is not promoted into the empty places.
		{"threeTiedForTwoPlaces_allCompetent_lowerNotPromoted", cycle(KindAnnual, 20, 95, 95, 95, 93, 80, 80, 80, 80, 80, 80),
			"1:competent[quota_tie] 2:competent[quota_tie] 3:competent[quota_tie] 4:competent 5:competent 6:competent 7:competent 8:competent 9:competent 10:competent"},
		// The place above the tie is kept; only the tied one is lost.
		{"tieAfterClearWinner_winnerExcellent", cycle(KindAnnual, 20, 98, 95, 95, 93, 80, 80, 80, 80, 80, 80),
			"1:excellent 2:competent[quota_tie] 3:competent[quota_tie] 4:competent 5:competent 6:competent 7:competent 8:competent 9:competent 10:competent"},
		// A tie that fits the places exactly breaks nothing.
		{"tieFillsPlacesExactly_bothExcellent", cycle(KindAnnual, 20, 95, 95, 93, 80, 80, 80, 80, 80, 80, 80),
			"1:excellent 2:excellent 3:competent 4:competent 5:competent 6:competent 7:competent 8:competent 9:competent 10:competent"},
		// Tied below the cut-off (the last place went to a higher score): no quota_tie.
		{"tieBelowLastPlace_noReason", cycle(KindAnnual, 20, 98, 96, 93, 93, 80, 80, 80, 80, 80, 80),
			"1:excellent 2:excellent 3:competent 4:competent 5:competent 6:competent 7:competent 8:competent 9:competent 10:competent"},
		// Barred cadres take no place: the two places go to 95 and 94, past
		// the 99 (no top grade) and the 98 (ungraded, its score still shown).
		{"barredSkippedByQuota", bar(bar(cycle(KindAnnual, 20, 99, 98, 95, 94, 93, 80, 80, 80, 80, 80), 1, sanctionNoTop), 2, investigation),
			"1:competent[sanction_in_period] 2:ungraded[under_investigation] 3:excellent 4:excellent 5:competent 6:competent 7:competent 8:competent 9:competent 10:competent"},
		{"forcedIncompetent_overridesScore", bar(cycle(KindAnnual, 0, 85), 1, sanctionIncompetent),
			"1:incompetent[sanction_in_period]"},
		{"forcedUngraded_lowScore", bar(cycle(KindAnnual, 0, 40), 1, sanctionUngraded),
			"1:ungraded[sanction_in_period]"},
		{"noTopBelow90_reasonStillListed", bar(cycle(KindAnnual, 0, 75), 1, sanctionNoTop),
			"1:competent[sanction_in_period]"},
		// Incompetent wins over ungraded, whichever comes first; both reasons listed in a fixed order.
		{"incompetentAndInvestigation_incompetent", bar(cycle(KindAnnual, 0, 95), 1, investigation, sanctionIncompetent),
			"1:incompetent[sanction_in_period,under_investigation]"},
		{"twoSanctionBars_reasonOnce", bar(cycle(KindAnnual, 100, 95), 1, sanctionNoTop, sanctionUngraded),
			"1:ungraded[sanction_in_period]"},
		{"ordinary_names", cycle(KindOrdinary, 25, 95, 75, 65, 55),
			"1:good 2:fairly_good 3:average 4:poor"},
		{"ordinary_quotaOnGood", cycle(KindOrdinary, 20, 95, 94, 93, 80, 80),
			"1:good 2:fairly_good 3:fairly_good 4:fairly_good 5:fairly_good"},
		{"ordinary_forcedIncompetentIsPoor", bar(cycle(KindOrdinary, 0, 95), 1, sanctionIncompetent),
			"1:poor[sanction_in_period]"},
		{"ordinary_tie", cycle(KindOrdinary, 20, 95, 95, 80, 80, 80),
			"1:fairly_good[quota_tie] 2:fairly_good[quota_tie] 3:fairly_good 4:fairly_good 5:fairly_good"},
		{"special_annualNames", cycle(KindSpecial, 100, 95, 65), "1:excellent 2:basic_competent"},
		{"term_annualNames", cycle(KindTerm, 100, 95, 55), "1:excellent 2:incompetent"},
		// Equal scores order by cadre id.
		{"order_scoreThenID", cycle(KindAnnual, 0, 70, 80, 70, 80), "2:competent 4:competent 1:competent 3:competent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := graded(propose(t, tc.in).Items); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}

	t.Run("89.995_rounds90_excellent", func(t *testing.T) {
		in := Input{Kind: KindAnnual, QuotaPct: 100, Appraisals: append(times(9, all(1, RaterPeer, 90)), Appraisal{1, RaterPeer, 90, 89, 91, 90, 90})}
		res := propose(t, in)
		if got := graded(res.Items); got != "1:excellent" || res.Items[0].Score != 9000 {
			t.Fatalf("%s, score %s", got, res.Items[0].Score)
		}
	})
	t.Run("59.995_rounds60_basicCompetentNotIncompetent", func(t *testing.T) {
		in := Input{Kind: KindAnnual, Appraisals: append(times(9, all(1, RaterPeer, 60)), Appraisal{1, RaterPeer, 60, 59, 61, 60, 60})}
		if got := graded(propose(t, in).Items); got != "1:basic_competent" {
			t.Fatalf("%s", got)
		}
	})
	t.Run("forcedGrade_scoreKept", func(t *testing.T) {
		res := propose(t, bar(cycle(KindAnnual, 0, 97), 1, investigation))
		if res.Items[0].Score != 9700 || res.Items[0].Raters.Superior != 1 {
			t.Fatalf("%+v", res.Items[0])
		}
	})
	t.Run("missing_sortedOnce_notGraded", func(t *testing.T) {
		in := cycle(KindAnnual, 20, 95, 80)
		in.Assigned = []int64{9, 2, 7, 7, 1, 5}
		res := propose(t, in)
		if !reflect.DeepEqual(res.Missing, []int64{5, 7, 9}) || len(res.Items) != 2 {
			t.Fatalf("missing %v, items %s", res.Missing, graded(res.Items))
		}
	})
	// Only appraised cadres count towards the quota: 20% of 1 is 0, though 5 are assigned.
	t.Run("missingNotCounted_inQuota", func(t *testing.T) {
		in := cycle(KindAnnual, 20, 95)
		in.Assigned = []int64{1, 2, 3, 4, 5}
		if got := graded(propose(t, in).Items); got != "1:competent" {
			t.Fatalf("%s", got)
		}
	})
	t.Run("barsOnMissingCadres_ignored", func(t *testing.T) {
		in := bar(cycle(KindAnnual, 20, 80), 2, investigation)
		in.Assigned = append(in.Assigned, 2)
		res := propose(t, in)
		if graded(res.Items) != "1:competent" || !reflect.DeepEqual(res.Missing, []int64{2}) {
			t.Fatalf("%s missing %v", graded(res.Items), res.Missing)
		}
	})
	t.Run("noReasons_emptyNotNil", func(t *testing.T) {
		res := propose(t, cycle(KindAnnual, 0, 80))
		if res.Items[0].Reasons == nil || res.Missing == nil {
			t.Fatal("nil slices would encode as null")
		}
	})
	t.Run("empty_noItems", func(t *testing.T) {
		res := propose(t, Input{Kind: KindAnnual, QuotaPct: 20, Assigned: []int64{3}})
		if len(res.Items) != 0 || !reflect.DeepEqual(res.Missing, []int64{3}) {
			t.Fatalf("%+v", res)
		}
	})

	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"unknownKind_error", cycle("weekly", 20, 80)},
		{"quotaAbove100_error", cycle(KindAnnual, 101, 80)},
		{"quotaNegative_error", cycle(KindAnnual, -1, 80)},
		{"barUnknownGrade_error", bar(cycle(KindAnnual, 20, 80), 1, Bar{Grade: GradeCompetent, Reason: ReasonSanctionInPeriod})},
		{"barUnknownReason_error", bar(cycle(KindAnnual, 20, 80), 1, Bar{NoTop: true, Reason: "rumour"})},
		{"barWithoutEffect_error", bar(cycle(KindAnnual, 20, 80), 1, Bar{Reason: ReasonSanctionInPeriod})},
		{"badMark_error", Input{Kind: KindAnnual, Appraisals: []Appraisal{all(1, RaterPeer, 101)}}},
	} {
		// These are the service's mistakes, not a user's: no error kind, so a 500.
		t.Run(tc.name, func(t *testing.T) {
			_, err := Propose(tc.in)
			if err == nil || errors.Is(err, errs.ErrInvalid) || errors.Is(err, errs.ErrConflict) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// TestProposeDeterministic: the same appraisals and bars in any order give
// the same results.
func TestProposeDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := randomInput(rng, 300, 1800)
	want := propose(t, in)
	for i := range 20 {
		shuffled := in
		shuffled.Appraisals = slices.Clone(in.Appraisals)
		rng.Shuffle(len(shuffled.Appraisals), func(a, b int) {
			shuffled.Appraisals[a], shuffled.Appraisals[b] = shuffled.Appraisals[b], shuffled.Appraisals[a]
		})
		shuffled.Assigned = slices.Clone(in.Assigned)
		rng.Shuffle(len(shuffled.Assigned), func(a, b int) {
			shuffled.Assigned[a], shuffled.Assigned[b] = shuffled.Assigned[b], shuffled.Assigned[a]
		})
		shuffled.Bars = map[int64][]Bar{}
		for id, bs := range in.Bars {
			bs = slices.Clone(bs)
			slices.Reverse(bs)
			shuffled.Bars[id] = bs
		}
		if got := propose(t, shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d changed the results", i)
		}
	}
	// The random input must exercise the quota, or this test proves little.
	var tops int
	for _, r := range want.Items {
		if r.ProposedGrade == GradeExcellent {
			tops++
		}
	}
	if tops == 0 || len(want.Missing) == 0 {
		t.Fatalf("%d excellent, %d missing: the random input is too tame", tops, len(want.Missing))
	}
}

// randomInput makes n cadres (ids 1..n, every tenth never appraised) with
// about m appraisals of mixed rater types, marks mostly 80–100, and bars on
// a few cadres.
func randomInput(rng *rand.Rand, n, m int) Input {
	in := Input{Kind: KindAnnual, QuotaPct: 20, Bars: map[int64][]Bar{}}
	for id := int64(1); id <= int64(n); id++ {
		in.Assigned = append(in.Assigned, id)
	}
	mark := func() int { return 80 + rng.IntN(21) }
	for range m {
		id := int64(1 + rng.IntN(n))
		if id%10 == 0 {
			continue
		}
		in.Appraisals = append(in.Appraisals, Appraisal{CadreID: id, RaterType: RaterTypes[rng.IntN(3)],
			Morality: mark(), Ability: mark(), Diligence: mark(), Achievement: mark(), Integrity: mark()})
	}
	for id := int64(3); id <= int64(n); id += 17 {
		in.Bars[id] = []Bar{{NoTop: true, Reason: ReasonSanctionInPeriod}, {Grade: GradeUngraded, Reason: ReasonUnderInvestigation}}
	}
	for id := int64(7); id <= int64(n); id += 23 {
		in.Bars[id] = []Bar{{NoTop: true, Reason: ReasonSanctionInPeriod}}
	}
	return in
}

// BenchmarkScore5000 scores and grades 5,000 cadres with 30,000 appraisals,
// the size of a district's annual cycle.
func BenchmarkScore5000(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	in := Input{Kind: KindAnnual, QuotaPct: 20, Bars: map[int64][]Bar{}}
	mark := func() int { return 60 + rng.IntN(41) }
	for id := int64(1); id <= 5000; id++ {
		in.Assigned = append(in.Assigned, id)
		for k := range 6 {
			in.Appraisals = append(in.Appraisals, Appraisal{CadreID: id, RaterType: RaterTypes[k%3],
				Morality: mark(), Ability: mark(), Diligence: mark(), Achievement: mark(), Integrity: mark()})
		}
		if id%50 == 0 {
			in.Bars[id] = []Bar{{NoTop: true, Reason: ReasonSanctionInPeriod}}
		}
	}
	rng.Shuffle(len(in.Appraisals), func(i, j int) { in.Appraisals[i], in.Appraisals[j] = in.Appraisals[j], in.Appraisals[i] })
	b.ReportAllocs()
	for b.Loop() {
		res, err := Propose(in)
		if err != nil || len(res.Items) != 5000 {
			b.Fatalf("%d items, %v", len(res.Items), err)
		}
	}
}
