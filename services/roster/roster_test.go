package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"efile/services/errs"
	"efile/services/roster/rostertest"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

const zhHeader = "姓名,性别,出生日期,身份证号,单位编码,职务,职级,是否一把手,任职时间"

// person builds the Values of a row from the nine fields in template order.
func person(v ...string) map[string]string {
	m := map[string]string{}
	for i, f := range Fields() {
		m[f] = v[i]
	}
	return m
}

var (
	zhang = person("张三", "男", "1985/7/1", "110101198507011234", "001", "局长", "正处级", "是", "2020-01-02")
	li    = person("李四", "女", "1990-03-05", "11010119900305002X", "002", "副局长", "副处级", "否", "2021/6/30")
)

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const basicCSV = zhHeader + "\r\n" +
	"张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02\r\n" +
	"\r\n" +
	" , ,,,,,,,\r\n" +
	"  李四 ,女, 1990-03-05 ,11010119900305002X,002,副局长,副处级,否,2021/6/30 \r\n"

func TestParseCSV(t *testing.T) {
	want := []Row{{Line: 2, Values: zhang}, {Line: 5, Values: li}}
	tests := []struct {
		name  string
		data  []byte
		want  []Row
		probs []Problem
	}{
		{"utf-8", []byte(basicCSV), want, nil},
		{"utf-8 with BOM", append([]byte("\xef\xbb\xbf"), basicCSV...), want, nil},
		{"gb18030", gb18030(t, basicCSV), want, nil},
		{"utf-16 tab-separated", utf16le(t, strings.ReplaceAll(basicCSV, ",", "\t")), want, nil},
		{"lf line ends", []byte(strings.ReplaceAll(basicCSV, "\r\n", "\n")), want, nil},
		{"english headers, any order, extra column",
			[]byte("序号, Name ,GENDER,Birth_Date,id_number,Unit Code,position,Rank,is_top_leader,appointed_on\n" +
				"1,张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02\n"),
			[]Row{{Line: 2, Values: zhang}}, nil},
		{"身份证号码 and spaced or starred headers",
			[]byte("*姓  名,性　别,出生日期,身份证号码,单位编码,职务,职级,是否一把手,任职时间\n" +
				"张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02\n"),
			[]Row{{Line: 2, Values: zhang}}, nil},
		{"title row above the header",
			[]byte("某某单位干部名册,,,,,,,,\n" + zhHeader + "\n" +
				"张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02\n"),
			[]Row{{Line: 3, Values: zhang}}, nil},
		{"excel text formulas and quoted newline",
			[]byte(zhHeader + ",备注\n" +
				"张三,男,1985/7/1,=\"110101198507011234\",\"=\"\"001\"\"\",局长,正处级,是,2020-01-02,\"two\nlines\"\n" +
				"李四,女,1990-03-05,11010119900305002X,002,副局长,副处级,否,2021/6/30\n"),
			[]Row{{Line: 2, Values: zhang}, {Line: 4, Values: li}}, nil},
		{"short row and row with only unknown columns",
			[]byte("序号," + zhHeader + "\n1,张三,男\n2,,,,,,,,,\n"),
			[]Row{{Line: 2, Values: person("张三", "男", "", "", "", "", "", "", "")}}, nil},
		{"missing column",
			[]byte("姓名,性别,出生日期,身份证号,单位编码,职务,是否一把手,任职时间,备注\n" +
				"张三,男,1985/7/1,110101198507011234,001,局长,是,2020-01-02,x\n"),
			nil, []Problem{{Line: 1, Column: FieldRank, Message: errs.M("缺少“职级”列（rank）；表头须有：姓名、性别、出生日期、身份证号、单位编码、职务、职级、是否一把手、任职时间")}}},
		{"duplicate column",
			[]byte(zhHeader + ",Name\n张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02,张三\n"),
			nil, []Problem{{Line: 1, Column: FieldName, Message: errs.M("第 10 列“Name”与第 1 列“姓名”重复；只保留一个“姓名”列")}}},
		{"header only", []byte(zhHeader + "\n\n"), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, probs, err := Parse(bytes.NewReader(tt.data), "roster.csv")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("rows\n got %v\nwant %v", rows, tt.want)
			}
			if !reflect.DeepEqual(said(probs), said(tt.probs)) {
				t.Errorf("problems\n got %v\nwant %v", probs, tt.probs)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "\n\n", ",,,\n"} {
		rows, probs, err := Parse(strings.NewReader(data), "empty.csv")
		if err != nil {
			t.Fatal(err)
		}
		if rows != nil || len(probs) != len(Fields()) {
			t.Fatalf("%q: rows %v, problems %v", data, rows, probs)
		}
		for i, p := range probs {
			if p.Line != 1 || p.Column != Fields()[i] {
				t.Errorf("%q: problem %d = %+v", data, i, p)
			}
		}
	}
}

func TestParseLimits(t *testing.T) {
	build := func(n int) *strings.Reader {
		var b strings.Builder
		b.WriteString(zhHeader + "\n")
		for i := range n {
			fmt.Fprintf(&b, "p%d,男,1985/7/1,110101198507011234,001,科员,一级科员,否,2020-01-02\n", i)
		}
		return strings.NewReader(b.String())
	}
	rows, _, err := Parse(build(MaxRows), "max.csv")
	if err != nil || len(rows) != MaxRows || rows[MaxRows-1].Line != MaxRows+1 {
		t.Fatalf("at the limit: %d rows, %v", len(rows), err)
	}
	if _, _, err := Parse(build(MaxRows+1), "over.csv"); !errors.Is(err, ErrTooManyRows) || !errors.Is(err, errs.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestParseUnreadable(t *testing.T) {
	tests := []struct{ name, data string }{
		{"xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest of an old workbook"},
		{"broken zip", "PK\x03\x04 not really a zip"},
		{"binary", "\x00\x01\x02姓名"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(strings.NewReader(tt.data), "roster."+tt.name)
			if !errors.Is(err, ErrUnreadable) || !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestParseReadError(t *testing.T) {
	if _, _, err := Parse(failReader{}, "x.csv"); err == nil || errors.Is(err, ErrUnreadable) {
		t.Fatalf("err = %v", err)
	}
}

// workbook writes an .xlsx file whose first sheet build fills.
func workbook(t *testing.T, date1904 bool, build func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	// A second sheet that must be ignored.
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Other", "A1", &[]any{"姓名"}); err != nil {
		t.Fatal(err)
	}
	build(f, "Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestParseXLSX(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprintf("date1904=%v", date1904), func(t *testing.T) {
			data := workbook(t, date1904, func(f *excelize.File, s string) {
				dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				must(t, err)
				cnDate := `yyyy"年"m"月"d"日"`
				cnStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &cnDate})
				must(t, err)
				textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
				must(t, err)

				must(t, f.SetSheetRow(s, "A1", &[]any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间", "备注"}))
				// Row 2: text date "1985/7/1", real date cell, ID number
				// and unit code as text, a boolean cell.
				must(t, f.SetSheetRow(s, "A2", &[]any{" 张三 ", "男", "1985/7/1", "110101198507011234", "001", "局长", "正处级", true, time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}))
				must(t, f.SetCellStyle(s, "I2", "I2", dateStyle))
				must(t, f.SetCellStyle(s, "D2", "E2", textStyle))
				// Rows 3 and 4 are blank (row 4 only styled).
				must(t, f.SetCellStyle(s, "A4", "I4", textStyle))
				// Row 5: real date with a Chinese format, date typed as a
				// number 20210630.
				must(t, f.SetSheetRow(s, "A5", &[]any{"李四", "女", 32937.0, "11010119900305002X", "002", "副局长", "副处级", "否", 20210630}))
				must(t, f.SetCellStyle(s, "C5", "C5", cnStyle))
				must(t, f.SetSheetRow(s, "A6", &[]any{"王五", "F", "1992-02-29", "110101199202290011", "003", "科员", "一级科员", 0, "2023.2.28"}))
				// Row 7: a year typed as a number is not a serial; a date
				// with a time keeps its day.
				must(t, f.SetSheetRow(s, "A7", &[]any{"赵六", "男", 1985, "110101198501010011", "003", "科员", "一级科员", "N", 43832.75}))
				must(t, f.SetCellStyle(s, "I7", "I7", dateStyle))
			})
			rows, probs, err := Parse(bytes.NewReader(data), "roster.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			if probs != nil {
				t.Fatalf("problems %v", probs)
			}
			birth := "1990-03-05"
			if date1904 {
				// The same serial means a date four years and a day later.
				birth = "1994-03-06"
			}
			appointed7 := "2020-01-02"
			if date1904 {
				appointed7 = "2024-01-03"
			}
			want := []Row{
				{Line: 2, Values: person("张三", "男", "1985/7/1", "110101198507011234", "001", "局长", "正处级", "1", "2020-01-02")},
				{Line: 5, Values: person("李四", "女", birth, "11010119900305002X", "002", "副局长", "副处级", "否", "20210630")},
				{Line: 6, Values: person("王五", "F", "1992-02-29", "110101199202290011", "003", "科员", "一级科员", "0", "2023.2.28")},
				{Line: 7, Values: person("赵六", "男", "1985", "110101198501010011", "003", "科员", "一级科员", "N", appointed7)},
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("rows\n got %v\nwant %v", rows, want)
			}
			// Every date but the bare year must normalise.
			for _, r := range rows[:len(rows)-1] {
				for _, f := range []string{FieldBirthDate, FieldAppointedOn} {
					if _, ok := NormalizeDate(r.Values[f]); !ok {
						t.Errorf("line %d %s %q does not normalise", r.Line, f, r.Values[f])
					}
				}
				if _, ok := NormalizeBool(r.Values[FieldIsTopLeader]); !ok {
					t.Errorf("line %d is_top_leader %q", r.Line, r.Values[FieldIsTopLeader])
				}
				if _, ok := NormalizeGender(r.Values[FieldGender]); !ok {
					t.Errorf("line %d gender %q", r.Line, r.Values[FieldGender])
				}
			}
		})
	}
}

func TestParseXLSXHeaderProblems(t *testing.T) {
	data := workbook(t, false, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"Name", "Gender", "Birth Date", "ID Number", "Unit Code", "Position", "Rank", "Is Top Leader"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"张三", "男"}))
	})
	rows, probs, err := Parse(bytes.NewReader(data), "upload.bin")
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Line: 1, Column: FieldAppointedOn, Message: errs.M("缺少“任职时间”列（appointed_on）；表头须有：姓名、性别、出生日期、身份证号、单位编码、职务、职级、是否一把手、任职时间")}}
	if rows != nil || !reflect.DeepEqual(said(probs), said(want)) {
		t.Fatalf("rows %v problems %v", rows, probs)
	}
}

