// Package civil holds the date types of efile: Date, a day of the civil
// calendar written YYYY-MM-DD, with no time and no time zone, and Month,
// YYYY-MM, the precision of the profile's months (month.go). Every date of
// the code is one of them, from the request body through the services and
// the models to the answer; a date is text only where it is printed
// (String) or typed (Text: an import's cell). It also holds the one rule of
// SPEC section 3 on which dates are plausible:
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
// YYYY-MM-DD (NULL for no date), so Value and Scan read and write that text;
// and since a canonical YYYY-MM-DD sorts as the days do, SQL compares
// stored dates as text, and Go compares Dates with Before, After and
// Compare. The package is a leaf of value types, like time: models import
// it too.
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"efile/services/errs"
	"strings"
)

// Date is a day, YYYY-MM-DD. The zero Date is no date: it encodes as JSON
// null and reads as "" through String. A Date decoded from a JSON string
// that is not a date is kept as not Valid, for the decoder's walk to refuse
// with the field's name (json.Unmarshal itself would lose the name).
type Date struct {
	text // canonical YYYY-MM-DD
}

// text is what a Date and a Month hold: the canonical text, "" for none,
// and whether it was decoded (or typed) from a text that is not one.
type text struct {
	s   string
	bad bool
}

// String is the canonical text, "" for none (or one that is not Valid).
func (t text) String() string {
	if t.bad {
		return ""
	}
	return t.s
}

// IsZero tells whether it is none at all (absent or null).
func (t text) IsZero() bool { return t.s == "" && !t.bad }

// Valid tells whether it is one (not zero, not decoded from a non-one).
func (t text) Valid() bool { return t.s != "" && !t.bad }

// Parse reads a date written exactly YYYY-MM-DD (a four-digit year, two-digit
// month and day, a real day of the calendar: no 2023-02-29, no 2024-1-5).
func Parse(s string) (Date, bool) {
	t, ok := parseText(s, time.DateOnly)
	return Date{t}, ok
}

// parseText reads s written exactly in layout (a year from 0001), or
// answers the zero text and false.
func parseText(s, layout string) (text, bool) {
	if len(s) != len(layout) {
		return text{}, false
	}
	t, err := time.Parse(layout, s)
	if err != nil || t.Format(layout) != s || t.Year() < 1 {
		return text{}, false
	}
	return text{s: s}, true
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
	return Date{text{s: t.In(loc).Format(time.DateOnly)}}
}

// Text is the Date a text holds where a date is typed rather than decoded
// (an import's cell, a form's field): no date for "", a Date that is not
// Valid for a text that is not YYYY-MM-DD, for Check to refuse.
func Text(s string) Date {
	if d, ok := Parse(s); ok || s == "" {
		return d
	}
	return Date{text{bad: true}}
}

// Before and After compare two valid dates.
func (d Date) Before(e Date) bool { return d.s < e.s }
func (d Date) After(e Date) bool  { return d.s > e.s }

// Compare is -1, 0 or +1 as d is before, the same day as or after e.
func (d Date) Compare(e Date) int { return strings.Compare(d.s, e.s) }

// Time is midnight UTC of d.
func (d Date) Time() time.Time {
	t, _ := time.Parse(time.DateOnly, d.s)
	return t
}

// AddDate is d moved by years, months and days, as time.AddDate does
// (normalising 02-29 plus a year to 03-01).
func (d Date) AddDate(years, months, days int) Date {
	return Date{text{s: d.Time().AddDate(years, months, days).Format(time.DateOnly)}}
}

// MarshalJSON writes "YYYY-MM-DD", or null for no date.
func (d Date) MarshalJSON() ([]byte, error) { return marshalText(d.Valid(), d.s) }

// UnmarshalJSON reads a JSON string. One that is not a date is kept as not
// Valid (the decoder's walk refuses it, naming the field); null and "" are
// no date (a required field's service says it is missing, as it did when
// dates were strings); any other JSON type is the wrong type, as for a
// string field.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := unmarshalText(b)
	if err == nil {
		*d = Text(s)
	}
	return err
}

