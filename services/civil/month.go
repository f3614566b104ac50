package civil

import (
	"database/sql/driver"
	"errors"
	"strings"
	"time"
)

// Month is a month of the civil calendar, YYYY-MM: the precision of the
// profile's dates (入党时间, 参加工作时间, a resume line's from and to, a
// family member's 出生年月), which the form states to the month. The zero
// Month is no month: it encodes as JSON null and reads as "" through
// String. A Month decoded from a JSON string that is not a month is kept as
// not Valid, for the service to refuse with the field's name, as it did
// when months were strings.
//
// Months are stored in NOT NULL char(7) columns holding "" for no month, so
// Value writes "" for the zero Month (unlike a Date, whose zero is NULL),
// and Scan reads "" and NULL as no month.
type Month struct {
	text // canonical YYYY-MM
}

// ParseMonth reads a month written exactly YYYY-MM (a four-digit year from
// 0001, a two-digit month 01 to 12).
func ParseMonth(s string) (Month, bool) {
	t, ok := parseText(s, "2006-01")
	return Month{t}, ok
}

// MustParseMonth is ParseMonth for constants; it panics on a bad month.
func MustParseMonth(s string) Month {
	m, ok := ParseMonth(s)
	if !ok {
		panic("civil: not a month: " + s)
	}
	return m
}

// MonthText is the Month a text holds: no month for "", a Month that is
// not Valid for a text that is not YYYY-MM.
func MonthText(s string) Month {
	if m, ok := ParseMonth(s); ok || s == "" {
		return m
	}
	return Month{text{bad: true}}
}

// MonthOf is the month of date d, no month for no date.
func MonthOf(d Date) Month {
	if !d.Valid() {
		return Month{}
	}
	return Month{text{s: d.s[:7]}}
}

// Before, After and Compare compare two valid months.
func (m Month) Before(n Month) bool { return m.s < n.s }
func (m Month) After(n Month) bool  { return m.s > n.s }
func (m Month) Compare(n Month) int { return strings.Compare(m.s, n.s) }

// AddYears is m n years later (earlier for a negative n).
func (m Month) AddYears(n int) Month {
	if !m.Valid() {
		return m
	}
	t, _ := time.Parse("2006-01", m.s)
	return Month{text{s: t.AddDate(n, 0, 0).Format("2006-01")}}
}

// FirstDay is the first day of m, no date for no month.
func (m Month) FirstDay() Date {
	if !m.Valid() {
		return Date{}
	}
	return Date{text{s: m.s + "-01"}}
}

// MarshalJSON writes "YYYY-MM", or null for no month.
func (m Month) MarshalJSON() ([]byte, error) { return marshalText(m.Valid(), m.s) }

// UnmarshalJSON reads a JSON string as MonthText does; null is no month;
// any other JSON type is the wrong type, as for a string field.
func (m *Month) UnmarshalJSON(b []byte) error {
	s, err := unmarshalText(b)
	if err == nil {
		*m = MonthText(s)
	}
	return err
}

// Value stores m as its YYYY-MM text, "" for no month (the char(7)
// columns are NOT NULL); a Month that is not one is refused, never stored
// as no month.
func (m Month) Value() (driver.Value, error) {
	if m.bad {
		return nil, errors.New("civil: not a month YYYY-MM")
	}
	return m.s, nil
}

// Scan reads a stored month: YYYY-MM text; "" and NULL are no month.
func (m *Month) Scan(src any) error {
	p, err := scanned(src, "month YYYY-MM", ParseMonth)
	*m = p
	return err
}
