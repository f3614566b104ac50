package civil

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzDates: whatever text or JSON a request holds, a date or a month is
// either refused or exactly the text it was read from, a real day (month)
// of the calendar; JSON reads and writes it back the same; nothing panics.
func FuzzDates(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "2024-1-5", "0000-01-01", "1949-10-01", "2024-13", "2024-12", "", "null", `"2024-01-01"`, `{"a":1}`, "９９９９-０１-０１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := Parse(s); ok {
			if d.String() != s || !d.Valid() || d.Time().Format(time.DateOnly) != s {
				t.Fatalf("Parse(%q) = %q", s, d.String())
			}
			b, err := json.Marshal(d)
			var back Date
			if err != nil || json.Unmarshal(b, &back) != nil || back != d {
				t.Fatalf("JSON of %q: %s, %v, back %q", s, b, err, back.String())
			}
		}
		if m, ok := ParseMonth(s); ok {
			if m.String() != s || !m.Valid() || m.FirstDay().String() != s+"-01" {
				t.Fatalf("ParseMonth(%q) = %q", s, m.String())
			}
		}
		var d Date
		if err := json.Unmarshal([]byte(s), &d); err == nil && d.Valid() {
			if _, ok := Parse(d.String()); !ok {
				t.Fatalf("JSON %q read as %q, not a date", s, d.String())
			}
		}
		var m Month
		if err := json.Unmarshal([]byte(s), &m); err == nil && m.Valid() {
			if _, ok := ParseMonth(m.String()); !ok {
				t.Fatalf("JSON %q read as %q, not a month", s, m.String())
			}
		}
		_ = Text(s)
		_ = MonthText(s)
	})
}
