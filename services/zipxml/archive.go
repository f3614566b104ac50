// Package zipxml reads the XML parts of an untrusted zip archive (an .xlsx
// workbook, an .lrmx appointment form) with every size bounded while it is
// read, so that a small upload cannot make the server hold or work through
// far more than it weighs:
//
//   - the central directory: at most Limits.Directory bytes are read to list
//     the entries, and at most Limits.Entries entries are accepted;
//   - the inflated bytes: the entries may declare at most Limits.Unzipped
//     bytes in all, and a part opened is counted while it inflates, so a
//     header that lies about its size is caught at the first byte too many;
//   - the XML: each tag, comment or processing instruction at most
//     Limits.Markup bytes and each run of text at most Limits.Text, counted
//     byte by byte before the decoder buffers them; elements nested at most
//     Limits.Depth deep; no DTD.
//
// Entries that are never opened cost nothing but their directory record:
// nested archives, images and unknown parts are not inflated. Counting what
// the XML holds (sheets, strings, styles) is the caller's business: it
// reads the tokens as a stream and stops at its own bounds.
//
// Every refusal is an error wrapping ErrRefused (a 400) whose message names
// the part and the bound, in the message catalogue.
package zipxml

import (
	"archive/zip"
	"errors"
	"io"
	"strings"

	"efile/services/errs"
	"efile/services/text"
)

// Limits bound what an archive may make its reader do.
type Limits struct {
	Entries   int   // entries the archive may list
	Directory int64 // bytes of central directory read to list them (a long archive comment counts too)
	Unzipped  int64 // bytes all entries together may unzip to
	Markup    int64 // bytes of one tag, comment or processing instruction
	Text      int64 // bytes of one run of text (or CDATA section)
	Depth     int   // elements open at once
}

// ErrRefused is wrapped by every error about an archive that breaks a
// limit or is not what it says it is.
var ErrRefused = errs.New(errs.ErrInvalid, "the archive cannot be read safely")

// Archive is an opened zip archive whose parts are read within Limits.
type Archive struct {
	zr     *zip.Reader
	parts  map[string]*zip.File // by partKey
	limits Limits
}

// partKey is how a part is looked up: OPC part names are case-insensitive,
// and some writers use '\' or a leading '/'.
func partKey(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// Open lists the entries of the archive in r (size bytes) within l. It
// refuses more than l.Entries entries, a directory over l.Directory bytes,
// a name given twice, and entries declaring more than l.Unzipped bytes in
// all, before any entry is inflated.
func Open(r io.ReaderAt, size int64, l Limits) (*Archive, error) {
	// archive/zip looks for the end record in the last KiB first (in the
	// last 65 KiB when a long comment hides it); the rest of the budget is
	// the directory itself.
	budget := &budgetReaderAt{r: r, left: l.Directory + 1<<10}
	zr, err := zip.NewReader(budget, size)
	switch {
	case errors.Is(err, errDirectory):
		return nil, errs.New(ErrRefused, "the archive's table of contents is over %d KiB: more than %d parts, or very long names", l.Directory>>10, l.Entries)
	case err != nil:
		return nil, errs.New(ErrRefused, "the file is not a valid zip archive")
	}
	budget.left = -1
	if len(zr.File) > l.Entries {
		return nil, errs.New(ErrRefused, "the archive lists more than %d parts", l.Entries)
	}
	a := &Archive{zr: zr, parts: make(map[string]*zip.File, len(zr.File)), limits: l}
	var total uint64
	for _, f := range zr.File {
		key := partKey(f.Name)
		if _, dup := a.parts[key]; dup {
			return nil, errs.New(ErrRefused, "the archive holds %s twice", text.Cut(f.Name))
		}
		a.parts[key] = f
		if f.UncompressedSize64 > uint64(l.Unzipped) {
			return nil, errs.New(ErrRefused, "%s unzips to %d MiB; all the parts together may unzip to at most %d MiB", text.Cut(f.Name), f.UncompressedSize64>>20, l.Unzipped>>20)
		}
		if total += f.UncompressedSize64; total > uint64(l.Unzipped) {
			return nil, errs.New(ErrRefused, "the parts unzip to more than %d MiB in all", l.Unzipped>>20)
		}
	}
	return a, nil
}

// Has tells whether the archive holds a part of that name.
func (a *Archive) Has(name string) bool {
	_, ok := a.parts[partKey(name)]
	return ok
}

// Open opens a part for reading. What it reads is counted while it
// inflates: a byte past the size the entry's header declares is an error
// wrapping ErrRefused, and so is a damaged entry.
func (a *Archive) Open(name string) (io.ReadCloser, error) {
	f, ok := a.parts[partKey(name)]
	if !ok {
		return nil, errs.New(ErrRefused, "the archive has no part %s", text.Cut(name))
	}
	rc, err := f.Open()
	if errors.Is(err, zip.ErrAlgorithm) {
		return nil, errs.New(ErrRefused, "%s is compressed with a method other than deflate", text.Cut(name))
	}
	if err != nil {
		return nil, damaged(name)
	}
	return &part{rc: rc, name: text.Cut(name), left: int64(f.UncompressedSize64), declared: f.UncompressedSize64}, nil
}

func damaged(name string) error {
	return errs.New(ErrRefused, "%s is damaged: its data do not match its header", text.Cut(name))
}

// part is an entry being inflated, which may not give more than it
// declares (archive/zip checks this too; the count here does not depend on
// it).
type part struct {
	rc       io.ReadCloser
	name     string
	left     int64
	declared uint64
}

func (p *part) Read(b []byte) (int, error) {
	if p.left <= 0 {
		// One byte more is enough to know the header lied.
		b = b[:min(len(b), 1)]
	}
	n, err := p.rc.Read(b)
	p.left -= int64(n)
	switch {
	case p.left < 0, errors.Is(err, zip.ErrFormat):
		return 0, errs.New(ErrRefused, "%s unzips to more than the %d bytes its header declares", p.name, p.declared)
	case err == nil, err == io.EOF:
		return n, err
	}
	return n, damaged(p.name)
}

func (p *part) Close() error { return p.rc.Close() }

// errDirectory stops archive/zip when the directory is over its budget.
var errDirectory = errors.New("zipxml: directory over budget")

// budgetReaderAt reads at most left bytes of r in all (no limit when
// left < 0), so that archive/zip, which reads directory records until one
// fails, cannot be made to allocate a record for every 46 bytes of a large
// file.
type budgetReaderAt struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if b.left < 0 {
		return b.r.ReadAt(p, off)
	}
	if int64(len(p)) > b.left {
		n, _ := b.r.ReadAt(p[:b.left], off)
		b.left = 0
		return n, errDirectory
	}
	b.left -= int64(len(p))
	return b.r.ReadAt(p, off)
}
