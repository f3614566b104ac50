package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"efile/models"
	"efile/services/lrmx/lrmxtest"
)

// A replay of an idempotent request answers what the first answered to
// every role that may use the route, whatever purpose the request served:
// the replay re-checks that the caller may still read what the answer
// shows, not the purpose (an auditor files a flag on a cadre they may not
// read; 32 concurrent retries of one flag used to answer one 201 and 31
// 403s).

// replayRequest is one idempotent request to send more than once.
type replayRequest struct {
	name   string // the variant (a department)
	path   string
	tok    string
	body   any    // JSON
	upload []byte // a file, sent as multipart instead of body
	file   string // the upload's name (default roster.csv)
	fields map[string]string
}

// replayWorld is the world with what every idempotent route needs.
type replayWorld struct {
	*world
	admin            string
	a, b             int64 // cadres of units A and B
	evalBID          int64
	auditors         map[string]string // department → token
	n                int               // makes each request's objects new
	openCycle, draft string
}

func newReplayWorld(t *testing.T) *replayWorld {
	w := &replayWorld{world: newWorld(t)}
	w.admin = w.app.admin()
	w.a = w.cadre("张三", idFor("19800101", 1), w.unitA)
	w.b = w.cadre("李四", idFor("19800102", 2), w.unitB)
	w.auditors = map[string]string{"discipline": w.auditor}
	for _, d := range []string{"audit", "petition", "inspection"} {
		_, w.auditors[d] = w.user("aud_"+d, []string{"auditor"}, nil, ptr(d))
	}
	for _, it := range w.do("GET", "/api/v1/users?page_size=200", w.admin, nil).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["username"] == "evalb" {
			w.evalBID = int64(m["id"].(float64))
		}
	}
	w.draft = w.newCycle("annual", 20)
	return w
}

func (w *replayWorld) next() int { w.n++; return w.n }

