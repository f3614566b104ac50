package roster

import (
	"errors"
	"io"

	"efile/services/errs"
	"efile/services/zipxml"
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

// A workbook is read with its own small reader (docs/decisions.md):
// excelize loads whole parts into structs, a shared string or a style at
// some hundred bytes each, before a limit can be checked. Only the parts a
// roster needs are inflated, each as a stream within these bounds:
var workbookLimits = zipxml.Limits{
	Entries:   maxParts,
	Directory: 2 << 20,  // 10,000 entries with names of 150 bytes
	Unzipped:  64 << 20, // excelize's limit, that this service had before
	Markup:    64 << 10, // a tag; the decoder spends some 100 bytes on each attribute
	Text:      4 << 20,  // a cell far over MaxCell is the row's problem, not the file's
	Depth:     64,       // a sheet nests 6 deep
}

const (
	// maxParts bounds the archive's entries, and so the sheets and
	// relationships a workbook may name (no more than it has parts).
	maxParts = 10000
	// maxStrings is a shared string for each cell of a roster at its
	// limits. maxStringBytes bounds their text: the strings of a
	// 20,000-row roster (names, ID numbers, dates typed as text) are
	// about 1 MB, and 8 MiB leaves room for twenty more columns of
	// distinct text, while the table, the upload and the garbage the XML
	// decoder leaves (the heap may double before a collection) stay
	// within the memory a parse is allowed.
	maxStrings     = MaxRows * MaxColumns
	maxStringBytes = 8 << 20
	// maxStyles bounds each list of the styles part: Excel itself
	// keeps at most 64,000 cell formats.
	maxStyles = 1 << 16
)
