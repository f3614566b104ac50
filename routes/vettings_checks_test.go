package routes_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// How vetting reads the four checks (SPEC 9, 13) through the API: the
// incomplete verdict, check_id on reasons, basis stored with each vetting,
// reporting subjects, the specific reports, and the windows from
// configuration. The rules one by one: services/vetting/rules_checks_test.go.

// vetted is a vetting reduced to its verdict, its reasons (rule, and #id of
// what each names) and its basis.
type vetted struct {
	verdict string
	reasons []string
	basis   [3]int64
}

func vetOf(t *testing.T, r *resp) vetted {
	t.Helper()
	m := r.JSON()
	out := vetted{verdict: m["verdict"].(string)}
	for _, x := range m["reasons"].([]any) {
		rs := x.(map[string]any)
		s := rs["rule"].(string)
		for _, k := range []string{"check_id", "flag_id", "cycle_id"} {
			if id, ok := rs[k]; ok {
				s += fmt.Sprintf("#%d", int64(id.(float64)))
			}
		}
		out.reasons = append(out.reasons, s)
	}
	b := m["basis"].(map[string]any)
	for i, k := range []string{"dossier_review_id", "personal_matters_check_id", "integrity_opinion_id"} {
		if b[k] != nil {
			out.basis[i] = int64(b[k].(float64))
		}
	}
	return out
}

func TestVettingReadsTheChecks(t *testing.T) {
	w := newOpinionWorld(t)
	vet := func(body map[string]any) vetted {
		t.Helper()
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.c), w.rev, body)
		want(t, r, 201)
		return vetOf(t, r)
	}
	promotion := map[string]any{"purpose": "promotion"}
	check := func(got, want vetted) {
		t.Helper()
		if got.verdict != want.verdict || !slices.Equal(got.reasons, want.reasons) || got.basis != want.basis {
			t.Fatalf("vetting %+v, want %+v", got, want)
		}
	}
	t.Run("incompleteWithoutChecks", func(t *testing.T) {
		check(vet(promotion), vetted{"incomplete", []string{"dossier_unreviewed", "integrity_opinion_missing"}, [3]int64{}})
		check(vet(map[string]any{"purpose": "appointment"}), vetted{"incomplete", []string{"dossier_unreviewed", "integrity_opinion_missing"}, [3]int64{}})
		check(vet(map[string]any{"purpose": "transfer"}), vetted{"clear", nil, [3]int64{}})
		check(vet(map[string]any{"purpose": "commendation", "becomes_reporting_subject": true}), vetted{"clear", nil, [3]int64{}})
	})
	review := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", w.c), w.rev,
		map[string]any{"reviewed_on": w.today, "findings": sixFindings("education", "discrepancy")})
	want(t, review, 201)
	t.Run("blockedByTheReviewsDiscrepancy", func(t *testing.T) {
		check(vet(promotion), vetted{"blocked", []string{fmt.Sprintf("dossier_discrepancy#%d", review.ID()), "integrity_opinion_missing"},
			[3]int64{review.ID(), 0, 0}})
	})
	corrected := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", w.c), w.rev,
		map[string]any{"reviewed_on": w.today, "findings": sixFindings("education", "determined")})
	want(t, corrected, 201)
	opinion := w.ask(w.c, 5)
	t.Run("aPendingRequestIsNoOpinion", func(t *testing.T) {
		check(vet(promotion), vetted{"incomplete", []string{"integrity_opinion_missing"}, [3]int64{corrected.ID(), 0, 0}})
	})
	want(t, w.reply(w.auditor, opinion, replyBody()), 200)
	t.Run("clearOnceChecked", func(t *testing.T) {
		check(vet(promotion), vetted{"clear", nil, [3]int64{corrected.ID(), 0, opinion}})
	})
	t.Run("reportingSubjects", func(t *testing.T) {
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.c), w.rev, map[string]any{"purpose": "promotion", "becomes_reporting_subject": true})
		want(t, r, 201)
		if r.JSON()["becomes_reporting_subject"] != true {
			t.Fatalf("body %s", r.Body)
		}
		check(vetOf(t, r), vetted{"incomplete", []string{"personal_matters_unchecked"}, [3]int64{corrected.ID(), 0, opinion}})
		want(t, w.do("PATCH", fmt.Sprintf("/api/v1/cadres/%d", w.c), w.rev, map[string]any{"reports_personal_matters": true, "version": 1}), 200)
		check(vet(promotion), vetted{"incomplete", []string{"personal_matters_unchecked"}, [3]int64{corrected.ID(), 0, opinion}})
		pm := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", w.c), w.rev,
			map[string]any{"kind": "pre_promotion", "checked_on": w.today, "result": "concealment", "family_emigrated": true})
		want(t, pm, 201)
		check(vet(promotion), vetted{"blocked", []string{fmt.Sprintf("personal_matters_concealment#%d", pm.ID()),
			fmt.Sprintf("family_emigrated#%d", pm.ID())}, [3]int64{corrected.ID(), pm.ID(), opinion}})
		// A later check that finds all in order does not undo concealment
		// found within twelve months.
		ok := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", w.c), w.rev,
			map[string]any{"kind": "targeted", "checked_on": w.today, "result": "consistent"})
		want(t, ok, 201)
		check(vet(promotion), vetted{"blocked", []string{fmt.Sprintf("personal_matters_concealment#%d", pm.ID())},
			[3]int64{corrected.ID(), ok.ID(), opinion}})
	})
	t.Run("specificReportBlocks", func(t *testing.T) {
		f := w.fileFlag(w.audPetition, reportBody(w.b, "specific", true))
		allChecked(t, w.db, w.b, w.today)
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.b), w.rev, promotion)
		want(t, r, 201)
		got := vetOf(t, r)
		if got.verdict != "blocked" || !slices.Contains(got.reasons, fmt.Sprintf("unchecked_specific_report#%d", f)) {
			t.Fatalf("vetting %+v", got)
		}
	})
	t.Run("negativeOpinion", func(t *testing.T) {
		x := w.ask(w.c, 5)
		want(t, w.reply(w.auditor, x, replyBody("conclusion", "clue_under_verification", "flag_ids", []int64{})), 200)
		got := vet(map[string]any{"purpose": "appointment"})
		if got.verdict != "blocked" || !slices.Contains(got.reasons, fmt.Sprintf("integrity_opinion_negative#%d", x)) || got.basis[2] != x {
			t.Fatalf("vetting %+v", got)
		}
	})
	t.Run("storedWithItsBasisAndNeverChanged", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.c), w.rev, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		oldest := items[len(items)-1].(map[string]any)
		if oldest["verdict"] != "incomplete" || oldest["basis"].(map[string]any)["dossier_review_id"] != nil ||
			items[0].(map[string]any)["basis"].(map[string]any)["integrity_opinion_id"] == nil {
			t.Fatalf("stored %v … %v", items[0], oldest)
		}
	})
	t.Run("400_becomesReportingSubjectNotABoolean", func(t *testing.T) {
		want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.c), w.rev, map[string]any{"purpose": "promotion", "becomes_reporting_subject": "yes"}), 400, "invalid_json")
	})
	t.Run("eFileShowsTheNewestChecksAndTheBasis", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", w.c), w.rev, nil)
		want(t, r, 200)
		cs := r.JSON()["checks"].(map[string]any)
		if cs["dossier_review"].(map[string]any)["id"].(float64) != float64(corrected.ID()) ||
			cs["personal_matters_check"].(map[string]any)["result"] != "consistent" ||
			cs["integrity_opinion"].(map[string]any)["conclusion"] != "clue_under_verification" {
			t.Fatalf("checks %v", cs)
		}
		v := r.JSON()["vettings"].([]any)[0].(map[string]any)
		if v["basis"].(map[string]any)["personal_matters_check_id"] == nil || v["checked_by_name"] != "rev" {
			t.Fatalf("vetting %v", v)
		}
		r = w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", w.b), w.rev, nil)
		if cs := r.JSON()["checks"].(map[string]any); cs["personal_matters_check"] != nil || cs["dossier_review"] == nil {
			t.Fatalf("checks of b %v", cs)
		}
	})
}

