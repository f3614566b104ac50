package roster

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"efile/services/errs"
	"efile/services/roster/rostertest"
)

// checkParse holds what every roster read must: no panic; an error is a
// client's (400 or 413, never a 500); rows in line order after the header,
// each holding every canonical field as valid UTF-8; problems on real lines.
func checkParse(t *testing.T, data []byte, name string) {
	rows, probs, err := Parse(bytes.NewReader(data), name)
	if err != nil {
		if !errors.Is(err, errs.ErrInvalid) && !errors.Is(err, errs.ErrTooLarge) {
			t.Fatalf("error of no client kind (would be a 500): %v", err)
		}
		return
	}
	last := 1
	for _, r := range rows {
		if r.Line <= last {
			t.Fatalf("row line %d after %d", r.Line, last)
		}
		last = r.Line
		if len(r.Values) != len(fields) {
			t.Fatalf("row %d has %d values", r.Line, len(r.Values))
		}
		for k, v := range r.Values {
			if !utf8.ValidString(v) {
				t.Fatalf("row %d %s: invalid UTF-8 %q", r.Line, k, v)
			}
		}
	}
	for _, p := range probs {
		if p.Line < 1 || p.Message.String() == "" {
			t.Fatalf("problem %+v", p)
		}
	}
}

// FuzzParseCSV fuzzes the CSV reader (UTF-8, GB18030, UTF-16, tabs, quotes).
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("姓名,性别,出生日期,身份证号,单位编码,职务,职级,是否一把手,任职时间\n张三,男,1980/1/1,11010519800101001X,A,科长,一级主任科员,是,2020-03-01\n"))
	f.Add([]byte("name\tgender\tid_number\n\"a\"\"b\",x,=\"0123\"\n"))
	f.Add([]byte("\xef\xbb\xbf姓名,姓名\n"))
	f.Add([]byte("\xff\xfeA\x00,\x00"))
	f.Add([]byte("某某单位干部名册\n\n姓名,身份证号\n李四,1e17\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, "roster.csv") })
}

// FuzzParseXLSX fuzzes the workbook reader from real workbooks (the seeds)
// whose bytes the fuzzer changes, and from the hostile shapes that are
// small just past the reader's bounds.
func FuzzParseXLSX(f *testing.F) {
	for _, s := range rostertest.Shapes {
		if s.Small > 0 {
			f.Add(s.Build(f, s.Small))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, "roster.xlsx") })
}
