package roster

import (
	"unicode/utf8"

	"efile/services/errs"
	"efile/services/text"

	"github.com/xuri/excelize/v2"
)

// record is one row of the file before the header is applied.
type record struct {
	line  int
	cells []string
	wide  int // the first column past MaxColumns holding anything, 1-based, when the reader kept no cells there
}

func blank(cells []string) bool {
	for _, c := range cells {
		if trimCell(c) != "" {
			return false
		}
	}
	return true
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
	col := rec.wide
	for i := MaxColumns; col == 0 && i < len(rec.cells); i++ {
		if trimCell(rec.cells[i]) != "" {
			col = i + 1
		}
	}
	if col > 0 {
		name, _ := excelize.ColumnNumberToName(col)
		return errs.New(ErrTooWide, "第 %d 行的 %s 列（第 %d 列）有内容，名册最多 %d 列；请删去多余的列后重新上传", rec.line, name, col, MaxColumns)
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
