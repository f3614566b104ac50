package appraisal

import (
	"slices"
	"strings"

	"efile/models"
)

// FromModels turns stored appraisals into scoring input.
func FromModels(rows []models.Appraisal) []Appraisal {
	out := make([]Appraisal, len(rows))
	for i, a := range rows {
		out[i] = Appraisal{CadreID: a.CadreID, RaterType: a.RaterType, Morality: a.Morality, Ability: a.Ability,
			Diligence: a.Diligence, Achievement: a.Achievement, Integrity: a.Integrity}
	}
	return out
}

// ToRows turns a cycle's results into the rows stored at close (and
// rewritten at finalize): one per appraised cadre, one with Missing set per
// cadre assigned but never appraised. Who overrode and when are the
// service's to fill in.
func ToRows(cycleID int64, res Results) []models.AppraisalResult {
	out := make([]models.AppraisalResult, 0, len(res.Items)+len(res.Missing))
	for _, r := range res.Items {
		out = append(out, models.AppraisalResult{
			CycleID: cycleID, CadreID: r.CadreID, Score: int64(r.Score),
			ProposedGrade: r.ProposedGrade, FinalGrade: r.FinalGrade,
			Reasons:       strings.Join(r.Reasons, ","),
			SuperiorCount: r.Raters.Superior, PeerCount: r.Raters.Peer, SubordinateCount: r.Raters.Subordinate,
			OverrideReason: r.OverrideReason,
		})
	}
	for _, id := range res.Missing {
		out = append(out, models.AppraisalResult{CycleID: cycleID, CadreID: id, Missing: true})
	}
	return out
}

// FromRows reads stored results back, in the results order, whatever the
// order of rows.
func FromRows(rows []models.AppraisalResult) Results {
	res := Results{Items: []Result{}, Missing: []int64{}}
	for _, m := range rows {
		if m.Missing {
			res.Missing = append(res.Missing, m.CadreID)
			continue
		}
		reasons := []string{}
		if m.Reasons != "" {
			reasons = strings.Split(m.Reasons, ",")
		}
		res.Items = append(res.Items, Result{
			CadreID: m.CadreID, Score: Score(m.Score),
			ProposedGrade: m.ProposedGrade, FinalGrade: m.FinalGrade, Reasons: reasons,
			Raters:         Raters{Superior: m.SuperiorCount, Peer: m.PeerCount, Subordinate: m.SubordinateCount},
			OverrideReason: m.OverrideReason,
		})
	}
	sortResults(res.Items)
	slices.Sort(res.Missing)
	return res
}
