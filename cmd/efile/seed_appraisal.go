package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"efile/models"
	"efile/services/account"
	"efile/services/appraisal"
	"efile/services/civil"
)

const (
	// seedQuotaPct is the seeded cycles' excellent quota.
	seedQuotaPct = 15
	// missingEvery: one cadre in this many is assigned in a cycle but never
	// appraised, and gets a missing result.
	missingEvery = 200
	// noPassword is the password hash of a seeded evaluator: no password
	// matches it, until an administrator sets one.
	noPassword = "!seeded: no password; an administrator may set one"
)

// raters is who appraises a cadre: a superior, peers and subordinates.
type raters struct{ peers, subordinates int }

func (r raters) count() int { return 1 + r.peers + r.subordinates }

// raterType is the type of a cadre's k-th rater: the superior first.
func (r raters) raterType(k int) string {
	switch {
	case k == 0:
		return appraisal.RaterSuperior
	case k <= r.peers:
		return appraisal.RaterPeer
	}
	return appraisal.RaterSubordinate
}

// seedCycles writes finalized annual cycles as the application would have
// left them: evaluators (users with the evaluator role), and per cycle an
// assignment per cadre and rater, the appraisal submitted on each (but for
// the few missing cadres), and the results that closing and finalizing the
// cycle compute from those appraisals and the seeded flags. The results are
// the appraisal package's own: Propose (scores, cut-offs, the quota, and
// the bars of sanctions and investigations through Bars), then Finalize
// without overrides, so that a change of those rules changes the seed too.
func (s *seeder) seedCycles(cycles int) error {
	if cycles == 0 {
		return nil
	}
	evaluators, err := s.seedEvaluators()
	if err != nil {
		return err
	}
	// A cadre's standing and raters are the same every year: most cadres
	// are solid, some excellent, one in 25 struggling.
	n := len(s.cadreUnit)
	level := make([]float64, n)
	who := make([]raters, n)
	pairs := 0
	for i := range n {
		if s.rng.IntN(25) == 0 {
			level[i] = 60 + 6*s.rng.NormFloat64()
		} else {
			level[i] = 85 + 5*s.rng.NormFloat64()
		}
		who[i] = raters{peers: 1 + s.rng.IntN(2), subordinates: s.rng.IntN(2)}
		pairs += who[i].count()
	}
	if s.bar != nil {
		s.bar.ChangeMax64(s.rows + int64(cycles)*int64(1+2*pairs+n))
	}
	maxCycle, err := s.maxIDs("appraisal_cycles")
	if err != nil {
		return err
	}
	for y := range cycles {
		c := &models.AppraisalCycle{ID: maxCycle[0] + 1 + int64(y), Kind: appraisal.KindAnnual, Year: s.now.Year() - cycles + y,
			ExcellentQuotaPct: seedQuotaPct, Status: appraisal.StatusFinalized}
		c.Name = fmt.Sprintf("%d年度考核（种子数据）", c.Year)
		c.PeriodStart, c.PeriodEnd = civil.YearEnd(c.Year-1).AddDate(0, 0, 1), civil.YearEnd(c.Year)
		if err := s.seedCycle(c, evaluators, level, who); err != nil {
			return err
		}
	}
	return nil
}

// seedEvaluators writes one evaluator per unit (at least five, so that a
// cadre's raters are different people), in that unit.
func (s *seeder) seedEvaluators() ([]int64, error) {
	maxUser, err := s.maxIDs("users")
	if err != nil {
		return nil, err
	}
	ids := make([]int64, max(5, len(s.units)))
	var users, roles [][]any
	for e := range ids {
		ids[e] = maxUser[0] + 1 + int64(e)
		users = append(users, []any{ids[e], fmt.Sprintf("seed-evaluator-%d", ids[e]), s.name(), noPassword,
			s.units[e%len(s.units)], false, 1, 0, "", s.now, s.now})
		roles = append(roles, []any{ids[e], account.RoleEvaluator})
	}
	err = s.insert("users", []string{"id", "username", "display_name", "password_hash", "unit_id", "disabled", "version",
		"token_gen", "kept_token_id", "created_at", "updated_at"}, users)
	if err != nil {
		return nil, err
	}
	return ids, s.insert("user_roles", []string{"user_id", "role"}, roles)
}

