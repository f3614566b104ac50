package vetting

import (
	"fmt"
	"slices"
	"testing"

	"efile/services/checks"
	"efile/services/civil"
)

// briefAll is a reason reduced to its rule and what it names: a flag
// (#f), a cycle (#c), a check (#k), or nothing.
func briefAll(rs []Reason) []string {
	var out []string
	for _, r := range rs {
		s := r.Rule
		for _, ref := range []struct {
			tag string
			id  *int64
		}{{"k", r.CheckID}, {"f", r.FlagID}, {"c", r.CycleID}} {
			if ref.id != nil {
				s += fmt.Sprintf("#%s%d", ref.tag, *ref.id)
			}
		}
		if r.Message == "" {
			s += "(no message)"
		}
		out = append(out, s)
	}
	return out
}

func rev(id int64, on, conclusion string) checks.ReviewFact {
	return checks.ReviewFact{ID: id, ReviewedOn: civil.Text(on), Conclusion: conclusion}
}

func pm(id int64, on, result string, emigrated bool) checks.MattersFact {
	return checks.MattersFact{ID: id, CheckedOn: civil.Text(on), Result: result, FamilyEmigrated: emigrated}
}

func op(id int64, on, conclusion string) checks.OpinionFact {
	return checks.OpinionFact{ID: id, RepliedOn: civil.Text(on), Conclusion: conclusion}
}

