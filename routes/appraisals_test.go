package routes_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"efile/models"
	"efile/services/civil"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"
)

// The appraisal cycles of SPEC section 7, through the real router.

const cycles = "/api/v1/appraisal-cycles"

func cycleBody(kind string, pct any) map[string]any {
	b := map[string]any{"name": "2024年度考核", "kind": kind, "year": 2024, "period_start": "2024-01-01", "period_end": "2024-12-31"}
	if pct != nil {
		b["excellent_quota_pct"] = pct
	}
	return b
}

// newCycle creates a cycle as the reviewer and returns its path.
func (w *world) newCycle(kind string, pct any) string {
	w.t.Helper()
	r := w.do("POST", cycles, w.rev, cycleBody(kind, pct))
	want(w.t, r, 201)
	return fmt.Sprintf("%s/%d", cycles, r.ID())
}

func (w *world) move(path, to string) {
	w.t.Helper()
	body := any(nil)
	if to == "finalize" {
		body = map[string]any{"overrides": []any{}}
	}
	want(w.t, w.do("POST", path+"/"+to, w.rev, body), 200)
}

func (w *world) assign(path string, evaluator, cadreID int64, rater string) {
	w.t.Helper()
	want(w.t, w.do("POST", path+"/assignments", w.rev, map[string]any{"evaluator_id": evaluator, "cadre_id": cadreID, "rater_type": rater}), 201)
}

func marks(m, a, d, ac, i int) map[string]any {
	return map[string]any{"morality": m, "ability": a, "diligence": d, "achievement": ac, "integrity": i}
}

func uniform(x int) map[string]any { return marks(x, x, x, x, x) }

func (w *world) submit(path, tok string, cadreID int64, scores map[string]any) *resp {
	w.t.Helper()
	return w.do("POST", path+"/appraisals", tok, map[string]any{"cadre_id": cadreID, "scores": scores, "comment": "表现良好"})
}

// evaluators creates n evaluators of unit u and returns their ids and tokens.
func (w *world) evaluators(prefix string, n int, u int64) ([]int64, []string) {
	w.t.Helper()
	ids, toks := make([]int64, n), make([]string, n)
	for i := range n {
		ids[i], toks[i] = w.user(fmt.Sprintf("%s%d", prefix, i), []string{"evaluator"}, &u, nil)
	}
	return ids, toks
}

// linkUser links a user to a cadre behind the API's back, raising the
// user's version as every change of a user must (models.User), so that
// authentication loads the user again on its next request.
func (w *world) linkUser(userID, cadreID int64) {
	w.t.Helper()
	if err := w.db.Model(&models.User{}).Where("id = ?", userID).Updates(map[string]any{"cadre_id": cadreID, "version": gorm.Expr("version + 1")}).Error; err != nil {
		w.t.Fatal(err)
	}
}

