// Package rostertest builds roster workbooks for tests: a small valid one,
// and the hostile shapes of issue 22, each a small file that unzips or
// parses into far more than it weighs. The roster's own tests measure the
// memory each takes; the import route's tests check the answer people see.
package rostertest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Header is the roster's header row, and Row a valid data row under it.
var (
	Header = []any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"}
	Row    = []any{"张三", "男", "1985-07-01", "110101198507011234", "001", "局长", "正处级", "是", "2020-01-02"}
)

// Workbook is a valid roster as excelize writes it: the header and rows on
// the first sheet (shared strings, a styles part, a theme).
func Workbook(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range append([][]any{Header}, rows...) {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Rewrite rebuilds an .xlsx archive with one part's content written by
// edit from its old content, or with a new part when none has that name;
// it makes files excelize would not write.
func Rewrite(t testing.TB, data []byte, part string, edit func(w io.Writer, old []byte)) []byte {
	t.Helper()
	done := false
	return rebuild(t, data, func(zw *zip.Writer, name string, old []byte) bool {
		if done || (name != part && old != nil) {
			return false
		}
		done = true
		w, err := zw.Create(part)
		if err != nil {
			t.Fatal(err)
		}
		edit(w, old)
		return true
	})
}

// rebuild copies every entry of data into a new archive, except those for
// which put writes something of its own (it returns true); put is called
// once more with a nil old for a part that is not there.
func rebuild(t testing.TB, data []byte, put func(zw *zip.Writer, name string, old []byte) bool) []byte {
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
		if put(zw, zf.Name, body) {
			continue
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	put(zw, "", nil)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Repeat writes s n times to w.
func Repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, max(1, min(n, (64<<10)/max(1, len(s)))))
	per := len(chunk) / len(s)
	for ; n >= per; n -= per {
		io.WriteString(w, chunk)
	}
	io.WriteString(w, strings.Repeat(s, n))
}

// insert returns an edit that writes unit n times, between head and tail,
// just before the first marker of the old part.
func insert(marker, head, unit string, n int, tail string) func(w io.Writer, old []byte) {
	return func(w io.Writer, old []byte) {
		i := bytes.Index(old, []byte(marker))
		if i < 0 {
			panic("rostertest: no " + marker + " in the part")
		}
		w.Write(old[:i])
		io.WriteString(w, head)
		Repeat(w, unit, n)
		io.WriteString(w, tail)
		w.Write(old[i:])
	}
}

// Shape is one hostile workbook: Build makes it with n of what it is made
// of (strings, styles, sheets, MiB …). Size is about what the outside
// attack used; Small is just past the reader's bound, for seeding the
// fuzzer, or 0 where even that is a large file or takes a while to refuse
// (some 10⁵ elements: under the fuzzer's instrumentation, seconds an
// input, and the fuzzer would spend its time there).
type Shape struct {
	Name  string
	About string
	Size  int
	Small int
	Build func(t testing.TB, n int) []byte
}

// Parts of a workbook as excelize writes it.
const (
	SharedStrings = "xl/sharedStrings.xml"
	Styles        = "xl/styles.xml"
	Book          = "xl/workbook.xml"
	BookRels      = "xl/_rels/workbook.xml.rels"
	Sheet         = "xl/worksheets/sheet1.xml"
)

// Shapes are the hostile workbooks of issue 22 and two more of the same
// kind. Every one holds a valid roster too, so a reader that survived it
// without noticing would import it.
var Shapes = []Shape{
	{"sharedStrings", "n empty shared strings", 12_000_000, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), SharedStrings, insert("</sst>", "", "<si/>", n, ""))
	}},
	{"sharedText", "n shared strings of 24 characters", 700_000, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), SharedStrings, insert("</sst>", "", "<si><t>abcdefghijklmnopqrstuvwx</t></si>", n, ""))
	}},
	{"cellXfs", "n cell styles", 3_000_000, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), Styles, insert("</cellXfs>", "", "<xf/>", n, ""))
	}},
	{"numFmts", "n number formats", 1_000_000, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), Styles, insert("<fonts", `<numFmts>`, `<numFmt numFmtId="164" formatCode="0"/>`, n, "</numFmts>"))
	}},
	{"sheets", "a workbook part naming n sheets", 1_300_000, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), Book, insert("</sheets>", "", `<sheet name="x" sheetId="9" r:id="rId99"/>`, n, ""))
	}},
	{"rels", "n workbook relationships", 400_000, 0, func(t testing.TB, n int) []byte {
		rel := `<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
		return Rewrite(t, Workbook(t, Row), BookRels, insert("</Relationships>", "", rel, n, ""))
	}},
	{"attributes", "a tag with n attributes", 800_000, 20_000, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), Sheet, insert("</sheetData>", "<row", ` a=""`, n, "/>"))
	}},
	{"bomb", "one cell of n MiB of text", 60, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), Sheet, insert("</sheetData>", `<row r="3"><c r="A3" t="inlineStr"><is><t>`, "x", n<<20, "</t></is></c></row>"))
	}},
	{"bombUnread", "a part of n MiB, which a roster reader need not open", 200, 0, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), "xl/media/image1.png", func(w io.Writer, _ []byte) { Repeat(w, "\x00", n<<20) })
	}},
	{"deep", "n elements nested in the sheet", 5_000_000, 65, func(t testing.TB, n int) []byte {
		return Rewrite(t, Workbook(t, Row), Sheet, insert("</sheetData>", "", "<x>", n, ""))
	}},
	{"entries", "n entries in the archive", 90_000, 0, func(t testing.TB, n int) []byte {
		done := false
		return rebuild(t, Workbook(t, Row), func(zw *zip.Writer, name string, old []byte) bool {
			if old != nil || done {
				return false
			}
			done = true
			for i := range n {
				if _, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("m/%05d", i), Method: zip.Store}); err != nil {
					t.Fatal(err)
				}
			}
			return true
		})
	}},
	{"liar", "a sheet whose header declares 1,000 bytes and which unzips to n MiB", 40, 1, func(t testing.TB, n int) []byte {
		return rebuild(t, Workbook(t, Row), func(zw *zip.Writer, name string, old []byte) bool {
			if name != Sheet {
				return false
			}
			var body bytes.Buffer
			insert("</sheetData>", "", " ", n<<20, "")(&body, old)
			var packed bytes.Buffer
			fw, _ := flate.NewWriter(&packed, flate.BestCompression)
			fw.Write(body.Bytes())
			fw.Close()
			w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body.Bytes()),
				CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1000})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(packed.Bytes())
			return true
		})
	}},
}
