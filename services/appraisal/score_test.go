package appraisal

import (
	"math/big"
	"testing"
)

// all gives an appraisal with every mark m.
func all(cadre int64, rater string, m int) Appraisal {
	return Appraisal{CadreID: cadre, RaterType: rater, Morality: m, Ability: m, Diligence: m, Achievement: m, Integrity: m}
}

// times repeats a n times.
func times(n int, a Appraisal) []Appraisal {
	out := make([]Appraisal, n)
	for i := range out {
		out[i] = a
	}
	return out
}

func TestTotal(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    Appraisal
		want string
	}{
		{"allEqual_thatMark", all(1, RaterPeer, 80), "80"},
		// 0.2·90 + 0.2·80 + 0.15·70 + 0.3·60 + 0.15·50 = 18+16+10.5+18+7.5
		{"weighted_70", Appraisal{1, RaterPeer, 90, 80, 70, 60, 50}, "70"},
		// 0.3 on 绩: only achievement at 100 gives 30
		{"achievementOnly_30", Appraisal{1, RaterPeer, 0, 0, 0, 100, 0}, "30"},
		// 0.15·1 = 0.15
		{"diligenceOne_0.15", Appraisal{1, RaterPeer, 0, 0, 1, 0, 0}, "3/20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Total().RatString(); got != tc.want {
				t.Fatalf("total %s, want %s", got, tc.want)
			}
		})
	}
}

func TestScoreAll(t *testing.T) {
	cat := func(parts ...[]Appraisal) []Appraisal {
		var out []Appraisal
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		apps  []Appraisal
		exact string // as a fraction
		score Score
	}{
		{"superiorOnly_itsAverage", []Appraisal{all(1, RaterSuperior, 60), all(1, RaterSuperior, 75)}, "135/2", 6750},
		{"subordinateOnly_itsAverage", []Appraisal{all(1, RaterSubordinate, 90)}, "90", 9000},
		// The SPEC's example: (0.5×67.5 + 0.3×100)/0.8 = 79.6875.
		{"superiorAndPeer_79.69", []Appraisal{all(1, RaterSuperior, 60), all(1, RaterSuperior, 75), all(1, RaterPeer, 100)}, "1275/16", 7969},
		// 0.5·80 + 0.3·70 + 0.2·90 = 40 + 21 + 18
		{"allThree_79", []Appraisal{all(1, RaterSuperior, 80), all(1, RaterPeer, 70), all(1, RaterSubordinate, 90)}, "79", 7900},
		// No superior: (0.3·70 + 0.2·90)/0.5 = 39/0.5
		{"superiorMissing_78", []Appraisal{all(1, RaterPeer, 70), all(1, RaterSubordinate, 90)}, "78", 7800},
		// No peer: (0.5·60 + 0.2·95)/0.7 = 49/0.7 = 70
		{"peerMissing_70", []Appraisal{all(1, RaterSuperior, 60), all(1, RaterSubordinate, 95)}, "70", 7000},
		// Averages within a type, not across: three peers at 100 weigh as one.
		{"manyPeersOneSuperior_typeAverages", cat(times(3, all(1, RaterPeer, 100)), []Appraisal{all(1, RaterSuperior, 60)}), "75", 7500},
		// Ten peers whose weighted sums total 59995: 59.995 → 60.00.
		{"boundary59.995_rounds60", cat(times(9, all(1, RaterPeer, 60)), []Appraisal{{1, RaterPeer, 60, 59, 61, 60, 60}}), "11999/200", 6000},
		{"boundary89.995_rounds90", cat(times(9, all(1, RaterPeer, 90)), []Appraisal{{1, RaterPeer, 90, 89, 91, 90, 90}}), "17999/200", 9000},
		// One weighted sum of 5985 in ten: 59.985 → 59.99, still below 60.
		{"boundary59.985_rounds59.99", cat(times(9, all(1, RaterPeer, 60)), []Appraisal{{1, RaterPeer, 60, 60, 60, 60, 59}}), "11997/200", 5999},
		// 1/3 of the way: superior 60, 70, 70 average 200/3; with a peer at
		// 80, (0.5·200/3 + 24)/0.8 = 215/3 = 71.666… → 71.67.
		{"repeatingFraction_71.67", []Appraisal{all(1, RaterSuperior, 60), all(1, RaterSuperior, 70), all(1, RaterSuperior, 70), all(1, RaterPeer, 80)}, "215/3", 7167},
		{"zeros_0", []Appraisal{all(1, RaterPeer, 0)}, "0", 0},
		{"hundreds_100", []Appraisal{all(1, RaterSuperior, 100), all(1, RaterPeer, 100), all(1, RaterSubordinate, 100)}, "100", 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ScoreAll(tc.apps)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d cadres scored", len(got))
			}
			if got[0].Exact.RatString() != tc.exact || got[0].Score != tc.score {
				t.Fatalf("exact %s score %d, want %s and %d", got[0].Exact.RatString(), got[0].Score, tc.exact, tc.score)
			}
			if got[0].Raters.Total() != len(tc.apps) {
				t.Fatalf("raters %+v for %d appraisals", got[0].Raters, len(tc.apps))
			}
		})
	}

	t.Run("ratersCounted_byType", func(t *testing.T) {
		got, _ := ScoreAll([]Appraisal{all(1, RaterSuperior, 1), all(1, RaterPeer, 1), all(1, RaterPeer, 1), all(1, RaterSubordinate, 1), all(1, RaterSubordinate, 1), all(1, RaterSubordinate, 1)})
		if got[0].Raters != (Raters{Superior: 1, Peer: 2, Subordinate: 3}) {
			t.Fatalf("raters %+v", got[0].Raters)
		}
	})
	t.Run("severalCadres_byID", func(t *testing.T) {
		got, _ := ScoreAll([]Appraisal{all(9, RaterPeer, 50), all(2, RaterPeer, 70), all(5, RaterPeer, 60)})
		if len(got) != 3 || got[0].CadreID != 2 || got[1].CadreID != 5 || got[2].CadreID != 9 || got[2].Score != 5000 {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("none_emptyNotNil", func(t *testing.T) {
		got, err := ScoreAll(nil)
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("%v, %v", got, err)
		}
	})
	for _, tc := range []struct {
		name string
		a    Appraisal
	}{
		{"markAbove100_error", Appraisal{1, RaterPeer, 101, 0, 0, 0, 0}},
		{"markNegative_error", Appraisal{1, RaterPeer, 0, 0, 0, 0, -1}},
		{"unknownRater_error", all(1, "self", 80)},
		{"cadreZero_error", all(0, RaterPeer, 80)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ScoreAll([]Appraisal{all(2, RaterPeer, 80), tc.a}); err == nil {
				t.Fatal("scored an appraisal that cannot have been stored")
			}
		})
	}
}

func TestRound(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Score
	}{
		{"spec79.6875_up", "79.6875", 7969},
		{"half0.005_awayFromZero", "0.005", 1},
		{"negativeHalf_awayFromZero", "-0.005", -1},
		// A float64 holds 2.675 as 2.67499999… and rounds it down; exact does not.
		{"half2.675_up", "2.675", 268},
		{"half59.995_up", "59.995", 6000},
		{"half89.995_up", "89.995", 9000},
		{"justBelowHalf_down", "89.994999", 8999},
		{"oneThird_down", "1/3", 33},
		{"twoThirds_up", "2/3", 67},
		{"whole_same", "80", 8000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := new(big.Rat).SetString(tc.in)
			if !ok {
				t.Fatalf("bad test input %q", tc.in)
			}
			if got := Round(r); got != tc.want {
				t.Fatalf("Round(%s) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}