// replayCases builds, for a route and a role allowed to use it, the
// requests to replay. A route of the table marked Idempotent without a case
// here, or a role allowed to use it that its case does not serve, fails
// TestIdempotentReplays.
var replayCases = map[string]func(w *replayWorld, role string) []replayRequest{
	"POST /api/v1/users": func(w *replayWorld, role string) []replayRequest {
		n := w.next()
		return []replayRequest{{path: "/api/v1/users", tok: w.admin, body: map[string]any{"username": fmt.Sprintf("nu%d", n),
			"password": testPassword, "display_name": "新用户", "roles": []string{"org_reviewer"}}}}
	},
	"POST /api/v1/units": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: "/api/v1/units", tok: w.admin, body: map[string]any{"name": "新单位", "code": fmt.Sprintf("N%d", w.next())}}}
	},
	"POST /api/v1/cadres": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: "/api/v1/cadres", tok: w.rev, body: cadreBody("王五", idFor("19810101", 100+w.next()), w.unitA)}}
	},
	"POST /api/v1/cadres/import": func(w *replayWorld, role string) []replayRequest {
		id := idFor("19820101", 200+w.next())
		csv := rosterHeader + rosterRow("赵六", genderOf(id), "1982-01-01", id, "A", "否", "2020-03-01")
		return []replayRequest{{path: "/api/v1/cadres/import", tok: w.rev, upload: []byte(csv)}}
	},
	// A form of a cadre not yet on file (created) and one of a cadre on
	// file (updated): the answer shows both.
	"POST /api/v1/cadres/import-lrmx": func(w *replayWorld, role string) []replayRequest {
		existing := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", w.b), w.rev, nil).JSON()["id_number"].(string)
		forms := lrmxtest.Zip([]string{"new.lrmx", "old.lrmx"}, map[string][]byte{
			"new.lrmx": lrmxForm(w.t, "王五", idFor("19830101", 300+w.next())), "old.lrmx": lrmxForm(w.t, "李四", existing)})
		return []replayRequest{{path: "/api/v1/cadres/import-lrmx", tok: w.rev, upload: forms, file: "forms.zip",
			fields: map[string]string{"unit_id": fmt.Sprint(w.unitA)}}}
	},
	"POST /api/v1/cadres/:id/records": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: fmt.Sprintf("/api/v1/cadres/%d/records", w.a), tok: w.roleToken(role),
			body: map[string]any{"occurred_on": "2024-05-01", "category": "duty", "content": fmt.Sprintf("记录%d", w.next())}}}
	},
	"POST /api/v1/cadres/:id/records/:rid/amendments": func(w *replayWorld, role string) []replayRequest {
		tok := w.roleToken(role)
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", w.a), tok, map[string]any{"occurred_on": "2024-05-01", "category": "duty", "content": "原记录"})
		want(w.t, r, 201)
		return []replayRequest{{path: fmt.Sprintf("/api/v1/cadres/%d/records/%d/amendments", w.a, r.ID()), tok: tok,
			body: map[string]any{"content": "更正后的记录", "reason": "笔误"}}}
	},
	"POST /api/v1/flags": func(w *replayWorld, role string) []replayRequest {
		if role == "org_reviewer" {
			body := with(clueBody(w.b), "kind", "sanction", "summary", fmt.Sprintf("诫勉%d", w.next()),
				"sanction", map[string]any{"type": "admonishment", "decided_on": "2025-01-01"})
			return []replayRequest{{path: "/api/v1/flags", tok: w.rev, body: body}}
		}
		var out []replayRequest
		for _, d := range []string{"discipline", "audit", "petition", "inspection"} {
			body := with(clueBody(w.b), "summary", fmt.Sprintf("反映问题%d", w.next()), "reporter", "举报人")
			out = append(out, replayRequest{name: d, path: "/api/v1/flags", tok: w.auditors[d], body: body})
		}
		return out
	},
	// A regrade of a cadre an ended investigation left ungraded.
	"POST /api/v1/appraisal-cycles/:id/regrades": func(w *replayWorld, role string) []replayRequest {
		c := w.cadre("补定", idFor("19850101", 400+w.next()), w.unitA)
		path := ungradedByInvestigation(w.world, c)
		return []replayRequest{{path: path + "/regrades", tok: w.rev, body: map[string]any{"cadre_id": c, "grade": "competent", "reason": "审查结束，未予处分"}}}
	},
	// A sanction of the role's department, revoked (discipline) or modified
	// (the organization department's own).
	"POST /api/v1/flags/:id/sanction-changes": func(w *replayWorld, role string) []replayRequest {
		tok, ty, change := w.auditor, "demerit", map[string]any{"action": "revoke", "decided_on": "2025-03-01", "basis": "复核撤销"}
		if role == "org_reviewer" {
			tok, ty, change = w.rev, "admonishment", map[string]any{"action": "modify", "period_months": 3, "decided_on": "2025-03-01", "basis": "申诉变更"}
		}
		r := w.do("POST", "/api/v1/flags", tok, with(clueBody(w.b), "kind", "sanction", "sanction", map[string]any{"type": ty, "decided_on": "2025-01-01"}))
		want(w.t, r, 201)
		return []replayRequest{{path: fmt.Sprintf("/api/v1/flags/%d/sanction-changes", r.ID()), tok: tok, body: change}}
	},
	"POST /api/v1/cadres/:id/vettings": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: fmt.Sprintf("/api/v1/cadres/%d/vettings", w.b), tok: w.rev, body: map[string]any{"purpose": "promotion"}}}
	},
	"POST /api/v1/vettings/batch": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: "/api/v1/vettings/batch", tok: w.rev, body: map[string]any{"cadre_ids": []int64{w.a, w.b}, "purpose": "transfer"}}}
	},
	// The check records of SPEC 13: a record each time.
	"POST /api/v1/cadres/:id/dossier-reviews": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", w.b), tok: w.rev,
			body: map[string]any{"reviewed_on": "2024-05-01", "findings": sixFindings(), "note": fmt.Sprintf("审核%d", w.next())}}}
	},
	"POST /api/v1/cadres/:id/personal-matters-checks": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", w.b), tok: w.rev,
			body: map[string]any{"kind": "random", "checked_on": "2024-05-01", "result": "consistent", "note": fmt.Sprintf("查核%d", w.next())}}}
	},
	// One pending request per cadre: each case asks about a cadre of its own.
	"POST /api/v1/cadres/:id/integrity-opinions": func(w *replayWorld, role string) []replayRequest {
		id := w.cadre("孙七", idFor("19840101", 400+w.next()), w.unitA)
		return []replayRequest{{path: fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", id), tok: w.rev,
			body: map[string]any{"purpose": "promotion", "due_on": w.clock.Now().UTC().Format(time.DateOnly)}}}
	},
	"POST /api/v1/appraisal-cycles": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: cycles, tok: w.rev, body: with(cycleBody("annual", 20), "name", fmt.Sprintf("考核%d", w.next()))}}
	},
	"POST /api/v1/appraisal-cycles/:id/assignments": func(w *replayWorld, role string) []replayRequest {
		return []replayRequest{{path: w.newCycle("annual", 20) + "/assignments", tok: w.rev,
			body: map[string]any{"evaluator_id": w.evalBID, "cadre_id": w.a, "rater_type": "peer"}}}
	},
	// Evaluator B appraises cadre a of unit A: assigned, though a is not
	// in B's unit (the assignment, not the unit, gives the right).
	"POST /api/v1/appraisal-cycles/:id/appraisals": func(w *replayWorld, role string) []replayRequest {
		c := w.newCycle("annual", 20)
		w.assign(c, w.evalBID, w.a, "peer")
		w.move(c, "open")
		return []replayRequest{{path: c + "/appraisals", tok: w.evalB, body: map[string]any{"cadre_id": w.a, "scores": uniform(88), "comment": "好"}}}
	},
}

