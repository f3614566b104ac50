// Package idnumber validates and masks the 18-character Chinese resident
// identity number defined by GB 11643-1999: a 6-digit region code, an 8-digit
// birth date YYYYMMDD, a 3-digit sequence number and an ISO 7064 MOD 11-2
// check character (a digit or X).
package idnumber

import (
	"errors"
	"fmt"
	"strings"

	"efile/services/civil"
)

// Length is the number of characters in an ID number.
const Length = 18

var (
	weights    = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	checkChars = "10X98765432"
	// ErrFormat, ErrChecksum and ErrDate are the reasons Check gives, so
	// that callers may say them in another language.
	ErrFormat   = errors.New("must be 18 characters: 17 digits and a check digit or X")
	ErrChecksum = errors.New("check digit is wrong")
	ErrDate     = errors.New("characters 7–14 are not a valid date")
)

// Normalize trims surrounding spaces and uppercases a trailing x, which
// people often type in lowercase. Check expects normalized input.
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "x") {
		s = s[:len(s)-1] + "X"
	}
	return s
}

// Check reports why id is not a valid ID number, or nil. id must already be
// normalized: a lowercase x is rejected so that one person cannot be stored
// under two spellings. If birthDate is a date, the date embedded in id
// must equal it. Error messages are plain English meant for
// the person who entered the number; callers add the field name.
func Check(id string, birthDate civil.Date) error {
	if len(id) != Length || !isDigits(id[:17]) || (!isDigit(id[17]) && id[17] != 'X') {
		return ErrFormat
	}
	embedded, ok := BirthDate(id)
	if !ok {
		return ErrDate
	}
	if CheckDigit(id[:17]) != id[17] {
		return ErrChecksum
	}
	if !birthDate.IsZero() && birthDate != embedded {
		return fmt.Errorf("characters 7–14 (birth date %s) do not match birth_date %s", id[6:14], birthDate.String())
	}
	return nil
}

// CheckDigit returns the check character ('0'–'9' or 'X') for the first 17
// digits of an ID number. It panics if first17 is not 17 ASCII digits, since
// that is a programming error rather than bad input.
func CheckDigit(first17 string) byte {
	if len(first17) != 17 || !isDigits(first17) {
		panic(fmt.Sprintf("idnumber.CheckDigit: need 17 digits, got %q", first17))
	}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return checkChars[sum%11]
}

// BirthDate returns the date embedded in characters 7–14 of id, and false
// if id is too short or that is not a real date. It does not validate the
// rest of id.
func BirthDate(id string) (civil.Date, bool) {
	if len(id) < 14 || !isDigits(id[6:14]) {
		return civil.Date{}, false
	}
	// Parse rejects impossible days such as February 30.
	return civil.Parse(id[6:10] + "-" + id[10:12] + "-" + id[12:14])
}

// Mask keeps only the first and the last character of an 18-character id,
// e.g. 1****************X (SPEC section 5). Keeping the region code and the
// last four, as many systems do, is not enough here: the birth date is shown
// beside the number, and region + birth date + sequence + check character
// rebuild it whole. Anything else is masked entirely.
func Mask(id string) string {
	if len(id) != Length {
		return strings.Repeat("*", len([]rune(id)))
	}
	return id[:1] + strings.Repeat("*", Length-2) + id[Length-1:]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
