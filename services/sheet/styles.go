package sheet

import "github.com/xuri/excelize/v2"

// Font is the font of every cell: 宋体, what Chinese offices print tables
// in. Charset 134 (GB2312) tells Excel, WPS and LibreOffice that the text is
// Chinese, so where 宋体 is not installed each picks its Chinese font
// instead (LibreOffice: Noto Serif CJK SC of fonts-noto-cjk, or another font
// that fontconfig lists for zh) rather than one that lacks the characters.
const Font = "宋体"

// The sizes of the text, in points: 五号 for cells, 三号 for the title.
const (
	BodySize  = 11.0
	TitleSize = 16.0
)

// Styles are the cell styles of a Book, every one bordered and in Font.
type Styles struct {
	Title    int // the title row: large, bold, centred
	Header   int // a table's header row: bold, shaded, centred, wrapped
	Section  int // a form's section heading: bold, shaded, left
	Label    int // a form's label: bold, shaded, centred, wrapped
	Text     int // text: wrapped, left
	Center   int // short values (ids, counts, yes/no): centred
	Date     int // yyyy-mm-dd
	DateTime int // yyyy-mm-dd hh:mm
	Score    int // 0.00
}

func newStyles(f *excelize.File) (st Styles, err error) {
	charset := 134
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: Font, Size: size, Bold: bold, Charset: &charset}
	}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	shade := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.Title, &excelize.Style{Font: font(TitleSize, true),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.Header, &excelize.Style{Font: font(BodySize, true), Border: border, Fill: shade, Alignment: center}},
		{&st.Section, &excelize.Style{Font: font(BodySize, true), Border: border, Fill: shade,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&st.Label, &excelize.Style{Font: font(BodySize, true), Border: border, Fill: shade, Alignment: center}},
		{&st.Text, &excelize.Style{Font: font(BodySize, false), Border: border,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&st.Center, &excelize.Style{Font: font(BodySize, false), Border: border, Alignment: center}},
		{&st.Date, &excelize.Style{Font: font(BodySize, false), Border: border, Alignment: center, CustomNumFmt: &dateFmt}},
		{&st.DateTime, &excelize.Style{Font: font(BodySize, false), Border: border, Alignment: center, CustomNumFmt: &dateTimeFmt}},
		{&st.Score, &excelize.Style{Font: font(BodySize, false), Border: border, Alignment: center, NumFmt: 2}},
	} {
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return st, err
		}
	}
	return st, nil
}

// The row-height estimate. Neither excelize's stream writer nor LibreOffice
// fits a row to its wrapped text, so the height is computed from the text:
// a column of width w holds w digits of the default 11-point font (7 px); a
// Chinese character of 11-point 宋体 is 11 pt = 14.7 px wide, about 2.1
// digits; a Latin letter or digit about one. A line takes LineHeight points
// at 11 points: 宋体 needs 14.3, Noto Serif CJK (what LibreOffice shows
// without 宋体) about 16, and the taller one is taken so nothing is cut.
const (
	wideWidth   = 2.1
	narrowWidth = 1.1
	cellPadding = 1.5 // the space a cell keeps free at its edges, and a margin for line-breaking rules (no 。 at a line start)

	// LineHeight is the height of a line of BodySize text, in points.
	LineHeight = 16.0
	rowPadding = 4.0

	// MaxLines is the most lines one row shows; longer text goes on in the
	// next row. Excel's rows stop at 409 points, but a row is never split
	// across pages, so rows of at most 12 lines (200 points, under half a
	// landscape page) leave little blank paper at the foot of a page.
	MaxLines = 12
)

// wide reports whether r takes the width of a Chinese character: CJK
// ideographs, kana, hangul, full-width forms and the punctuation that
// Chinese fonts draw full width (— “ ” ‘ ’ …).
func wide(r rune) bool {
	switch {
	case r >= 0x2E80: // CJK radicals onwards: ideographs, CJK punctuation, kana, hangul, full-width forms
		return r < 0xFF61 || r > 0xFFDC // except the half-width forms
	case r == '—' || r == '…' || r == '‘' || r == '’' || r == '“' || r == '”' || r == '·':
		return true
	}
	return false
}

// line is a line of wrapped text; hard when a newline of the text starts it.
type line struct {
	text string
	hard bool
}

// wrap breaks text into the lines a column of width units shows at size
// points: at its newlines, and wherever the next character would not fit.
// Chinese text may break between any two characters; Latin words are broken
// where the width runs out, which slightly underestimates where Excel breaks
// them at spaces, hence the padding.
func wrap(text string, width, size float64) []line {
	avail := max(width-cellPadding, 1) * BodySize / size
	var out []line
	start, used, hard := 0, 0.0, false
	for i, r := range text {
		if r == '\n' {
			out = append(out, line{text[start:i], hard})
			start, used, hard = i+1, 0, true
			continue
		}
		w := narrowWidth
		if wide(r) {
			w = wideWidth
		}
		if used+w > avail && used > 0 {
			out = append(out, line{text[start:i], hard})
			start, used, hard = i, 0, false
		}
		used += w
	}
	return append(out, line{text[start:], hard})
}

// Lines is how many lines text takes in a column of width units at size
// points: the estimate Table uses for its row heights.
func Lines(text string, width, size float64) int {
	if text == "" {
		return 1
	}
	return len(wrap(text, width, size))
}

// height is the height of a row of n lines of size-point text, in points.
func height(n int, size float64) float64 {
	return float64(n)*LineHeight*size/BodySize + rowPadding
}

// textOf is the text a cell value shows, for the height estimate; "" for
// numbers and dates, which fit one line.
func textOf(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case Label:
		return string(v), true
	case excelize.Cell:
		return textOf(v.Value)
	}
	return "", false
}