func TestAppraisalCycleCreate(t *testing.T) {
	w := newWorld(t)
	with := func(k string, v any) map[string]any {
		b := cycleBody("annual", nil)
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	cases := []struct {
		name   string
		tok    string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"201_defaultQuota", w.rev, cycleBody("annual", nil), 201, "", ""},
		{"201_quotaZero", w.rev, cycleBody("ordinary", 0), 201, "", ""},
		{"400_emptyName", w.rev, with("name", " "), 400, "validation_failed", "name"},
		{"400_nameOver100", w.rev, with("name", strings.Repeat("考", 101)), 400, "validation_failed", "name"},
		{"400_badKind", w.rev, with("kind", "monthly"), 400, "validation_failed", "kind"},
		{"400_implausibleYear", w.rev, with("year", 1900), 400, "validation_failed", "year"},
		{"400_badStart", w.rev, with("period_start", "2024-02-30"), 400, "validation_failed", "period_start"},
		{"400_endBeforeStart", w.rev, with("period_end", "2023-12-31"), 400, "validation_failed", "period_end"},
		{"400_quotaOver100", w.rev, with("excellent_quota_pct", 101), 400, "validation_failed", "excellent_quota_pct"},
		{"400_quotaNegative", w.rev, with("excellent_quota_pct", -1), 400, "validation_failed", "excellent_quota_pct"},
		{"400_quotaAsString", w.rev, with("excellent_quota_pct", "20"), 400, "invalid_json", "excellent_quota_pct"},
		{"400_statusNotAllowed", w.rev, with("status", "open"), 400, "invalid_json", "status"},
	}
	t.Run("policy_evaluator", func(t *testing.T) {
		wantPolicy(t, w.do("POST", cycles, w.evalA, cycleBody("annual", nil)), "POST /api/v1/appraisal-cycles", "evaluator")
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", cycles, c.tok, c.body)
			want(t, r, c.status, c.code)
			if c.field != "" && !slices.Contains(r.Fields(), c.field) {
				t.Fatalf("fields %v, want %s", r.Fields(), c.field)
			}
			if c.status == 201 {
				m := r.JSON()
				pct := float64(20)
				if v, ok := c.body["excellent_quota_pct"]; ok {
					pct = float64(v.(int))
				}
				if m["status"] != "draft" || m["version"].(float64) != 1 || m["excellent_quota_pct"].(float64) != pct {
					t.Fatalf("body %s", r.Body)
				}
			}
		})
	}
	t.Run("list_evaluatorSeesOnlyAssignedCycles", func(t *testing.T) {
		evID, evTok := w.user("ev_list", []string{"evaluator"}, &w.unitA, nil)
		c := w.cadre("张三", idFor("19800101", 1), w.unitA)
		path := w.newCycle("annual", nil)
		w.assign(path, evID, c, "peer")
		r := w.do("GET", cycles, evTok, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 1 {
			t.Fatalf("evaluator list %s", r.Body)
		}
		if r := w.do("GET", cycles, w.rev, nil); r.JSON()["total"].(float64) != 3 {
			t.Fatalf("reviewer list %s", r.Body)
		}
		want(t, w.do("GET", path, evTok, nil), 200)
		want(t, w.do("GET", fmt.Sprintf("%s/%d", cycles, 1), evTok, nil), 404, "not_found")
	})
	// SPEC 7's weights of 德能勤绩廉 come with the cycle: the console shows
	// them and previews a total with them, never with a copy of its own.
	t.Run("200_scoreWeights", func(t *testing.T) {
		got := w.do("GET", w.newCycle("annual", nil), w.rev, nil).JSON()["score_weights"]
		want := map[string]any{"morality": 20.0, "ability": 20.0, "diligence": 15.0, "achievement": 30.0, "integrity": 15.0}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("score_weights %v, want %v", got, want)
		}
	})
}

func TestAppraisalTransitions(t *testing.T) {
	w := newWorld(t)
	// Each case starts from a fresh cycle moved to `from`.
	steps := []string{"open", "close", "finalize"}
	statuses := []string{"draft", "open", "closed", "finalized"}
	for fi, from := range statuses {
		for ti, move := range steps {
			ok := ti == fi
			name := fmt.Sprintf("%s_%s_", from, move)
			if ok {
				name += "200"
			} else {
				name += "409"
			}
			t.Run(name, func(t *testing.T) {
				path := w.newCycle("annual", nil)
				for _, s := range steps[:fi] {
					w.move(path, s)
				}
				var body any
				if move == "finalize" {
					body = map[string]any{"overrides": []any{}}
				}
				r := w.do("POST", path+"/"+move, w.rev, body)
				if ok {
					want(t, r, 200)
					if r.JSON()["status"] != statuses[fi+1] || r.JSON()["version"].(float64) != float64(fi+2) {
						t.Fatalf("body %s", r.Body)
					}
				} else {
					want(t, r, 409, "invalid_transition")
				}
			})
		}
	}
	t.Run("404_unknownCycle", func(t *testing.T) {
		want(t, w.do("POST", cycles+"/999/open", w.rev, nil), 404, "not_found")
	})
	t.Run("results409_beforeClose", func(t *testing.T) {
		path := w.newCycle("annual", nil)
		want(t, w.do("GET", path+"/results", w.rev, nil), 409, "conflict")
		w.move(path, "open")
		want(t, w.do("GET", path+"/results", w.rev, nil), 409, "conflict")
		want(t, w.do("GET", path+"/results.xlsx", w.rev, nil), 409, "conflict")
	})
}

