// Package sheet makes printable workbooks as a department files them: A4
// pages fitted to their width, a title row that says whose file it is, the
// header row repeated on every page, page numbers and the export time in the
// footer, bordered cells in a CJK font, rows tall enough to show all their
// text, and （无） under the title of an empty section. Sheets are streamed
// (excelize StreamWriter), so memory stays bounded whatever their length.
//
// A workbook is written in a few calls:
//
//	b, err := sheet.New(sheet.Doc{Title: "考核结果", Who: cycle.Name, Fallback: "results-7", At: now.In(zone)})
//	t, err := b.Table("考核结果", sheet.Landscape,
//		sheet.Column{Header: "姓名", Width: 12}, sheet.Column{Header: "得分", Width: 10}, …)
//	err = t.Row("张三", b.Score(91.5), …) // once per row, in order
//	err = t.Close()                        // （无） if no row came; the print titles
//	c.Header("Content-Disposition", b.ContentDisposition())
//	err = b.Write(w); b.Close()
//
// The API:
//   - New(Doc) *Book: an empty workbook with its document properties (creator
//     efile, the export time) and the Styles. Book embeds *excelize.File.
//   - Book.Table(name, orientation, columns...) *Table: a new sheet, page set
//     up (A4, orientation, fit to width, margins, header and footer) and its
//     title row written. Columns without headers make a form (label | value).
//     The columns must fit the printable width (PortraitWidth, LandscapeWidth).
//   - Table.Row(values...), Table.Section(text), Table.Close().
//   - Book.Day, Book.Time, Book.Score, Label: typed, bordered cells.
//   - Book.Heading, Book.FileName, Book.ContentDisposition and Attachment: the
//     title and the download name (RFC 6266 with an ASCII fallback).
//   - Lines: the row-height estimate, for anyone who writes cells directly.
package sheet

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"efile/services/civil"

	"github.com/xuri/excelize/v2"
)

// Orientation of a sheet's pages.
type Orientation string

// The two orientations of an A4 page.
const (
	Portrait  Orientation = "portrait"
	Landscape Orientation = "landscape"
)

// The printable width of an A4 page, in column-width units (the width of a
// digit of the workbook's default 11-point font: 7 px at 96 dpi, 1.85 mm),
// at the left and right margins below (1.8 cm each). Portrait: 210 − 36 =
// 174 mm = 658 px ≈ 94 units; landscape: 297 − 36 = 261 mm = 986 px ≈ 140
// units. Each column also takes about 5 px of padding, so the budgets keep a
// few units in hand: a sheet whose columns add up to at most this prints at
// 100 % and fit-to-width never has to shrink it.
const (
	PortraitWidth  = 90.0
	LandscapeWidth = 135.0
)

// PrintableWidth is the printable width of a page of orientation o.
func PrintableWidth(o Orientation) float64 {
	if o == Landscape {
		return LandscapeWidth
	}
	return PortraitWidth
}

// Margins in inches, as the xlsx file stores them: 1.8 cm left and right,
// 2.5 cm top and 2 cm bottom with the page header and footer 0.8 cm from the
// edge (公文 pages leave about this much for binding and for the hole punch).
const (
	marginSide   = 0.71
	marginTop    = 0.98
	marginBottom = 0.79
	marginHF     = 0.31
)

// a4 is the paper size code of A4 in SpreadsheetML.
const a4 = 9

// Doc describes a workbook: what it is, whom it is about and when it was
// exported.
type Doc struct {
	Title    string    // what the workbook is, e.g. 干部现实表现电子档案
	Who      string    // whom or what it is about: a cadre's name, a cycle's name
	Detail   string    // optional, shown in brackets after Who: unit and position
	Fallback string    // ASCII stem of the download name for old clients, e.g. efile-42
	At       time.Time // the export time, in the zone it is shown in (EFILE_TZ)
}