// ids shows a basis as three ids, 0 for none.
func ids(b Basis) [3]int64 {
	var out [3]int64
	for i, p := range []*int64{b.DossierReviewID, b.PersonalMattersCheckID, b.IntegrityOpinionID} {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// TestCheckRules: the rules of SPEC 9's last group, on 2025-06-30 with the
// default windows (180 days: from 2025-01-01; 90 days: from 2025-04-01;
// concealment: from 2024-06-30).
func TestCheckRules(t *testing.T) {
	const asOf = "2025-06-30"
	reviewed := []checks.ReviewFact{rev(1, "2025-06-01", "pass")}
	heard := []checks.OpinionFact{op(5, "2025-06-10", "no_issue")}
	cases := []struct {
		name     string
		purpose  string
		subject  bool // reports personal matters
		becomes  bool // becomes_reporting_subject
		reviews  []checks.ReviewFact
		matters  []checks.MattersFact
		opinions []checks.OpinionFact
		flags    []Flag
		verdict  string
		reasons  []string
		basis    [3]int64
	}{
		{name: "clear_allChecked", reviews: reviewed, opinions: heard, verdict: Clear, basis: [3]int64{1, 0, 5}},
		{name: "incomplete_nothing", verdict: Incomplete, reasons: []string{"dossier_unreviewed", "integrity_opinion_missing"}},
		{name: "incomplete_appointmentToo", purpose: PurposeAppointment, reviews: reviewed, verdict: Incomplete,
			reasons: []string{"integrity_opinion_missing"}, basis: [3]int64{1, 0, 0}},
		{name: "clear_transferNeedsNone", purpose: PurposeTransfer, subject: true, verdict: Clear},
		{name: "clear_commendationNeedsNone", purpose: PurposeCommendation,
			reviews: []checks.ReviewFact{rev(1, "2025-06-01", "discrepancy")}, verdict: Clear},
		{name: "incomplete_reviewADayTooOld", reviews: []checks.ReviewFact{rev(1, "2024-12-31", "pass")}, opinions: heard,
			verdict: Incomplete, reasons: []string{"dossier_unreviewed"}, basis: [3]int64{0, 0, 5}},
		{name: "clear_reviewOnTheFirstValidDay", reviews: []checks.ReviewFact{rev(1, "2025-01-01", "pass")}, opinions: heard,
			verdict: Clear, basis: [3]int64{1, 0, 5}},
		{name: "incomplete_reviewAfterAsOf", reviews: []checks.ReviewFact{rev(1, "2025-07-01", "pass")}, opinions: heard,
			verdict: Incomplete, reasons: []string{"dossier_unreviewed"}, basis: [3]int64{0, 0, 5}},
		{name: "blocked_newestReviewFoundADiscrepancy", reviews: []checks.ReviewFact{rev(1, "2025-05-01", "pass"), rev(2, "2025-06-01", "discrepancy")},
			opinions: heard, verdict: Blocked, reasons: []string{"dossier_discrepancy#k2"}, basis: [3]int64{2, 0, 5}},
		{name: "clear_aCorrectionIsTheNewestRecord", reviews: []checks.ReviewFact{rev(2, "2025-06-01", "discrepancy"), rev(3, "2025-05-01", "pass")},
			opinions: heard, verdict: Clear, basis: [3]int64{3, 0, 5}},

		{name: "clear_notASubjectNeedsNoCheck", reviews: reviewed, opinions: heard,
			matters: []checks.MattersFact{pm(10, "2025-06-01", "concealment", true)}, verdict: Clear, basis: [3]int64{1, 0, 5}},
		{name: "incomplete_becomesASubject", becomes: true, reviews: reviewed, opinions: heard, verdict: Incomplete,
			reasons: []string{"personal_matters_unchecked"}, basis: [3]int64{1, 0, 5}},

		{name: "incomplete_replyADayTooOld", reviews: reviewed, opinions: []checks.OpinionFact{op(5, "2025-03-31", "no_issue")},
			verdict: Incomplete, reasons: []string{"integrity_opinion_missing"}, basis: [3]int64{1, 0, 0}},
		{name: "clear_replyOnTheFirstValidDay", reviews: reviewed, opinions: []checks.OpinionFact{op(5, "2025-04-01", "clue_closed")},
			verdict: Clear, basis: [3]int64{1, 0, 5}},
		{name: "blocked_newestReplyNegative", reviews: reviewed, opinions: []checks.OpinionFact{op(5, "2025-06-01", "no_issue"), op(6, "2025-06-20", "clue_under_verification")},
			verdict: Blocked, reasons: []string{"integrity_opinion_negative#k6"}, basis: [3]int64{1, 0, 6}},
		{name: "clear_newestReplyByItsDay", reviews: reviewed, opinions: []checks.OpinionFact{op(7, "2025-06-20", "not_recommended"), op(6, "2025-06-25", "no_issue")},
			verdict: Clear, basis: [3]int64{1, 0, 6}},

		{name: "blocked_specificReportUnchecked", reviews: reviewed, opinions: heard,
			flags:   []Flag{{ID: 3, Kind: "petition", PetitionType: "report", Specific: true, Severity: "warning", Status: "verifying"}},
			verdict: Blocked, reasons: []string{"unchecked_specific_report#f3"}, basis: [3]int64{1, 0, 5}},
		{name: "caution_specificReportForATransfer", purpose: PurposeTransfer,
			flags:   []Flag{{ID: 3, Kind: "petition", PetitionType: "report", Specific: true, Severity: "warning", Status: "open"}},
			verdict: Caution, reasons: []string{"open_flag#f3"}},
		{name: "clear_specificReportChecked", reviews: reviewed, opinions: heard,
			flags:   []Flag{{ID: 3, Kind: "petition", PetitionType: "report", Specific: true, Severity: "warning", Status: "unsubstantiated"}},
			verdict: Clear, basis: [3]int64{1, 0, 5}},
		{name: "blocked_seriousSpecificReportIsAnOpenSeriousFlag", reviews: reviewed, opinions: heard,
			flags:   []Flag{{ID: 3, Kind: "petition", PetitionType: "report", Specific: true, Severity: "serious", Status: "open"}},
			verdict: Blocked, reasons: []string{"open_serious_flag#f3"}, basis: [3]int64{1, 0, 5}},
		{name: "incomplete_worseThanCautionInSpecOrder", subject: true, opinions: heard,
			flags:   []Flag{clue(4, "info", "open")},
			matters: []checks.MattersFact{pm(10, "2025-06-01", "omission", false)}, verdict: Incomplete,
			reasons: []string{"open_flag#f4", "dossier_unreviewed", "personal_matters_omission#k10"}, basis: [3]int64{0, 10, 5}},
		{name: "blocked_worseThanIncomplete", reviews: []checks.ReviewFact{rev(1, "2025-06-01", "discrepancy")}, verdict: Blocked,
			reasons: []string{"dossier_discrepancy#k1", "integrity_opinion_missing"}, basis: [3]int64{1, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			purpose := c.purpose
			if purpose == "" {
				purpose = PurposePromotion
			}
			in := Input{Purpose: purpose, AsOf: civil.Text(asOf), Flags: c.flags, Checks: &Checks{
				Evidence:                checks.Evidence{ReportsPersonalMatters: c.subject, Reviews: c.reviews, Matters: c.matters, Opinions: c.opinions},
				BecomesReportingSubject: c.becomes, Windows: checks.Config{CheckValidDays: 180, OpinionValidDays: 90}}}
			verdict, reasons, basis := Assess(in)
			if got := briefAll(reasons); verdict != c.verdict || !slices.Equal(got, c.reasons) {
				t.Fatalf("%s %v, want %s %v", verdict, got, c.verdict, c.reasons)
			}
			if ids(basis) != c.basis {
				t.Fatalf("basis %v, want %v", ids(basis), c.basis)
			}
		})
	}
}

// TestNegativeOpinions: each conclusion that holds a promotion back blocks;
// the others do not.
func TestNegativeOpinions(t *testing.T) {
	for c, want := range map[string]string{"no_issue": Clear, "clue_closed": Clear, "clue_under_verification": Blocked,
		"sanction_in_period": Blocked, "not_recommended": Blocked} {
		in := Input{Purpose: PurposeAppointment, AsOf: civil.MustParse("2025-06-30"), Checks: &Checks{
			Evidence: checks.Evidence{Reviews: []checks.ReviewFact{rev(1, "2025-06-01", "pass")},
				Opinions: []checks.OpinionFact{op(6, "2025-06-20", c)}},
			Windows: checks.Config{CheckValidDays: 180, OpinionValidDays: 90}}}
		if v, rs, _ := Assess(in); v != want || (want == Blocked) != slices.Equal(briefAll(rs), []string{"integrity_opinion_negative#k6"}) {
			t.Errorf("%s: %s %v", c, v, briefAll(rs))
		}
	}
}

// TestPersonalMattersRules: for a reporting subject with the dossier
// reviewed and the opinion heard, each finding of the personal-matters
// checks; basis is the newest check within 180 days (0: none).
func TestPersonalMattersRules(t *testing.T) {
	for _, c := range []struct {
		name    string
		matters []checks.MattersFact
		verdict string
		reasons []string
		basis   int64
	}{
		{"incomplete_unchecked", nil, Incomplete, []string{"personal_matters_unchecked"}, 0},
		{"clear_checked", []checks.MattersFact{pm(10, "2025-03-01", "consistent", false)}, Clear, nil, 10},
		{"incomplete_aDayTooOld", []checks.MattersFact{pm(10, "2024-12-31", "consistent", false)}, Incomplete,
			[]string{"personal_matters_unchecked"}, 0},
		{"blocked_concealmentWithin12Months", []checks.MattersFact{pm(10, "2024-06-30", "concealment", false),
			pm(11, "2024-09-01", "concealment", false), pm(12, "2025-06-01", "consistent", false)}, Blocked,
			[]string{"personal_matters_concealment#k10", "personal_matters_concealment#k11"}, 12},
		{"clear_concealmentOlderThan12Months", []checks.MattersFact{pm(10, "2024-06-29", "concealment", false),
			pm(12, "2025-06-01", "consistent", false)}, Clear, nil, 12},
		{"caution_newestFoundAnOmission", []checks.MattersFact{pm(10, "2025-06-01", "omission", false)}, Caution,
			[]string{"personal_matters_omission#k10"}, 10},
		{"clear_anOlderOmission", []checks.MattersFact{pm(10, "2025-05-01", "omission", false), pm(11, "2025-06-01", "consistent", false)},
			Clear, nil, 11},
		{"blocked_familyEmigrated", []checks.MattersFact{pm(10, "2025-06-01", "consistent", true)}, Blocked,
			[]string{"family_emigrated#k10"}, 10},
		{"clear_anOlderCheckFoundTheFamilyAbroad", []checks.MattersFact{pm(10, "2025-05-01", "consistent", true),
			pm(11, "2025-06-01", "consistent", false)}, Clear, nil, 11},
		{"blocked_concealmentAndEmigrationOnOneCheck", []checks.MattersFact{pm(10, "2025-06-01", "concealment", true)}, Blocked,
			[]string{"personal_matters_concealment#k10", "family_emigrated#k10"}, 10},
		{"incomplete_checkAfterAsOf", []checks.MattersFact{pm(10, "2025-07-01", "concealment", false)}, Incomplete,
			[]string{"personal_matters_unchecked"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Purpose: PurposePromotion, AsOf: civil.MustParse("2025-06-30"), Checks: &Checks{
				Evidence: checks.Evidence{ReportsPersonalMatters: true, Reviews: []checks.ReviewFact{rev(1, "2025-06-01", "pass")},
					Matters: c.matters, Opinions: []checks.OpinionFact{op(5, "2025-06-10", "no_issue")}},
				Windows: checks.Config{CheckValidDays: 180, OpinionValidDays: 90}}}
			verdict, reasons, basis := Assess(in)
			if got := briefAll(reasons); verdict != c.verdict || !slices.Equal(got, c.reasons) || ids(basis) != [3]int64{1, c.basis, 5} {
				t.Fatalf("%s %v %v, want %s %v with check %d", verdict, got, ids(basis), c.verdict, c.reasons, c.basis)
			}
		})
	}
}

// TestCheckWindowsFromConfig: the windows are the configuration's, to the
// day, and the messages say them.
func TestCheckWindowsFromConfig(t *testing.T) {
	in := Input{Purpose: PurposePromotion, AsOf: civil.MustParse("2025-06-30"), Checks: &Checks{
		Evidence: checks.Evidence{Reviews: []checks.ReviewFact{rev(1, "2025-06-20", "pass")},
			Opinions: []checks.OpinionFact{op(5, "2025-06-25", "no_issue")}},
		Windows: checks.Config{CheckValidDays: 10, OpinionValidDays: 5}}}
	if v, rs, _ := Assess(in); v != Clear {
		t.Fatalf("on the last valid days: %s %v", v, briefAll(rs))
	}
	in.Checks.Windows = checks.Config{CheckValidDays: 9, OpinionValidDays: 4}
	v, rs, b := Assess(in)
	if v != Incomplete || !slices.Equal(briefAll(rs), []string{"dossier_unreviewed", "integrity_opinion_missing"}) || ids(b) != [3]int64{} {
		t.Fatalf("a day later: %s %v %v", v, briefAll(rs), ids(b))
	}
	if rs[0].Message != "近9天内未审核干部人事档案（凡提必审）" || rs[1].Message != "近4天内未收到纪检监察机关的党风廉政意见（凡提必听）" {
		t.Fatalf("messages %q, %q", rs[0].Message, rs[1].Message)
	}
}

// Without checks (nil), none of their rules applies: the other rules' tests
// rely on it, and vetting always supplies them for a promotion.
func TestNoChecksNoCheckRules(t *testing.T) {
	if v, rs := Evaluate(Input{Purpose: PurposePromotion, AsOf: civil.MustParse("2025-06-30")}); v != Clear || len(rs) != 0 {
		t.Fatalf("%s %v", v, briefAll(rs))
	}
}

// The rule table holds every rule once, in the SPEC's order.
func TestRuleTable(t *testing.T) {
	want := []string{"under_investigation", "open_serious_flag", "sanction_influence", "recent_low_grade",
		"unchecked_specific_report", "open_flag", "dossier_unreviewed", "dossier_discrepancy", "personal_matters_unchecked",
		"personal_matters_concealment", "personal_matters_omission", "family_emigrated", "integrity_opinion_missing",
		"integrity_opinion_negative"}
	if got := Rules(); !slices.Equal(got, want) {
		t.Fatalf("rules %v", got)
	}
}
