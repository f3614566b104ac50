// Package vetting is the pre-promotion vetting of SPEC section 9 (防止带病提拔):
// from a cadre's flags, final annual grades and, for a promotion or an
// appointment, the four checks of SPEC section 13 (凡提四必: rules_checks.go),
// it gives a verdict of clear, caution, incomplete or blocked with its
// reasons. The verdict is a pre-screen for the
// reviewer; it does not replace the discipline body's written opinion
// (党风廉政意见) that 党政领导干部选拔任用工作条例 requires before a promotion.
//
// This file is the pure evaluation; the database-backed service gathers its
// input and stores the result.
package vetting

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"efile/services/civil"
	"efile/services/errs"
	"efile/services/flag"
	"efile/services/sanction"
)

// Purposes of a vetting.
const (
	PurposePromotion    = "promotion"
	PurposeAppointment  = "appointment"
	PurposeCommendation = "commendation"
	PurposeTransfer     = "transfer"
)

// Verdicts, from best to worst. Incomplete: a check that a promotion
// needs is missing (SPEC 9).
const (
	Clear      = "clear"
	Caution    = "caution"
	Incomplete = "incomplete"
	Blocked    = "blocked"
)

// Rules, in the order SPEC section 9 lists them, which is also the order of
// the reasons.
const (
	RuleUnderInvestigation = "under_investigation"
	RuleOpenSeriousFlag    = "open_serious_flag"
	RuleSanctionInfluence  = "sanction_influence"
	RuleRecentLowGrade     = "recent_low_grade"
	// RuleUncheckedSpecificReport: a specific report not yet checked (凡提必查).
	RuleUncheckedSpecificReport = "unchecked_specific_report"
	RuleOpenFlag                = "open_flag"
	// The rules of the four checks (rules_checks.go), for promotion and
	// appointment only.
	RuleDossierUnreviewed          = "dossier_unreviewed"
	RuleDossierDiscrepancy         = "dossier_discrepancy"
	RulePersonalMattersUnchecked   = "personal_matters_unchecked"
	RulePersonalMattersConcealment = "personal_matters_concealment"
	RulePersonalMattersOmission    = "personal_matters_omission"
	RuleFamilyEmigrated            = "family_emigrated"
	RuleIntegrityOpinionMissing    = "integrity_opinion_missing"
	RuleIntegrityOpinionNegative   = "integrity_opinion_negative"
)

// The final grades that matter here (SPEC section 7).
const (
	gradeIncompetent    = "incompetent"
	gradeBasicCompetent = "basic_competent"
)

var (
	purposes = []string{PurposePromotion, PurposeAppointment, PurposeCommendation, PurposeTransfer}
	// rules is the one table of the rules, in the SPEC's order, which is
	// the order of the reasons.
	rules = []string{RuleUnderInvestigation, RuleOpenSeriousFlag, RuleSanctionInfluence, RuleRecentLowGrade,
		RuleUncheckedSpecificReport, RuleOpenFlag,
		RuleDossierUnreviewed, RuleDossierDiscrepancy, RulePersonalMattersUnchecked, RulePersonalMattersConcealment,
		RulePersonalMattersOmission, RuleFamilyEmigrated, RuleIntegrityOpinionMissing, RuleIntegrityOpinionNegative}
)

// Purposes lists the purposes (a new slice on each call).
func Purposes() []string { return slices.Clone(purposes) }

// Rules lists the rules in the order reasons are given.
func Rules() []string { return slices.Clone(rules) }

// Input is everything a vetting looks at.
type Input struct {
	Purpose string
	AsOf    civil.Date // periods are measured on this day
	Flags   []Flag     // the cadre's flags in their current state
	// Grades are the cadre's final grades in finalized annual cycles, in any
	// order; cycles in which the cadre has no grade are left out.
	Grades []Grade
	// LastYearFinalized: an annual cycle of as_of's year − 1 is finalized
	// (for any cadre); while none is, recent_low_grade reads year − 2.
	LastYearFinalized bool
	// Checks are the records of SPEC section 13, read for a promotion or an
	// appointment; nil applies none of their rules (the tests of the other
	// rules leave it out).
	Checks *Checks
}

// Flag is what vetting reads of a flag.
type Flag struct {
	ID           int64
	Kind         string
	Severity     string
	Status       string
	PetitionType string // "" unless a petition
	Specific     bool   // a report naming concrete facts (凡提必查)
	// The sanction, for kind sanction.
	SanctionType   string
	DecidedOn      civil.Date
	InfluenceUntil *civil.Date // nil: no end
}

// Grade is a cadre's final grade in one finalized annual cycle.
type Grade struct {
	CycleID int64
	Year    int
	Grade   string
}

