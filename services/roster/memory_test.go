package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"efile/services/roster/rostertest"

	"github.com/xuri/excelize/v2"
)

// sparseXFD is a small workbook whose data rows each hold one cell in the
// last column, XFD: expanded as a grid, each row is 16,384 cells.
func sparseXFD(t testing.TB, rows int) []byte {
	data := workbook(t.(*testing.T), false, func(f *excelize.File, s string) {
		must(t.(*testing.T), f.SetSheetRow(s, "A1", &[]any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"}))
	})
	return rostertest.Rewrite(t, data, "xl/worksheets/sheet1.xml", func(w io.Writer, old []byte) {
		end := bytes.Index(old, []byte("</sheetData>"))
		w.Write(old[:end])
		for i := 2; i < rows+2; i++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, i, i)
		}
		w.Write(old[end:])
	})
}

// hugeSharedString is a small workbook whose one data row has a 2 MiB
// shared string as its 单位编码.
func hugeSharedString(t testing.TB) []byte {
	data := workbook(t.(*testing.T), false, func(f *excelize.File, s string) {
		must(t.(*testing.T), f.SetSheetRow(s, "A1", &[]any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"}))
		must(t.(*testing.T), f.SetSheetRow(s, "A2", &[]any{"张三", "男", "1985-07-01", "110101198507011234", "HUGEVALUE", "局长", "正处级", "是", "2020-01-02"}))
	})
	return rostertest.Rewrite(t, data, "xl/sharedStrings.xml", func(w io.Writer, old []byte) {
		i := bytes.Index(old, []byte("HUGEVALUE"))
		w.Write(old[:i])
		w.Write(bytes.Repeat([]byte("U"), 2<<20))
		w.Write(old[i+len("HUGEVALUE"):])
	})
}

// TestParseMemoryBounded parses the two files of the review's findings in a
// child process and reads its peak resident memory: a 30 KB workbook of
// sparse XFD cells that once took 2.9 GB, and a 2 MiB shared string that was
// echoed whole into the error. Peak RSS must stay within memoryBound of the
// baseline and the messages short.
func TestParseMemoryBounded(t *testing.T) {
	if raceDetector {
		t.Skip("peak memory under the race detector means nothing; .ci/run checks it without -race")
	}
	files := map[string][]byte{"xfd.xlsx": sparseXFD(t, 2000), "sst.xlsx": hugeSharedString(t)}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			if len(data) > 64<<10 {
				t.Fatalf("the test file is %d bytes; it should be small", len(data))
			}
			out := parseInChild(t, name, data)
			if out.Err == "" && out.Problems == 0 {
				t.Errorf("the file was accepted: %+v", out)
			}
			if out.Messages > 64<<10 {
				t.Errorf("messages are %d bytes; a value must not be echoed whole", out.Messages)
			}
		})
	}
}

func TestParseLimitsWhileReading(t *testing.T) {
	t.Run("xfdCellIsTooWide", func(t *testing.T) {
		_, _, err := Parse(bytes.NewReader(sparseXFD(t, 3)), "wide.xlsx")
		if !errors.Is(err, ErrTooWide) || !strings.Contains(err.Error(), "XFD") || !strings.Contains(err.Error(), "第 2 行") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("csvColumn65IsTooWide", func(t *testing.T) {
		_, _, err := Parse(strings.NewReader(zhHeader+strings.Repeat(",", 60)+"\n张三"+strings.Repeat(",", 64)+"x\n"), "wide.csv")
		if !errors.Is(err, ErrTooWide) || !strings.Contains(err.Error(), "BM") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("emptyColumnsPast64AreFine", func(t *testing.T) {
		rows, _, err := Parse(strings.NewReader(zhHeader+strings.Repeat(",", 80)+"\n"+"张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02"+strings.Repeat(",", 80)+"\n"), "pad.csv")
		if err != nil || len(rows) != 1 {
			t.Fatalf("%v %v", rows, err)
		}
	})
	t.Run("hugeCellIsARowProblemQuotedShort", func(t *testing.T) {
		_, probs, err := Parse(bytes.NewReader(hugeSharedString(t)), "sst.xlsx")
		if err != nil || len(probs) != 1 || probs[0].Line != 2 || probs[0].Column != FieldUnitCode || len(probs[0].Message.String()) > 300 {
			t.Fatalf("%v %v", probs, err)
		}
	})
	t.Run("over10MiBIsTooBig", func(t *testing.T) {
		big := zhHeader + "\n" + strings.Repeat(",,,,,,,,"+strings.Repeat(" ", 91)+"\n", 110000)
		if _, _, err := Parse(strings.NewReader(big), "big.csv"); !errors.Is(err, ErrTooBig) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("rowLimitStopsReading", func(t *testing.T) {
		// A reader that fails past the limit proves the rest is not read.
		var b strings.Builder
		b.WriteString(zhHeader + "\n")
		for i := 0; i <= MaxRows; i++ {
			b.WriteString("p,男,1985/7/1,110101198507011234,001,科员,一级科员,否,2020-01-02\n")
		}
		r := io.MultiReader(strings.NewReader(b.String()), failReader{})
		if _, _, err := Parse(r, "many.csv"); !errors.Is(err, ErrTooManyRows) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestParseUndecodable(t *testing.T) {
	t.Run("invalidGB18030IsARowProblem", func(t *testing.T) {
		data := append(gb18030(t, zhHeader+"\n张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02\n"), gb18030(t, "李")...)
		data = append(data, 0x81, 0x20) // a lead byte without its trail
		data = append(data, gb18030(t, "四,女,1990-03-05,11010119900305002X,002,副局长,副处级,否,2021/6/30\n")...)
		rows, probs, err := Parse(bytes.NewReader(data), "gb.csv")
		if err != nil {
			t.Fatal(err)
		}
		if len(probs) != 1 || probs[0].Line != 3 || probs[0].Column != FieldName {
			t.Fatalf("problems %v", probs)
		}
		for _, r := range rows {
			for _, v := range r.Values {
				if strings.ContainsRune(v, '\ufffd') {
					t.Fatalf("a replacement character got through: %v", r)
				}
			}
		}
	})
	t.Run("invalidUTF8IsARowProblem", func(t *testing.T) {
		data := zhHeader + "\n张三,男,1985/7/1,110101198507011234,001,局长,正处级,是,2020-01-02\n李四,女,1990-03-05,11010119900305002X,002,副\xff局长,副处级,否,2021/6/30\n"
		_, probs, err := Parse(strings.NewReader(data), "u.csv")
		if err != nil || len(probs) != 1 || probs[0].Line != 3 || probs[0].Column != FieldPosition {
			t.Fatalf("%v %v", probs, err)
		}
	})
}
