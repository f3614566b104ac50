package civil

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"efile/services/errs"
)

func TestParse(t *testing.T) {
	for s, ok := range map[string]bool{
		"2024-02-29": true, "1900-01-01": true, "9999-12-31": true,
		"2023-02-29": false, "2024-1-05": false, "2024-01-5": false, "0000-01-01": false, "": false,
		"2024-01-05T00:00:00Z": false, " 2024-01-05": false, "2024/01/05": false, "+2024-01-05": false, "２０２４-01-05": false,
	} {
		if _, got := Parse(s); got != ok {
			t.Errorf("Parse(%q) = %v, want %v", s, got, ok)
		}
	}
}

func TestJSON(t *testing.T) {
	var in struct {
		A, B, C, D Date
		E          *Date
	}
	if err := json.Unmarshal([]byte(`{"A":"2024-05-01","B":"2024-5-1","C":null,"D":"","E":"1990-01-02"}`), &in); err != nil {
		t.Fatal(err)
	}
	if !in.A.Valid() || in.A.String() != "2024-05-01" {
		t.Errorf("A %+v", in.A)
	}
	if in.B.Valid() || in.B.IsZero() || in.B.String() != "" {
		t.Errorf("B, not a date, must be kept as such: %+v", in.B)
	}
	if !in.C.IsZero() || !in.D.IsZero() {
		t.Errorf("null and \"\" are no date: %+v %+v", in.C, in.D)
	}
	if in.E == nil || in.E.String() != "1990-01-02" {
		t.Errorf("E %+v", in.E)
	}
	var te *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"A":20240501}`), &in); !errors.As(err, &te) || te.Field != "A" {
		t.Errorf("a number is the wrong JSON type, named: %v", err)
	}
	out, err := json.Marshal(struct{ A, Z Date }{A: MustParse("2024-05-01")})
	if err != nil || string(out) != `{"A":"2024-05-01","Z":null}` {
		t.Errorf("marshal %s %v", out, err)
	}
}

func TestSQL(t *testing.T) {
	d := MustParse("2024-05-01")
	if v, err := d.Value(); err != nil || v != "2024-05-01" {
		t.Errorf("Value %v %v", v, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("no date stores NULL, not %v", v)
	}
	for _, src := range []any{"2024-05-01", []byte("2024-05-01"), time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)} {
		var got Date
		if err := got.Scan(src); err != nil || got != d {
			t.Errorf("Scan(%v) = %v, %v", src, got, err)
		}
	}
	var got Date
	if err := got.Scan("2024-13-01"); err == nil {
		t.Error("a stored non-date must not read as a date")
	}
	if err := got.Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("NULL: %v %v", got, err)
	}
	for _, src := range []any{"", []byte{}} {
		got = d
		if err := got.Scan(src); err != nil || !got.IsZero() {
			t.Errorf("Scan(%q): an empty text is no date: %v %v", src, got, err)
		}
	}
	if v, _ := Text("2024-02-30").Value(); v != nil {
		t.Errorf("a decoded non-date stores NULL, not %v", v)
	}
}

func TestText(t *testing.T) {
	if d := Text("2024-05-01"); d != MustParse("2024-05-01") {
		t.Errorf("a date: %+v", d)
	}
	if d := Text(""); !d.IsZero() {
		t.Errorf("\"\" is no date: %+v", d)
	}
	for _, s := range []string{"2024-5-1", "2024-02-30", "junk", " 2024-05-01"} {
		if d := Text(s); d.Valid() || d.IsZero() || d.String() != "" {
			t.Errorf("Text(%q) must be kept as not a date: %+v", s, d)
		}
	}
}

func TestOrderAndArithmetic(t *testing.T) {
	a, b := MustParse("2024-12-31"), MustParse("2025-01-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("2024-12-31 is before 2025-01-01")
	}
	if got := a.AddDate(0, 0, 1); got != b {
		t.Errorf("AddDate %s", got)
	}
	if got := YearEnd(2025); got.String() != "2025-12-31" {
		t.Errorf("YearEnd %s", got)
	}
	if got := LatestEvent(MustParse("2026-12-06")); got.String() != "2027-12-31" {
		t.Errorf("LatestEvent %s", got)
	}
	if got := Of(time.Date(2025, 3, 31, 16, 1, 0, 0, time.UTC), time.FixedZone("CST", 8*3600)); got.String() != "2025-04-01" {
		t.Errorf("Of %s", got)
	}
}

func TestPast(t *testing.T) {
	today := MustParse("2026-12-06")
	for _, c := range []struct {
		d  Date
		ok bool
	}{{today, true}, {MustParse("1990-01-01"), true}, {MustParse("2026-12-07"), false}, {Date{}, false}, {Text("x"), false}} {
		v := &errs.Validation{}
		if got := Past(v, "f", c.d, today); got != c.ok || (v.Err() == nil) != c.ok {
			t.Errorf("Past(%+v) = %v (%v), want %v", c.d, got, v.Details, c.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	today := MustParse("2026-12-06")
	for _, c := range []struct {
		d    string
		rule Rule
		ok   bool
	}{
		{"1900-01-01", Birth, true}, {"1899-12-31", Birth, false}, {"2010-12-06", Birth, true}, {"2010-12-07", Birth, false},
		{"1949-10-01", Event, true}, {"1949-09-30", Event, false}, {"2027-12-31", Event, true}, {"2028-01-01", Event, false},
		{"2024-5-1", Event, false}, {"0001-01-01", Event, false},
	} {
		v := &errs.Validation{}
		Check(v, "f", Text(c.d), c.rule, today)
		if got := v.Err() == nil; got != c.ok {
			t.Errorf("%s rule %d: ok %v, want %v (%v)", c.d, c.rule, got, c.ok, v.Details)
		}
	}
	v := &errs.Validation{}
	Check(v, "f", Date{}, Event, today)
	if v.Err() != nil {
		t.Error("no date is the service's to require")
	}
	// A birth date of 29 February: 16 years on is 1 March (time.AddDate).
	if got := LatestBirth(MustParse("2024-02-29")); got.String() != "2008-02-29" {
		t.Errorf("LatestBirth %s", got)
	}
}

func TestNotBeforeBirth(t *testing.T) {
	err := NotBeforeBirth(MustParse("1980-01-01"), FieldDate{"a", MustParse("1979-12-31")}, FieldDate{"b", MustParse("1980-01-01")},
		FieldDate{"c", Date{}}, FieldDate{"d", Text("junk")}, FieldDate{"e", MustParse("1970-05-05")})
	var v *errs.Validation
	if !errors.As(err, &v) {
		t.Fatalf("err %v", err)
	}
	var fields []string
	for _, d := range v.Details {
		fields = append(fields, d.Field)
	}
	if !slices.Equal(fields, []string{"a", "e"}) {
		t.Fatalf("fields %v", fields)
	}
	if NotBeforeBirth(MustParse("1980-01-01"), FieldDate{"a", MustParse("1980-01-01")}) != nil {
		t.Fatal("the day of birth itself is not before it")
	}
}
