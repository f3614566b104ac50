package idnumber_test

import (
	"testing"

	"efile/services/civil"
	"efile/services/idnumber"
)

var sink any

// BenchmarkCheck: the whole check of one ID number (format, embedded birth
// date, check digit, agreement with the birth date given), as every cadre
// create, patch and roster row runs it.
func BenchmarkCheck(b *testing.B) {
	first := "11010519800101001"
	id := first + string(idnumber.CheckDigit(first))
	b.ReportAllocs()
	for b.Loop() {
		if err := idnumber.Check(id, civil.MustParse("1980-01-01")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMask: masking one ID number for display (first and last
// character), as every cadre shown to a role that may not see it whole.
func BenchmarkMask(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = idnumber.Mask("11010519800101001X")
	}
}
