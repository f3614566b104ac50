package cadre_test

import (
	"testing"

	"efile/models"
	"efile/services/cadre"
)

var sink string

// BenchmarkMasked: a cadre's masked ID number from its stored mask, as
// every list row and e-file shown to an evaluator or auditor carries.
func BenchmarkMasked(b *testing.B) {
	c := &models.Cadre{IDNumberMask: "1****************X"}
	b.ReportAllocs()
	for b.Loop() {
		sink = cadre.Masked(c)
	}
}
