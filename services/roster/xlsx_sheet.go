package roster

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"efile/services/errs"
	"efile/services/text"
	"efile/services/zipxml"
)

// maxRow is the last row of a sheet (Excel's 1,048,576).
const maxRow = 1 << 20

// sheetReader follows a worksheet's <sheetData> as a stream and hands each
// row to the assembler as soon as it ends. A row keeps at most MaxColumns
// cells; of the cells past them, only whether one holds anything.
type sheetReader struct {
	part    string
	sst     *sharedStrings
	line    int // the row being read
	cells   []string
	wide    int
	col     int // the cell being read, 1-based
	typ     string
	inline  bool // the cell has an <is> (inline string)
	in      *cellText
	v, is   cellText
	phonics int // inside <rPh>, whose text is not the cell's
}

// readSheet reads the rows of the sheet part into asm, cells as stored
// (raw values, as excelize's RawCellValue): shared and inline strings as
// their text, everything else as the text of its <v>. It stops at the end
// of <sheetData>, when asm is done, or at the first error.
func readSheet(a *zipxml.Archive, part string, sst *sharedStrings, asm *assembler) error {
	d, err := a.XML(part)
	if err != nil {
		return err
	}
	defer d.Close()
	s := &sheetReader{part: text.Cut(part), sst: sst}
	inData := false
	for !asm.done {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "sheetData" {
				inData = true
			} else if inData {
				if err := s.start(e); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if !inData {
				continue
			}
			switch e.Name.Local {
			case "sheetData":
				return nil
			case "row":
				if err := asm.add(record{line: s.line, cells: s.cells, wide: s.wide}); err != nil {
					return err
				}
			default:
				if err := s.end(e.Name.Local); err != nil {
					return err
				}
			}
		case xml.CharData:
			if s.in != nil {
				s.in.add(e)
			}
		}
	}
	return nil
}

func (s *sheetReader) start(e xml.StartElement) error {
	switch e.Name.Local {
	case "row":
		n := s.line + 1
		if r := attr(e, "r"); r != "" {
			var err error
			if n, err = strconv.Atoi(r); err != nil || n <= s.line || n > maxRow {
				return errs.New(zipxml.ErrRefused, "%s has a row numbered %s after row %d; rows are numbered 1 to %d in order", s.part, text.Cut(r), s.line, maxRow)
			}
		}
		s.line, s.cells, s.wide, s.col = n, nil, 0, 0
	case "c":
		s.col++
		if r := attr(e, "r"); r != "" {
			col, ok := refColumn(r)
			if !ok {
				return errs.New(zipxml.ErrRefused, "%s has a cell reference %s that is not valid (row %d)", s.part, text.Cut(r), s.line)
			}
			s.col = col
		}
		s.typ, s.inline, s.in = attr(e, "t"), false, nil
		s.v.reset()
		s.is.reset()
	case "v":
		s.in = &s.v
	case "is":
		s.inline = true
	case "t":
		if s.inline && s.phonics == 0 {
			s.in = &s.is
		}
	case "rPh":
		s.phonics++
	}
	return nil
}

func (s *sheetReader) end(name string) error {
	switch name {
	case "v", "t":
		s.in = nil
	case "rPh":
		s.phonics--
	case "c":
		v, err := s.value()
		if err != nil {
			return err
		}
		s.put(v)
	}
	return nil
}

// value is the cell's raw value.
func (s *sheetReader) value() (string, error) {
	switch {
	case s.typ == "s":
		i := strings.TrimSpace(s.v.value(false))
		if i == "" {
			return "", nil
		}
		n, err := strconv.Atoi(i)
		v, ok := s.sst.get(n)
		if err != nil || !ok {
			return "", errs.New(zipxml.ErrRefused, "%s refers in row %d to shared string %s, which the workbook does not have", s.part, s.line, text.Cut(i))
		}
		return v, nil
	case s.typ == "inlineStr" && s.inline:
		return s.is.value(true), nil
	}
	return s.v.value(false), nil
}

// put places a value in the current cell's column.
func (s *sheetReader) put(v string) {
	switch {
	case v == "":
	case s.col > MaxColumns:
		if (s.wide == 0 || s.col < s.wide) && trimCell(v) != "" {
			s.wide = s.col
		}
	default:
		for len(s.cells) < s.col {
			s.cells = append(s.cells, "")
		}
		s.cells[s.col-1] = v
	}
}

// refColumn is the column of a cell reference such as "AB12": letters A to
// XFD, then the row's digits.
func refColumn(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		if col = col*26 + int(c-'a') + 1; col > 1<<14 {
			return 0, false
		}
	}
	digits := ref[i:]
	if col == 0 || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	return col, true
}