// Reason is one finding, as stored and shown.
type Reason struct {
	Rule    string
	Message string
	FlagID  *int64
	CycleID *int64
	CheckID *int64 // a dossier review, a personal-matters check or an opinion request
}

// CheckRequest validates what a reviewer asks for: a known purpose and an
// as_of date (already defaulted to today by the caller) not after today.
func CheckRequest(purpose string, asOf, today civil.Date) error {
	v := &errs.Validation{}
	if !slices.Contains(purposes, purpose) {
		v.Add("purpose", "must be one of: promotion, appointment, commendation, transfer")
	}
	if !asOf.Valid() {
		v.Add("as_of", "must be a date YYYY-MM-DD")
	} else if asOf.After(today) {
		v.Add("as_of", "must not be in the future: a vetting looks at what is known today")
	}
	return v.Err()
}

// finding is a reason with its verdict and its place in the order.
type finding struct {
	Reason
	verdict string
	rule    int   // index in rules
	id      int64 // flag, cycle or check id
}

// Evaluate applies the rules of SPEC section 9 to in: Assess without the
// basis.
func Evaluate(in Input) (verdict string, reasons []Reason) {
	verdict, reasons, _ = Assess(in)
	return verdict, reasons
}

// Assess applies the rules of SPEC section 9 to in. The verdict is the
// worst of the reasons (clear when there are none). Each flag gives at most
// one reason and so does the cycle looked at. Reasons come in the order of
// rules, then by flag, cycle or check id, so the same input always gives
// the same output. The basis is the check records the verdict relied on.
func Assess(in Input) (verdict string, reasons []Reason, basis Basis) {
	var found []finding
	add := func(rule string, v string, id int64, r Reason) {
		r.Rule = rule
		found = append(found, finding{Reason: r, verdict: v, rule: slices.Index(rules, rule), id: id})
	}
	for _, f := range in.Flags {
		id := f.ID
		switch {
		// Not integrity matters, so no reason at all (docs/decisions.md):
		// SPEC section 8 says only `report` petitions bear on integrity
		// (appeals and suggestions are about the petitioner's own affairs)
		// and that an inquiry (函询) has no effect on its own (its clue does).
		case f.Kind == flag.KindPetition && f.PetitionType != flag.PetitionReport,
			f.Kind == flag.KindInquiry:

		// A cadre under 立案审查调查 is not promoted or used until it
		// concludes: the discipline body's integrity opinion answers 暂缓
		// (任用条例 (2019) art. 31, docs/regulations.md row 45); no article
		// of art. 24 says so itself, so the rule is efile's reading (row 53).
		case f.Kind == flag.KindInvestigation && flag.IsOpen(f.Status):
			add(RuleUnderInvestigation, Blocked, id, Reason{FlagID: &id,
				Message: "正在接受立案审查调查，尚未办结"})

		// Same source: serious problems reported and not yet cleared up
		// (问题线索反映严重且尚未查清) rule a cadre out for now.
		case f.Severity == flag.SeveritySerious && flag.IsOpen(f.Status):
			add(RuleOpenSeriousFlag, Blocked, id, Reason{FlagID: &id,
				Message: "有反映严重的问题尚未查结（" + statusLabel(f.Status) + "）"})

		// 公职人员政务处分法 arts. 8 and 19 (no promotion while a government
		// sanction's period runs; 开除 never ends), 中国共产党纪律处分条例
		// (2023) art. 10 (不得在党内提拔职务或者进一步使用 within the periods
		// of arts. 10–13), 任用条例 (2019) art. 24(6) (诫勉, 组织处理 and
		// sanctions): from the decision day until influence_until, the first
		// free day, no promotion nor further use (进一步使用: an appointment,
		// docs/regulations.md row 44) nor commendation; a transfer at the same
		// level only cautions, but 免职 bars a leadership post for its first
		// 12 months (row 22), so it blocks a transfer then. A revoked
		// sanction counts nowhere.
		case f.Kind == flag.KindSanction && flag.InEffect(f.Status) && f.DecidedOn.Valid() &&
			!f.DecidedOn.After(in.AsOf) && (f.InfluenceUntil == nil || in.AsOf.Before(*f.InfluenceUntil)):
			add(RuleSanctionInfluence, sanctionVerdict(in.Purpose, f, in.AsOf), id, Reason{FlagID: &id,
				Message: sanctionMessage(f)})

		// 任用条例 (2019) art. 31 (凡提必查: regulations rows 45, 47): a
		// report naming concrete facts is checked before a promotion or an
		// appointment; until it is closed, they wait.
		case f.Kind == flag.KindPetition && f.PetitionType == flag.PetitionReport && f.Specific &&
			flag.IsOpen(f.Status) && needsChecks(in.Purpose):
			add(RuleUncheckedSpecificReport, Blocked, id, Reason{FlagID: &id,
				Message: "有反映问题线索具体的检举控告尚未核查（" + statusLabel(f.Status) + "）"})

		// Anything else still being handled: the reviewer should know, and
		// may ask the source department before going on.
		case flag.IsOpen(f.Status):
			add(RuleOpenFlag, Caution, id, Reason{FlagID: &id,
				Message: "有问题线索或反映尚在办理（" + statusLabel(f.Status) + "）"})
		}
	}
	if g, ok := recentGrade(in); ok {
		// 任用条例 (2019) art. 24(3) (docs/regulations.md row 42): not
		// considered for promotion or further use (an appointment) when last
		// year's annual grade is 基本称职 or below; 基本称职 bars a
		// commendation too and only cautions a transfer. 不称职 brings a
		// demotion (公务员法 art. 50 ¶2, row 40), so it blocks every purpose
		// (efile's reading).
		v := ""
		switch {
		case g.Grade == gradeIncompetent:
			v = Blocked
		case g.Grade == gradeBasicCompetent && in.Purpose != PurposeTransfer:
			v = Blocked
		case g.Grade == gradeBasicCompetent:
			v = Caution
		}
		if v != "" {
			id := g.CycleID
			add(RuleRecentLowGrade, v, id, Reason{CycleID: &id,
				Message: strconv.Itoa(g.Year) + "年度考核结果为" + gradeLabel(g.Grade)})
		}
	}
	if in.Checks != nil && needsChecks(in.Purpose) {
		basis = checkRules(in.AsOf, in.Checks, add)
	}

	slices.SortStableFunc(found, func(a, b finding) int {
		return cmp.Or(cmp.Compare(a.rule, b.rule), cmp.Compare(a.id, b.id))
	})
	verdict = Clear
	reasons = make([]Reason, len(found))
	for i, f := range found {
		reasons[i] = f.Reason
		if rank(f.verdict) > rank(verdict) {
			verdict = f.verdict
		}
	}
	return verdict, reasons, basis
}