func TestNormalizeGender(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"男", "male", true}, {" 男性 ", "male", true}, {"Male", "male", true}, {"M", "male", true}, {"m", "male", true},
		{"女", "female", true}, {"女性", "female", true}, {"FEMALE", "female", true}, {"f", "female", true}, {"Ｆ", "female", true},
		{"", "", false}, {"未知", "", false}, {"x", "", false}, {"男女", "", false},
	}
	for _, tt := range tests {
		if got, ok := NormalizeGender(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeGender(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalizeBool(t *testing.T) {
	tests := []struct {
		in       string
		want, ok bool
	}{
		{"是", true, true}, {"否", false, true},
		{"true", true, true}, {"TRUE", true, true}, {"False", false, true},
		{"1", true, true}, {"0", false, true},
		{"yes", true, true}, {"No", false, true},
		{"Y", true, true}, {"n", false, true}, {" y ", true, true},
		{"√", true, true}, {"×", false, true},
		{"", false, true}, {"  ", false, true},
		{"2", false, false}, {"maybe", false, false}, {"是的", false, false},
	}
	for _, tt := range tests {
		if got, ok := NormalizeBool(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeBool(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalizeDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"2024-03-05", "2024-03-05"},
		{"2024/3/5", "2024-03-05"},
		{"2024-3-5", "2024-03-05"},
		{"2024.3.5", "2024-03-05"},
		{"2024.03.05", "2024-03-05"},
		{"20240305", "2024-03-05"},
		{" 2024/03/05 ", "2024-03-05"},
		{"2024年3月5日", "2024-03-05"},
		{"2024年03月05", "2024-03-05"},
		{"2024/3/5 0:00", "2024-03-05"},
		{"2024-03-05 00:00:00", "2024-03-05"},
		{"2024-03-05T00:00:00Z", "2024-03-05"},
		{"2024-03-05T08:00:00+08:00", "2024-03-05"},
		{"２０２４－０３－０５", "2024-03-05"},
		{"2024-02-29", "2024-02-29"},
		{"2000-02-29", "2000-02-29"},
		{"2023-02-29", ""},
		{"1900-02-29", ""},
		{"2024-04-31", ""},
		{"2024-13-01", ""},
		{"2024-00-10", ""},
		{"2024-01-00", ""},
		{"20230229", ""},
		{"0000-01-01", ""},
		{"2024-3/5", ""},
		{"3/5/2024", ""},
		{"24-3-5", ""},
		{"2024-03", ""},
		{"2024-03-05 lunch", ""},
		{"45356", ""},
		{"", ""},
		{"abc", ""},
	}
	for _, tt := range tests {
		got, ok := NormalizeDate(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizeDate(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestHeader(t *testing.T) {
	if Header(FieldIDNumber) != "身份证号" || Header("nope") != "" || len(Fields()) != 9 {
		t.Fatal("Header/Fields")
	}
}

// rewriteSheet replaces the first match of old with new in the XML of the
// first worksheet, to make cells excelize does not write itself.
func rewriteSheet(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	re := regexp.MustCompile(old)
	return rostertest.Rewrite(t, data, rostertest.Sheet, func(w io.Writer, body []byte) {
		loc := re.FindIndex(body)
		if loc == nil {
			t.Fatalf("%q not found in the sheet", old)
		}
		w.Write(slices.Concat(body[:loc[0]], []byte(new), body[loc[1]:]))
	})
}

func TestParseXLSXTitleAndISODateCell(t *testing.T) {
	data := workbook(t, false, func(f *excelize.File, s string) {
		must(t, f.SetCellValue(s, "A1", "某某单位干部名册"))
		must(t, f.MergeCell(s, "A1", "I1"))
		must(t, f.SetSheetRow(s, "A2", &[]any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"}))
		must(t, f.SetSheetRow(s, "A3", &[]any{"张三", "男", "1985/7/1", "110101198507011234", "001", "局长", "正处级", "是", "ISODATE"}))
	})
	data = rewriteSheet(t, data, `<c r="I3" t="s"><v>\d+</v></c>`, `<c r="I3" t="d"><v>2020-01-02T00:00:00Z</v></c>`)
	rows, probs, err := Parse(bytes.NewReader(data), "roster.xlsx")
	if err != nil || probs != nil {
		t.Fatalf("problems %v, err %v", probs, err)
	}
	want := []Row{{Line: 3, Values: zhang}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n got %v\nwant %v", rows, want)
	}
}

// said is problems with their messages as written, for comparing.
func said(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d %s %s", p.Line, p.Column, p.Message))
	}
	return out
}
