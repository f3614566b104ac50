package roster

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// clean trims a value and folds full-width ASCII (common in Chinese input
// methods: "２０２４－０３－０５", "Ｙ") to ordinary ASCII.
func clean(s string) string {
	return trimCell(width.Narrow.String(s))
}

// trimCell trims white space, including the ideographic space U+3000, and the
// invisible characters that Excel and web pages leave around values.
func trimCell(s string) string {
	return strings.TrimFunc(s, blankRune)
}

// blankRune tells whether trimCell trims r.
func blankRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'
}

// NormalizeGender maps 男/男性/male/M to "male" and 女/女性/female/F to
// "female", ignoring case and surrounding space. Anything else, including the
// empty string, is not a gender.
func NormalizeGender(s string) (string, bool) {
	switch strings.ToLower(clean(s)) {
	case "男", "男性", "male", "m":
		return "male", true
	case "女", "女性", "female", "f":
		return "female", true
	}
	return "", false
}

// NormalizeBool reads 是/否, true/false, 1/0, yes/no, Y/N (any case) and the
// ticks √/× used on Chinese forms. The empty string is false.
func NormalizeBool(s string) (bool, bool) {
	switch strings.ToLower(clean(s)) {
	case "是", "true", "1", "yes", "y", "√":
		return true, true
	case "否", "false", "0", "no", "n", "×", "":
		return false, true
	}
	return false, false
}

var (
	dateSep  = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})$`)
	dateCJK  = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$`)
	dateNum  = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	timePart = regexp.MustCompile(`^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$`)
)

// NormalizeDate reads a calendar date written as 2024-03-05, 2024/3/5,
// 2024-3-5, 2024.3.5, 20240305 or 2024年3月5日, optionally followed by a time
// of day as Excel and databases export it ("2024/3/5 0:00",
// "2024-03-05 00:00:00", "2024-03-05T00:00:00Z"; the time is dropped), and
// returns it as "2024-03-05". The date must exist (2023-02-29 does not) and
// the year must have four digits and not be 0000. Day-first or month-first
// forms such as 3/5/2024 are ambiguous and rejected.
func NormalizeDate(s string) (string, bool) {
	s = clean(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		if !timePart.MatchString(trimCell(s[i+1:])) {
			return "", false
		}
		s = trimCell(s[:i])
	}
	var y, m, d string
	if p := dateSep.FindStringSubmatch(s); p != nil {
		if p[2] != p[4] {
			return "", false
		}
		y, m, d = p[1], p[3], p[5]
	} else if p := dateCJK.FindStringSubmatch(s); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else if p := dateNum.FindStringSubmatch(s); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else {
		return "", false
	}
	return makeDate(y, m, d)
}

func makeDate(ys, ms, ds string) (string, bool) {
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// serial is an Excel date serial number with five digits before the point:
// 1927-05-18 to 2173-10-14. Shorter numbers are more likely a year (1985)
// and longer ones a date typed as digits (19850701, left to NormalizeDate).
var serial = regexp.MustCompile(`^\d{5}(\.\d+)?$`)

// xlsxDate turns the raw value of a cell in a date column into a date: a
// date cell holds a serial number, or an ISO 8601 date-time when written
// with t="d". Text such as "1985/7/1" is returned unchanged.
func xlsxDate(v string, date1904 bool) string {
	s := strings.TrimSpace(v)
	if serial.MatchString(s) {
		num, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return v
		}
		t, err := excelize.ExcelDateToTime(num, date1904)
		if err != nil {
			return v
		}
		return t.Format(time.DateOnly)
	}
	if strings.Contains(s, "T") {
		s = strings.ReplaceAll(s, ",", ".")
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "20060102T150405Z", "20060102T150405.999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format(time.DateOnly)
			}
		}
	}
	return v
}
