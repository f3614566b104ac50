package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// createRoutes lists every POST route that takes a JSON body, from the
// OpenAPI document the route table generates: a create route added later
// (appraisals, flags) is fuzzed without touching this file.
func createRoutes(t testing.TB, a *app) []string {
	t.Helper()
	r := a.do("GET", "/openapi.json", "", nil)
	want(t, r, 200)
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody *struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for p, ops := range doc.Paths {
		if op, ok := ops["post"]; ok && op.RequestBody != nil && op.RequestBody.Content["application/json"] != nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	if len(out) < 5 {
		t.Fatalf("only %d JSON create routes found: %v", len(out), out)
	}
	return out
}

// fuzzWorld is built once per fuzzing process (f.Fuzz's function runs many times on it): the routes with their path
// ids filled with real ones, and a token of every role.
type fuzzWorld struct {
	*world
	paths  []string
	tokens []string
}

// FuzzCreateJSON posts fuzzed bodies to every create route, as every role
// and anonymously: never a 500, and every refusal is the error envelope
// (code and message) with a 4xx status.
func FuzzCreateJSON(f *testing.F) {
	f.Add(uint8(0), []byte(`{"name":"x","code":"C1"}`))
	f.Add(uint8(1), []byte(`{"id_number":"11010519491231002X","unit_id":1}`))
	f.Add(uint8(2), []byte(`{"occurred_on":"2024-01-01","category":"work","content":"好"}`))
	f.Add(uint8(3), []byte(`{"username":"a","password":"b"}`))
	f.Add(uint8(4), []byte(`[1,2,3]`))
	f.Add(uint8(5), []byte(`{"roles":[null],"unit_id":-1e400}`))
	f.Add(uint8(6), []byte("{\"name\":\"\xff\xfe\"}"))
	f.Add(uint8(7), []byte(`{"occurred_on":"0000-02-30","birth_date":"1899-12-31","sanction":{"decided_on":"9999-99-99"},"as_of":20240101}`))
	f.Add(uint8(8), []byte(`{"period_start":"2024-02-29","period_end":"+2024-01-01","due_on":"","reviewed_on":null}`))
	w := newWorld(f)
	id := w.cadre("模糊", idFor("19800101", 901), w.unitA)
	rec := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", id), w.rev,
		map[string]any{"occurred_on": "2024-01-02", "category": "duty", "content": "记录"})
	recID := rec.ID()
	_, sec := w.user("secf", []string{"security_auditor"}, nil, nil)
	fw := &fuzzWorld{world: w, tokens: []string{"", w.admin(), w.rev, w.evalA, w.auditor, sec}}
	for _, p := range createRoutes(f, w.app) {
		p = strings.ReplaceAll(p, "{rid}", fmt.Sprint(recID))
		p = strings.ReplaceAll(p, "{id}", fmt.Sprint(id))
		if strings.Contains(p, "{") {
			// Another path parameter: a real id of its kind is needed;
			// the unknown one still exercises decoding up to the scope check.
			p = strings.NewReplacer("{", "", "}", "").Replace(p)
		}
		fw.paths = append(fw.paths, p)
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := fw.paths[int(which)%len(fw.paths)]
		for _, tok := range fw.tokens {
			req := httptest.NewRequest("POST", path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			rec := httptest.NewRecorder()
			fw.r.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var env struct {
					Error *struct {
						Code    string `json:"code"`
						Message string `json:"message"`
					} `json:"error"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Error == nil || env.Error.Code == "" || env.Error.Message == "" {
					t.Fatalf("POST %s %q: %d without an error envelope: %s", path, body, rec.Code, rec.Body)
				}
			} else if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("POST %s %q: %d with invalid JSON: %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}
