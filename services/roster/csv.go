package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"efile/services/errs"
	"efile/services/text"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how much of a CSV file is looked at to find its encoding.
const sniffSize = 64 << 10

// decoder returns the CSV text as a stream of UTF-8. Without a BOM, the
// encoding is decided at the first non-ASCII byte: UTF-8 when the next few
// KiB are valid UTF-8, else GB18030. Bytes that do not decode stay invalid
// UTF-8 (or become U+FFFD) and are reported per cell by the assembler.
func decoder(br *bufio.Reader, filename string) (io.Reader, error) {
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, readErr(filename, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
		return br, nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return transform.NewReader(br, xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()), nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, errs.New(ErrUnreadable, "%s is not a text file; upload an .xlsx or CSV file", text.Cut(filename))
	}
	i := slices.IndexFunc(head, func(b byte) bool { return b >= utf8.RuneSelf })
	if i < 0 {
		return br, nil
	}
	if utf8Text(head[i:min(len(head), i+4096)]) {
		return br, nil
	}
	return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), nil
}

// utf8Text tells whether b, starting at a file's first non-ASCII byte, is
// UTF-8: its first four non-ASCII characters are valid UTF-8 (GB18030
// Chinese almost never is, byte pair after byte pair), so that a later bad
// byte in a UTF-8 file is that row's problem and not a change of encoding.
func utf8Text(b []byte) bool {
	for n := 0; len(b) > 0 && n < 4; {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			// A character cut by the end of the window is no evidence.
			return len(b) < utf8.UTFMax && n > 0
		}
		if size > 1 {
			n++
		}
		b = b[size:]
	}
	return true
}

func parseCSV(br *bufio.Reader, filename string) ([]Row, []Problem, error) {
	text, err := decoder(br, filename)
	if err != nil {
		return nil, nil, err
	}
	tr := bufio.NewReader(text)
	cr := csv.NewReader(tr)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	// "Text (tab delimited)" as saved by Excel and WPS.
	if first, _ := tr.Peek(4096); tabbed(first) {
		cr.Comma = '\t'
		// Leading-space trimming would eat the tabs of empty cells;
		// cells are trimmed below anyway.
		cr.TrimLeadingSpace = false
	}
	a := &assembler{}
	for !a.done {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, ErrTooBig) {
				return nil, nil, err
			}
			return nil, nil, errs.New(ErrUnreadable, "%s cannot be read: %s", cutName(filename), cutErr(err))
		}
		line, _ := cr.FieldPos(0)
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = unwrapFormula(trimCell(c))
		}
		if err := a.add(record{line: line, cells: out}); err != nil {
			return nil, nil, err
		}
	}
	return a.finish()
}

// tabbed tells whether the first line is tab-separated.
func tabbed(b []byte) bool {
	b = bytes.TrimLeft(b, "\r\n\ufeff")
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	return bytes.Contains(b, []byte("\t")) && !bytes.Contains(b, []byte(","))
}

// cutErr keeps a reader's error message short: csv errors can quote input.
func cutErr(err error) string { return text.Cut(err.Error()) }

// cutName keeps a file name short in a message.
func cutName(name string) string { return text.Cut(name) }

// unwrapFormula turns ="0123", which exports write to keep Excel from
// turning codes into numbers, back into 0123.
func unwrapFormula(s string) string {
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		return trimCell(strings.ReplaceAll(s[2:len(s)-1], `""`, `"`))
	}
	return s
}
