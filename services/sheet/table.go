package sheet

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Column is a column of a Table: its header and its width in column-width
// units (see PortraitWidth).
type Column struct {
	Header string
	Width  float64
}

// Table is a sheet being streamed: the title row, the header row (written
// with the first row, so an empty section shows no headers), the rows.
type Table struct {
	b       *Book
	name    string
	cols    []Column
	sw      *excelize.StreamWriter
	row     int   // the last row written
	header  bool  // the columns have headers
	written int   // rows written after the title (header, sections, data)
	data    int   // data rows written
	covered []int // rows each column is still covered by a form cell above (Spans)
}

// None is what an empty section shows under its title; Continued marks the
// rows that carry on a text too long for one row.
const (
	None      = "（无）"
	Continued = "（续）"
)

// Table starts a sheet named name, printed on A4 pages of orientation o,
// with the columns cols, and writes its title row (Book.Heading). Columns
// without headers make a form: rows of label, value, label, value. A table
// wider than the printable width is refused: fit-to-width would shrink its
// text below what a reader can read.
func (b *Book) Table(name string, o Orientation, cols ...Column) (*Table, error) {
	return b.TableWith(name, o, nil, cols...)
}

// TableWith is Table with pictures placed on the sheet before its rows are
// streamed (the stream writer takes the sheet over, so they must come
// first).
func (b *Book) TableWith(name string, o Orientation, pics []Picture, cols ...Column) (*Table, error) {
	var total float64
	t := &Table{b: b, name: name, cols: cols}
	for _, c := range cols {
		total += c.Width
		t.header = t.header || c.Header != ""
	}
	if len(cols) == 0 || total > PrintableWidth(o) {
		return nil, fmt.Errorf("sheet %s: %d columns %.1f wide, an A4 %s page holds %.0f", name, len(cols), total, o, PrintableWidth(o))
	}
	if b.sheets == 0 {
		if err := b.SetSheetName(b.GetSheetName(0), name); err != nil {
			return nil, err
		}
	} else if _, err := b.NewSheet(name); err != nil {
		return nil, err
	}
	b.sheets++
	if err := b.setup(name, o); err != nil {
		return nil, err
	}
	for _, p := range pics {
		if err := b.place(name, p); err != nil {
			return nil, err
		}
	}
	// The page setup and the pictures above live in the worksheet that the
	// stream writer takes over, so they must come first.
	sw, err := b.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	t.sw = sw
	// Last column first: excelize puts each new <col> in front of the
	// others, and Excel wants them in ascending order.
	for i := len(cols) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, cols[i].Width); err != nil {
			return nil, err
		}
	}
	if t.header {
		// Freeze the title and the header row on screen; on paper the
		// print titles repeat them.
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	if err := t.merged(b.Heading(), b.Styles.Title, TitleSize, 4); err != nil {
		return nil, err
	}
	t.written = 0
	return t, nil
}

// setup sets a sheet's page: A4 in orientation o, fitted to one page wide
// and as many pages high as it takes, the margins, centred across the page,
// a page header saying what the file is, whose, and which section (so a
// loose page is never anonymous), and a footer with the page number and the
// export time.
func (b *Book) setup(name string, o Orientation) error {
	fit, size, orientation, zero, one := true, a4, string(o), 0, 1
	if err := b.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := b.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation,
		FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	side, top, bottom, hf, centre := marginSide, marginTop, marginBottom, marginHF, true
	if err := b.SetPageMargins(name, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side,
		Top: &top, Bottom: &bottom, Header: &hf, Footer: &hf, Horizontally: &centre}); err != nil {
		return err
	}
	who := b.doc.Who
	if b.doc.Detail != "" {
		who += "（" + b.doc.Detail + "）"
	}
	return b.SetHeaderFooter(name, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + escapeHF(cut(b.doc.Title, 40)) + "&C&B" + escapeHF(cut(name, 31)) + "&R" + escapeHF(cut(who, 80)),
		OddFooter: "&L导出时间 " + b.exported() + "&C第 &P 页 共 &N 页",
	})
}

