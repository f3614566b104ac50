package vocab_test

import (
	"efile/services/alerts"
	"efile/services/appraisal"
	"testing"

	"efile/services/account"
	"efile/services/checks"
	"efile/services/flag"
	"efile/services/lrmx"
	"efile/services/profile"
	"efile/services/record"
	"efile/services/vetting"
	"efile/services/vocab"
)

// The codes of the SPEC, kind by kind: every one must have a label.
var specCodes = map[string][]string{
	vocab.RecordCategories: record.Categories(),
	vocab.Grades: {"excellent", "competent", "basic_competent", "incompetent", "ungraded",
		"good", "fairly_good", "average", "poor"},
	vocab.FlagKinds:    flag.Kinds(),
	vocab.FlagStatuses: flag.Statuses(),
	vocab.Sanctions: {"gov_warning", "demerit", "major_demerit", "demotion", "dismissal", "gov_expulsion",
		"party_warning", "party_serious_warning", "party_removal", "party_probation_1y", "party_probation_2y",
		"party_expulsion", "admonishment", "org_suspension", "org_adjustment", "org_removal", "org_demotion"},
	vocab.PetitionTypes: {"report", "appeal", "suggestion"},
	vocab.Roles:         account.Roles(),
	vocab.Departments:   account.Departments(),
	vocab.Verdicts:      {"clear", "caution", "incomplete", "blocked"},
	vocab.VettingRules:  vetting.Rules(),
	vocab.Genders:       {"male", "female"},
	vocab.CadreStatuses: {"active", "retired", "left"},
	vocab.CycleKinds:    {"ordinary", "annual", "special", "term"},
	vocab.RaterTypes:    {"superior", "peer", "subordinate"},
	vocab.Purposes:      vetting.Purposes(),
	vocab.Severities:    {"info", "warning", "serious"},
	vocab.Scores:        {"morality", "ability", "diligence", "achievement", "integrity"},
	vocab.CycleStatuses: {"draft", "open", "closed", "finalized"},
	vocab.ImportActions: {"created", "updated", "unchanged"},

	vocab.DossierItems:           checks.DossierItems(),
	vocab.DossierFindingResults:  checks.FindingResults(),
	vocab.DossierConclusions:     checks.DossierConclusions(),
	vocab.PersonalMattersKinds:   checks.MattersKinds(),
	vocab.PersonalMattersResults: checks.MattersResults(),
	vocab.OpinionConclusions:     checks.OpinionConclusions(),
	vocab.OpinionStatuses:        checks.OpinionStatuses(),

	vocab.FlagSources:           flag.Sources(),
	vocab.MeasureTypes:          flag.MeasureTypes(),
	vocab.Responsibilities:      flag.Responsibilities(),
	vocab.AuditTypes:            flag.AuditTypes(),
	vocab.OutcomeForms:          {"1", "2", "3", "4"},
	vocab.SanctionChangeActions: flag.Actions(),

	vocab.ProfileFields: profile.FieldNames(),
	vocab.LRMXElements:  lrmx.Elements(),

	vocab.AlertKinds: alerts.Kinds(),

	vocab.GradeReasons: appraisal.Reasons(),
}

func TestEveryCodeLabelled(t *testing.T) {
	if got, want := len(vocab.Kinds()), len(specCodes); got != want {
		t.Errorf("%d kinds, want %d: %v", got, want, vocab.Kinds())
	}
	for kind, codes := range specCodes {
		labels := vocab.Labels(kind)
		if len(labels) != len(codes) {
			t.Errorf("%s has %d labels, want %d", kind, len(labels), len(codes))
		}
		seen := map[string]string{}
		for _, c := range codes {
			l := labels[c]
			if l == "" || l == c {
				t.Errorf("%s.%s has no label", kind, c)
			}
			// Two codes of one kind printed alike could not be told apart on paper.
			if other, dup := seen[l]; dup {
				t.Errorf("%s: %s and %s are both %q", kind, other, c, l)
			}
			seen[l] = c
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct{ kind, code, want string }{
		{vocab.Sanctions, "party_probation_2y", "留党察看二年"},
		{vocab.Grades, "ungraded", "不定等次"},
		{vocab.RaterTypes, "subordinate", "下级"},
		{vocab.Grades, "unknown_code", "unknown_code"}, // falls back to the code
		{"no_such_kind", "x", "x"},
	} {
		if got := vocab.Label(tc.kind, tc.code); got != tc.want {
			t.Errorf("Label(%s, %s) = %q, want %q", tc.kind, tc.code, got, tc.want)
		}
	}
	if vocab.Labels("no_such_kind") != nil {
		t.Error("Labels of an unknown kind is not nil")
	}
}

// A caller that changes what it was handed changes nothing for the others.
func TestCopiesAreReadOnly(t *testing.T) {
	vocab.Labels(vocab.Grades)["excellent"] = "x"
	all := vocab.All()
	all[vocab.Grades]["excellent"] = "y"
	delete(all, vocab.Roles)
	if got := vocab.Label(vocab.Grades, "excellent"); got != "优秀" {
		t.Errorf("label changed through a copy: %q", got)
	}
	if vocab.Labels(vocab.Roles) == nil {
		t.Error("a kind was deleted through a copy")
	}
}
