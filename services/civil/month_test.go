package civil

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseMonth(t *testing.T) {
	for s, ok := range map[string]bool{
		"2024-05": true, "0001-01": true, "9999-12": true,
		"2024-13": false, "2024-00": false, "2024-5": false, "0000-01": false, "": false, "2024-05-01": false,
		" 2024-05": false, "2024/05": false, "202405": false, "２０２４-05": false,
	} {
		if _, got := ParseMonth(s); got != ok {
			t.Errorf("ParseMonth(%q) = %v, want %v", s, got, ok)
		}
	}
	if m := MonthText("2024-13"); m.Valid() || m.IsZero() || m.String() != "" {
		t.Errorf("a text that is no month is kept as such: %+v", m)
	}
	if !MonthText("").IsZero() {
		t.Error(`"" is no month`)
	}
}

func TestMonthOrderAndArithmetic(t *testing.T) {
	a, b := MustParseMonth("2024-12"), MustParseMonth("2025-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(b) != 0 {
		t.Error("2024-12 is before 2025-01")
	}
	if got := MustParseMonth("1985-09").AddYears(18); got.String() != "2003-09" {
		t.Errorf("AddYears %s", got)
	}
	if got := MonthOf(MustParse("1985-09-30")); got.String() != "1985-09" {
		t.Errorf("MonthOf %s", got)
	}
	if !MonthOf(Date{}).IsZero() {
		t.Error("no date has no month")
	}
	if got := b.FirstDay(); got.String() != "2025-01-01" {
		t.Errorf("FirstDay %s", got)
	}
	if !(Month{}).FirstDay().IsZero() {
		t.Error("no month has no first day")
	}
}

func TestMonthJSON(t *testing.T) {
	var in struct {
		A, B, C, D Month
		E          *Month
	}
	if err := json.Unmarshal([]byte(`{"A":"2024-05","B":"2024-5","C":null,"D":"","E":"1990-01"}`), &in); err != nil {
		t.Fatal(err)
	}
	if in.A.String() != "2024-05" || in.B.Valid() || in.B.IsZero() || !in.C.IsZero() || !in.D.IsZero() || in.E == nil || in.E.String() != "1990-01" {
		t.Errorf("decoded %+v", in)
	}
	var te *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"A":202405}`), &in); !errors.As(err, &te) || te.Field != "A" {
		t.Errorf("a number is the wrong JSON type, named: %v", err)
	}
	out, err := json.Marshal(struct{ A, Z Month }{A: MustParseMonth("2024-05")})
	if err != nil || string(out) != `{"A":"2024-05","Z":null}` {
		t.Errorf("marshal %s %v", out, err)
	}
}

// Months live in NOT NULL char(7) columns holding "" for no month.
func TestMonthSQL(t *testing.T) {
	m := MustParseMonth("2024-05")
	if v, err := m.Value(); err != nil || v != "2024-05" {
		t.Errorf("Value %v %v", v, err)
	}
	if v, err := (Month{}).Value(); err != nil || v != "" {
		t.Errorf("no month stores \"\", not %v (%v)", v, err)
	}
	if _, err := MonthText("2024-13").Value(); err == nil {
		t.Error("a month that is none must not be stored as no month")
	}
	for _, src := range []any{"2024-05", []byte("2024-05")} {
		var got Month
		if err := got.Scan(src); err != nil || got != m {
			t.Errorf("Scan(%v) = %v, %v", src, got, err)
		}
	}
	for _, src := range []any{nil, "", []byte{}} {
		got := m
		if err := got.Scan(src); err != nil || !got.IsZero() {
			t.Errorf("Scan(%v): no month: %v %v", src, got, err)
		}
	}
	var got Month
	if err := got.Scan("2024-13"); err == nil {
		t.Error("a stored non-month must not read as a month")
	}
}
