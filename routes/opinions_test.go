package routes_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"efile/models"
)

// Integrity opinions (凡提必听, SPEC 13): the reviewer's request, the
// discipline department's inbox and reply, the reviewer's withdrawal.

// opinionWorld adds to the flag world a discipline-department flag on cadre
// a, an audit-department one, and a third cadre.
type opinionWorld struct {
	*flagWorld
	c                  int64
	discFlag, discOnB  int64
	auditFlag          int64
	today              string
	requests, opinions string
}

func newOpinionWorld(t *testing.T) *opinionWorld {
	w := &opinionWorld{flagWorld: newFlagWorld(t)}
	w.c = w.cadre("王五", idFor("19800103", 3), w.unitA1)
	w.discFlag = w.fileFlag(w.auditor, with(clueBody(w.a), "detail", "案卷详情：某年某月收受礼金", "summary", "反映其收受礼金"))
	w.discOnB = w.fileFlag(w.auditor, clueBody(w.b))
	w.auditFlag = w.fileFlag(w.audAudit, clueBody(w.a))
	w.today = w.clock.Now().UTC().Format(time.DateOnly)
	w.opinions = "/api/v1/integrity-opinions"
	return w
}

// later moves the clock on and signs everyone in again (tokens last 12
// hours).
func (w *opinionWorld) later(d time.Duration) {
	w.t.Helper()
	w.clock.Add(d)
	for _, u := range []struct {
		tok  *string
		name string
	}{{&w.rev, "rev"}, {&w.auditor, "aud"}, {&w.audAudit, "aud_audit"}, {&w.audPetition, "aud_pet"},
		{&w.selfAuditor, "aud_self"}, {&w.selfReviewer, "rev_self"}, {&w.admin, "admin"}, {&w.secAuditor, "sec"},
		{&w.evalA, "evala"}} {
		*u.tok = w.login(u.name, testPassword)
	}
	w.today = w.day(0)
}

func (w *opinionWorld) day(n int) string {
	return w.clock.Now().UTC().AddDate(0, 0, n).Format(time.DateOnly)
}

func (w *opinionWorld) requestPath(cadreID int64) string {
	return fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", cadreID)
}

// ask requests an opinion on cadreID due in days and returns its id.
func (w *opinionWorld) ask(cadreID int64, days int) int64 {
	w.t.Helper()
	r := w.do("POST", w.requestPath(cadreID), w.rev, map[string]any{"purpose": "promotion", "due_on": w.day(days)})
	want(w.t, r, 201)
	return r.ID()
}

func replyBody(kv ...any) map[string]any {
	return with(map[string]any{"conclusion": "no_issue", "text": "经查，未发现该同志有违反廉洁纪律问题。", "signed_by": "区纪委书记 李明"}, kv...)
}

func (w *opinionWorld) reply(tok string, id int64, body map[string]any) *resp {
	return w.do("POST", fmt.Sprintf("%s/%d/reply", w.opinions, id), tok, body)
}

func (w *opinionWorld) withdraw(tok string, id int64) *resp {
	return w.do("POST", fmt.Sprintf("%s/%d/withdraw", w.opinions, id), tok, nil)
}

func ids(items []any) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = int64(it.(map[string]any)["id"].(float64))
	}
	return out
}

// oneWins runs do n times at once and fails unless exactly one answers ok
// and every other 409.
func oneWins(t *testing.T, n, ok int, do func() int) {
	t.Helper()
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = do()
		}()
	}
	wg.Wait()
	if slices.Index(statuses, ok) < 0 || slices.IndexFunc(statuses, func(s int) bool { return s != ok && s != 409 }) >= 0 ||
		len(slices.DeleteFunc(slices.Clone(statuses), func(s int) bool { return s == 409 })) != 1 {
		t.Fatalf("statuses %v, want one %d and the rest 409", statuses, ok)
	}
}