// Row writes one row: a value per column (fewer leave the rest empty).
// Strings wrap; Label is a form's label; numbers are centred; nil is an
// empty cell; an excelize.Cell keeps its own style (use Book.Styles, which
// are bordered). The row is as tall as its longest text; text longer than
// MaxLines goes on in rows below, so nothing is cut off on paper.
func (t *Table) Row(values ...any) error {
	if len(values) > len(t.cols) {
		return fmt.Errorf("sheet %s: %d values for %d columns", t.name, len(values), len(t.cols))
	}
	if t.header && t.data == 0 {
		if err := t.headerRow(); err != nil {
			return err
		}
	}
	t.data++
	st := t.b.Styles
	cells := make([]any, len(t.cols))
	parts := make([][]line, len(t.cols)) // the wrapped lines of each text cell
	rows := 1
	for i := range t.cols {
		var v any
		if i < len(values) {
			v = values[i]
		}
		c, err := t.cell(i, v)
		if err != nil {
			return err
		}
		cells[i] = c
		if s, ok := textOf(cells[i]); ok && s != "" {
			parts[i] = wrap(s, t.cols[i].Width, BodySize)
			rows = max(rows, (len(parts[i])+MaxLines-1)/MaxLines)
		}
	}
	// A text too long for one row is cut at a line boundary and goes on in
	// the same column of the rows below; the other columns stay empty there,
	// but for the first, which repeats the row's name with （续）.
	for k := range rows {
		out := make([]any, len(cells))
		n := 1
		for i, c := range cells {
			cell := c.(excelize.Cell)
			lo, hi := min(k*MaxLines, len(parts[i])), min((k+1)*MaxLines, len(parts[i]))
			switch {
			case k > 0 && i == 0 && lo >= hi:
				// The first column names the row (a record's number, a
				// name): a continuation says whose text it carries on.
				cell = excelize.Cell{StyleID: st.Center}
				switch v := cellValue(c).(type) {
				case string, int, int64:
					cell.Value = fmt.Sprint(v) + Continued
				}
			case parts[i] == nil: // no text: a number, a date, an empty cell
				if k > 0 {
					cell.Value = nil
				}
			case rows == 1:
				n = max(n, len(parts[i]))
			default:
				cell.Value = nil
				if lo < hi {
					cell.Value = join(parts[i][lo:hi])
				}
				n = max(n, hi-lo)
			}
			out[i] = cell
		}
		if err := t.add(out, height(n, BodySize)); err != nil {
			return err
		}
	}
	return nil
}

// cell is the styled cell of a value of column i (nil, string, Label,
// bool, number, or an excelize.Cell that keeps its own style).
func (t *Table) cell(i int, v any) (excelize.Cell, error) {
	st := t.b.Styles
	switch x := v.(type) {
	case nil:
		return excelize.Cell{StyleID: st.Text}, nil
	case string:
		return excelize.Cell{StyleID: st.Text, Value: x}, nil
	case Label:
		return excelize.Cell{StyleID: st.Label, Value: string(x)}, nil
	case bool:
		return excelize.Cell{StyleID: st.Center, Value: YesNo(x)}, nil
	case excelize.Cell:
		return x, nil
	case int, int64, int32, uint, uint32, uint64, float64, float32:
		return excelize.Cell{StyleID: st.Center, Value: x}, nil
	}
	return excelize.Cell{}, fmt.Errorf("sheet %s: column %d: a %T cannot be written", t.name, i+1, v)
}

// cellValue is a cell's value as the caller gave it.
func cellValue(c any) any { return c.(excelize.Cell).Value }

// join puts wrapped lines back together: soft breaks vanish, hard ones are
// newlines again.
func join(ls []line) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 && l.hard {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// Section writes a heading across the whole width: a form's sub-title.
func (t *Table) Section(text string) error {
	return t.merged(text, t.b.Styles.Section, BodySize, 0)
}

// Close ends the sheet: （无） under the title if no row came, the print
// titles (the title row, and the header row if written) repeated on every
// page.
func (t *Table) Close() error {
	if t.written == 0 {
		if err := t.merged(None, t.b.Styles.Center, BodySize, 0); err != nil {
			return err
		}
	}
	if err := t.sw.Flush(); err != nil {
		return err
	}
	titles := "$1:$1"
	if t.header && t.data > 0 {
		titles = "$1:$2"
	}
	return t.b.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
		RefersTo: "'" + strings.ReplaceAll(t.name, "'", "''") + "'!" + titles, Scope: t.name})
}

func (t *Table) headerRow() error {
	cells := make([]any, len(t.cols))
	n := 1
	for i, c := range t.cols {
		cells[i] = excelize.Cell{StyleID: t.b.Styles.Header, Value: c.Header}
		n = max(n, Lines(c.Header, c.Width, BodySize))
	}
	return t.add(cells, height(n, BodySize))
}

// merged writes text in a row that spans every column.
func (t *Table) merged(text string, style int, size, extra float64) error {
	cells := make([]any, len(t.cols))
	var width float64
	for i, c := range t.cols {
		cells[i] = excelize.Cell{StyleID: style}
		width += c.Width
	}
	cells[0] = excelize.Cell{StyleID: style, Value: text}
	if err := t.add(cells, height(Lines(text, width, size), size)+extra); err != nil {
		return err
	}
	if len(t.cols) == 1 {
		return nil
	}
	first, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(t.cols), t.row)
	if err != nil {
		return err
	}
	return t.sw.MergeCell(first, last)
}

func (t *Table) add(cells []any, h float64) error {
	t.row++
	t.written++
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, cells, excelize.RowOpts{Height: min(h, 409)})
}

// YesNo is 是 or 否.
func YesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
