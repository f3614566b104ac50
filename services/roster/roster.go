// Package roster reads the cadre roster an organisation department uploads:
// an .xlsx workbook or a CSV file (UTF-8, UTF-8 with BOM, GB18030 as Excel
// and WPS write it in China, or UTF-16 "Unicode text"). It only splits,
// decodes and trims; the caller checks the values with the Normalize*
// helpers and its own business rules.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"efile/services/errs"
	"efile/services/text"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
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

// Limits of SPEC section 5, checked while reading, before anything is
// expanded in memory.
const (
	MaxUpload  = 10 << 20 // bytes of the file
	MaxRows    = 20000    // data rows
	MaxColumns = 64       // columns holding anything
	MaxCell    = 1000     // characters in one cell
)

var (
	// ErrTooManyRows is returned when a file holds more than MaxRows data rows.
	ErrTooManyRows = errs.New(errs.ErrTooLarge, "a roster may hold at most %d rows", MaxRows)
	// ErrTooBig is returned when the file is larger than MaxUpload.
	ErrTooBig = errs.New(errs.ErrTooLarge, "a roster file may be at most %d MiB", MaxUpload>>20)
	// ErrUnreadable is wrapped by every error about a file that is not a
	// readable .xlsx or CSV file.
	ErrUnreadable = errs.New(errs.ErrInvalid, "the roster file cannot be read")
	// ErrTooWide is wrapped by the error about a cell beyond MaxColumns.
	ErrTooWide = errs.New(errs.ErrInvalid, "名册的列太多")
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
// The file is read as a stream and the limits of SPEC section 5 hold while
// reading: more than MaxUpload bytes is ErrTooBig, more than MaxRows data
// rows ErrTooManyRows, a non-empty cell beyond column MaxColumns an error
// wrapping ErrTooWide, all before the rest is read. A cell over MaxCell
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

// capped reads at most left bytes of r, and fails with ErrTooBig if r holds
// more.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, err := io.ReadFull(c.r, one[:]); n > 0 {
			return 0, ErrTooBig
		} else if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, io.EOF
		} else {
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// sniffSize is how much of a CSV file is looked at to find its encoding.
const sniffSize = 64 << 10

// decoder returns the CSV text as a stream of UTF-8. Without a BOM, the
// encoding is decided at the first non-ASCII byte: UTF-8 when the next few
// KiB are valid UTF-8, else GB18030. Bytes that do not decode stay invalid
// UTF-8 (or become U+FFFD) and are reported per cell by the assembler.
func decoder(br *bufio.Reader, filename string) (io.Reader, error) {
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, readErr(filename, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		return br, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return transform.NewReader(br, xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()), nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, errs.New(ErrUnreadable, "%s is not a text file; upload an .xlsx or CSV file", text.Cut(filename))
	}
	i := slices.IndexFunc(head, func(b byte) bool { return b >= utf8.RuneSelf })
	if i < 0 {
		return br, nil
	}
	if utf8Text(head[i:min(len(head), i+4096)]) {
		return br, nil
	}
	return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), nil
}

// utf8Text tells whether b, starting at a file's first non-ASCII byte, is
// UTF-8: its first four non-ASCII characters are valid UTF-8 (GB18030
// Chinese almost never is, byte pair after byte pair), so that a later bad
// byte in a UTF-8 file is that row's problem and not a change of encoding.
func utf8Text(b []byte) bool {
	for n := 0; len(b) > 0 && n < 4; {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			// A character cut by the end of the window is no evidence.
			return len(b) < utf8.UTFMax && n > 0
		}
		if size > 1 {
			n++
		}
		b = b[size:]
	}
	return true
}

func parseCSV(br *bufio.Reader, filename string) ([]Row, []Problem, error) {
	text, err := decoder(br, filename)
	if err != nil {
		return nil, nil, err
	}
	tr := bufio.NewReader(text)
	cr := csv.NewReader(tr)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	// "Text (tab delimited)" as saved by Excel and WPS.
	if first, _ := tr.Peek(4096); tabbed(first) {
		cr.Comma = '\t'
		// Leading-space trimming would eat the tabs of empty cells;
		// cells are trimmed below anyway.
		cr.TrimLeadingSpace = false
	}
	a := &assembler{}
	for !a.done {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, ErrTooBig) {
				return nil, nil, err
			}
			return nil, nil, errs.New(ErrUnreadable, "%s cannot be read: %s", cutName(filename), cutErr(err))
		}
		line, _ := cr.FieldPos(0)
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = unwrapFormula(trimCell(c))
		}
		if err := a.add(record{line: line, cells: out}); err != nil {
			return nil, nil, err
		}
	}
	return a.finish()
}

