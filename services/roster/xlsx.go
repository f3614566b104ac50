package roster

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"

	"efile/services/errs"
	"efile/services/text"
	"efile/services/zipxml"
)

// parseXLSX reads the first sheet of a workbook: the archive is listed
// within workbookLimits, then the parts that say where that sheet and its
// strings are, the styles (only to bound them), the shared strings, and the
// sheet row by row into the assembler. A refusal names the part and the
// bound (ErrUnreadable).
func parseXLSX(br *bufio.Reader, filename string) ([]Row, []Problem, error) {
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, nil, readErr(filename, err)
	}
	a, err := zipxml.Open(bytes.NewReader(data), int64(len(data)), workbookLimits)
	if err != nil {
		return nil, nil, refused(err, func(m errs.Msg) error {
			return errs.New(ErrUnreadable, "%s is not a readable .xlsx workbook: %s", cutName(filename), m)
		})
	}
	cannot := func(m errs.Msg) error { return errs.New(ErrUnreadable, "%s cannot be read: %s", cutName(filename), m) }
	b, err := openBook(a)
	if errors.Is(err, errNoSheet) {
		return nil, nil, errs.New(ErrUnreadable, "%s has no sheet", text.Cut(filename))
	}
	if err != nil {
		return nil, nil, refused(err, cannot)
	}
	if b.styles != "" {
		if err := checkStyles(a, b.styles); err != nil {
			return nil, nil, refused(err, cannot)
		}
	}
	sst := &sharedStrings{}
	if b.strings != "" {
		if sst, err = readStrings(a, b.strings); err != nil {
			return nil, nil, refused(err, cannot)
		}
	}
	asm := &assembler{cell: func(fd *field, v string) string {
		if fd.date {
			return xlsxDate(v, b.date1904)
		}
		return v
	}}
	if err := readSheet(a, b.sheet, sst, asm); err != nil {
		return nil, nil, refused(err, cannot)
	}
	return asm.finish()
}

// refused turns a refusal of the workbook into the roster's error by say;
// other errors (the roster's own limits, reading the upload) pass.
func refused(err error, say func(errs.Msg) error) error {
	var c *errs.Coded
	if errors.Is(err, zipxml.ErrRefused) && errors.As(err, &c) {
		return say(c.Msg)
	}
	return err
}

// book is what the roster needs of a workbook's structure: the parts of
// its first sheet, shared strings and styles ("" for none), and its date
// system.
type book struct {
	sheet, strings, styles string
	date1904               bool
}

var errNoSheet = errors.New("roster: the workbook has no sheet")

// openBook finds the workbook part from the package's relationships (as
// excelize does, xl/workbook.xml without them), its first sheet, and the
// parts that sheet's cells refer to.
func openBook(a *zipxml.Archive) (*book, error) {
	wb := "xl/workbook.xml"
	if a.Has("_rels/.rels") {
		r, err := readRels(a, "_rels/.rels", "", "")
		if err != nil {
			return nil, err
		}
		if t := r.byType["officeDocument"]; t != "" {
			wb = t
		}
	}
	b := &book{}
	id, err := b.readWorkbook(a, wb)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(wb)
	r, err := readRels(a, path.Join(dir, "_rels", path.Base(wb)+".rels"), dir, id)
	if err != nil {
		return nil, err
	}
	if b.sheet = r.byID; b.sheet == "" {
		return nil, errs.New(zipxml.ErrRefused, "the workbook does not say where its first sheet is")
	}
	b.strings = r.part(a, "sharedStrings", "xl/sharedStrings.xml")
	b.styles = r.part(a, "styles", "xl/styles.xml")
	return b, nil
}

// readWorkbook reads the workbook part up to its list of sheets: the date
// system, and the relationship id of the first sheet. At most maxParts
// sheets.
func (b *book) readWorkbook(a *zipxml.Archive, part string) (string, error) {
	d, err := a.XML(part)
	if err != nil {
		return "", err
	}
	defer d.Close()
	id, n := "", 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF && n == 0 {
				return "", errNoSheet
			}
			return id, eof(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "workbookPr":
				v := attr(e, "date1904")
				b.date1904 = v == "1" || v == "true"
			case "sheet":
				if n++; n > maxParts {
					return "", errs.New(zipxml.ErrRefused, "the workbook names more than %d sheets", maxParts)
				}
				if n == 1 {
					id = relID(e)
				}
			}
		case xml.EndElement:
			if e.Name.Local == "sheets" {
				if n == 0 {
					return "", errNoSheet
				}
				return id, nil
			}
		}
	}
}

// rels is what the roster needs of a relationships part: the target of
// one id, and of the first relationship of each type (by its last word,
// the same in transitional and strict OOXML).
type rels struct {
	byID   string
	byType map[string]string
}

// part is the target of the first relationship of type typ, or fallback
// when there is none and the archive holds it.
func (r *rels) part(a *zipxml.Archive, typ, fallback string) string {
	if t := r.byType[typ]; t != "" {
		return t
	}
	if a.Has(fallback) {
		return fallback
	}
	return ""
}

// readRels reads a relationships part, its targets resolved from dir: at
// most maxParts relationships.
func readRels(a *zipxml.Archive, part, dir, id string) (*rels, error) {
	d, err := a.XML(part)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	r := &rels{byType: map[string]string{}}
	n := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return r, eof(err)
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "Relationship" {
			continue
		}
		if n++; n > maxParts {
			return nil, errs.New(zipxml.ErrRefused, "%s lists more than %d relationships", text.Cut(part), maxParts)
		}
		if attr(e, "TargetMode") == "External" {
			continue
		}
		target := attr(e, "Target")
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(path.Clean(target), "/")
		} else {
			target = path.Join(dir, target)
		}
		if id != "" && r.byID == "" && attr(e, "Id") == id {
			r.byID = target
		}
		typ := attr(e, "Type")
		typ = typ[strings.LastIndexByte(typ, '/')+1:]
		if _, seen := r.byType[typ]; !seen && len(r.byType) < 16 {
			r.byType[typ] = target
		}
	}
}

// checkStyles reads the styles part only to bound it: none of its lists
// (numFmts, fonts, fills, borders, cellXfs, dxfs, …) may hold more than
// maxStyles entries. Cells are read as stored, so nothing of it is kept.
func checkStyles(a *zipxml.Archive, part string) error {
	d, err := a.XML(part)
	if err != nil {
		return err
	}
	defer d.Close()
	depth, list, n := 0, "", 0
	for {
		tok, err := d.Token()
		if err != nil {
			return eof(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch depth++; depth {
			case 2:
				list, n = e.Name.Local, 0
			case 3:
				if n++; n > maxStyles {
					return errs.New(zipxml.ErrRefused, "%s lists more than %d %s", text.Cut(part), maxStyles, text.Cut(list))
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

// attr is the value of an element's attribute without a namespace.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// relID is the value of an element's r:id attribute.
func relID(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// eof is nil for the end of a part, else err.
func eof(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}
