// Package roster reads the cadre roster an organisation department uploads:
// an .xlsx workbook or a CSV file (UTF-8, UTF-8 with BOM, GB18030 as Excel
// and WPS write it in China, or UTF-16 "Unicode text"). It only splits,
// decodes and trims; the caller checks the values with the Normalize*
// helpers and its own business rules.
package roster

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"efile/services/errs"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
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

// MaxRows is the most data rows a roster may hold.
const MaxRows = 100000

var (
	// ErrTooManyRows is returned when a file holds more than MaxRows data rows.
	ErrTooManyRows = fmt.Errorf("%w: a roster may hold at most %d rows", errs.ErrTooLarge, MaxRows)
	// ErrUnreadable is wrapped by every error about a file that is not a
	// readable .xlsx or CSV file.
	ErrUnreadable = fmt.Errorf("%w: the roster file cannot be read", errs.ErrInvalid)
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
	Message string
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

// record is one row of the file before the header is applied.
type record struct {
	line  int
	cells []string
}

func blank(cells []string) bool {
	for _, c := range cells {
		if trimCell(c) != "" {
			return false
		}
	}
	return true
}

// Parse reads a roster file. The format is found from the content: a zip
// archive is read as an .xlsx workbook (its first sheet), anything else as a
// CSV file. The filename is only used in error messages.
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
// The error is ErrTooManyRows past MaxRows data rows, wraps ErrUnreadable
// for a file that cannot be read, or is the reader's error.
func Parse(r io.Reader, filename string) ([]Row, []Problem, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("roster: reading %s: %w", filename, err)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return parseXLSX(data, filename)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return nil, nil, fmt.Errorf("%w: %s is an old .xls workbook or a password-protected one; save it as .xlsx or CSV without a password", ErrUnreadable, filename)
	}
	recs, err := readCSV(data, filename)
	if err != nil {
		return nil, nil, err
	}
	return assemble(recs, nil)
}

// decodeText returns the CSV text as UTF-8.
func decodeText(data []byte, filename string) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%w: %s: %v", ErrUnreadable, filename, err)
		}
		data = out
	case !utf8.Valid(data):
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%w: %s is neither UTF-8 nor GB18030 text", ErrUnreadable, filename)
		}
		data = out
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", fmt.Errorf("%w: %s is not a text file; upload an .xlsx or CSV file", ErrUnreadable, filename)
	}
	return strings.TrimPrefix(string(data), "\ufeff"), nil
}

func readCSV(data []byte, filename string) ([]record, error) {
	text, err := decodeText(data, filename)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	// "Text (tab delimited)" as saved by Excel and WPS.
	first := strings.TrimLeft(text, "\r\n")
	if i := strings.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	if strings.Contains(first, "\t") && !strings.Contains(first, ",") {
		cr.Comma = '\t'
		// Leading-space trimming would eat the tabs of empty cells;
		// cells are trimmed below anyway.
		cr.TrimLeadingSpace = false
	}
	var recs []record
	nonBlank := 0
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnreadable, filename, err)
		}
		line, _ := cr.FieldPos(0)
		for i, c := range cells {
			cells[i] = unwrapFormula(trimCell(c))
		}
		if !blank(cells) {
			// A cheap bound before the header is known; assemble
			// applies the exact one.
			if nonBlank++; nonBlank > MaxRows+11 {
				return nil, ErrTooManyRows
			}
		}
		recs = append(recs, record{line: line, cells: cells})
	}
	return recs, nil
}

// unwrapFormula turns ="0123", which exports write to keep Excel from
// turning codes into numbers, back into 0123.
func unwrapFormula(s string) string {
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		return trimCell(strings.ReplaceAll(s[2:len(s)-1], `""`, `"`))
	}
	return s
}

// header is the located header row.
type header struct {
	index int         // in recs; -1 when the file has no non-empty row
	line  int         // line of the header row
	col   map[int]int // field index → column
}

// findHeader returns the first non-empty row holding a known header among the
// first ten non-empty rows, or else the first non-empty row.
func findHeader(recs []record) header {
	h := header{index: -1, line: 1}
	seen := 0
	for i, rec := range recs {
		if blank(rec.cells) {
			continue
		}
		if h.index < 0 {
			h.index, h.line = i, rec.line
		}
		for _, c := range rec.cells {
			if _, ok := byHeader[headerKey(c)]; ok {
				h.index, h.line = i, rec.line
				return h
			}
		}
		if seen++; seen >= 10 {
			break
		}
	}
	return h
}

// assemble applies the header to the records. cell, if not nil, turns a
// non-empty raw cell of a known column into its value before trimming.
func assemble(recs []record, cell func(f *field, v string) string) ([]Row, []Problem, error) {
	h := findHeader(recs)
	h.col = map[int]int{}
	var probs []Problem
	if h.index >= 0 {
		for col, text := range recs[h.index].cells {
			fi, ok := byHeader[headerKey(text)]
			if !ok {
				continue
			}
			if prev, dup := h.col[fi]; dup {
				probs = append(probs, Problem{Line: h.line, Column: fields[fi].name,
					Message: fmt.Sprintf("column %d %q repeats column %d %q; keep only one %s column",
						col+1, trimCell(text), prev+1, trimCell(recs[h.index].cells[prev]), fields[fi].headers[0])})
				continue
			}
			h.col[fi] = col
		}
	}
	for fi, f := range fields {
		if _, ok := h.col[fi]; !ok {
			probs = append(probs, Problem{Line: h.line, Column: f.name,
				Message: fmt.Sprintf("missing column %s (%s)", f.headers[0], f.name)})
		}
	}
	if len(probs) > 0 {
		return nil, probs, nil
	}
	var rows []Row
	for _, rec := range recs[h.index+1:] {
		vals := make(map[string]string, len(fields))
		empty := true
		for fi := range fields {
			f := &fields[fi]
			col := h.col[fi]
			v := ""
			if col < len(rec.cells) {
				v = rec.cells[col]
			}
			if cell != nil && v != "" {
				v = cell(f, v)
			}
			v = trimCell(v)
			if v != "" {
				empty = false
			}
			vals[f.name] = v
		}
		if empty {
			continue
		}
		if len(rows) == MaxRows {
			return nil, nil, ErrTooManyRows
		}
		rows = append(rows, Row{Line: rec.line, Values: vals})
	}
	return rows, nil, nil
}

// xlsxLimit bounds the unzipped size of a workbook, and keeps it in memory.
const xlsxLimit = 256 << 20

func parseXLSX(data []byte, filename string) ([]Row, []Problem, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxLimit, UnzipXMLSizeLimit: xlsxLimit})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s is not a readable .xlsx workbook: %v", ErrUnreadable, filename, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, fmt.Errorf("%w: %s has no sheet", ErrUnreadable, filename)
	}
	// Raw values: text cells exactly as typed (an ID number or a code
	// stored as text keeps all its digits and leading zeros), numbers as
	// stored, dates as serial numbers.
	grid, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrUnreadable, filename, err)
	}
	nonBlank := 0
	recs := make([]record, len(grid))
	for i, cells := range grid {
		// GetRows returns empty rows between rows with content, so the
		// index is the row number less one.
		recs[i] = record{line: i + 1, cells: cells}
		if !blank(cells) {
			// A cheap bound before the header is known; assemble
			// applies the exact one.
			if nonBlank++; nonBlank > MaxRows+11 {
				return nil, nil, ErrTooManyRows
			}
		}
	}
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	return assemble(recs, func(fd *field, v string) string {
		if fd.date {
			return xlsxDate(v, date1904)
		}
		return v
	})
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
