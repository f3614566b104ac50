package routes_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// The keys SPEC section 12 names, with a code of each that must be there.
var specVocabulary = map[string]string{
	"record_categories": "major_task", "grades": "ungraded", "flag_kinds": "audit_finding",
	"flag_statuses": "verifying", "sanctions": "party_probation_2y", "petition_types": "report",
	"roles": "security_auditor", "departments": "inspection", "verdicts": "blocked",
	"vetting_rules": "recent_low_grade",
}

func TestVocabulary(t *testing.T) {
	w := newWorld(t)
	_, sec := w.user("sec", []string{"security_auditor"}, nil, nil)
	for role, tok := range map[string]string{"org_reviewer": w.rev, "evaluator": w.evalA, "auditor": w.auditor,
		"security_auditor": sec, "admin": w.login("admin", testPassword)} {
		t.Run("200_"+role, func(t *testing.T) {
			r := w.do("GET", "/api/v1/vocabulary", tok, nil)
			want(t, r, 200)
			var v map[string]map[string]string
			if err := json.Unmarshal(r.Body, &v); err != nil {
				t.Fatalf("body %s: %v", r.Body, err)
			}
			for kind, code := range specVocabulary {
				if len(v[kind]) == 0 || v[kind][code] == "" {
					t.Errorf("%s missing or without %s: %v", kind, code, v[kind])
				}
			}
			for kind, labels := range v {
				for code, label := range labels {
					if label == "" || code == "" {
						t.Errorf("%s: %q → %q", kind, code, label)
					}
				}
			}
			if v["record_categories"]["political"] != "政治表现" || len(v["sanctions"]) != 17 {
				t.Errorf("record_categories %v, %d sanctions", v["record_categories"], len(v["sanctions"]))
			}
		})
	}
	t.Run("401_signedOut", func(t *testing.T) {
		want(t, w.do("GET", "/api/v1/vocabulary", "", nil), 401, "unauthenticated")
	})
}

// TestVocabularyOrder: each kind's codes come in the order people read
// them (the SPEC's), which a console listing the entries keeps.
func TestVocabularyOrder(t *testing.T) {
	w := newWorld(t)
	r := w.do("GET", "/api/v1/vocabulary", w.rev, nil)
	want(t, r, 200)
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	order := map[string][]string{}
	var kind string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' {
				depth++
			} else if v == '}' {
				depth--
			}
		case string:
			if depth == 1 {
				kind = v
			} else if depth == 2 {
				order[kind] = append(order[kind], v)
				if _, err := dec.Token(); err != nil { // the label
					t.Fatal(err)
				}
			}
		}
	}
	for k, w := range map[string][]string{
		"record_categories": {"political", "duty", "major_task", "conduct", "integrity", "commendation", "shortcoming"},
		"severities":        {"info", "warning", "serious"},
		"rater_types":       {"superior", "peer", "subordinate"},
		// SPEC 9 and 13.
		"verdicts": {"clear", "caution", "incomplete", "blocked"},
		"vetting_rules": {"under_investigation", "open_serious_flag", "sanction_influence", "recent_low_grade",
			"unchecked_specific_report", "open_flag", "dossier_unreviewed", "dossier_discrepancy", "personal_matters_unchecked",
			"personal_matters_concealment", "personal_matters_omission", "family_emigrated", "integrity_opinion_missing",
			"integrity_opinion_negative"},
		"dossier_items":            {"birth_date", "work_start", "party_join", "education", "career", "identity"},
		"dossier_finding_results":  {"consistent", "determined", "discrepancy"},
		"dossier_conclusions":      {"pass", "discrepancy"},
		"personal_matters_kinds":   {"pre_promotion", "random", "targeted"},
		"personal_matters_results": {"consistent", "omission", "concealment"},
		"opinion_conclusions":      {"no_issue", "clue_closed", "clue_under_verification", "sanction_in_period", "not_recommended"},
		"opinion_statuses":         {"pending", "replied", "withdrawn"},
		// SPEC 7: every reason a result carries (services/appraisal).
		"grade_reasons": {"sanction_in_period", "under_investigation", "quota_tie"},
	} {
		if !slices.Equal(order[k], w) {
			t.Errorf("%s in order %v, want %v", k, order[k], w)
		}
	}
	if got := order["sanctions"]; len(got) != 17 || got[0] != "gov_warning" || got[6] != "party_warning" || got[12] != "admonishment" {
		t.Errorf("sanctions in order %v", got)
	}
}