// recentGrade is the grade of the finalized annual cycle of as_of's year − 1
// or, while no annual cycle of that year is finalized, of year − 2 (SPEC 9;
// the fall-back is efile's rule, docs/regulations.md section 4); among
// cycles of one year, the highest id, the one created last.
func recentGrade(in Input) (Grade, bool) {
	if !in.AsOf.Valid() {
		return Grade{}, false
	}
	year := in.AsOf.Time().Year()
	want := year - 2
	if in.LastYearFinalized {
		want = year - 1
	}
	var best Grade
	found := false
	for _, g := range in.Grades {
		if g.Year == want && (!found || g.CycleID > best.CycleID) {
			best, found = g, true
		}
	}
	return best, found
}

// sanctionVerdict: a sanction in its period blocks a promotion, an
// appointment and a commendation, and cautions a transfer, but for 免职 in
// its first 12 months, which blocks a transfer too.
func sanctionVerdict(purpose string, f Flag, asOf civil.Date) string {
	if purpose != PurposeTransfer {
		return Blocked
	}
	if f.SanctionType == string(sanction.OrgRemoval) && asOf.Before(sanction.InfluenceUntil(f.DecidedOn, orgRemovalNoPostMonths)) {
		return Blocked
	}
	return Caution
}

// orgRemovalNoPostMonths: after 免职/责令辞职, no leadership post for 12
// months (组织处理规定（试行）2021, not checked: docs/regulations.md row 22).
const orgRemovalNoPostMonths = 12

func rank(verdict string) int {
	switch verdict {
	case Blocked:
		return 3
	case Incomplete:
		return 2
	case Caution:
		return 1
	}
	return 0
}

func sanctionMessage(f Flag) string {
	label := f.SanctionType
	if r, ok := sanction.Lookup(sanction.Type(f.SanctionType)); ok {
		label = r.Label
	}
	if f.InfluenceUntil == nil {
		return fmt.Sprintf("受到%s（%s决定），无影响期限", label, f.DecidedOn.String())
	}
	return fmt.Sprintf("受到%s（%s决定），影响期未满，%s起解除", label, f.DecidedOn.String(), f.InfluenceUntil.String())
}

func statusLabel(s string) string {
	switch s {
	case flag.StatusVerifying:
		return "核查中"
	case flag.StatusOnHold:
		return "暂存待查"
	}
	return "待处理"
}

func gradeLabel(g string) string {
	if g == gradeIncompetent {
		return "不称职"
	}
	return "基本称职"
}