func TestAppraisalAssignments(t *testing.T) {
	w := newWorld(t)
	evs, evToks := w.evaluators("ev", 2, w.unitB)
	audID, _ := w.user("aud2", []string{"auditor"}, nil, ptr("audit"))
	a := w.cadre("张三", idFor("19800101", 1), w.unitA)
	b := w.cadre("李四", idFor("19800102", 2), w.unitA)
	mine := w.cadre("王五", idFor("19800103", 3), w.unitB)
	w.linkUser(w.revID, mine)
	w.linkUser(evs[1], b)
	path := w.newCycle("annual", nil)
	body := func(ev, c int64, rater string) map[string]any {
		return map[string]any{"evaluator_id": ev, "cadre_id": c, "rater_type": rater}
	}
	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"201_outsideEvaluatorsUnit", body(evs[0], a, "superior"), 201, "", ""},
		{"409_samePairAgain", body(evs[0], a, "peer"), 409, "conflict", ""},
		{"400_badRaterType", body(evs[0], b, "boss"), 400, "validation_failed", "rater_type"},
		{"400_notAnEvaluator", body(audID, b, "peer"), 400, "validation_failed", "evaluator_id"},
		{"400_unknownEvaluator", body(9999, b, "peer"), 400, "validation_failed", "evaluator_id"},
		{"403_evaluatorLinkedToCadre", body(evs[1], b, "peer"), 403, "forbidden", ""},
		{"403_reviewersOwnRecord", body(evs[0], mine, "peer"), 403, "forbidden", ""},
		{"403_unknownCadre", body(evs[0], 9999, "peer"), 403, "forbidden", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", path+"/assignments", w.rev, c.body)
			want(t, r, c.status, c.code)
			if c.field != "" && !slices.Contains(r.Fields(), c.field) {
				t.Fatalf("fields %v", r.Fields())
			}
		})
	}
	t.Run("list_evaluatorOnlyOwn", func(t *testing.T) {
		w.assign(path, evs[1], a, "peer")
		r := w.do("GET", path+"/assignments", w.rev, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 2 {
			t.Fatalf("reviewer %s", r.Body)
		}
		r = w.do("GET", path+"/assignments?evaluator_id="+fmt.Sprint(evs[0]), w.rev, nil)
		if r.JSON()["total"].(float64) != 1 {
			t.Fatalf("filter %s", r.Body)
		}
		r = w.do("GET", path+"/assignments", evToks[1], nil)
		items := r.JSON()["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["evaluator_id"].(float64) != float64(evs[1]) {
			t.Fatalf("evaluator %s", r.Body)
		}
	})
	t.Run("409_closedCycle", func(t *testing.T) {
		w.move(path, "open")
		w.move(path, "close")
		want(t, w.do("POST", path+"/assignments", w.rev, body(evs[0], b, "peer")), 409, "cycle_not_open")
		want(t, w.do("POST", path+"/assignments/bulk", w.rev, map[string]any{"evaluator_ids": evs[:1], "unit_id": w.unitA, "rater_type": "peer"}),
			409, "cycle_not_open")
	})
}

// countAll counts every statement gorm runs (queries, rows, creates, raw).
func countAll(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	n := &atomic.Int64{}
	inc := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for name, err := range map[string]error{
		"q": cb.Query().After("gorm:query").Register("test:all_query", inc),
		"r": cb.Row().After("gorm:row").Register("test:all_row", inc),
		"c": cb.Create().After("gorm:create").Register("test:all_create", inc),
		"x": cb.Raw().After("gorm:raw").Register("test:all_raw", inc),
		"u": cb.Update().After("gorm:update").Register("test:all_update", inc),
	} {
		if err != nil {
			t.Fatal(name, err)
		}
	}
	return n
}