// lrmxForm is lrmxtest.Form of name, of the gender its ID number says.
func lrmxForm(t testing.TB, name, id string) []byte {
	f := strings.Replace(string(lrmxtest.Form(id, pngPhoto(t))), "王五", name, 1)
	return []byte(strings.Replace(f, "<XingBie>男</XingBie>", "<XingBie>"+genderOf(id)+"</XingBie>", 1))
}

// roleToken is the token of the world's user of role.
func (w *replayWorld) roleToken(role string) string {
	switch role {
	case "org_reviewer":
		return w.rev
	case "evaluator":
		return w.evalA
	}
	w.t.Fatalf("no user of role %s", role)
	return ""
}

// send sends r with an Idempotency-Key.
func (w *replayWorld) send(r replayRequest, key string) *resp {
	if r.upload == nil {
		j, _ := json.Marshal(r.body)
		return w.raw("POST", r.path, r.tok, bytes.NewReader(j), map[string]string{"Idempotency-Key": key})
	}
	name := r.file
	if name == "" {
		name = "roster.csv"
	}
	return w.postFile(r.path, r.tok, name, r.upload, r.fields, map[string]string{"Idempotency-Key": key})
}

// idempotentRoutes lists the routes that take an Idempotency-Key, as the
// document generated from the route table says (gin templates).
func idempotentRoutes(t *testing.T, a *app) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(a.do("GET", "/openapi.json", "", nil).Body, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			for _, p := range op.Parameters {
				if p.Name == "Idempotency-Key" && p.In == "header" {
					out = append(out, strings.ToUpper(method)+" "+ginParamOf(path))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// ginParamOf turns /cadres/{id} back into /cadres/:id.
func ginParamOf(p string) string { return strings.NewReplacer("{", ":", "}", "").Replace(p) }

func TestIdempotentReplays(t *testing.T) {
	w := newReplayWorld(t)
	routes := idempotentRoutes(t, w.app)
	if len(routes) < 12 {
		t.Fatalf("only %d idempotent routes found: %v", len(routes), routes)
	}
	for _, key := range routes {
		build, ok := replayCases[key]
		if !ok {
			t.Errorf("idempotent route %s has no replay case", key)
			continue
		}
		for _, role := range allowed[key] {
			for _, r := range build(w, role) {
				name := key + "/" + role
				if r.name != "" {
					name += "/" + r.name
				}
				t.Run(name, func(t *testing.T) {
					k := fmt.Sprintf("replay-%d", w.next())
					first := w.send(r, k)
					if first.Status != 200 && first.Status != 201 {
						t.Fatalf("first: %d %s", first.Status, first.Body)
					}
					again := w.send(r, k)
					if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
						t.Fatalf("replay: %d %s\nfirst: %d %s", again.Status, again.Body, first.Status, first.Body)
					}
				})
			}
		}
	}
}

// TestIdempotentFlagConcurrent: 32 concurrent requests of one auditor with
// one key file one flag, and every one answers its 201.
func TestIdempotentFlagConcurrent(t *testing.T) {
	w := newReplayWorld(t)
	var before int64
	w.db.Model(&models.Flag{}).Count(&before)
	body := clueBody(w.b)
	const n = 32
	out := make([]*resp, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out[i] = w.send(replayRequest{path: "/api/v1/flags", tok: w.auditors["audit"], body: body}, "flag-conc")
		})
	}
	wg.Wait()
	for i, r := range out {
		if r.Status != 201 || !bytes.Equal(r.Body, out[0].Body) {
			t.Fatalf("request %d: %d %s (first %d %s)", i, r.Status, r.Body, out[0].Status, out[0].Body)
		}
	}
	var after int64
	w.db.Model(&models.Flag{}).Count(&after)
	if after != before+1 {
		t.Fatalf("%d flags filed", after-before)
	}
}

