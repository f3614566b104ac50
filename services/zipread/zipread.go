// Package zipread opens uploaded zip archives with their limits checked
// before anything is expanded: the number of entries is counted in the
// central directory before archive/zip builds its list of them, and each
// entry is inflated through a counter that stops at the limit, whatever size
// the entry declares. A zip bomb, an archive of a million empty entries or
// an entry that lies about its size costs at most the limits in memory.
//
// It knows nothing of what the entries hold: the LRMX import uses it
// (services/lrmx), and an XLSX reader can (an .xlsx is a zip).
package zipread

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// ErrTooManyEntries: the archive holds more entries than allowed.
var ErrTooManyEntries = errors.New("zipread: too many entries")

// ErrEntryTooLarge: an entry declares or inflates to more than allowed.
var ErrEntryTooLarge = errors.New("zipread: entry too large")

// ErrZip64: the archive is ZIP64, refused (see Open).
var ErrZip64 = errors.New("zipread: ZIP64 archive")

// ErrNotZip: no end of central directory record.
var ErrNotZip = errors.New("zipread: not a zip archive")

// The records of the zip format (APPNOTE.TXT 4.3.12, 4.3.16).
const (
	eocdSignature      = 0x06054b50
	eocdLen            = 22
	centralSignature   = 0x02014b50
	centralLen         = 46
	maxCommentLen      = 0xFFFF
	zip64Entries       = 0xFFFF
	zip64Offset        = 0xFFFFFFFF
	localSignatureByte = "PK\x03\x04"
	emptySignatureByte = "PK\x05\x06"
)

// IsZip tells whether head, the first bytes of a file, start a zip archive.
func IsZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte(localSignatureByte)) || bytes.HasPrefix(head, []byte(emptySignatureByte))
}

// Open reads the directory of the zip archive r (size bytes) after counting
// its entries: more than maxEntries (directories included) is
// ErrTooManyEntries, and nothing more is read. ZIP64 archives are refused
// (ErrZip64): no upload within the limits needs one.
func Open(r io.ReaderAt, size int64, maxEntries int) (*zip.Reader, error) {
	n, err := countEntries(r, size, maxEntries)
	if err != nil {
		return nil, err
	}
	if n > maxEntries {
		return nil, fmt.Errorf("%w: more than %d", ErrTooManyEntries, maxEntries)
	}
	return zip.NewReader(r, size)
}

// countEntries walks the central directory record by record, as
// archive/zip does, and stops counting past limit.
func countEntries(r io.ReaderAt, size int64, limit int) (int, error) {
	tail := min(size, eocdLen+maxCommentLen)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, err
	}
	at := -1
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) == eocdSignature {
			at = i
			break
		}
	}
	if at < 0 {
		return 0, ErrNotZip
	}
	e := buf[at:]
	entries := binary.LittleEndian.Uint16(e[10:])
	dirSize := int64(binary.LittleEndian.Uint32(e[12:]))
	dirOffset := binary.LittleEndian.Uint32(e[16:])
	if entries == zip64Entries || dirOffset == zip64Offset {
		return 0, ErrZip64
	}
	// As archive/zip: the directory ends where the end record starts, so
	// data prepended to the archive moves it.
	pos := size - tail + int64(at) - dirSize
	if pos < 0 {
		return 0, ErrNotZip
	}
	head := make([]byte, centralLen)
	n := 0
	for n <= limit {
		if _, err := r.ReadAt(head, pos); err != nil || binary.LittleEndian.Uint32(head) != centralSignature {
			break
		}
		n++
		pos += centralLen + int64(binary.LittleEndian.Uint16(head[28:])) +
			int64(binary.LittleEndian.Uint16(head[30:])) + int64(binary.LittleEndian.Uint16(head[32:]))
	}
	return n, nil
}

// Read inflates entry f into memory, at most max bytes: an entry that
// declares more is refused before inflating, one that inflates to more than
// it declared (or than max) is stopped at max+1 bytes. Both are
// ErrEntryTooLarge; a damaged entry is archive/zip's error.
func Read(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, ErrEntryTooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	b.Grow(int(min(f.UncompressedSize64, uint64(max))) + 1)
	n, err := b.ReadFrom(io.LimitReader(rc, max+1))
	if n > max {
		return nil, ErrEntryTooLarge
	}
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Name is an entry's name as people wrote it: zip tools on Chinese Windows
// store names in GBK without the UTF-8 flag, so a name that is not UTF-8 is
// read as GB18030; what still is not text becomes "?".
func Name(f *zip.File) string {
	name := f.Name
	if utf8.ValidString(name) {
		return name
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil && utf8.ValidString(s) {
		return s
	}
	return string(bytes.ToValidUTF8([]byte(name), []byte("?")))
}