func TestAppraisalBulk(t *testing.T) {
	w := newWorld(t)
	evs, _ := w.evaluators("ev", 2, w.unitB)
	a1 := w.cadre("甲", idFor("19800101", 1), w.unitA)
	a2 := w.cadre("乙", idFor("19800102", 2), w.unitA)
	w.cadre("丙", idFor("19800103", 3), w.unitA1)
	w.cadre("丁", idFor("19800104", 4), w.unitA1)
	retired := w.cadre("戊", idFor("19800105", 5), w.unitA1)
	w.db.Model(&models.Cadre{}).Where("id = ?", retired).Update("status", "retired")
	w.cadre("己", idFor("19800106", 6), w.unitB) // outside the unit
	w.linkUser(evs[1], a2)
	path := w.newCycle("annual", nil)
	w.assign(path, evs[0], a1, "peer")
	bulk := func(ids []int64, unit int64) *resp {
		return w.do("POST", path+"/assignments/bulk", w.rev, map[string]any{"evaluator_ids": ids, "unit_id": unit, "rater_type": "peer"})
	}
	t.Run("200_skipsExistingAndRecused", func(t *testing.T) {
		r := bulk(evs, w.unitA)
		want(t, r, 200)
		// 2 evaluators × 4 active cadres of A and A1 = 8 pairs; one exists, one is recused.
		if m := r.JSON(); m["created"].(float64) != 6 || m["skipped"].(float64) != 2 {
			t.Fatalf("body %s", r.Body)
		}
		r = bulk(evs, w.unitA)
		if m := r.JSON(); m["created"].(float64) != 0 || m["skipped"].(float64) != 8 {
			t.Fatalf("again: %s", r.Body)
		}
		var n int64
		w.db.Model(&models.AppraisalAssignment{}).Where("evaluator_id = ? AND cadre_id = ?", evs[1], a2).Count(&n)
		if n != 0 {
			t.Fatal("a recused pair was assigned")
		}
	})
	t.Run("400_perEvaluator", func(t *testing.T) {
		audID, _ := w.user("aud2", []string{"auditor"}, nil, ptr("audit"))
		r := bulk([]int64{evs[0], audID, 9999}, w.unitA)
		want(t, r, 400, "validation_failed")
		if got := fmt.Sprint(r.Fields()); got != "[evaluator_ids[1] evaluator_ids[2]]" {
			t.Fatalf("fields %s", got)
		}
		want(t, bulk(evs, 9999), 400, "validation_failed")
		want(t, bulk(nil, w.unitA), 400, "validation_failed")
	})
	big := w.unit("BIG", nil)
	small := w.unit("SMALL", nil)
	seedCadres(t, w.db, big, 2501)
	seedCadres(t, w.db, small, 3)
	t.Run("400_over5000Pairs", func(t *testing.T) {
		r := bulk(evs, big) // 2 × 2,501 = 5,002
		want(t, r, 400, "validation_failed")
		if r.Fields()[0] != "evaluator_ids" {
			t.Fatalf("fields %v", r.Fields())
		}
	})
	t.Run("fixedQueries", func(t *testing.T) {
		n := countAll(t, w.db)
		want(t, bulk(evs[:1], small), 200)
		few := n.Swap(0)
		r := bulk(evs[:1], big) // 2,501 pairs
		want(t, r, 200)
		many := n.Swap(0)
		if r.JSON()["created"].(float64) != 2501 {
			t.Fatalf("body %s", r.Body)
		}
		if few != many || many > 15 {
			t.Fatalf("statements: %d for 3 pairs, %d for 2,501", few, many)
		}
		t.Logf("bulk assignment: %d statements whatever the size", many)
	})
}