// tabbed tells whether the first line is tab-separated.
func tabbed(b []byte) bool {
	b = bytes.TrimLeft(b, "\r\n\ufeff")
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	return bytes.Contains(b, []byte("\t")) && !bytes.Contains(b, []byte(","))
}

// cutErr keeps a reader's error message short: csv errors can quote input.
func cutErr(err error) string { return text.Cut(err.Error()) }

// cutName keeps a file name short in a message.
func cutName(name string) string { return text.Cut(name) }

// unwrapFormula turns ="0123", which exports write to keep Excel from
// turning codes into numbers, back into 0123.
func unwrapFormula(s string) string {
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		return trimCell(strings.ReplaceAll(s[2:len(s)-1], `""`, `"`))
	}
	return s
}

// headerScan is how many non-empty rows may come before the header.
const headerScan = 10

// assembler turns records into rows as they are read: it keeps at most
// headerScan records until the header is found, then builds each row at
// once, so that memory holds the rows and nothing of the file.
type assembler struct {
	// cell, if not nil, turns a non-empty raw cell of a known column
	// into its value before trimming.
	cell    func(f *field, v string) string
	pending []record
	found   bool
	line    int         // of the header row
	col     map[int]int // field index → column
	colOf   map[int]int // column → field index
	rows    []Row
	probs   []Problem
	done    bool // the header is bad: nothing more is read
}

// add takes the next record of the file.
func (a *assembler) add(rec record) error {
	for i := MaxColumns; i < len(rec.cells); i++ {
		if trimCell(rec.cells[i]) != "" {
			name, _ := excelize.ColumnNumberToName(i + 1)
			return errs.New(ErrTooWide, "第 %d 行的 %s 列（第 %d 列）有内容，名册最多 %d 列；请删去多余的列后重新上传", rec.line, name, i+1, MaxColumns)
		}
	}
	if blank(rec.cells) {
		return nil
	}
	if a.found {
		return a.row(rec)
	}
	if known(rec.cells) {
		a.header(rec)
		return nil
	}
	a.pending = append(a.pending, rec)
	if len(a.pending) == headerScan {
		return a.fallback()
	}
	return nil
}

func known(cells []string) bool {
	for _, c := range cells {
		if len(c) < 64 {
			if _, ok := byHeader[headerKey(c)]; ok {
				return true
			}
		}
	}
	return false
}

// fallback takes the first pending record as the header when none of the
// first rows holds a known one, and the rest as data.
func (a *assembler) fallback() error {
	rest := a.pending[1:]
	a.header(a.pending[0])
	a.pending = nil
	for _, r := range rest {
		if a.done {
			return nil
		}
		if err := a.row(r); err != nil {
			return err
		}
	}
	return nil
}

// header applies the header row; a missing or repeated column ends the read.
func (a *assembler) header(rec record) {
	a.found, a.line, a.pending = true, rec.line, nil
	a.col, a.colOf = map[int]int{}, map[int]int{}
	for col, txt := range rec.cells {
		if len(txt) >= 64 {
			continue
		}
		fi, ok := byHeader[headerKey(txt)]
		if !ok {
			continue
		}
		if prev, dup := a.col[fi]; dup {
			a.probs = append(a.probs, Problem{Line: rec.line, Column: fields[fi].name,
				Message: errs.M("第 %d 列“%s”与第 %d 列“%s”重复；只保留一个“%s”列",
					col+1, trimCell(txt), prev+1, trimCell(rec.cells[prev]), fields[fi].headers[0])})
			continue
		}
		a.col[fi], a.colOf[col] = col, fi
	}
	for fi, f := range fields {
		if _, ok := a.col[fi]; !ok {
			a.probs = append(a.probs, Problem{Line: rec.line, Column: f.name,
				Message: errs.M("缺少“%s”列（%s）；表头须有：姓名、性别、出生日期、身份证号、单位编码、职务、职级、是否一把手、任职时间", f.headers[0], f.name)})
		}
	}
	a.done = len(a.probs) > 0
}

