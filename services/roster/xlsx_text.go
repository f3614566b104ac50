package roster

import (
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"

	"efile/services/errs"
	"efile/services/zipxml"
)

// keepBytes is how much of a cell's text is kept as it is read. Any 32 KiB
// of XML text is more than MaxCell characters however it is written (at
// most 4 bytes a character, 7 for an _xHHHH_ escape), so a longer text is
// known to be over the limit from what is kept.
const keepBytes = 32 << 10

// cellText gathers the text of a cell (or a shared string) from the
// decoder's pieces, keeping at most keepBytes of it.
type cellText struct {
	b    []byte
	over bool // text beyond keepBytes was dropped
	ink  bool // some of it was not blank
}

func (c *cellText) reset() { c.b, c.over, c.ink = c.b[:0], false, false }

func (c *cellText) add(p []byte) {
	if room := max(0, keepBytes-len(c.b)); len(p) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(p[cut]) {
			cut--
		}
		c.over = true
		for rest := p[cut:]; len(rest) > 0 && !c.ink; {
			r, n := utf8.DecodeRune(rest)
			c.ink, rest = !blankRune(r), rest[n:]
		}
		p = p[:cut]
	}
	c.b = append(c.b, p...)
}

// value is the text as the roster reads it: with the _xHHHH_ escapes of
// OOXML decoded when escaped (shared and inline strings, as excelize reads
// them), and cut to MaxCell+1 characters, enough for the row's check to
// find it too long and quote its start. A cut text whose kept part is
// blank but whose rest was not keeps a "…", so that its row is not taken
// for an empty one.
func (c *cellText) value(escaped bool) string {
	s := string(c.b)
	if escaped {
		s = unescape(s)
	}
	n, ink := 0, c.ink
	for i := range s {
		if n == MaxCell+1 {
			ink = ink || strings.IndexFunc(s[i:], func(r rune) bool { return !blankRune(r) }) >= 0
			s = s[:i]
			break
		}
		n++
	}
	if ink && trimCell(s) == "" {
		s += "…"
	}
	return s
}

// unescape decodes OOXML's _xHHHH_ escapes (ST_Xstring) as excelize does;
// an escape of a surrogate is dropped.
func unescape(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			break
		}
		v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil || s[i+6] != '_' {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		if utf8.ValidRune(rune(v)) {
			b.WriteRune(rune(v))
		}
		s = s[i+7:]
	}
	b.WriteString(s)
	return b.String()
}

// sharedStrings is a workbook's shared-string table: the text in blocks of
// a MiB that are never copied to grow, and where each string ends (its
// block, and its end in the block): 4 bytes a string beyond its text.
type sharedStrings struct {
	blocks [][]byte
	end    []uint32
	size   int
}

const (
	blockSize = 1 << 20
	endBits   = 21 // an end in a block is at most blockSize
)

func (t *sharedStrings) add(s string) error {
	if t.size += len(s); t.size > maxStringBytes {
		return errs.New(zipxml.ErrRefused, "the workbook's shared strings hold more than %d MiB of text", maxStringBytes>>20)
	}
	last := len(t.blocks) - 1
	if last < 0 || len(t.blocks[last])+len(s) > blockSize {
		t.blocks = append(t.blocks, make([]byte, 0, blockSize))
		last++
	}
	t.blocks[last] = append(t.blocks[last], s...)
	t.end = append(t.end, uint32(last)<<endBits|uint32(len(t.blocks[last])))
	return nil
}

func (t *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(t.end) {
		return "", false
	}
	block, end := t.end[i]>>endBits, t.end[i]&(1<<endBits-1)
	start := uint32(0)
	if i > 0 && t.end[i-1]>>endBits == block {
		start = t.end[i-1] & (1<<endBits - 1)
	}
	return string(t.blocks[block][start:end]), true
}

// readStrings reads the shared-string table of part: each <si>'s text,
// its rich-text runs joined, its phonetic runs (<rPh>) left out, as excelize
// reads it. At most maxStrings strings holding maxStringBytes of text.
func readStrings(a *zipxml.Archive, part string) (*sharedStrings, error) {
	t := &sharedStrings{}
	d, err := a.XML(part)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var c cellText
	in, phonetic := false, 0 // in a <t> of the current <si>; inside <rPh>
	for {
		tok, err := d.Token()
		if err != nil {
			return t, eof(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "sst":
				// The count it declares, believed up to the limit.
				if n, err := strconv.Atoi(attr(e, "uniqueCount")); err == nil && n > 0 {
					t.end = make([]uint32, 0, min(n, maxStrings))
				}
			case "si":
				if len(t.end) == maxStrings {
					return nil, errs.New(zipxml.ErrRefused, "the workbook holds more than %d shared strings", maxStrings)
				}
				c.reset()
			case "rPh":
				phonetic++
			case "t":
				in = phonetic == 0
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "si":
				if err := t.add(c.value(true)); err != nil {
					return nil, err
				}
			case "rPh":
				phonetic--
			case "t":
				in = false
			}
		case xml.CharData:
			if in {
				c.add(e)
			}
		}
	}
}
