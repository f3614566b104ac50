package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
)

// rewritePart rebuilds an .xlsx archive with one part's XML changed by edit,
// which writes the new part; it makes files excelize would not write.
func rewritePart(t testing.TB, data []byte, part string, edit func(w io.Writer, old []byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == part {
			edit(w, body)
			continue
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sparseXFD is a small workbook whose data rows each hold one cell in the
// last column, XFD: expanded as a grid, each row is 16,384 cells.
func sparseXFD(t testing.TB, rows int) []byte {
	data := workbook(t.(*testing.T), false, func(f *excelize.File, s string) {
		must(t.(*testing.T), f.SetSheetRow(s, "A1", &[]any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"}))
	})
	return rewritePart(t, data, "xl/worksheets/sheet1.xml", func(w io.Writer, old []byte) {
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
	return rewritePart(t, data, "xl/sharedStrings.xml", func(w io.Writer, old []byte) {
		i := bytes.Index(old, []byte("HUGEVALUE"))
		w.Write(old[:i])
		w.Write(bytes.Repeat([]byte("U"), 2<<20))
		w.Write(old[i+len("HUGEVALUE"):])
	})
}

// TestParseMemoryBounded parses the two files of the review's findings in a
// child process (this test binary, run again) and reads the child's peak
// resident memory from the kernel: a 30 KB workbook of sparse XFD cells
// that once took 2.9 GB, and a 2 MiB shared string that was echoed whole
// into the error. Peak RSS must stay under 200 MB and the messages short.
func TestParseMemoryBounded(t *testing.T) {
	if path := os.Getenv("ROSTER_MEMORY_CHILD"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Println("child:", err)
			os.Exit(3)
		}
		_, probs, err := Parse(bytes.NewReader(data), filepath.Base(path))
		n := 0
		for _, p := range probs {
			n += len(p.Message.String()) + len(p.Column)
		}
		if err != nil {
			n += len(err.Error())
		}
		fmt.Printf("MESSAGES %d ERR %v PROBLEMS %d\n", n, err != nil, len(probs))
		os.Exit(0)
	}
	dir := t.TempDir()
	files := map[string][]byte{"xfd.xlsx": sparseXFD(t, 2000), "sst.xlsx": hugeSharedString(t)}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			if len(data) > 64<<10 {
				t.Fatalf("the test file is %d bytes; it should be small", len(data))
			}
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestParseMemoryBounded$", "-test.count=1")
			cmd.Env = append(os.Environ(), "ROSTER_MEMORY_CHILD="+path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var msgLen, probs int
			var failed bool
			line := string(out[bytes.Index(out, []byte("MESSAGES")):])
			if _, err := fmt.Sscanf(line, "MESSAGES %d ERR %t PROBLEMS %d", &msgLen, &failed, &probs); err != nil {
				t.Fatalf("child said %q: %v", out, err)
			}
			if !failed && probs == 0 {
				t.Errorf("the file was accepted: %s", out)
			}
			if msgLen > 64<<10 {
				t.Errorf("messages are %d bytes; a value must not be echoed whole", msgLen)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024 // kilobytes on Linux
			t.Logf("%s: %d bytes, peak RSS %.1f MB, messages %d bytes", name, len(data), float64(rss)/1e6, msgLen)
			if rss > 200e6 {
				t.Errorf("peak RSS %.0f MB, want under 200 MB", float64(rss)/1e6)
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