// column names a column in a Problem: its field, or its letter.
func (a *assembler) column(col int) string {
	if fi, ok := a.colOf[col]; ok {
		return fields[fi].name
	}
	name, _ := excelize.ColumnNumberToName(col + 1)
	return name + "列"
}

// row builds one data row, checking each cell's bytes and length.
func (a *assembler) row(rec record) error {
	bad := map[int]bool{}
	for col, c := range rec.cells {
		switch {
		case c == "":
		case text.Undecodable(c):
			a.probs = append(a.probs, Problem{Line: rec.line, Column: a.column(col),
				Message: errs.M("含有无法识别的字节（文件编码有误或文件已损坏）；请用 Excel 或 WPS 另存为 UTF-8 或 GB18030 编码的 CSV，或 .xlsx 后重新上传")})
			bad[col] = true
		case len(c) > MaxCell && utf8.RuneCountInString(c) > MaxCell:
			a.probs = append(a.probs, Problem{Line: rec.line, Column: a.column(col),
				Message: errs.M("超过 %d 个字符（“%s”）；一个单元格最多 %d 个字符", MaxCell, text.Cut(c), MaxCell)})
			bad[col] = true
		}
	}
	vals := make(map[string]string, len(fields))
	empty := true
	for fi := range fields {
		f := &fields[fi]
		col := a.col[fi]
		v := ""
		if col < len(rec.cells) && !bad[col] {
			v = rec.cells[col]
		}
		if a.cell != nil && v != "" {
			v = a.cell(f, v)
		}
		v = trimCell(v)
		if v != "" || bad[col] {
			empty = false
		}
		vals[f.name] = v
	}
	if empty {
		return nil
	}
	if len(a.rows) == MaxRows {
		return ErrTooManyRows
	}
	a.rows = append(a.rows, Row{Line: rec.line, Values: vals})
	return nil
}

// finish ends the file: pending records (fewer than headerScan, none with a
// known header) are a header and its data.
func (a *assembler) finish() ([]Row, []Problem, error) {
	if !a.found {
		if len(a.pending) > 0 {
			if err := a.fallback(); err != nil {
				return nil, nil, err
			}
		} else {
			a.header(record{line: 1})
		}
	}
	if a.done {
		return nil, a.probs, nil
	}
	return a.rows, a.probs, nil
}

// Unzipped size limits for a workbook: parts above xmlLimit (a large sheet
// or shared-string table) are unzipped to a temporary file and read from
// there as a stream rather than held in memory, and the whole may not unzip
// to more than unzipLimit, whatever the archive's headers claim.
const (
	unzipLimit = 64 << 20
	xmlLimit   = 4 << 20
)

func parseXLSX(br *bufio.Reader, filename string) ([]Row, []Problem, error) {
	f, err := excelize.OpenReader(br, excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xmlLimit})
	if err != nil {
		if errors.Is(err, ErrTooBig) {
			return nil, nil, err
		}
		return nil, nil, errs.New(ErrUnreadable, "%s is not a readable .xlsx workbook: %s", text.Cut(filename), cutErr(err))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, errs.New(ErrUnreadable, "%s has no sheet", text.Cut(filename))
	}
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	a := &assembler{cell: func(fd *field, v string) string {
		if fd.date {
			return xlsxDate(v, date1904)
		}
		return v
	}}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, errs.New(ErrUnreadable, "%s cannot be read: %s", text.Cut(filename), cutErr(err))
	}
	defer rows.Close()
	// The iterator stops at every row number, empty ones included, so the
	// count of Next calls is the row number a person sees.
	line := 0
	for !a.done && rows.Next() {
		line++
		// Raw values: text cells exactly as typed (an ID number or a
		// code stored as text keeps all its digits and leading zeros),
		// numbers as stored, dates as serial numbers. A row is at most
		// 16,384 cells (excelize's bound), read one row at a time.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, errs.New(ErrUnreadable, "%s cannot be read: %s", text.Cut(filename), cutErr(err))
		}
		if err := a.add(record{line: line, cells: cells}); err != nil {
			return nil, nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, nil, errs.New(ErrUnreadable, "%s cannot be read: %s", text.Cut(filename), cutErr(err))
	}
	return a.finish()
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
