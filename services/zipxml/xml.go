package zipxml

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"

	"efile/services/errs"
	"efile/services/text"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// Decoder reads the XML tokens of one part within the archive's Limits.
type Decoder struct {
	name  string
	rc    io.ReadCloser
	d     *xml.Decoder
	in    *scanner
	depth int
	max   int
	err   error
}

// XML opens a part as a stream of XML tokens. Close it when done.
func (a *Archive) XML(name string) (*Decoder, error) {
	rc, err := a.Open(name)
	if err != nil {
		return nil, err
	}
	return newDecoder(name, rc, a.limits), nil
}

func newDecoder(name string, rc io.ReadCloser, l Limits) *Decoder {
	x := &Decoder{name: text.Cut(name), rc: rc, max: l.Depth}
	x.in = &scanner{r: bufio.NewReader(rc), name: x.name, markup: l.Markup, text: l.Text}
	x.d = xml.NewDecoder(x.in)
	// A part declared in another character set (encoding="GBK") is
	// decoded to UTF-8, as excelize did; the bounds then count the UTF-8
	// the decoder sees, by a scanner above the decoding.
	x.d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		e, err := htmlindex.Get(label)
		if err != nil {
			return nil, err
		}
		x.in.off = true
		x.in = &scanner{r: bufio.NewReader(transform.NewReader(input, e.NewDecoder())), name: x.name, markup: l.Markup, text: l.Text}
		return x.in, nil
	}
	return x
}

// Token returns the next token, as xml.Decoder.Token does, or an error
// wrapping ErrRefused at the first bound broken or byte that is not
// well-formed XML; io.EOF at the end of the part.
func (x *Decoder) Token() (xml.Token, error) {
	if x.err != nil {
		return nil, x.err
	}
	tok, err := x.d.Token()
	switch {
	case err == io.EOF:
		x.err = err
	case err != nil:
		var c *errs.Coded
		if !errors.As(err, &c) {
			line, _ := x.d.InputPos()
			err = errs.New(ErrRefused, "%s is not well-formed XML (line %d)", x.name, line)
		}
		x.err = err
	}
	switch tok.(type) {
	case xml.StartElement:
		if x.depth++; x.depth > x.max {
			x.err = errs.New(ErrRefused, "%s nests elements more than %d deep", x.name, x.max)
			return nil, x.err
		}
	case xml.EndElement:
		x.depth--
	}
	return tok, x.err
}

// Close closes the part.
func (x *Decoder) Close() error { return x.rc.Close() }

// States of the scanner.
const (
	inText    = iota
	inOpen    // after '<'
	inBang    // after "<!"
	inTag     // a start or end tag, with its attributes
	inComment // <!-- ... -->
	inCDATA   // <![CDATA[ ... ]]>
	inPI      // <? ... ?>
)

// scanner is the decoder's source of bytes. It follows the XML just enough
// to know where each tag, comment, processing instruction and run of text
// starts and ends, and counts their bytes as the decoder reads them, before
// the decoder has buffered them: encoding/xml keeps a whole token in memory
// (a run of text, or a tag with every attribute, each attribute costing
// some 100 bytes for 5 of input), with no bound of its own. DTDs are
// refused (OOXML has none, and they declare entities).
type scanner struct {
	r            *bufio.Reader
	name         string
	markup, text int64
	off          bool // a charset reader reads from this one: pass through
	state        int
	n            int64   // bytes of the current token
	quote        byte    // the quote of an attribute value being read
	last         [2]byte // the two bytes before this one, for the ends of comments, CDATA and PIs
	bang         []byte  // what follows "<!", until it is known
}

func (s *scanner) ReadByte() (byte, error) {
	c, err := s.r.ReadByte()
	if err != nil || s.off {
		return c, err
	}
	if err := s.see(c); err != nil {
		return 0, err
	}
	return c, nil
}

func (s *scanner) Read(p []byte) (int, error) {
	if s.off {
		return s.r.Read(p)
	}
	for i := range p {
		c, err := s.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = c
		if s.r.Buffered() == 0 {
			return i + 1, nil
		}
	}
	return len(p), nil
}

// see moves the scanner over byte c.
func (s *scanner) see(c byte) error {
	s.n++
	prev := s.last
	s.last = [2]byte{prev[1], c}
	switch s.state {
	case inText:
		if c == '<' {
			s.state, s.n = inOpen, 1
		} else if s.n > s.text {
			return errs.New(ErrRefused, "%s holds a text over %d MiB", s.name, s.text>>20)
		}
		return nil
	case inOpen:
		switch c {
		case '!':
			s.state, s.bang = inBang, s.bang[:0]
		case '?':
			s.state = inPI
		default:
			s.state = inTag
			return s.tag(c)
		}
	case inBang:
		s.bang = append(s.bang, c)
		switch b := string(s.bang); {
		case b == "--":
			s.state = inComment
		case b == "[CDATA[":
			s.state = inCDATA
		case !isPrefix(b, "--") && !isPrefix(b, "[CDATA["):
			return errs.New(ErrRefused, "%s holds a DTD (<!DOCTYPE or <!ENTITY), which is not allowed", s.name)
		}
	case inTag:
		return s.tag(c)
	case inComment:
		s.endAt(c, prev, '-', '-', len("<!---->"))
	case inCDATA:
		s.endAt(c, prev, ']', ']', len("<![CDATA[]]>"))
		if s.n > s.text {
			return errs.New(ErrRefused, "%s holds a text over %d MiB", s.name, s.text>>20)
		}
		return nil
	case inPI:
		s.endAt(c, prev, prev[0], '?', len("<??>"))
	}
	return s.long()
}

// tag follows a start or end tag: '>' ends it unless inside a quoted value.
func (s *scanner) tag(c byte) error {
	switch {
	case s.quote != 0:
		if c == s.quote {
			s.quote = 0
		}
	case c == '"' || c == '\'':
		s.quote = c
	case c == '>':
		s.state, s.n = inText, 0
		return nil
	}
	return s.long()
}

// endAt ends a comment, CDATA section or PI at '>' after the bytes a, b,
// once it is at least shortest bytes long (so "<!-->" does not end a
// comment, as it does not for the decoder).
func (s *scanner) endAt(c byte, prev [2]byte, a, b byte, shortest int) {
	if c == '>' && prev == [2]byte{a, b} && s.n >= int64(shortest) {
		s.state, s.n = inText, 0
	}
}

func (s *scanner) long() error {
	if s.state != inText && s.n > s.markup {
		return errs.New(ErrRefused, "%s holds a tag over %d KiB", s.name, s.markup>>10)
	}
	return nil
}

func isPrefix(b, of string) bool { return len(b) <= len(of) && of[:len(b)] == b }
