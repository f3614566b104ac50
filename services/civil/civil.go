// Package civil holds the date type of the API (a day of the civil
// calendar, written YYYY-MM-DD, with no time and no time zone) and the one
// rule of SPEC section 3 on which dates are plausible:
//
//   - a birth date is from 1900-01-01 and at least 16 years before today
//     (the youngest a person starts work under the Labour Law);
//   - every other date (records, flags, sanctions, measures, cycles,
//     checks, appointments) is from 1949-10-01, the founding of the
//     People's Republic, whose cadre files this system keeps, and no later
//     than the last day of next year (nothing of the API is planned further
//     ahead: a cycle's year is at most next year, an integrity opinion falls
//     due within 60 days);
//   - where a cadre is named, none of the cadre's dates is before the
//     cadre's birth.
//
// The API's decoder applies the first two to every Date of every request
// (routes), the services apply the third once they have read the cadre,
// and the importers apply all three to each row (services/cadre,
// services/lrmx). Which dates may also not lie in the future is each
// field's own rule (a record's occurred_on, a vetting's as_of), in its
// service.
//
// Dates are stored as they always were, char(10) columns holding
// YYYY-MM-DD, so Value and Scan read and write that text; and since a
// canonical YYYY-MM-DD sorts as the days do, a string comparison of two
// stored dates is a comparison of the days.
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"efile/services/errs"
)

// Date is a day, YYYY-MM-DD. The zero Date is no date: it encodes as JSON
// null and reads as "" through String. A Date decoded from a JSON string
// that is not a date is kept as not Valid, for the decoder's walk to refuse
// with the field's name (json.Unmarshal itself would lose the name).
type Date struct {
	s   string // canonical YYYY-MM-DD, "" for no date
	bad bool   // decoded from a string that is not a date
}

// Parse reads a date written exactly YYYY-MM-DD (a four-digit year, two-digit
// month and day, a real day of the calendar: no 2023-02-29, no 2024-1-5).
func Parse(s string) (Date, bool) {
	if len(s) != len(time.DateOnly) {
		return Date{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s || t.Year() < 1 {
		return Date{}, false
	}
	return Date{s: s}, true
}

// MustParse is Parse for constants; it panics on a bad date.
func MustParse(s string) Date {
	d, ok := Parse(s)
	if !ok {
		panic("civil: not a date: " + s)
	}
	return d
}

// Valid tells whether s is a date written YYYY-MM-DD.
func Valid(s string) bool {
	_, ok := Parse(s)
	return ok
}

// Of is the day instant t falls on in loc.
func Of(t time.Time, loc *time.Location) Date {
	return Date{s: t.In(loc).Format(time.DateOnly)}
}

// String is the date as YYYY-MM-DD, "" for no date (or one that is not Valid).
func (d Date) String() string {
	if d.bad {
		return ""
	}
	return d.s
}

// IsZero tells whether d is no date at all (absent or null).
func (d Date) IsZero() bool { return d.s == "" && !d.bad }

// Valid tells whether d is a date (not zero, not a decoded non-date).
func (d Date) Valid() bool { return d.s != "" && !d.bad }

// Before and After compare two valid dates.
func (d Date) Before(e Date) bool { return d.s < e.s }
func (d Date) After(e Date) bool  { return d.s > e.s }

// Time is midnight UTC of d.
func (d Date) Time() time.Time {
	t, _ := time.Parse(time.DateOnly, d.s)
	return t
}

// AddDate is d moved by years, months and days, as time.AddDate does
// (normalising 02-29 plus a year to 03-01).
func (d Date) AddDate(years, months, days int) Date {
	return Date{s: d.Time().AddDate(years, months, days).Format(time.DateOnly)}
}

// MarshalJSON writes "YYYY-MM-DD", or null for no date.
func (d Date) MarshalJSON() ([]byte, error) {
	if !d.Valid() {
		return []byte("null"), nil
	}
	return json.Marshal(d.s)
}

// UnmarshalJSON reads a JSON string. One that is not a date is kept as not
// Valid (the decoder's walk refuses it, naming the field); null and "" are
// no date (a required field's service says it is missing, as it did when
// dates were strings); any other JSON type is the wrong type, as for a
// string field.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: reflect.TypeFor[string]()}
	}
	if p, ok := Parse(s); ok || s == "" {
		*d = p
		return nil
	}
	*d = Date{bad: true}
	return nil
}

func jsonValueKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "value"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	case b[0] == '"':
		return "string"
	}
	return "number"
}

// Value stores d as its YYYY-MM-DD text (the char(10) columns), NULL for no date.
func (d Date) Value() (driver.Value, error) {
	if !d.Valid() {
		return nil, nil
	}
	return d.s, nil
}

// Scan reads a stored date: YYYY-MM-DD text, or a time (a DATE column read
// with parseTime), or NULL.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Date{s: v.Format(time.DateOnly)}
		return nil
	case []byte:
		return d.Scan(string(v))
	case string:
		p, ok := Parse(v)
		if !ok {
			return fmt.Errorf("civil: stored value %q is not a date YYYY-MM-DD", v)
		}
		*d = p
		return nil
	}
	return fmt.Errorf("civil: cannot read a date from %T", src)
}

// Rule is the range a date of the API lies in.
type Rule int

// The ranges of SPEC section 3.
const (
	Event Rule = iota // from 1949-10-01, no later than the end of next year
	Birth             // from 1900-01-01, at least 16 years before today
)

// The bounds, in one place.
var (
	Founding   = MustParse("1949-10-01") // the earliest date of an event
	FirstBirth = MustParse("1900-01-01") // the earliest birth date
)

// MinAge is how many years before today a cadre's birth date lies at least.
const MinAge = 16

// LatestBirth is the latest birth date a cadre may have today.
func LatestBirth(today Date) Date { return today.AddDate(-MinAge, 0, 0) }

// LatestEvent is the latest date of an event today: the last day of next year.
func LatestEvent(today Date) Date {
	return MustParse(fmt.Sprintf("%04d-12-31", today.Time().Year()+1))
}

// Check adds to v, under field, what makes d implausible for rule r on day
// today: not a date, or outside its range; it tells whether d passed. A
// zero d is left to the service (a required field says so there; an
// optional one is absent).
func Check(v *errs.Validation, field string, d Date, r Rule, today Date) bool {
	if d.IsZero() {
		return true
	}
	if !d.Valid() {
		v.Add(field, "must be a date YYYY-MM-DD")
		return false
	}
	switch r {
	case Birth:
		if latest := LatestBirth(today); d.Before(FirstBirth) || d.After(latest) {
			v.Add(field, "must be a birth date from %s to %s (at least %d years before today)", FirstBirth.String(), latest.String(), MinAge)
			return false
		}
	default:
		if latest := LatestEvent(today); d.Before(Founding) || d.After(latest) {
			v.Add(field, "must be a date from %s to %s", Founding.String(), latest.String())
			return false
		}
	}
	return true
}

// CheckString is Check for a date held as text (an import's cell, a
// service's input): a text that is not a date is refused too.
func CheckString(v *errs.Validation, field, s string, r Rule, today Date) bool {
	d, ok := Parse(s)
	if !ok {
		d = Date{bad: s != ""}
	}
	return Check(v, field, d, r, today)
}

// BeforeBirth adds to v, under field, a day of a cadre's life (YYYY-MM-DD)
// that is before the cadre's birth date (SPEC 3). An empty day, or one that
// is not a date, is left to the other checks.
func BeforeBirth(v *errs.Validation, field, day, birth string) {
	if Valid(day) && Valid(birth) && day < birth {
		v.Add(field, "must not be before the cadre's birth date (%s)", birth)
	}
}

// NotBeforeBirth is BeforeBirth for the days of a service's request:
// fieldDays are pairs of a field's name and its day; the error is a 400
// naming every such field, or nil.
func NotBeforeBirth(birth string, fieldDays ...string) error {
	v := &errs.Validation{}
	for i := 0; i+1 < len(fieldDays); i += 2 {
		BeforeBirth(v, fieldDays[i], fieldDays[i+1], birth)
	}
	return v.Err()
}
