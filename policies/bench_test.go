package policies_test

import (
	"testing"

	"efile/policies"
)

// BenchmarkEnforce: the casbin check every authenticated request makes,
// once per role of the user (routes/middleware.go authorize): an allowed
// and a refused pair.
func BenchmarkEnforce(b *testing.B) {
	e, err := policies.NewEnforcer()
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name, role, path, method string
		want                     bool
	}{
		{"allowed", "org_reviewer", "/api/v1/cadres/:id/efile", "GET", true},
		{"refused", "evaluator", "/api/v1/cadres/:id/efile", "GET", false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ok, err := e.Enforce(tc.role, tc.path, tc.method)
				if err != nil || ok != tc.want {
					b.Fatalf("Enforce(%s, %s, %s) = %v, %v", tc.role, tc.path, tc.method, ok, err)
				}
			}
		})
	}
}
