// Package text holds the one rule every text of the API and of imports
// obeys (SPEC section 3, "Text"): valid UTF-8, never stored with replacement
// characters; stored in Unicode NFC, so that one name typed on two keyboards
// (a precomposed or a combining accent) is one name to search, sort and
// compare; no control characters (line breaks and tabs only in multi-line
// fields) and no format characters: a zero-width space or a bidi override
// makes two different texts look identical on screen, or makes a text
// display as something it is not. The API's decoder applies it to every
// text field of every request (routes), the importers to every cell
// (services/roster, services/cadre), and the services add lengths with
// Check.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"efile/services/errs"

	"golang.org/x/text/unicode/norm"
)

// Fault says what is wrong with a text value; the zero Fault is none.
type Fault struct {
	Kind     FaultKind
	Rune     rune // the refused character, for BadChar
	Min, Max int
}

// FaultKind is the rule a text value broke.
type FaultKind int

// The rules.
const (
	OK FaultKind = iota
	Length
	BadChar
	BadBytes
)

// Normalize applies the rule to s: it returns s in NFC, or the fault. Bytes
// that are not UTF-8, and the replacement character U+FFFD that a decoder
// put in their place (Go's JSON decoder does so for invalid bytes and lone
// surrogates), are BadBytes. Control characters (Unicode Cc) are BadChar,
// except line breaks and tabs when multiline (a CRLF line break is stored
// as LF); format characters (Cf: zero-width spaces, bidi marks and
// overrides, the BOM) always.
func Normalize(s string, multiline bool) (string, Fault) {
	if Undecodable(s) {
		return s, Fault{Kind: BadBytes}
	}
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = norm.NFC.String(s)
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) || (unicode.Is(unicode.Cc, r) && !(multiline && (r == '\n' || r == '\t'))) {
			return s, Fault{Kind: BadChar, Rune: r}
		}
	}
	return s, Fault{}
}

// Undecodable tells whether s holds bytes that are not UTF-8, or the
// replacement character a decoder left in their place.
func Undecodable(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError)
}

// multilineFields are the fields whose text may hold line breaks and tabs
// (SPEC section 3).
var multilineFields = map[string]bool{"content": true, "detail": true, "comment": true, "note": true,
	"text": true, "reason": true, "basis": true}

// Multiline tells whether a field of this name holds multi-line text.
func Multiline(field string) bool { return multilineFields[field] }

// Check trims s, applies the rule (Normalize) and checks its length in
// characters, counted after NFC.
func Check(s string, min, max int, multiline bool) (string, Fault) {
	s, f := Normalize(strings.TrimSpace(s), multiline)
	if f.Kind != OK {
		return s, f
	}
	if n := utf8.RuneCountInString(s); n < min || n > max {
		return s, Fault{Kind: Length, Min: min, Max: max}
	}
	return s, Fault{}
}

// Msg says the fault for people (errs.Msg: translated at the edge).
func (f Fault) Msg() errs.Msg {
	switch f.Kind {
	case Length:
		return errs.M("must be %d to %d characters long", f.Min, f.Max)
	case BadChar:
		return errs.M("must not contain the invisible or control character %s; retype the text without it", codePoint(f.Rune))
	case BadBytes:
		return errs.M("holds bytes that are not valid UTF-8 text")
	}
	return errs.Msg{}
}

// Clean returns s trimmed and in NFC, adding a detail on field to v when
// its length or characters are wrong.
func Clean(v *errs.Validation, field, s string, min, max int, multiline bool) string {
	out, f := Check(s, min, max, multiline)
	if f.Kind != OK {
		v.Add(field, "%s", f.Msg())
	}
	return out
}

// MaxQuote is the most characters of a value an error message repeats.
const MaxQuote = 40

// Cut returns at most MaxQuote characters of s, with "…" when it was cut,
// so that an error message never echoes a huge input back.
func Cut(s string) string {
	n := 0
	for i := range s {
		if n == MaxQuote {
			return strings.ToValidUTF8(s[:i], "") + "…"
		}
		n++
	}
	return strings.ToValidUTF8(s, "")
}

func codePoint(r rune) string { return fmt.Sprintf("%U", r) }
