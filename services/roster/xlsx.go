package roster

import (
	"bufio"
	"errors"

	"efile/services/errs"
	"efile/services/text"

	"github.com/xuri/excelize/v2"
)

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