// TestVettingCheckWindows: how long a check counts is configuration
// (EFILE_CHECK_VALID_DAYS, EFILE_OPINION_VALID_DAYS).
func TestVettingCheckWindows(t *testing.T) {
	w := &flagWorld{world: &world{app: newApp(t, func(c *appConfig) { c.checkDays, c.opinionDays = 10, 5 })}}
	w.unitA = w.unit("A", nil)
	w.revID, w.rev = w.user("rev", []string{"org_reviewer"}, nil, nil)
	id := w.cadre("张三", idFor("19800101", 1), w.unitA)
	on := func(days int) string { return w.clock.Now().UTC().AddDate(0, 0, -days).Format(time.DateOnly) }
	allChecked(t, w.db, id, on(5))
	r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", id), w.rev, map[string]any{"purpose": "promotion"})
	want(t, r, 201)
	if got := vetOf(t, r); got.verdict != "clear" {
		t.Fatalf("on the last day of the reply's window: %+v", got)
	}
	id2 := w.cadre("王五", idFor("19800103", 3), w.unitA)
	allChecked(t, w.db, id2, on(6))
	r = w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", id2), w.rev, map[string]any{"purpose": "promotion"})
	want(t, r, 201)
	got := vetOf(t, r)
	if got.verdict != "incomplete" || !slices.Equal(got.reasons, []string{"integrity_opinion_missing"}) {
		t.Fatalf("a reply 6 days old with a 5-day window: %+v", got)
	}
	if msg := r.JSON()["reasons"].([]any)[0].(map[string]any)["message"]; msg != "近5天内未收到纪检监察机关的党风廉政意见（凡提必听）" {
		t.Fatalf("message %v", msg)
	}
	cl := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/checks", id2), w.rev, nil)
	if cl.JSON()["check_valid_days"].(float64) != 10 || cl.JSON()["opinion_valid_days"].(float64) != 5 ||
		cl.JSON()["dossier_reviews"].([]any)[0].(map[string]any)["valid_until"] != on(-4) {
		t.Fatalf("checklist %s", cl.Body)
	}
}