func TestOpinionRequest(t *testing.T) {
	w := newOpinionWorld(t)
	var id int64
	t.Run("201", func(t *testing.T) {
		r := w.do("POST", w.requestPath(w.a), w.rev, map[string]any{"purpose": "promotion", "due_on": w.day(10), "note": "拟提拔为副局长"})
		want(t, r, 201)
		m := r.JSON()
		id = r.ID()
		if m["status"] != "pending" || m["purpose"] != "promotion" || m["due_on"] != w.day(10) || m["cadre_id"].(float64) != float64(w.a) ||
			m["requested_by"].(float64) != float64(w.revID) || m["requested_by_name"] != "rev" || m["requested_at"] == nil ||
			m["note"] != "拟提拔为副局长" || m["overdue"] != false || m["cadre_name"] != "张三" || m["unit_name"] != "Unit A" ||
			m["unit_id"].(float64) != float64(w.unitA) || m["position"] != "科长" {
			t.Fatalf("body %s", r.Body)
		}
		for _, k := range []string{"conclusion", "text", "signed_by", "replied_by", "replied_at", "late", "withdrawn_at", "valid_until"} {
			if v, ok := m[k]; !ok || v != nil {
				t.Fatalf("%s = %v before a reply", k, v)
			}
		}
		if len(m["flag_ids"].([]any)) != 0 || len(m["flags"].([]any)) != 0 {
			t.Fatalf("flags before a reply: %s", r.Body)
		}
		wantLoggedWith(t, w.app, w.a)
	})
	t.Run("409_onePendingPerCadre", func(t *testing.T) {
		r := w.do("POST", w.requestPath(w.a), w.rev, map[string]any{"purpose": "appointment", "due_on": w.day(5)})
		want(t, r, 409, "conflict")
	})
	t.Run("201_dueTodayAndIn60Days", func(t *testing.T) {
		want(t, w.do("POST", w.requestPath(w.b), w.rev, map[string]any{"purpose": "transfer", "due_on": w.today}), 201)
		want(t, w.do("POST", w.requestPath(w.c), w.rev, map[string]any{"purpose": "commendation", "due_on": w.day(60)}), 201)
	})
	d := w.cadre("孙七", idFor("19800104", 4), w.unitB)
	for _, c := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"400_dueYesterday", map[string]any{"purpose": "promotion", "due_on": w.day(-1)}, []string{"due_on"}},
		{"400_dueIn61Days", map[string]any{"purpose": "promotion", "due_on": w.day(61)}, []string{"due_on"}},
		{"400_dueNotADate", map[string]any{"purpose": "promotion", "due_on": "next week"}, []string{"due_on"}},
		{"400_purpose", map[string]any{"purpose": "secondment", "due_on": w.today}, []string{"purpose"}},
		{"400_allMissingAndLongNote", map[string]any{"note": strings.Repeat("注", 2001)}, []string{"purpose", "due_on", "note"}},
	} {
		t.Run(c.name, func(t *testing.T) { wantFields(t, w.do("POST", w.requestPath(d), w.rev, c.body), c.fields...) })
	}
	t.Run("400_invalidJSON", func(t *testing.T) {
		want(t, w.do("POST", w.requestPath(d), w.rev, map[string]any{"purpose": "promotion", "due_on": w.today, "status": "replied"}), 400, "invalid_json")
	})
	t.Run("404_recusalAndUnknown", func(t *testing.T) {
		body := map[string]any{"purpose": "promotion", "due_on": w.today}
		want(t, w.do("POST", w.requestPath(w.a), w.selfReviewer, body), 404, "not_found")
		want(t, w.do("POST", w.requestPath(99999), w.rev, body), 404, "not_found")
	})
	t.Run("403_otherRoles", func(t *testing.T) {
		wantRoles(t, w.app, "POST /api/v1/cadres/:id/integrity-opinions", w.requestPath(d), map[string]any{"purpose": "promotion", "due_on": w.today},
			"auditor", w.auditor, "auditor", w.audAudit, "evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor)
	})
	t.Run("405", func(t *testing.T) { want405(t, w.app, fmt.Sprintf("%s/%d", w.opinions, id), w.rev) })
	t.Run("concurrentRequestsOneWins", func(t *testing.T) {
		e := w.cadre("周八", idFor("19800105", 5), w.unitB)
		oneWins(t, 8, 201, func() int {
			return w.do("POST", w.requestPath(e), w.rev, map[string]any{"purpose": "promotion", "due_on": w.today}).Status
		})
		var pending int64
		w.db.Model(&models.IntegrityOpinion{}).Where("cadre_id = ?", e).Count(&pending)
		if pending != 1 {
			t.Fatalf("%d requests stored", pending)
		}
	})
	t.Run("idempotentReplay", func(t *testing.T) {
		// A retry with the same Idempotency-Key gets the first 201 again,
		// not the 409 of a second pending request, and stores nothing.
		f := w.cadre("吴九", idFor("19800106", 6), w.unitB)
		body := `{"purpose":"promotion","due_on":"` + w.today + `"}`
		hdr := map[string]string{"Idempotency-Key": "opinion-f-1"}
		first := w.raw("POST", w.requestPath(f), w.rev, strings.NewReader(body), hdr)
		again := w.raw("POST", w.requestPath(f), w.rev, strings.NewReader(body), hdr)
		want(t, first, 201)
		want(t, again, 201)
		if !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay %s", again.Body)
		}
		want(t, w.do("POST", w.requestPath(f), w.rev, map[string]any{"purpose": "promotion", "due_on": w.today}), 409, "conflict")
	})
	t.Run("listOfACadre", func(t *testing.T) {
		r := w.do("GET", w.requestPath(w.a), w.rev, nil)
		want(t, r, 200)
		if got := ids(r.JSON()["items"].([]any)); !slices.Equal(got, []int64{id}) {
			t.Fatalf("items %v", got)
		}
		wantLoggedWith(t, w.app, w.a)
		want(t, w.do("GET", w.requestPath(w.a), w.selfReviewer, nil), 404, "not_found")
		wantRoles(t, w.app, "GET /api/v1/cadres/:id/integrity-opinions", w.requestPath(w.a), nil,
			"auditor", w.auditor, "evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor)
	})
}