// Book is a printable workbook being written. The caller writes it (Write,
// WriteTo) and closes it; every sheet is made with Table.
type Book struct {
	*excelize.File
	Styles Styles
	doc    Doc
	sheets int
}

// New starts a workbook: its document properties name efile as the creator
// and carry the export time; its styles are made once here.
func New(d Doc) (*Book, error) {
	f := excelize.NewFile()
	b := &Book{File: f, doc: d}
	err := b.init()
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return b, nil
}

func (b *Book) init() (err error) {
	at := b.doc.At.UTC().Format(time.RFC3339)
	if err = b.SetDocProps(&excelize.DocProperties{
		Creator: "efile", LastModifiedBy: "efile", Created: at, Modified: at,
		Title: b.Heading(), Subject: b.doc.Who, Language: "zh-CN",
		Description: "由 efile 导出，导出时间 " + b.exported(),
	}); err != nil {
		return err
	}
	if err = b.SetAppProps(&excelize.AppProperties{Application: "efile"}); err != nil {
		return err
	}
	b.Styles, err = newStyles(b.File)
	return err
}

// exported is the export time as people read it, in the export's zone.
func (b *Book) exported() string { return b.doc.At.Format("2006-01-02 15:04") }

// Heading is the title row of every sheet: 干部现实表现电子档案 — 张三（区委办，科长）.
func (b *Book) Heading() string {
	h := b.doc.Title
	if b.doc.Who != "" {
		h += " — " + b.doc.Who
	}
	if b.doc.Detail != "" {
		h += "（" + b.doc.Detail + "）"
	}
	return h
}

// FileName is the download's name: Title-Who-YYYYMMDD.xlsx, the date of the
// export in its zone.
func (b *Book) FileName() string {
	parts := []string{b.doc.Title}
	if b.doc.Who != "" {
		parts = append(parts, b.doc.Who)
	}
	return safeName(strings.Join(append(parts, b.doc.At.Format("20060102")), "-")) + ".xlsx"
}

// ContentDisposition is the Content-Disposition header of the download.
func (b *Book) ContentDisposition() string {
	return Attachment(b.FileName(), b.doc.Fallback+"-"+b.doc.At.Format("20060102")+".xlsx")
}

// Attachment is a Content-Disposition value naming a download (RFC 6266):
// name in filename* (UTF-8, percent-encoded, RFC 8187) for the browsers of
// today, and fallback, ASCII only, in filename for older clients.
func Attachment(name, fallback string) string {
	var ascii strings.Builder
	for _, r := range safeName(fallback) {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + rfc8187(safeName(name))
}

// rfc8187 percent-encodes every byte but attr-char (RFC 8187 section 3.2.1).
func rfc8187(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			out.WriteByte(c)
		} else {
			fmt.Fprintf(&out, "%%%02X", c)
		}
	}
	return out.String()
}

// safeName replaces what no file system or browser accepts in a file name
// (path separators, reserved characters of Windows, control characters), so
// that a name typed by a person never becomes a path.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
}

// The values a row takes besides strings, numbers and nil.

// Label is a form's label cell (bold, shaded): Row(Label("姓名"), c.Name, …).
type Label string

// Day is a date as a date cell, or an empty text cell for no date.
func (b *Book) Day(d civil.Date) any {
	if !d.Valid() {
		return d.String()
	}
	return excelize.Cell{StyleID: b.Styles.Date, Value: d.Time()}
}

// Time is an instant as a date-time cell of its wall clock in the export's zone.
func (b *Book) Time(t time.Time) any {
	return excelize.Cell{StyleID: b.Styles.DateTime, Value: t.In(b.doc.At.Location())}
}

// Score is a number shown with two decimals.
func (b *Book) Score(v float64) any { return excelize.Cell{StyleID: b.Styles.Score, Value: v} }

// escapeHF doubles the ampersands of text put in a page header or footer,
// where & starts a code (&P, &N, &"font").
func escapeHF(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// cut shortens s to at most n characters: a page header holds 255 in all.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