// seedCycle writes one finalized cycle: its row, assignments, appraisals,
// and results.
func (s *seeder) seedCycle(c *models.AppraisalCycle, evaluators []int64, level []float64, who []raters) error {
	created := time.Date(c.Year, 11, 1, 9, 0, 0, 0, time.UTC)
	closed := s.notAfterNow(time.Date(c.Year+1, 1, 10, 9, 0, 0, 0, time.UTC))
	finalized := s.notAfterNow(time.Date(c.Year+1, 1, 20, 9, 0, 0, 0, time.UTC))
	err := s.insert("appraisal_cycles", []string{"id", "name", "kind", "year", "period_start", "period_end", "excellent_quota_pct",
		"status", "version", "created_by", "created_at", "updated_at", "closed_at", "finalized_at", "finalized_by"},
		[][]any{{c.ID, c.Name, c.Kind, c.Year, c.PeriodStart, c.PeriodEnd, c.ExcellentQuotaPct, c.Status, 3, 1,
			created, finalized, closed, finalized, 1}})
	if err != nil {
		return err
	}
	maxes, err := s.maxIDs("appraisal_assignments", "appraisals")
	if err != nil {
		return err
	}
	maxAssignment, maxAppraisal := maxes[0], maxes[1]
	var assigned []int64
	var apps []appraisal.Appraisal
	var as, ap [][]any
	flush := func(force bool) error {
		if len(as) < 5000 && !force {
			return nil
		}
		if err := s.insert("appraisal_assignments", assignmentCols, as); err != nil {
			return err
		}
		as = as[:0]
		if err := s.insert("appraisals", appraisalCols, ap); err != nil {
			return err
		}
		ap = ap[:0]
		return nil
	}
	for i, r := range who {
		cadre := s.firstCadre + int64(i)
		assigned = append(assigned, cadre)
		missing := s.rng.IntN(missingEvery) == 0
		standing := level[i] + 2*s.rng.NormFloat64() // this year's
		for k := range r.count() {
			maxAssignment++
			ev, typ := evaluators[(s.cadreUnit[i]+k)%len(evaluators)], r.raterType(k)
			as = append(as, []any{maxAssignment, c.ID, ev, cadre, typ, 1, created})
			if missing {
				continue
			}
			a := appraisal.Appraisal{CadreID: cadre, RaterType: typ}
			a.Morality, a.Ability, a.Diligence, a.Achievement, a.Integrity = s.marks(standing)
			apps = append(apps, a)
			maxAppraisal++
			submitted := s.notAfterNow(time.Date(c.Year, 12, 1+s.rng.IntN(28), 10, 0, 0, 0, time.UTC))
			ap = append(ap, []any{maxAppraisal, c.ID, maxAssignment, ev, cadre, typ, a.Morality, a.Ability, a.Diligence,
				a.Achievement, a.Integrity, "", 1, submitted, submitted})
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	return s.seedResults(c, assigned, apps)
}

// notAfterNow is t, or now if t is later.
func (s *seeder) notAfterNow(t time.Time) time.Time {
	if t.After(s.now) {
		return s.now
	}
	return t
}

// marks are one rater's marks (德能勤绩廉) of a cadre of the given
// standing: integers 0–100 around it, with the rater's own leaning.
func (s *seeder) marks(standing float64) (m, a, d, ach, i int) {
	lean := standing + 2.5*s.rng.NormFloat64()
	mark := func() int { return int(math.Round(min(100, max(0, lean+2.5*s.rng.NormFloat64())))) }
	return mark(), mark(), mark(), mark(), mark()
}

// seedResults writes the results of cycle c as closing and finalizing it
// compute them.
func (s *seeder) seedResults(c *models.AppraisalCycle, assigned []int64, apps []appraisal.Appraisal) error {
	proposed, err := appraisal.Propose(appraisal.Input{Kind: c.Kind, QuotaPct: c.ExcellentQuotaPct, Assigned: assigned,
		Appraisals: apps, Bars: appraisal.Bars(c, s.flags)})
	if err != nil {
		return fmt.Errorf("seed: results of cycle %d: %w", c.ID, err)
	}
	final, err := appraisal.Finalize(proposed.Items, nil, c.ExcellentQuotaPct, c.Kind, nil)
	if err != nil {
		return fmt.Errorf("seed: finalize cycle %d: %w", c.ID, err)
	}
	results := appraisal.ToRows(c.ID, appraisal.Results{Items: final, Missing: proposed.Missing})
	// In key order: InnoDB appends to its clustered index instead of
	// splitting pages all over it.
	slices.SortFunc(results, func(a, b models.AppraisalResult) int { return cmp.Compare(a.CadreID, b.CadreID) })
	rows := make([][]any, 0, min(len(results), 5000))
	for i, r := range results {
		rows = append(rows, []any{r.CycleID, r.CadreID, r.Score, r.ProposedGrade, r.FinalGrade, r.Reasons, r.SuperiorCount,
			r.PeerCount, r.SubordinateCount, r.Missing, r.OverrideReason})
		if len(rows) == 5000 || i == len(results)-1 {
			if err := s.insert("appraisal_results", resultCols, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return nil
}

var (
	assignmentCols = []string{"id", "cycle_id", "evaluator_id", "cadre_id", "rater_type", "created_by", "created_at"}
	appraisalCols  = []string{"id", "cycle_id", "assignment_id", "evaluator_id", "cadre_id", "rater_type", "morality", "ability",
		"diligence", "achievement", "integrity", "comment", "version", "submitted_at", "updated_at"}
	resultCols = []string{"cycle_id", "cadre_id", "score", "proposed_grade", "final_grade", "reasons", "superior_count", "peer_count",
		"subordinate_count", "missing", "override_reason"}
)
