package vetting

import (
	"fmt"
	"slices"

	"efile/services/checks"
	"efile/services/civil"
	"efile/services/vocab"
)

// The rules of the four checks before a promotion (凡提四必, SPEC sections 9
// and 13): 党政领导干部选拔任用工作条例 (2019) art. 31 requires, before a
// cadre is promoted or appointed, that the dossier be reviewed (凡提必审),
// the personal-matters report checked (凡提必核), the discipline body's
// integrity opinion heard (凡提必听) and specific reports checked (凡提必查:
// rule unchecked_specific_report, with the flags in rules.go). Citations:
// docs/regulations.md rows 43, 45–52. How long a record counts
// (EFILE_CHECK_VALID_DAYS, EFILE_OPINION_VALID_DAYS) and the 12 months of
// the concealment rule are local settings (regulations section 4).

// Checks is what vetting reads of a cadre's four checks, with the windows in
// which a record counts.
type Checks struct {
	checks.Evidence
	// BecomesReportingSubject: the promotion puts the cadre into a post
	// whose holders report personal matters (SPEC 9).
	BecomesReportingSubject bool
	Windows                 checks.Config
}

// Basis is the check records a vetting relied on (nil where none): the
// newest review and personal-matters check within their window, and the
// newest reply within its window.
type Basis struct {
	DossierReviewID        *int64
	PersonalMattersCheckID *int64
	IntegrityOpinionID     *int64
}

// needsChecks: the four checks are asked for a promotion and an appointment
// (further use, 进一步使用), not for a commendation or a transfer.
func needsChecks(purpose string) bool {
	return purpose == PurposePromotion || purpose == PurposeAppointment
}

// negativeOpinions are the conclusions that hold a promotion back: a clue
// under verification (暂缓), a sanction in its period, not recommended.
var negativeOpinions = []string{checks.OpinionClueUnderVerification, checks.OpinionSanctionInPeriod, checks.OpinionNotRecommended}

// checkRules applies the rules of the four checks on day asOf through add,
// and returns the records they relied on.
func checkRules(asOf civil.Date, c *Checks, add func(rule, verdict string, id int64, r Reason)) Basis {
	var b Basis
	bounds := c.Windows.Bounds(asOf)

	// 凡提必审 (干部人事档案审核: 三龄二历一身份, regulations rows 45, 48):
	// the newest review within the window; a discrepancy not settled by the
	// organization's determination blocks.
	review := newest(c.Reviews, func(r *checks.ReviewFact) bool { return within(r.ReviewedOn, bounds.Checks, asOf) },
		func(a, b *checks.ReviewFact) bool { return a.ID > b.ID })
	if review != nil {
		b.DossierReviewID = &review.ID
		if review.Conclusion == checks.ConclusionDiscrepancy {
			add(RuleDossierDiscrepancy, Blocked, review.ID, Reason{CheckID: &review.ID,
				Message: "干部人事档案审核发现信息不一致（" + review.ReviewedOn.String() + "审核）"})
		}
	}

	// 凡提必核, for reporting subjects only (领导干部报告个人有关事项规定 (2017)
	// art. 2: 县处级副职以上, regulations row 50).
	if c.ReportsPersonalMatters || c.BecomesReportingSubject {
		b.PersonalMattersCheckID = mattersRules(asOf, bounds, c, add)
	}

	// 凡提必听 (任用条例 art. 31: 就党风廉政情况听取纪检监察机关意见, a signed
	// conclusion; regulations rows 45, 46): the newest reply within its
	// window; a clue under verification (暂缓), a sanction in its period or
	// "not recommended" blocks.
	op := newest(c.Opinions, func(o *checks.OpinionFact) bool { return within(o.RepliedOn, bounds.Opinions, asOf) },
		func(a, b *checks.OpinionFact) bool {
			return a.RepliedOn.After(b.RepliedOn) || (a.RepliedOn == b.RepliedOn && a.ID > b.ID)
		})
	if op != nil {
		b.IntegrityOpinionID = &op.ID
		if slices.Contains(negativeOpinions, op.Conclusion) {
			add(RuleIntegrityOpinionNegative, Blocked, op.ID, Reason{CheckID: &op.ID,
				Message: "纪检监察机关党风廉政意见：" + vocab.Label(vocab.OpinionConclusions, op.Conclusion) + "（" + op.RepliedOn.String() + "回复）"})
		}
	}

	// No record within its window: the check is still to be done.
	for _, m := range []struct {
		none bool
		rule string
		msg  string
	}{
		{review == nil, RuleDossierUnreviewed, fmt.Sprintf("近%d天内未审核干部人事档案（凡提必审）", c.Windows.CheckValidDays)},
		{op == nil, RuleIntegrityOpinionMissing, fmt.Sprintf("近%d天内未收到纪检监察机关的党风廉政意见（凡提必听）", c.Windows.OpinionValidDays)},
	} {
		if m.none {
			add(m.rule, Incomplete, 0, Reason{Message: m.msg})
		}
	}
	return b
}

// mattersRules applies the personal-matters rules and returns the id of the
// newest check within the window (nil: none).
func mattersRules(asOf civil.Date, bounds checks.Bounds, c *Checks, add func(rule, verdict string, id int64, r Reason)) *int64 {
	// 隐瞒不报 found by any check within 12 months blocks (查核处理办法 (2017)
	// arts. 3–4 tell it from 漏报; 有意瞒报的不得提拔任用: regulations rows 51,
	// 52; the 12 months are local).
	for _, m := range c.Matters {
		if within(m.CheckedOn, bounds.Concealment, asOf) && m.Result == checks.MattersConcealment {
			id := m.ID
			add(RulePersonalMattersConcealment, Blocked, id, Reason{CheckID: &id,
				Message: "个人有关事项报告查核发现隐瞒不报（" + m.CheckedOn.String() + "查核）"})
		}
	}
	check := newest(c.Matters, func(m *checks.MattersFact) bool { return within(m.CheckedOn, bounds.Checks, asOf) },
		func(a, b *checks.MattersFact) bool { return a.ID > b.ID })
	if check == nil {
		add(RulePersonalMattersUnchecked, Incomplete, 0, Reason{
			Message: fmt.Sprintf("近%d天内未查核个人有关事项报告（凡提必核）", c.Windows.CheckValidDays)})
		return nil
	}
	id := check.ID
	// 漏报: a caution for the reviewer (查核处理办法 art. 3).
	if check.Result == checks.MattersOmission {
		add(RulePersonalMattersOmission, Caution, id, Reason{CheckID: &id,
			Message: "个人有关事项报告查核发现漏报（" + check.CheckedOn.String() + "查核）"})
	}
	// 裸官: 任用条例 (2019) art. 24(5) (regulations row 43).
	if check.FamilyEmigrated {
		add(RuleFamilyEmigrated, Blocked, id, Reason{CheckID: &id,
			Message: "配偶已移居国（境）外，或没有配偶、子女均已移居国（境）外（" + check.CheckedOn.String() + "查核）"})
	}
	return &id
}

// newest is the element of xs that counts and comes last by later; nil
// when none counts.
func newest[T any](xs []T, counts func(*T) bool, later func(a, b *T) bool) *T {
	var best *T
	for i := range xs {
		if x := &xs[i]; counts(x) && (best == nil || later(x, best)) {
			best = x
		}
	}
	return best
}

// within tells whether day d lies from first to last, both included.
func within(d, first, last civil.Date) bool { return !d.Before(first) && !d.After(last) }