func TestAppraisalSubmissions(t *testing.T) {
	w := newWorld(t)
	evs, toks := w.evaluators("ev", 10, w.unitB)
	a := w.cadre("张三", idFor("19800101", 1), w.unitA)
	b := w.cadre("李四", idFor("19800102", 2), w.unitA)
	path := w.newCycle("annual", nil)
	for _, ev := range evs {
		w.assign(path, ev, a, "peer")
	}
	t.Run("409_draftCycleNotOpen", func(t *testing.T) {
		want(t, w.submit(path, toks[0], a, uniform(80)), 409, "cycle_not_open")
	})
	w.move(path, "open")
	cases := []struct {
		name   string
		tok    string
		body   any
		status int
		code   string
		field  string
	}{
		{"400_scoreOver100", toks[0], map[string]any{"cadre_id": a, "scores": marks(101, 80, 80, 80, 80)}, 400, "validation_failed", "scores.morality"},
		{"400_scoreNegative", toks[0], map[string]any{"cadre_id": a, "scores": marks(80, 80, 80, 80, -1)}, 400, "validation_failed", "scores.integrity"},
		{"400_scoreMissing", toks[0], map[string]any{"cadre_id": a, "scores": map[string]any{"morality": 80}}, 400, "validation_failed", "scores.ability"},
		{"400_scoreAsFloat", toks[0], `{"cadre_id":` + fmt.Sprint(a) + `,"scores":{"morality":85.0,"ability":80,"diligence":80,"achievement":80,"integrity":80}}`, 400, "invalid_json", "scores.morality"},
		{"400_scoreAsString", toks[0], `{"cadre_id":` + fmt.Sprint(a) + `,"scores":{"morality":"85","ability":80,"diligence":80,"achievement":80,"integrity":80}}`, 400, "invalid_json", "scores.morality"},
		{"400_commentOver2000", toks[0], map[string]any{"cadre_id": a, "scores": uniform(80), "comment": strings.Repeat("好", 2001)}, 400, "validation_failed", "comment"},
		{"403_notAssigned", toks[0], map[string]any{"cadre_id": b, "scores": uniform(80)}, 403, "forbidden", ""},
		{"201_comment2000", toks[0], map[string]any{"cadre_id": a, "scores": uniform(80), "comment": strings.Repeat("好", 2000)}, 201, "", ""},
		{"409_secondByTheSameEvaluator", toks[0], map[string]any{"cadre_id": a, "scores": uniform(90)}, 409, "already_submitted", ""},
	}
	t.Run("policy_reviewer", func(t *testing.T) {
		wantPolicy(t, w.do("POST", path+"/appraisals", w.rev, map[string]any{"cadre_id": a, "scores": uniform(80)}),
			"POST /api/v1/appraisal-cycles/:id/appraisals", "org_reviewer")
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", path+"/appraisals", c.tok, c.body)
			want(t, r, c.status, c.code)
			if c.field != "" && !slices.Contains(r.Fields(), c.field) {
				t.Fatalf("fields %v", r.Fields())
			}
		})
	}
	t.Run("concurrentDuplicates_exactlyOne201", func(t *testing.T) {
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range 8 {
			wg.Go(func() { statuses[i] = w.submit(path, toks[1], a, uniform(70)).Status })
		}
		wg.Wait()
		slices.Sort(statuses)
		if fmt.Sprint(statuses) != "[201 409 409 409 409 409 409 409]" {
			t.Fatalf("statuses %v", statuses)
		}
	})
	t.Run("concurrentByDifferentEvaluators_allLand", func(t *testing.T) {
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range 8 {
			wg.Go(func() { statuses[i] = w.submit(path, toks[i+2], a, uniform(60+i)).Status })
		}
		wg.Wait()
		for _, s := range statuses {
			if s != 201 {
				t.Fatalf("statuses %v", statuses)
			}
		}
		var n int64
		w.db.Model(&models.Appraisal{}).Where("cadre_id = ?", a).Count(&n)
		if n != 10 {
			t.Fatalf("%d appraisals", n)
		}
	})
	var aid int64
	t.Run("list_evaluatorOnlyOwn", func(t *testing.T) {
		r := w.do("GET", path+"/appraisals", toks[0], nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("%s", r.Body)
		}
		aid = int64(items[0].(map[string]any)["id"].(float64))
		if r := w.do("GET", path+"/appraisals", w.rev, nil); r.JSON()["total"].(float64) != 10 {
			t.Fatalf("reviewer %s", r.Body)
		}
	})
	t.Run("revise", func(t *testing.T) {
		p := fmt.Sprintf("%s/appraisals/%d", path, aid)
		rev := map[string]any{"scores": uniform(85), "comment": "修改", "version": 1}
		want(t, w.do("PUT", p, toks[1], rev), 404, "not_found")
		want(t, w.do("PUT", p, toks[0], map[string]any{"scores": marks(85, 85, 85, 85, 185), "version": 1}), 400, "validation_failed")
		r := w.do("PUT", p, toks[0], rev)
		want(t, r, 200)
		if r.JSON()["version"].(float64) != 2 || r.JSON()["scores"].(map[string]any)["morality"].(float64) != 85 {
			t.Fatalf("body %s", r.Body)
		}
		want(t, w.do("PUT", p, toks[0], rev), 409, "version_conflict")
		w.move(path, "close")
		rev["version"] = 2
		want(t, w.do("PUT", p, toks[0], rev), 409, "cycle_not_open")
		want(t, w.submit(path, toks[9], b, uniform(80)), 403, "forbidden")
	})
}