// TestReplayAfterLosingSight: a replay shows nothing to a caller who may
// no longer read what the first answer showed.
func TestReplayAfterLosingSight(t *testing.T) {
	w := newReplayWorld(t)
	t.Run("403_auditorMovedToAnotherDepartment", func(t *testing.T) {
		uid, tok := w.user("aud_moving", []string{"auditor"}, nil, ptr("audit"))
		r := replayRequest{path: "/api/v1/flags", tok: tok, body: with(clueBody(w.b), "summary", "部门调整前的线索")}
		want(t, w.send(r, "move-1"), 201)
		u := w.do("GET", fmt.Sprintf("/api/v1/users/%d", uid), w.admin, nil)
		want(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", uid), w.admin, map[string]any{"department": "petition", "version": u.JSON()["version"]}), 200)
		again := w.send(r, "move-1")
		want(t, again, 403, "forbidden")
		if bytes.Contains(again.Body, []byte("部门调整前的线索")) {
			t.Fatalf("the replay shows the flag: %s", again.Body)
		}
	})
	// The four checks' kinds (authz: DossierReviewRead, OpinionRead): a
	// reviewer linked to the cadre afterwards (recusal) sees neither again.
	t.Run("403_reviewerLinkedToTheCadre", func(t *testing.T) {
		uid, tok := w.user("rev_linked", []string{"org_reviewer"}, nil, nil)
		review := replayRequest{path: fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", w.b), tok: tok,
			body: map[string]any{"reviewed_on": "2024-05-01", "findings": sixFindings(), "note": "回避前的审核"}}
		want(t, w.send(review, "link-review"), 201)
		id := w.cadre("郑十", idFor("19860101", 600), w.unitA)
		ask := replayRequest{path: fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", id), tok: tok,
			body: map[string]any{"purpose": "promotion", "due_on": w.clock.Now().UTC().Format(time.DateOnly), "note": "回避前的征求"}}
		want(t, w.send(ask, "link-ask"), 201)
		w.linkUser(uid, w.b)
		again := w.send(review, "link-review")
		want(t, again, 403, "forbidden")
		if bytes.Contains(again.Body, []byte("回避前的审核")) {
			t.Fatalf("the replay shows the review: %s", again.Body)
		}
		w.linkUser(uid, id)
		again = w.send(ask, "link-ask")
		want(t, again, 403, "forbidden")
		if bytes.Contains(again.Body, []byte("回避前的征求")) {
			t.Fatalf("the replay shows the request: %s", again.Body)
		}
	})
	t.Run("403_evaluatorLinkedToTheCadre", func(t *testing.T) {
		c := w.newCycle("annual", 20)
		w.assign(c, w.evalBID, w.b, "peer")
		w.move(c, "open")
		r := replayRequest{path: c + "/appraisals", tok: w.evalB, body: map[string]any{"cadre_id": w.b, "scores": uniform(90), "comment": "回避前的评价"}}
		want(t, w.send(r, "link-1"), 201)
		w.linkUser(w.evalBID, w.b)
		again := w.send(r, "link-1")
		want(t, again, 403, "forbidden")
		if bytes.Contains(again.Body, []byte("回避前的评价")) {
			t.Fatalf("the replay shows the appraisal: %s", again.Body)
		}
	})
}
