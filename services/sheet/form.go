package sheet

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // photos: image.DecodeConfig reads their size
	_ "image/png"

	"github.com/xuri/excelize/v2"
)

// Forms: rows whose cells span several columns (and rows), as a printed
// form such as the 干部任免审批表 has them, and a picture in a box of it.

// Span is a cell of a form row spanning Cols columns and Rows rows (1 when
// 0). Value is what Row takes.
type Span struct {
	Value      any
	Cols, Rows int
}

// Spans writes a form row: each cell merged across its columns (and rows),
// left to right, skipping the columns that a cell of a row above still
// covers. The row is as tall as its tallest text (in the width of its
// columns) and at least minHeight points; a text does not go on in the
// rows below, so a form's cells hold at most what a row of 409 points
// shows.
func (t *Table) Spans(minHeight float64, cells ...Span) error {
	if t.covered == nil {
		t.covered = make([]int, len(t.cols))
	}
	out := make([]any, len(t.cols))
	lines := 1
	next := 0
	for col := 0; col < len(t.cols); {
		if t.covered[col] > 0 {
			t.covered[col]--
			out[col] = excelize.Cell{StyleID: t.b.Styles.Text}
			col++
			continue
		}
		sp := Span{Cols: 1}
		if next < len(cells) {
			sp = cells[next]
			next++
		}
		sp.Cols, sp.Rows = max(sp.Cols, 1), max(sp.Rows, 1)
		if col+sp.Cols > len(t.cols) {
			return fmt.Errorf("sheet %s: a cell of %d columns from column %d", t.name, sp.Cols, col+1)
		}
		c, err := t.cell(col, sp.Value)
		if err != nil {
			return err
		}
		var width float64
		for i := col; i < col+sp.Cols; i++ {
			out[i] = excelize.Cell{StyleID: c.StyleID}
			width += t.cols[i].Width
			t.covered[i] = sp.Rows - 1
		}
		out[col] = c
		if s, ok := textOf(c); ok && s != "" && sp.Rows == 1 {
			lines = max(lines, len(wrap(s, width, BodySize)))
		}
		if sp.Cols > 1 || sp.Rows > 1 {
			first, err := excelize.CoordinatesToCellName(col+1, t.row+1)
			if err != nil {
				return err
			}
			last, err := excelize.CoordinatesToCellName(col+sp.Cols, t.row+sp.Rows)
			if err != nil {
				return err
			}
			if err := t.sw.MergeCell(first, last); err != nil {
				return err
			}
		}
		col += sp.Cols
	}
	if next < len(cells) {
		return fmt.Errorf("sheet %s: %d cells for a row of %d columns", t.name, len(cells), len(t.cols))
	}
	t.data++
	return t.add(out, max(height(lines, BodySize), minHeight))
}

// Picture is an image (JPEG or PNG) in a box of Width × Height pixels
// whose top left corner is Cell's: scaled to fit the box, keeping its
// proportions, and centred in it. It moves with its cell and prints with
// the sheet.
type Picture struct {
	Cell          string
	Data          []byte
	Width, Height int
	AltText       string
}

// Placeable tells whether data is an image whose size can be read, so
// that a Picture of it can be placed.
func Placeable(data []byte) bool {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && cfg.Width > 0 && cfg.Height > 0
}

// place puts a picture on a sheet whose rows are not yet streamed. An
// image whose size cannot be read is an error.
func (b *Book) place(sheet string, p Picture) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return fmt.Errorf("sheet %s: the picture is not a readable image: %v", sheet, err)
	}
	scale := min(float64(p.Width)/float64(cfg.Width), float64(p.Height)/float64(cfg.Height))
	x := (p.Width - int(float64(cfg.Width)*scale)) / 2
	y := (p.Height - int(float64(cfg.Height)*scale)) / 2
	ext := ".png"
	if format == "jpeg" {
		ext = ".jpg"
	}
	printed, locked := true, false
	return b.AddPictureFromBytes(sheet, p.Cell, &excelize.Picture{Extension: ext, File: p.Data, Format: &excelize.GraphicOptions{
		AltText: p.AltText, ScaleX: scale, ScaleY: scale, OffsetX: x, OffsetY: y, Positioning: "oneCell",
		LockAspectRatio: true, PrintObject: &printed, Locked: &locked}})
}
