package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
	"unicode/utf8"
)

// The text rule of SPEC section 3, for every kind of text field the API
// takes: the decoder refuses, naming the field, a bidi override, a text of
// zero-width characters only, the BOM, NUL, ESC, bytes that are not UTF-8
// and a lone surrogate (which Go's decoder turns into U+FFFD), line breaks
// outside multi-line fields; and what it accepts is stored in NFC.

// refused are the values no text may hold, as raw JSON string literals.
var refused = map[string]string{
	"bidiOverride":  `"abc\u202edef"`,
	"zeroWidthOnly": `"\u200b"`,
	"bom":           `"\ufeffabc"`,
	"nul":           `"a\u0000b"`,
	"escape":        `"a\u001b[31mb"`,
	"invalidUTF8":   "\"a\xffb\"",
	"loneSurrogate": `"a\ud800b"`,
}

const placeholder = "@@TEXT@@"

// withText encodes body with the raw JSON literal lit in place of the
// placeholder string.
func withText(t *testing.T, body any, lit string) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"`+placeholder+`"`)) {
		t.Fatalf("no placeholder in %s", b)
	}
	return bytes.Replace(b, []byte(`"`+placeholder+`"`), []byte(lit), 1)
}

// textField is one text field of one route: how to send a body with it,
// and how to read back what was stored.
type textField struct {
	field     string // as the 400 names it
	multiline bool
	method    string
	path      func() string
	tok       string
	body      func() any // holds the placeholder where the text goes
	stored    func(t *testing.T, r *resp) string
}

func TestTextRules(t *testing.T) {
	w := newFlagWorld(t)
	evAID := w.userID("evala")
	open := w.newCycle("annual", 20)
	w.assign(open, evAID, w.a, "superior")
	w.move(open, "open")
	closed := w.newCycle("annual", 20)
	w.assign(closed, evAID, w.a, "superior")
	w.move(closed, "open")
	want(t, w.submit(closed, w.evalA, w.a, uniform(80)), 201)
	w.move(closed, "close")
	rec := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", w.a), w.rev, map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "原记录"})
	want(t, rec, 201)
	flag := w.fileFlag(w.auditor, clueBody(w.a))
	n := 0
	next := func() int { n++; return n }
	str := func(key string) func(*testing.T, *resp) string {
		return func(t *testing.T, r *resp) string { s, _ := r.JSON()[key].(string); return s }
	}
	recordPath := func() string { return fmt.Sprintf("/api/v1/cadres/%d/records", w.a) }
	fields := []textField{
		{field: "content", multiline: true, method: "POST", path: recordPath, tok: w.evalA,
			body: func() any {
				return map[string]any{"occurred_on": "2024-05-01", "category": "duty", "content": placeholder}
			},
			stored: func(t *testing.T, r *resp) string {
				got := w.do("GET", fmt.Sprintf("%s/%d", recordPath(), r.ID()), w.rev, nil)
				s, _ := got.JSON()["content"].(string)
				return s
			}},
		{field: "content", multiline: true, method: "POST", tok: w.rev,
			path: func() string { return fmt.Sprintf("%s/%d/amendments", recordPath(), rec.ID()) },
			body: func() any { return map[string]any{"content": placeholder, "reason": "更正"} }, stored: str("content")},
		{field: "reason", multiline: true, method: "POST", tok: w.rev,
			path: func() string {
				r := w.do("POST", recordPath(), w.rev, map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "又一条"})
				return fmt.Sprintf("%s/%d/amendments", recordPath(), r.ID())
			},
			body: func() any { return map[string]any{"content": "更正后的内容", "reason": placeholder} }, stored: str("reason")},
		{field: "summary", method: "POST", path: func() string { return "/api/v1/flags" }, tok: w.auditor,
			body: func() any { return with(clueBody(w.a), "summary", placeholder) }, stored: str("summary")},
		{field: "detail", multiline: true, method: "POST", path: func() string { return "/api/v1/flags" }, tok: w.auditor,
			body: func() any { return with(clueBody(w.a), "detail", placeholder) }, stored: str("detail")},
		{field: "reporter", method: "POST", path: func() string { return "/api/v1/flags" }, tok: w.auditor,
			body: func() any { return with(clueBody(w.a), "reporter", placeholder) },
			stored: func(t *testing.T, r *resp) string {
				got := w.do("GET", fmt.Sprintf("/api/v1/flags/%d", r.ID()), w.auditor, nil)
				s, _ := got.JSON()["reporter"].(string)
				return s
			}},
		{field: "note", multiline: true, method: "PATCH", path: func() string { return fmt.Sprintf("/api/v1/flags/%d", flag) }, tok: w.auditor,
			body: func() any { return map[string]any{"status": "verifying", "note": placeholder, "version": 1} },
			stored: func(t *testing.T, r *resp) string {
				h := r.JSON()["history"].([]any)
				return h[len(h)-1].(map[string]any)["note"].(string)
			}},
		{field: "name", method: "POST", path: func() string { return cycles }, tok: w.rev,
			body: func() any { return with(cycleBody("annual", 20), "name", placeholder) }, stored: str("name")},
		{field: "comment", multiline: true, method: "POST", path: func() string { return open + "/appraisals" }, tok: w.evalA,
			body: func() any { return map[string]any{"cadre_id": w.a, "scores": uniform(85), "comment": placeholder} }, stored: str("comment")},
		{field: "overrides[0].reason", multiline: true, method: "POST", path: func() string { return closed + "/finalize" }, tok: w.rev,
			body: func() any {
				return map[string]any{"overrides": []any{map[string]any{"cadre_id": w.a, "grade": "basic_competent", "reason": placeholder}}}
			},
			stored: func(t *testing.T, r *resp) string {
				res := w.do("GET", closed+"/results", w.rev, nil)
				for _, it := range res.JSON()["items"].([]any) {
					if o, ok := it.(map[string]any)["override"].(map[string]any); ok {
						return o["reason"].(string)
					}
				}
				t.Fatalf("no override in %s", res.Body)
				return ""
			}},
		{field: "name", method: "POST", path: func() string { return "/api/v1/units" }, tok: w.admin,
			body: func() any { return map[string]any{"name": placeholder, "code": fmt.Sprintf("T%d", next())} }, stored: str("name")},
		{field: "display_name", method: "POST", path: func() string { return "/api/v1/users" }, tok: w.admin,
			body: func() any {
				return map[string]any{"username": fmt.Sprintf("text%d", next()), "password": testPassword, "display_name": placeholder, "roles": []string{"org_reviewer"}}
			}, stored: str("display_name")},
	}
	fields = append(fields, checkTextFields(w, next, str)...)
	for _, f := range fields {
		name := f.method + " " + f.path() + " " + f.field
		for what, lit := range refused {
			t.Run(name+"/400_"+what, func(t *testing.T) {
				r := w.raw(f.method, f.path(), f.tok, bytes.NewReader(withText(t, f.body(), lit)), nil)
				want(t, r, 400, "validation_failed")
				if !slices.Contains(r.Fields(), f.field) {
					t.Fatalf("the 400 names %v, not %s: %s", r.Fields(), f.field, r.Body)
				}
			})
		}
		if !f.multiline {
			t.Run(name+"/400_lineBreak", func(t *testing.T) {
				r := w.raw(f.method, f.path(), f.tok, bytes.NewReader(withText(t, f.body(), `"第一行\n第二行"`)), nil)
				want(t, r, 400, "validation_failed")
				if !slices.Contains(r.Fields(), f.field) {
					t.Fatalf("the 400 names %v, not %s", r.Fields(), f.field)
				}
			})
		}
	}
	// Accepted text is stored in NFC (e + U+0301 is é, U+00E9), with its
	// line breaks and tabs in a multi-line field (a CRLF as LF). Run last:
	// finalize and the flag move succeed once.
	for _, f := range fields {
		t.Run(f.method+" "+f.field+"/storedNFC", func(t *testing.T) {
			lit, stored := `"Cafe\u0301 张三"`, "Caf\u00e9 张三"
			if f.multiline {
				lit, stored = `"Cafe\u0301\r\n张三\t完"`, "Caf\u00e9\n张三\t完"
			}
			r := w.raw(f.method, f.path(), f.tok, bytes.NewReader(withText(t, f.body(), lit)), nil)
			if r.Status >= 300 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if got := f.stored(t, r); got != stored || !utf8.ValidString(got) {
				t.Fatalf("stored %q, want %q", got, stored)
			}
		})
	}
	t.Run("queryText400", func(t *testing.T) {
		for what, q := range map[string]string{"bidiOverride": "%E2%80%AE%E5%BC%A0", "nul": "%00%E5%BC%A0", "invalidUTF8": "%FF%E5%BC%A0"} {
			r := w.do("GET", "/api/v1/cadres?q="+q, w.rev, nil)
			want(t, r, 400, "validation_failed")
			if !slices.Contains(r.Fields(), "q") {
				t.Fatalf("%s: the 400 names %v, not q", what, r.Fields())
			}
		}
	})
}

// checkTextFields are the text fields of the four checks (SPEC 13): the
// notes of a dossier review, of its findings, of a personal-matters check
// and of an integrity-opinion request, and a reply's text and signature
// (each reply to a request of its own: a reply is final).
func checkTextFields(w *flagWorld, next func() int, str func(string) func(*testing.T, *resp) string) []textField {
	base := func(id int64, what string) string { return fmt.Sprintf("/api/v1/cadres/%d/%s", id, what) }
	today := w.clock.Now().UTC().Format(time.DateOnly)
	pending := func() string {
		id := w.cadre("周八", idFor("19850101", 500+next()), w.unitA)
		r := w.do("POST", base(id, "integrity-opinions"), w.rev, map[string]any{"purpose": "promotion", "due_on": today})
		want(w.t, r, 201)
		return fmt.Sprintf("/api/v1/integrity-opinions/%d/reply", r.ID())
	}
	replyText, replySigned := pending(), pending()
	asker := w.cadre("吴九", idFor("19850102", 500+next()), w.unitA)
	reply := func(kv ...any) map[string]any {
		return with(map[string]any{"conclusion": "no_issue", "text": "未发现问题", "signed_by": "纪委书记"}, kv...)
	}
	return []textField{
		{field: "note", multiline: true, method: "POST", path: func() string { return base(w.a, "dossier-reviews") }, tok: w.rev,
			body: func() any {
				return map[string]any{"reviewed_on": "2024-05-01", "findings": sixFindings(), "note": placeholder}
			},
			stored: str("note")},
		{field: "findings[0].note", multiline: true, method: "POST", path: func() string { return base(w.a, "dossier-reviews") }, tok: w.rev,
			body: func() any {
				fs := sixFindings()
				fs[0]["note"] = placeholder
				return map[string]any{"reviewed_on": "2024-05-01", "findings": fs}
			},
			stored: func(t *testing.T, r *resp) string {
				s, _ := r.JSON()["findings"].([]any)[0].(map[string]any)["note"].(string)
				return s
			}},
		{field: "note", multiline: true, method: "POST", path: func() string { return base(w.a, "personal-matters-checks") }, tok: w.rev,
			body: func() any {
				return map[string]any{"kind": "random", "checked_on": "2024-05-01", "result": "consistent", "note": placeholder}
			}, stored: str("note")},
		{field: "note", multiline: true, method: "POST", path: func() string { return base(asker, "integrity-opinions") }, tok: w.rev,
			body: func() any { return map[string]any{"purpose": "promotion", "due_on": today, "note": placeholder} }, stored: str("note")},
		{field: "text", multiline: true, method: "POST", path: func() string { return replyText }, tok: w.auditor,
			body: func() any { return reply("text", placeholder) }, stored: str("text")},
		{field: "signed_by", method: "POST", path: func() string { return replySigned }, tok: w.auditor,
			body: func() any { return reply("signed_by", placeholder) }, stored: str("signed_by")},
	}
}

// userID finds a user's id by username, as the administrator.
func (w *flagWorld) userID(username string) int64 {
	w.t.Helper()
	for _, it := range w.do("GET", "/api/v1/users?page_size=200", w.admin, nil).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["username"] == username {
			return int64(m["id"].(float64))
		}
	}
	w.t.Fatalf("no user %s", username)
	return 0
}
