// Package appraisal holds the rules of appraisal cycles (考核评价, SPEC
// section 7): how an appraisal's marks become a cadre's score, how scores
// become grades under the excellent quota and the bars that sanctions and
// investigations put on grades, and how a reviewer's overrides finalize them.
//
// The rules follow 公务员考核规定 (2020): marks on 德、能、勤、绩、廉; the
// grades 优秀、称职、基本称职、不称职 of annual (年度) and term/special
// cycles and 好、较好、一般、较差 of ordinary (平时) ones; 不定等次 for
// those under investigation or certain sanctions; and the limited share of
// 优秀 (the excellent quota).
//
// Everything here is pure: the service loads the cycle, its assignments,
// appraisals and bars, calls Propose at close and Finalize at finalize, and
// stores what they return. Arithmetic is exact (math/big.Rat) and rounded
// once, at the end, so a score never depends on the order of the rows.
package appraisal

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
)

// Rater types: who appraises the cadre.
const (
	RaterSuperior    = "superior"
	RaterPeer        = "peer"
	RaterSubordinate = "subordinate"
)

// RaterTypes lists the rater types in the order they are shown.
var RaterTypes = []string{RaterSuperior, RaterPeer, RaterSubordinate}

// ValidRaterType tells whether t is a rater type.
func ValidRaterType(t string) bool { return slices.Contains(RaterTypes, t) }

// raterIndex maps a rater type to its slot in the per-type accumulators.
func raterIndex(t string) int {
	switch t {
	case RaterSuperior:
		return 0
	case RaterPeer:
		return 1
	case RaterSubordinate:
		return 2
	}
	return -1
}

// raterWeights are the weights of superior, peer and subordinate raters in
// tenths (0.5, 0.3, 0.2, SPEC 7). Only their ratios matter, because the
// weighted sum is divided by the weights of the types present.
var raterWeights = [3]int64{5, 3, 2}

// markWeights are the weights of 德能勤绩廉 in hundredths (0.20, 0.20,
// 0.15, 0.30, 0.15, SPEC 7); they add up to 100.
var markWeights = [5]int64{20, 20, 15, 30, 15}

// MarkWeights are the weights of 德能勤绩廉 in percent, by mark: what the
// console shows beside each mark and weighs its preview of a total with.
func MarkWeights() map[string]int {
	names := [5]string{"morality", "ability", "diligence", "achievement", "integrity"}
	out := make(map[string]int, len(names))
	for i, n := range names {
		out[n] = int(markWeights[i])
	}
	return out
}

// Appraisal is one evaluator's marks for one cadre, integers 0–100.
type Appraisal struct {
	CadreID     int64
	RaterType   string
	Morality    int // 德
	Ability     int // 能
	Diligence   int // 勤
	Achievement int // 绩
	Integrity   int // 廉
}

func (a Appraisal) marks() [5]int {
	return [5]int{a.Morality, a.Ability, a.Diligence, a.Achievement, a.Integrity}
}

// weighted is the appraisal's total times 100, an exact integer: the total
// is 0.20·德 + 0.20·能 + 0.15·勤 + 0.30·绩 + 0.15·廉.
func (a Appraisal) weighted() int64 {
	var s int64
	for i, m := range a.marks() {
		s += markWeights[i] * int64(m)
	}
	return s
}

// Total is the appraisal's total, exactly.
func (a Appraisal) Total() *big.Rat { return big.NewRat(a.weighted(), 100) }

// check refuses what the service should never have stored. It is not a
// user's error (the submission was validated), so it wraps no error kind:
// the caller answers 500 and logs it.
func (a Appraisal) check() error {
	if a.CadreID <= 0 {
		return fmt.Errorf("appraisal names cadre %d", a.CadreID)
	}
	if !ValidRaterType(a.RaterType) {
		return fmt.Errorf("appraisal of cadre %d has rater type %q", a.CadreID, a.RaterType)
	}
	names := [5]string{"morality", "ability", "diligence", "achievement", "integrity"}
	for i, m := range a.marks() {
		if m < 0 || m > 100 {
			return fmt.Errorf("appraisal of cadre %d has %s %d, outside 0-100", a.CadreID, names[i], m)
		}
	}
	return nil
}

