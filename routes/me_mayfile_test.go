package routes_test

import (
	"fmt"
	"testing"
)

// TestMeMayFile: GET /me tells the flag form what the user's department
// may file, as SPEC 8's table says (written out here from the SPEC, not
// read from the code), and the server accepts a kind it lists and refuses
// one it does not (403); users who file no flag get no may_file.
func TestMeMayFile(t *testing.T) {
	a := newApp(t)
	unit := a.unit("Q90", nil)
	_, rev := a.user("rev", []string{"org_reviewer"}, nil, nil)
	made := a.do("POST", "/api/v1/cadres", rev, cadreBody("张三", idFor("19800101", 11), unit))
	want(t, made, 201)
	cadre := made.ID()
	type filing struct{ kinds, sanctions, petitions string }
	gov := "gov_warning demerit major_demerit demotion dismissal gov_expulsion"
	party := "party_warning party_serious_warning party_removal party_probation_1y party_probation_2y party_expulsion"
	table := map[string]filing{
		"discipline": {"clue inquiry investigation sanction petition measure", gov + " " + party + " admonishment", "report appeal suggestion"},
		"audit":      {"audit_finding clue", "", ""},
		"petition":   {"petition clue", "", "report appeal suggestion"},
		"inspection": {"inspection_finding clue", "", ""},
	}
	words := func(v any) string {
		list, _ := v.([]any)
		s := ""
		for i, x := range list {
			if i > 0 {
				s += " "
			}
			s += fmt.Sprint(x)
		}
		return s
	}
	check := func(t *testing.T, tok string, exp filing) {
		t.Helper()
		r := a.do("GET", "/api/v1/me", tok, nil)
		want(t, r, 200)
		m, ok := r.JSON()["may_file"].(map[string]any)
		if !ok {
			t.Fatalf("no may_file: %s", r.Body)
		}
		if got := words(m["kinds"]); got != exp.kinds {
			t.Errorf("kinds %q, want %q", got, exp.kinds)
		}
		if got := words(m["sanction_types"]); !sameWords(got, exp.sanctions) {
			t.Errorf("sanction_types %q, want %q", got, exp.sanctions)
		}
		if got := words(m["petition_types"]); got != exp.petitions {
			t.Errorf("petition_types %q, want %q", got, exp.petitions)
		}
	}
	for dept, exp := range table {
		t.Run(dept, func(t *testing.T) {
			d := dept
			_, tok := a.user("aud_"+dept, []string{"auditor"}, nil, &d)
			check(t, tok, exp)
			body := func(kind string) map[string]any {
				b := map[string]any{"cadre_id": cadre, "kind": kind, "severity": "info", "summary": "摘要", "occurred_on": "2024-01-01"}
				switch kind {
				case "audit_finding", "inspection_finding":
					b["responsibility"] = "direct"
				}
				return b
			}
			// A kind it lists is taken; one it does not is refused.
			want(t, a.do("POST", "/api/v1/flags", tok, body("clue")), 201)
			refused := "inspection_finding"
			if dept == "inspection" {
				refused = "audit_finding"
			}
			want(t, a.do("POST", "/api/v1/flags", tok, body(refused)), 403, "forbidden")
		})
	}
	t.Run("organization", func(t *testing.T) {
		check(t, rev, filing{"sanction measure inquiry petition",
			"admonishment org_suspension org_adjustment org_removal org_demotion " + gov, "report"})
	})
	for _, role := range []string{"evaluator", "admin", "security_auditor"} {
		t.Run("none_"+role, func(t *testing.T) {
			var u *int64
			if role == "evaluator" {
				u = &unit
			}
			_, tok := a.user("u_"+role, []string{role}, u, nil)
			r := a.do("GET", "/api/v1/me", tok, nil)
			want(t, r, 200)
			if _, has := r.JSON()["may_file"]; has {
				t.Fatalf("%s has may_file: %s", role, r.Body)
			}
		})
	}
}

// sameWords: the same words, in any order.
func sameWords(a, b string) bool {
	count := map[string]int{}
	for _, w := range splitWords(a) {
		count[w]++
	}
	for _, w := range splitWords(b) {
		count[w]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

func splitWords(s string) []string {
	var out []string
	w := ""
	for _, r := range s + " " {
		if r == ' ' {
			if w != "" {
				out = append(out, w)
			}
			w = ""
			continue
		}
		w += string(r)
	}
	return out
}
