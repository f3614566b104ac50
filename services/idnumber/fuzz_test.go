package idnumber

import (
	"strings"
	"testing"

	"efile/services/civil"
)

// FuzzCheck: the validator never panics, and whatever it accepts is 18
// characters, 17 digits and the right check character, with a real embedded
// date that matches the birth date asked for; Normalize is idempotent and
// Mask keeps only the ends.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", " 110105194912310021 ", "110105194902300020",
		"1101051949123100２X", "", "X", "11010519491231002X\x00", "110105194912310 2X"} {
		f.Add(s, "")
		f.Add(s, "1949-12-31")
	}
	f.Fuzz(func(t *testing.T, s, birth string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, n, Normalize(n))
		}
		m := Mask(n)
		err := Check(n, civil.Text(birth))
		if err != nil {
			if len(n) >= 6 && strings.Contains(err.Error(), n) {
				t.Fatalf("the message repeats the number: %v", err)
			}
			return
		}
		if len(n) != Length || CheckDigit(n[:17]) != n[17] {
			t.Fatalf("accepted %q", n)
		}
		d, ok := BirthDate(n)
		if !ok || (birth != "" && d.String() != birth) {
			t.Fatalf("accepted %q with birth %q (embedded %q, %v)", n, birth, d, ok)
		}
		if m[0] != n[0] || m[17] != n[17] || strings.Trim(m[1:17], "*") != "" {
			t.Fatalf("Mask(%q) = %q", n, m)
		}
	})
}
