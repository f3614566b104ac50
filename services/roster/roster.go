// Package roster reads the cadre roster an organisation department uploads:
// an .xlsx workbook or a CSV file (UTF-8, UTF-8 with BOM, GB18030 as Excel
// and WPS write it in China, or UTF-16 "Unicode text"). It only splits,
// decodes and trims; the caller checks the values with the Normalize*
// helpers and its own business rules.
package roster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"efile/services/errs"
	"efile/services/text"

	"golang.org/x/text/width"
)

// Canonical field names, the keys of Row.Values.
const (
	FieldName        = "name"
	FieldGender      = "gender"
	FieldBirthDate   = "birth_date"
	FieldIDNumber    = "id_number"
	FieldUnitCode    = "unit_code"
	FieldPosition    = "position"
	FieldRank        = "rank"
	FieldIsTopLeader = "is_top_leader"
	FieldAppointedOn = "appointed_on"
)

// Row is one data row: Line is the 1-based line/row number in the file as a
// person sees it (the header is line 1, so the first data row is 2).
// Values holds every canonical field, "" for an empty cell.
type Row struct {
	Line   int
	Values map[string]string
}

// Problem is one bad cell or header. Column is the canonical field name, or
// the header text for an unknown header.
type Problem struct {
	Line    int
	Column  string
	Message errs.Msg
}

type field struct {
	name    string
	headers []string // Chinese headers; the first is the one shown in messages
	date    bool
}

var fields = []field{
	{FieldName, []string{"姓名"}, false},
	{FieldGender, []string{"性别"}, false},
	{FieldBirthDate, []string{"出生日期"}, true},
	{FieldIDNumber, []string{"身份证号", "身份证号码"}, false},
	{FieldUnitCode, []string{"单位编码"}, false},
	{FieldPosition, []string{"职务"}, false},
	{FieldRank, []string{"职级"}, false},
	{FieldIsTopLeader, []string{"是否一把手"}, false},
	{FieldAppointedOn, []string{"任职时间"}, true},
}

// byHeader maps a headerKey to its field index.
var byHeader = func() map[string]int {
	m := map[string]int{}
	for i, f := range fields {
		m[headerKey(f.name)] = i
		for _, h := range f.headers {
			m[headerKey(h)] = i
		}
	}
	return m
}()

// Fields returns the canonical field names in template order.
func Fields() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// Header returns the Chinese column header of a canonical field name, or ""
// for an unknown name.
func Header(name string) string {
	for _, f := range fields {
		if f.name == name {
			return f.headers[0]
		}
	}
	return ""
}

// headerKey folds a header for matching: full-width to ASCII, lower case,
// and without spaces, '_', '-' or the '*' that marks required columns, so
// "姓  名", "*姓名", "Birth Date" and "BIRTH_DATE" all match.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range width.Narrow.String(s) {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '*' || r == '\ufeff' || r == '\u200b' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Parse reads a roster file. The format is found from the content: a zip
// archive is read as an .xlsx workbook (its first sheet), anything else as a
// CSV file. The filename is only used in error messages.
//
// The file is read as a stream and the limits of SPEC section 5 hold while
// reading: more than MaxUpload bytes is ErrTooBig, more than MaxRows data
// rows ErrTooManyRows, a non-empty cell beyond column MaxColumns an error
// wrapping ErrTooWide, all before the rest is read. A workbook is held
// whole (a zip is read from its end) but each of its parts is inflated and
// parsed as a stream within the bounds of workbookLimits and the counts in
// limits.go, past which it is refused (ErrUnreadable, naming the part and
// the bound) before it can take more memory. A cell over MaxCell
// characters, or holding bytes that are not text in the file's encoding, is a
// Problem on its row and column (and its value is dropped); messages quote at
// most text.MaxQuote characters of a value.
//
// The header is the first non-empty row, except that up to ten leading rows
// with no known header (a title such as "某某单位干部名册") are skipped.
// Headers may be the Chinese names or the canonical field names, in any case;
// other columns are ignored. A missing or repeated column is a Problem on the
// header line, and then no rows are returned.
//
// Every cell is trimmed; rows whose nine fields are all empty are skipped,
// but Line always counts them. In a workbook, cells are read as stored, not
// as displayed: text exactly as typed (an ID number or a code typed as text
// keeps its digits and leading zeros), numbers as plain numbers, TRUE/FALSE
// as 1/0; in the date columns (birth_date, appointed_on) a date cell, or any
// five-digit serial number, becomes "2006-01-02". A merged cell is only read
// in its top-left cell.
//
// Other errors wrap ErrUnreadable for a file that cannot be read, or are the
// reader's error.
func Parse(r io.Reader, filename string) ([]Row, []Problem, error) {
	br := bufio.NewReaderSize(&capped{r: r, left: MaxUpload}, sniffSize)
	head, err := br.Peek(8)
	if err != nil && err != io.EOF {
		return nil, nil, readErr(filename, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return parseXLSX(br, filename)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return nil, nil, errs.New(ErrUnreadable, "%s is an old .xls workbook or a password-protected one; save it as .xlsx or CSV without a password", text.Cut(filename))
	}
	return parseCSV(br, filename)
}

func readErr(filename string, err error) error {
	if errors.Is(err, ErrTooBig) {
		return err
	}
	return fmt.Errorf("roster: reading %s: %w", filename, err)
}