// TestAppraisalScoring closes cycles whose results are computed by hand.
func TestAppraisalScoring(t *testing.T) {
	w := newWorld(t)
	evs, toks := w.evaluators("ev", 3, w.unitB)
	t.Run("formula", func(t *testing.T) {
		x := w.cadre("甲", idFor("19800101", 1), w.unitA)
		y := w.cadre("乙", idFor("19800102", 2), w.unitA)
		z := w.cadre("丙", idFor("19800103", 3), w.unitA)
		path := w.newCycle("annual", 0)
		w.assign(path, evs[0], x, "superior")
		w.assign(path, evs[1], x, "peer")
		w.assign(path, evs[0], y, "subordinate")
		w.assign(path, evs[1], y, "subordinate")
		w.assign(path, evs[0], z, "superior")
		w.assign(path, evs[1], z, "superior")
		w.assign(path, evs[2], z, "subordinate")
		w.move(path, "open")
		// x: superior total 0.2·60+0.2·60+0.15·70+0.3·70+0.15·80 = 67.5, peer 100:
		// (0.5·67.5 + 0.3·100) / 0.8 = 79.6875 → 79.69 (SPEC example).
		want(t, w.submit(path, toks[0], x, marks(60, 60, 70, 70, 80)), 201)
		want(t, w.submit(path, toks[1], x, uniform(100)), 201)
		// y: subordinates only, 80 and 90: 85.
		want(t, w.submit(path, toks[0], y, uniform(80)), 201)
		want(t, w.submit(path, toks[1], y, uniform(90)), 201)
		// z: superiors 90 and 95 (92.5), subordinate 100, no peer:
		// (0.5·92.5 + 0.2·100) / 0.7 = 94.642857… → 94.64.
		want(t, w.submit(path, toks[0], z, uniform(90)), 201)
		want(t, w.submit(path, toks[1], z, uniform(95)), 201)
		want(t, w.submit(path, toks[2], z, uniform(100)), 201)
		w.move(path, "close")
		r := w.do("GET", path+"/results", w.rev, nil)
		want(t, r, 200)
		if !strings.Contains(string(r.Body), `"score":79.69`) || !strings.Contains(string(r.Body), `"score":94.64`) ||
			!strings.Contains(string(r.Body), `"score":85,`) {
			t.Fatalf("body %s", r.Body)
		}
		items := r.JSON()["items"].([]any)
		got := []string{}
		for _, it := range items {
			m := it.(map[string]any)
			rt := m["raters"].(map[string]any)
			got = append(got, fmt.Sprintf("%v:%v:%v/%v/%v", m["cadre_id"], m["grade"], rt["superior"], rt["peer"], rt["subordinate"]))
		}
		wantGot := []string{fmt.Sprintf("%d:competent:2/0/1", z), fmt.Sprintf("%d:competent:0/0/2", y), fmt.Sprintf("%d:competent:1/1/0", x)}
		if fmt.Sprint(got) != fmt.Sprint(wantGot) {
			t.Fatalf("results %v, want %v (quota 0: nobody excellent)", got, wantGot)
		}
		// Reproducible: the stored results read the same again.
		if again := w.do("GET", path+"/results", w.rev, nil); !bytes.Equal(again.Body, r.Body) {
			t.Fatal("results differ between reads")
		}
	})
	t.Run("ordinaryNames", func(t *testing.T) {
		g := w.cadre("丁", idFor("19800104", 4), w.unitA)
		p := w.cadre("戊", idFor("19800105", 5), w.unitA)
		path := w.newCycle("ordinary", 50)
		w.assign(path, evs[0], g, "superior")
		w.assign(path, evs[0], p, "superior")
		w.move(path, "open")
		want(t, w.submit(path, toks[0], g, uniform(95)), 201)
		want(t, w.submit(path, toks[0], p, uniform(59)), 201)
		w.move(path, "close")
		items := w.do("GET", path+"/results", w.rev, nil).JSON()["items"].([]any)
		if items[0].(map[string]any)["grade"] != "good" || items[1].(map[string]any)["grade"] != "poor" {
			t.Fatalf("items %v", items)
		}
	})
}

// flagOn writes a flag directly, as the flag domain would store it.
func (w *world) flagOn(cadreID int64, kind, status, sanctionType, decidedOn string) {
	w.t.Helper()
	f := models.Flag{CadreID: cadreID, Source: "discipline", Kind: kind, Severity: "serious", Summary: "x",
		OccurredOn: civil.MustParse("2023-01-01"), Status: status, Version: 1, CreatedBy: 1}
	if sanctionType != "" {
		f.SanctionType, f.DecidedOn = &sanctionType, new(civil.Text(decidedOn))
	}
	if err := w.db.Create(&f).Error; err != nil {
		w.t.Fatal(err)
	}
}

