package roster

import (
	"errors"
	"io"

	"efile/services/errs"
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
