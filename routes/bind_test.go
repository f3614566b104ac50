package routes_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestQueryParametersValidated: every query parameter the document lists
// for a route (the route's input struct: bind.go) is read by it, and a
// value that does not read answers 400 validation_failed naming that
// parameter, never 500 and never ignored.
func TestQueryParametersValidated(t *testing.T) {
	a := newApp(t)
	uid := a.unit("U1", nil)
	tokens := map[string]string{"admin": a.admin()}
	for _, role := range []string{"org_reviewer", "evaluator", "auditor", "security_auditor"} {
		var dept *string
		if role == "auditor" {
			dept = ptr("audit")
		}
		_, tokens[role] = a.user("q_"+role, []string{role}, &uid, dept)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Schema   struct{ Type string }
			}
		}
	}
	if err := json.Unmarshal(a.do("GET", "/openapi.json", "", nil).Body, &doc); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + ginParamOf(path)
			roles := allowed[key]
			if len(roles) == 0 || method != "get" {
				continue
			}
			concrete := strings.NewReplacer("{id}", "1", "{rid}", "1", "{aid}", "1").Replace(path)
			for _, p := range op.Parameters {
				bad := map[string]string{"integer": "x1", "boolean": "maybe"}[p.Schema.Type]
				if p.In != "query" || bad == "" {
					continue
				}
				t.Run(key+"?"+p.Name, func(t *testing.T) {
					r := a.do("GET", concrete+"?"+p.Name+"="+bad, tokens[roles[0]], nil)
					want(t, r, 400, "validation_failed")
					if !slices.Contains(r.Fields(), p.Name) {
						t.Fatalf("the 400 names %v, not %s: %s", r.Fields(), p.Name, r.Body)
					}
				})
				checked++
			}
		}
	}
	if checked < 15 {
		t.Fatalf("only %d parameters checked", checked)
	}
	t.Run("pageOutOfRange", func(t *testing.T) {
		r := a.do("GET", "/api/v1/users?page=0&page_size=0", tokens["admin"], nil)
		want(t, r, 400, "validation_failed")
		if f := r.Fields(); !slices.Contains(f, "page") || !slices.Contains(f, "page_size") {
			t.Fatalf("fields %v", f)
		}
	})
	t.Run("pageSizeClamped", func(t *testing.T) {
		r := a.do("GET", "/api/v1/users?page_size=5000", tokens["admin"], nil)
		want(t, r, 200)
		if r.JSON()["page_size"].(float64) != 200 {
			t.Fatalf("page_size %v", r.JSON()["page_size"])
		}
	})
}