// TestAppraisalGrades: the quota and its ties, the sanction bar,
// investigations, missing cadres, the order, finalize with overrides, the
// workbook and the progress counts, on one annual cycle of 2024.
func TestAppraisalGrades(t *testing.T) {
	w := newWorld(t)
	evs, toks := w.evaluators("ev", 1, w.unitB)
	scores := []int{98, 95, 95, 92, 99, 91, 80, 65, 55, 75, 0}
	c := make([]int64, len(scores))
	for i := range c {
		c[i] = w.cadre(fmt.Sprintf("干部%c", '甲'+rune(i)), idFor("19800101", i+1), w.unitA1)
	}
	w.flagOn(c[4], "sanction", "in_effect", "gov_warning", "2024-05-01")   // not excellent in 2024
	w.flagOn(c[5], "investigation", "verifying", "", "")                   // ungraded
	w.flagOn(c[6], "sanction", "revoked", "demerit", "2024-03-01")         // revoked: no effect
	w.flagOn(c[6], "sanction", "in_effect", "gov_warning", "2023-03-01")   // the year before: no effect
	w.flagOn(c[7], "sanction", "in_effect", "major_demerit", "2023-06-30") // ungraded the year after
	w.flagOn(c[9], "sanction", "in_effect", "party_removal", "2024-01-15") // incompetent
	w.flagOn(c[3], "investigation", "unsubstantiated", "", "")             // closed case: no effect
	path := w.newCycle("annual", 20)                                       // 10 appraised: 2 places
	r := w.do("POST", path+"/assignments/bulk", w.rev, map[string]any{"evaluator_ids": evs, "unit_id": w.unitA, "rater_type": "superior"})
	want(t, r, 200)
	w.move(path, "open")
	for i, s := range scores[:10] {
		want(t, w.submit(path, toks[0], c[i], uniform(s)), 201)
	}
	t.Run("progress", func(t *testing.T) {
		r := w.do("GET", path+"/progress", w.rev, nil)
		want(t, r, 200)
		m := r.JSON()
		u := m["units"].([]any)[0].(map[string]any)
		e := m["evaluators"].([]any)[0].(map[string]any)
		if u["unit_id"].(float64) != float64(w.unitA1) || u["assigned"].(float64) != 11 || u["submitted"].(float64) != 10 || u["missing"].(float64) != 1 ||
			e["evaluator_id"].(float64) != float64(evs[0]) || e["assigned"].(float64) != 11 || e["submitted"].(float64) != 10 {
			t.Fatalf("progress %s", r.Body)
		}
		wantPolicy(t, w.do("GET", path+"/progress", toks[0], nil), "GET /api/v1/appraisal-cycles/:id/progress", "evaluator")
	})
	w.move(path, "close")
	type row struct {
		id      int64
		grade   string
		reasons string
	}
	results := func() ([]row, []any) {
		r := w.do("GET", path+"/results", w.rev, nil)
		want(t, r, 200)
		var out []row
		for _, it := range r.JSON()["items"].([]any) {
			m := it.(map[string]any)
			out = append(out, row{int64(m["cadre_id"].(float64)), m["grade"].(string), fmt.Sprint(m["reasons"])})
		}
		return out, r.JSON()["missing"].([]any)
	}
	t.Run("proposed", func(t *testing.T) {
		got, missing := results()
		want := []row{
			{c[4], "competent", "[sanction_in_period]"},
			{c[0], "excellent", "[]"},
			{c[1], "competent", "[quota_tie]"},
			{c[2], "competent", "[quota_tie]"},
			{c[3], "competent", "[]"},
			{c[5], "ungraded", "[under_investigation]"},
			{c[6], "competent", "[]"},
			{c[9], "incompetent", "[sanction_in_period]"},
			{c[7], "ungraded", "[sanction_in_period]"},
			{c[8], "incompetent", "[]"},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("results\n%v\nwant\n%v", got, want)
		}
		if len(missing) != 1 || int64(missing[0].(float64)) != c[10] {
			t.Fatalf("missing %v", missing)
		}
	})
	fin := func(ovs ...map[string]any) *resp {
		return w.do("POST", path+"/finalize", w.rev, map[string]any{"overrides": ovs})
	}
	ov := func(id int64, grade, reason string) map[string]any {
		return map[string]any{"cadre_id": id, "grade": grade, "reason": reason}
	}
	t.Run("finalize", func(t *testing.T) {
		r := fin(ov(c[1], "excellent", " "))
		want(t, r, 400, "validation_failed")
		if r.Fields()[0] != "overrides[0].reason" {
			t.Fatalf("fields %v", r.Fields())
		}
		want(t, fin(ov(c[1], "good", "x")), 400, "validation_failed")
		want(t, fin(ov(c[10], "competent", "未参评")), 400, "validation_failed")
		want(t, fin(ov(c[4], "excellent", "表现突出")), 409, "grade_forced")
		want(t, fin(ov(c[5], "excellent", "表现突出")), 409, "grade_forced")
		want(t, fin(ov(c[1], "excellent", "综合研判"), ov(c[2], "excellent", "综合研判")), 409, "quota_exceeded")
		// A downgrade frees a place: c0 down, c1 and c2 up is two excellent.
		r = fin(ov(c[0], "competent", "群众反映"), ov(c[1], "excellent", "综合研判"), ov(c[2], "excellent", "综合研判"))
		want(t, r, 200)
		if r.JSON()["status"] != "finalized" || r.JSON()["finalized_by"].(float64) != float64(w.revID) {
			t.Fatalf("body %s", r.Body)
		}
		got, _ := results()
		if got[1].grade != "competent" || got[2].grade != "excellent" || got[3].grade != "excellent" || got[0].grade != "competent" {
			t.Fatalf("final %v", got)
		}
		body := w.do("GET", path+"/results", w.rev, nil).JSON()
		first := body["items"].([]any)[1].(map[string]any)
		o, ok := first["override"].(map[string]any)
		var revName string
		w.db.Raw("SELECT display_name FROM users WHERE id = ?", w.revID).Scan(&revName)
		if !ok || o["grade"] != "competent" || o["reason"] != "群众反映" || o["by"].(float64) != float64(w.revID) || o["at"] == "" ||
			o["by_name"] != revName || revName == "" || first["proposed_grade"] != "excellent" {
			t.Fatalf("override %v", first)
		}
		if _, ok := body["items"].([]any)[0].(map[string]any)["override"]; ok {
			t.Fatal("an override on a cadre not overridden")
		}
		want(t, fin(), 409, "invalid_transition")
	})
	t.Run("efileShowsFinalGrades", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", c[1]), w.rev, nil)
		want(t, r, 200)
		as := r.JSON()["appraisals"].([]any)
		if len(as) != 1 {
			t.Fatalf("appraisals %s", r.Body)
		}
		a := as[0].(map[string]any)
		if a["grade"] != "excellent" || a["score"].(float64) != 95 || a["year"].(float64) != 2024 || a["kind"] != "annual" || a["cycle_name"] != "2024年度考核" {
			t.Fatalf("appraisal %v", a)
		}
	})
	t.Run("workbook", func(t *testing.T) {
		r := w.do("GET", path+"/results.xlsx", w.rev, nil)
		want(t, r, 200)
		if out := os.Getenv("EFILE_RESULTS_XLSX"); out != "" { // to look at it printed
			_ = os.WriteFile(out, r.Body, 0o600)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := fmt.Sprint(f.GetSheetList()); got != "[考核结果 等次分布]" {
			t.Fatalf("sheets %s", got)
		}
		rows, _ := f.GetRows("考核结果")
		if len(rows) != 2+11 || rows[1][5] != "等次" || rows[2][2] != "干部"+string(rune(0x7532+4)) || rows[2][5] != "称职" ||
			!strings.Contains(rows[2][7], "受处分") || rows[12][5] != "未参评" {
			t.Fatalf("rows %v", rows)
		}
		dist, _ := f.GetRows("等次分布")
		// Unit A1: 2 优秀 of 10 graded (20.0%), 1 not appraised, 11 in all.
		if len(dist) != 4 || dist[2][0] != "Unit A1" || dist[2][1] != "2" || dist[2][2] != "20.0%" || dist[3][0] != "合计" ||
			dist[2][len(dist[2])-1] != "11" {
			t.Fatalf("distribution %v", dist)
		}
	})
}
