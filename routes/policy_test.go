package routes_test

import (
	"maps"
	"slices"
	"sync/atomic"
	"testing"

	"efile/policies"
)

// TestPolicyFileMatchesRoutes holds policies/policy.csv, the route table and
// the expectations table (expect_test.go) to each other both ways: no
// route without a rule, no rule without a route, no expectation without a
// route, and the roles each route grants are exactly those the
// expectations table says the SPEC lets use it.
func TestPolicyFileMatchesRoutes(t *testing.T) {
	a := newApp(t)
	rules, err := policies.Rules()
	if err != nil {
		t.Fatal(err)
	}
	granted := map[string][]string{}
	for _, r := range rules {
		granted[r.Method+" "+r.Route] = append(granted[r.Method+" "+r.Route], r.Role)
	}
	registered := map[string]bool{}
	for _, rt := range a.r.Routes() {
		key := rt.Method + " " + rt.Path
		registered[key] = true
		if public[key] {
			if len(granted[key]) > 0 {
				t.Errorf("public route %s has policy rules", key)
			}
			continue
		}
		got, want := slices.Sorted(slices.Values(granted[key])), slices.Sorted(slices.Values(allowed[key]))
		if len(got) == 0 {
			t.Errorf("route %s has no rule in policies/policy.csv", key)
		} else if !slices.Equal(got, want) {
			t.Errorf("route %s: policy.csv grants %v, the contract table says %v", key, got, want)
		}
	}
	for key := range granted {
		if !registered[key] {
			t.Errorf("policies/policy.csv names %s, which is not a route", key)
		}
	}
	for _, key := range append(slices.Collect(maps.Keys(allowed)), slices.Collect(maps.Keys(public))...) {
		if !registered[key] {
			t.Errorf("the expectations table names %s, which is not a route", key)
		}
	}
}

// TestEnforceErrorIs500: when the policy cannot be evaluated, a request
// answers 500 internal: never a silent allow or deny (403).
func TestEnforceErrorIs500(t *testing.T) {
	fail := &atomic.Bool{}
	a := newApp(t, func(c *appConfig) { c.enforceFails = fail })
	tok := a.admin()
	want(t, a.do("GET", "/api/v1/users", tok, nil), 200)
	fail.Store(true)
	for _, path := range []string{"/api/v1/users", "/api/v1/access-log"} {
		want(t, a.do("GET", path, tok, nil), 500, "internal")
	}
	fail.Store(false)
	want(t, a.do("GET", "/api/v1/access-log", tok, nil), 403, "forbidden")
}