// marshalText is the JSON of a Date or a Month: its text, or null.
func marshalText(valid bool, s string) ([]byte, error) {
	if !valid {
		return []byte("null"), nil
	}
	return json.Marshal(s)
}

// unmarshalText reads the JSON of a Date or a Month: a string, "" for
// null; any other JSON type is the wrong type, as for a string field.
func unmarshalText(b []byte) (string, error) {
	if string(b) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: reflect.TypeFor[string]()}
	}
	return s, nil
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

// Value stores d as its YYYY-MM-DD text (the char(10) columns), NULL for no
// date: a NOT NULL column refuses a zero Date rather than store "".
func (d Date) Value() (driver.Value, error) {
	if !d.Valid() {
		return nil, nil
	}
	return d.s, nil
}

// Scan reads a stored date: YYYY-MM-DD text, or a time (a DATE column read
// with parseTime); NULL and "" are no date.
func (d *Date) Scan(src any) error {
	if t, ok := src.(time.Time); ok {
		*d = Date{text{s: t.Format(time.DateOnly)}}
		return nil
	}
	p, err := scanned(src, "date YYYY-MM-DD", Parse)
	*d = p
	return err
}

// scanned reads a stored text as parse reads it (what names it in the
// error); "" and NULL are the zero T.
func scanned[T any](src any, what string, parse func(string) (T, bool)) (T, error) {
	var zero T
	s, err := scanText(src, what)
	if err != nil || s == "" {
		return zero, err
	}
	p, ok := parse(s)
	if !ok {
		return zero, fmt.Errorf("civil: stored value %q is not a %s", s, what)
	}
	return p, nil
}

// scanText is the text of a stored Date or Month: "" for NULL.
func scanText(src any, what string) (string, error) {
	switch v := src.(type) {
	case nil:
		return "", nil
	case []byte:
		return string(v), nil
	case string:
		return v, nil
	}
	return "", fmt.Errorf("civil: cannot read a %s from %T", what, src)
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
func LatestEvent(today Date) Date { return YearEnd(today.Time().Year() + 1) }

// YearEnd is the last day of year y (1 to 9999).
func YearEnd(y int) Date { return MustParse(fmt.Sprintf("%04d-12-31", y)) }

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

// Past adds to v, under field, what makes d not a day that has come: no
// date or not a date, or a day after today; it tells whether d passed.
func Past(v *errs.Validation, field string, d, today Date) bool {
	return past(v, field, d, today, func() { v.Add(field, "must be a date YYYY-MM-DD") })
}

// PastMonth is Past for a month: no month or not a month, or one after now.
func PastMonth(v *errs.Validation, field string, m, now Month) bool {
	return past(v, field, m, now, func() { v.Add(field, "must be a month YYYY-MM") })
}

func past[T interface {
	Valid() bool
	After(T) bool
}](v *errs.Validation, field string, d, today T, notOne func()) bool {
	switch {
	case !d.Valid():
		notOne()
	case d.After(today):
		v.Add(field, "must not be in the future")
	default:
		return true
	}
	return false
}

// BeforeBirth adds to v, under field, a day of a cadre's life that is
// before the cadre's birth date (SPEC 3). A day or birth that is not a
// date is left to the other checks.
func BeforeBirth(v *errs.Validation, field string, day, birth Date) {
	if day.Valid() && birth.Valid() && day.Before(birth) {
		v.Add(field, "must not be before the cadre's birth date (%s)", birth.String())
	}
}

// FieldDate is a date of a service's request and its field's name.
type FieldDate struct {
	Field string
	Date  Date
}

// NotBeforeBirth is BeforeBirth for the days of a service's request: the
// error is a 400 naming every such field, or nil.
func NotBeforeBirth(birth Date, days ...FieldDate) error {
	v := &errs.Validation{}
	for _, d := range days {
		BeforeBirth(v, d.Field, d.Date, birth)
	}
	return v.Err()
}
