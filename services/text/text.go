// Package text cleans the free text people type into the registry: names,
// positions, ranks, record contents. SPEC section 5 stores text in Unicode
// NFC, so that one name typed on two keyboards (a precomposed or a combining
// accent, full-width or not) is one name to search, sort and compare, and it
// refuses control and format characters: a zero-width space or a bidi
// override makes two different names look identical on screen, or makes a
// name display as something it is not.
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

// Check trims s, brings it to NFC and checks its length in characters
// (counted after NFC) and its characters. Control characters (Unicode Cc)
// are refused except \n and \t when multiline; format characters (Cf: zero
// width spaces, bidi marks and overrides, the BOM) always.
func Check(s string, min, max int, multiline bool) (string, Fault) {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return s, Fault{Kind: BadBytes}
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) || (unicode.Is(unicode.Cc, r) && !(multiline && (r == '\n' || r == '\t'))) {
			return s, Fault{Kind: BadChar, Rune: r}
		}
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