// Raters counts a cadre's appraisals by rater type.
type Raters struct {
	Superior    int
	Peer        int
	Subordinate int
}

// Total is the number of appraisals.
func (r Raters) Total() int { return r.Superior + r.Peer + r.Subordinate }

// Scored is one cadre's score: exact, and rounded.
type Scored struct {
	CadreID int64
	Exact   *big.Rat
	Score   Score
	Raters  Raters
}

// tally accumulates one cadre's appraisals: per rater type, the sum of the
// totals times 100 (exact integers) and their count.
type tally struct {
	sum [3]int64
	n   [3]int64
}

// exact is the cadre's score: the totals averaged within each rater type,
// weighted superior 0.5, peer 0.3, subordinate 0.2, divided by the sum of
// the weights of the types present. As one fraction:
//
//	Σ w_t·sum_t/n_t / (100·Σ w_t)   over the types t present.
func (t *tally) exact() *big.Rat {
	num := new(big.Rat)
	var weights int64
	term := new(big.Rat)
	for i := range 3 {
		if t.n[i] == 0 {
			continue
		}
		weights += raterWeights[i]
		num.Add(num, term.SetFrac64(raterWeights[i]*t.sum[i], t.n[i]))
	}
	return num.Quo(num, term.SetInt64(100*weights))
}

func (t *tally) raters() Raters {
	return Raters{Superior: int(t.n[0]), Peer: int(t.n[1]), Subordinate: int(t.n[2])}
}

// ScoreAll scores every cadre that has at least one appraisal, in the order
// of cadre ids. The order of apps does not matter.
func ScoreAll(apps []Appraisal) ([]Scored, error) {
	tallies := make(map[int64]*tally)
	for _, a := range apps {
		if err := a.check(); err != nil {
			return nil, err
		}
		t := tallies[a.CadreID]
		if t == nil {
			t = &tally{}
			tallies[a.CadreID] = t
		}
		i := raterIndex(a.RaterType)
		t.sum[i] += a.weighted()
		t.n[i]++
	}
	out := make([]Scored, 0, len(tallies))
	for id, t := range tallies {
		x := t.exact()
		out = append(out, Scored{CadreID: id, Exact: x, Score: Round(x), Raters: t.raters()})
	}
	slices.SortFunc(out, func(a, b Scored) int { return cmp.Compare(a.CadreID, b.CadreID) })
	return out, nil
}

// Score is a score in hundredths (7969 is 79.69), the only form a score
// takes once rounded. Grades compare it, the database stores it, and JSON
// writes it as a number with at most 2 decimals.
type Score int64

var hundred = big.NewInt(100)

// Round rounds r to hundredths, half away from zero (79.6875 → 79.69,
// 59.995 → 60.00, -0.005 → -0.01). It is the only rounding in scoring.
func Round(r *big.Rat) Score {
	num := new(big.Int).Mul(r.Num(), hundred)
	neg := num.Sign() < 0
	num.Abs(num)
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	// Half or more of the denominator left over rounds the magnitude up.
	if m.Lsh(m, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return Score(q.Int64())
}

// Rat is the score as an exact fraction.
func (s Score) Rat() *big.Rat { return big.NewRat(int64(s), 100) }

// Float64 is the score for a spreadsheet cell; never compare with it.
func (s Score) Float64() float64 { return float64(s) / 100 }

// String writes the score with at most 2 decimals and no trailing zeros:
// 79.69, 80.5, 80.
func (s Score) String() string {
	v := int64(s)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole, frac := v/100, v%100
	switch {
	case frac == 0:
		return sign + strconv.FormatInt(whole, 10)
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
	}
}