func TestOpinionInbox(t *testing.T) {
	w := newOpinionWorld(t)
	onA := w.ask(w.a, 2)
	onB := w.ask(w.b, 20)
	replied := w.ask(w.c, 1)
	want(t, w.reply(w.auditor, replied, replyBody()), 200)
	withdrawn := w.ask(w.c, 30)
	want(t, w.withdraw(w.rev, withdrawn), 200)
	// Three days on: the request on a (due in two days) is overdue.
	w.later(72 * time.Hour)
	list := func(tok, query string) *resp { return w.do("GET", w.opinions+query, tok, nil) }
	t.Run("200_discipline", func(t *testing.T) {
		r := list(w.auditor, "")
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if got := ids(items); !slices.Equal(got, []int64{withdrawn, replied, onB, onA}) || r.JSON()["total"].(float64) != 4 {
			t.Fatalf("inbox %v", got)
		}
		last := items[3].(map[string]any)
		if last["cadre_name"] != "张三" || last["unit_name"] != "Unit A" || last["position"] != "科长" || last["overdue"] != true ||
			last["cadre_id"].(float64) != float64(w.a) {
			t.Fatalf("item %v", last)
		}
		if items[2].(map[string]any)["overdue"] != false || items[1].(map[string]any)["overdue"] != false {
			t.Fatalf("overdue on others: %s", r.Body)
		}
		if e := w.lastEntry(); e.CadreID != nil {
			t.Fatalf("the inbox names cadre %d in the access log", *e.CadreID)
		}
	})
	t.Run("200_reviewer", func(t *testing.T) {
		r := list(w.rev, "")
		want(t, r, 200)
		if got := ids(r.JSON()["items"].([]any)); len(got) != 4 {
			t.Fatalf("reviewer's inbox %v", got)
		}
	})
	for _, c := range []struct {
		query string
		ids   []int64
	}{
		{"?status=pending", []int64{onB, onA}},
		{"?status=replied", []int64{replied}},
		{"?status=withdrawn", []int64{withdrawn}},
		{"?overdue=true", []int64{onA}},
		{"?overdue=false", []int64{withdrawn, replied, onB}},
		{"?status=pending&overdue=false", []int64{onB}},
		{"?page=2&page_size=3", []int64{onA}},
	} {
		t.Run("filter"+c.query, func(t *testing.T) {
			r := list(w.auditor, c.query)
			want(t, r, 200)
			if got := ids(r.JSON()["items"].([]any)); !slices.Equal(got, c.ids) {
				t.Fatalf("items %v, want %v", got, c.ids)
			}
		})
	}
	t.Run("400_filters", func(t *testing.T) {
		wantFields(t, list(w.auditor, "?status=open"), "status")
		wantFields(t, list(w.auditor, "?overdue=maybe"), "overdue")
	})
	t.Run("getOne", func(t *testing.T) {
		for _, tok := range []string{w.auditor, w.rev} {
			r := w.do("GET", fmt.Sprintf("%s/%d", w.opinions, onB), tok, nil)
			want(t, r, 200)
			if r.ID() != onB || r.JSON()["cadre_name"] != "李四" {
				t.Fatalf("body %s", r.Body)
			}
			wantLoggedWith(t, w.app, w.b)
		}
		want(t, w.do("GET", w.opinions+"/99999", w.auditor, nil), 404, "not_found")
	})
	t.Run("otherDepartments403ListAnd404Request", func(t *testing.T) {
		for _, tok := range []string{w.audAudit, w.audPetition} {
			want(t, list(tok, ""), 403, "forbidden")
			want(t, list(tok, "?status=pending"), 403, "forbidden")
			want(t, w.do("GET", fmt.Sprintf("%s/%d", w.opinions, onB), tok, nil), 404, "not_found")
			want(t, w.reply(tok, onB, replyBody()), 404, "not_found")
		}
	})
	t.Run("otherRoles403", func(t *testing.T) {
		toks := []string{"evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor}
		wantRoles(t, w.app, "GET /api/v1/integrity-opinions", w.opinions, nil, toks...)
		wantRoles(t, w.app, "GET /api/v1/integrity-opinions/:id", fmt.Sprintf("%s/%d", w.opinions, onB), nil, toks...)
	})
	t.Run("recusal", func(t *testing.T) {
		for _, tok := range []string{w.selfAuditor, w.selfReviewer} {
			r := list(tok, "")
			want(t, r, 200)
			if got := ids(r.JSON()["items"].([]any)); slices.Contains(got, onA) || len(got) != 3 {
				t.Fatalf("a user sees requests about their own record: %v", got)
			}
			want(t, w.do("GET", fmt.Sprintf("%s/%d", w.opinions, onA), tok, nil), 404, "not_found")
		}
		want(t, w.reply(w.selfAuditor, onA, replyBody()), 404, "not_found")
		want(t, w.withdraw(w.selfReviewer, onA), 404, "not_found")
	})
}

func TestOpinionReply(t *testing.T) {
	w := newOpinionWorld(t)
	id := w.ask(w.a, 5)
	t.Run("400_body", func(t *testing.T) {
		wantFields(t, w.reply(w.auditor, id, replyBody("conclusion", "fine")), "conclusion")
		wantFields(t, w.reply(w.auditor, id, replyBody("text", " ")), "text")
		wantFields(t, w.reply(w.auditor, id, replyBody("text", strings.Repeat("意", 2001))), "text")
		wantFields(t, w.reply(w.auditor, id, replyBody("signed_by", strings.Repeat("签", 51))), "signed_by")
		wantFields(t, w.reply(w.auditor, id, replyBody("signed_by", "李\u202e明")), "signed_by")
		wantFields(t, w.reply(w.auditor, id, replyBody("conclusion", nil, "text", nil, "signed_by", nil)), "conclusion", "text", "signed_by")
		wantFields(t, w.reply(w.auditor, id, replyBody("flag_ids", []int64{w.discFlag, 0, w.discFlag})), "flag_ids[1]", "flag_ids[2]")
		want(t, w.reply(w.auditor, id, replyBody("flag_ids", "12")), 400, "invalid_json")
		want(t, w.reply(w.auditor, id, replyBody("replied_by", 3)), 400, "invalid_json")
	})
	t.Run("400_flagsNotTheDisciplineDepartmentsOnTheCadre", func(t *testing.T) {
		// Another department's flag on the cadre, the department's flag on
		// another cadre, no flag at all.
		wantFields(t, w.reply(w.auditor, id, replyBody("flag_ids", []int64{w.discFlag, w.auditFlag, w.discOnB, 99999})),
			"flag_ids[1]", "flag_ids[2]", "flag_ids[3]")
	})
	t.Run("403_roles", func(t *testing.T) {
		wantRoles(t, w.app, "POST /api/v1/integrity-opinions/:id/reply", fmt.Sprintf("%s/%d/reply", w.opinions, id), replyBody(),
			"org_reviewer", w.rev, "evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor)
	})
	if r := w.do("GET", fmt.Sprintf("%s/%d", w.opinions, id), w.rev, nil); r.JSON()["status"] != "pending" {
		t.Fatalf("a refused reply changed the request: %s", r.Body)
	}
	t.Run("200", func(t *testing.T) {
		r := w.reply(w.auditor, id, replyBody("conclusion", "clue_closed", "flag_ids", []int64{w.discFlag}))
		want(t, r, 200)
		m := r.JSON()
		if m["status"] != "replied" || m["conclusion"] != "clue_closed" || m["signed_by"] != "区纪委书记 李明" || m["late"] != false ||
			m["replied_at"] == nil || m["replied_by_name"] != "aud" || m["valid_until"] != w.day(90) || m["overdue"] != false {
			t.Fatalf("body %s", r.Body)
		}
		flags := m["flags"].([]any)
		if fl := flags[0].(map[string]any); len(flags) != 1 || int64(fl["id"].(float64)) != w.discFlag || fl["kind"] != "clue" ||
			fl["status"] != "open" || len(fl) != 3 || m["flag_ids"].([]any)[0].(float64) != float64(w.discFlag) {
			t.Fatalf("flags %v", flags)
		}
		wantLoggedWith(t, w.app, w.a)
	})
	t.Run("reviewerReadsTheReplyWithoutTheFlagsDetail", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("%s/%d", w.opinions, id), w.rev, nil)
		want(t, r, 200)
		if r.JSON()["text"] != "经查，未发现该同志有违反廉洁纪律问题。" || len(r.JSON()["flags"].([]any)) != 1 {
			t.Fatalf("body %s", r.Body)
		}
		for _, secret := range []string{"案卷详情", "反映其收受礼金", "reporter", "detail", "summary"} {
			if bytes.Contains(r.Body, []byte(secret)) {
				t.Fatalf("the reply shows %q: %s", secret, r.Body)
			}
		}
		cl := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/checks", w.a), w.rev, nil)
		if bytes.Contains(cl.Body, []byte("案卷详情")) || bytes.Contains(cl.Body, []byte("反映其收受礼金")) {
			t.Fatalf("the checklist shows the flag's detail: %s", cl.Body)
		}
	})
	t.Run("409_aReplyIsFinal", func(t *testing.T) {
		want(t, w.reply(w.auditor, id, replyBody("conclusion", "not_recommended")), 409, "conflict")
		if r := w.do("GET", fmt.Sprintf("%s/%d", w.opinions, id), w.rev, nil); r.JSON()["conclusion"] != "clue_closed" {
			t.Fatalf("a second reply changed the first: %s", r.Body)
		}
	})
	t.Run("201_aReplyFreesTheCadreForANewRequest", func(t *testing.T) { w.ask(w.a, 5) })
	t.Run("lateAfterDueOn", func(t *testing.T) {
		late := w.ask(w.b, 0)
		w.later(24 * time.Hour)
		r := w.reply(w.auditor, late, replyBody())
		want(t, r, 200)
		if r.JSON()["late"] != true || r.JSON()["overdue"] != false {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("409_withdrawn", func(t *testing.T) {
		x := w.ask(w.c, 3)
		want(t, w.withdraw(w.rev, x), 200)
		want(t, w.reply(w.auditor, x, replyBody()), 409, "conflict")
	})
	t.Run("concurrentRepliesOneWins", func(t *testing.T) {
		d := w.cadre("孙七", idFor("19800104", 4), w.unitB)
		x := w.ask(d, 3)
		oneWins(t, 6, 200, func() int { return w.reply(w.auditor, x, replyBody()).Status })
	})
}

func TestOpinionWithdraw(t *testing.T) {
	w := newOpinionWorld(t)
	id := w.ask(w.a, 5)
	t.Run("403_roles", func(t *testing.T) {
		wantRoles(t, w.app, "POST /api/v1/integrity-opinions/:id/withdraw", fmt.Sprintf("%s/%d/withdraw", w.opinions, id), nil,
			"auditor", w.auditor, "evaluator", w.evalA, "admin", w.admin, "security_auditor", w.secAuditor)
	})
	t.Run("404", func(t *testing.T) {
		want(t, w.withdraw(w.selfReviewer, id), 404, "not_found")
		want(t, w.withdraw(w.rev, 99999), 404, "not_found")
	})
	t.Run("200", func(t *testing.T) {
		r := w.withdraw(w.rev, id)
		want(t, r, 200)
		if r.JSON()["status"] != "withdrawn" || r.JSON()["withdrawn_by"].(float64) != float64(w.revID) || r.JSON()["withdrawn_at"] == nil {
			t.Fatalf("body %s", r.Body)
		}
		wantLoggedWith(t, w.app, w.a)
	})
	t.Run("409_notPending", func(t *testing.T) {
		want(t, w.withdraw(w.rev, id), 409, "conflict")
		replied := w.ask(w.a, 5) // the withdrawal freed the cadre
		want(t, w.reply(w.auditor, replied, replyBody()), 200)
		want(t, w.withdraw(w.rev, replied), 409, "conflict")
	})
}
