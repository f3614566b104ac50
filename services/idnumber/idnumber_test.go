package idnumber

import (
	"strings"
	"testing"

	"efile/services/civil"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, id, birth string
		wantErr         string // substring; empty means valid
	}{
		{"known valid, check X", "11010519491231002X", "", ""},
		{"known valid with birth date", "11010519491231002X", "1949-12-31", ""},
		{"check digit", "110105199001011232", "1990-01-01", ""},
		{"check digit 8", "440304198506073128", "", ""},
		{"wrong checksum", "110105199001011233", "", "check digit is wrong"},
		{"X where digit expected", "11010519900101123X", "", "check digit is wrong"},
		{"too short", "11010519491231002", "", "must be 18 characters"},
		{"too long", "11010519491231002X0", "", "must be 18 characters"},
		{"empty", "", "", "must be 18 characters"},
		{"letter in body", "1101051949123100AX", "", "must be 18 characters"},
		{"X in body", "1101051949123100X2", "", "must be 18 characters"},
		{"lowercase x not normalized", "11010519491231002x", "", "must be 18 characters"},
		{"lowercase x normalized", Normalize(" 11010519491231002x "), "", ""},
		{"invalid date 19990230", "11010519990230123" + string(CheckDigit("11010519990230123")), "", "not a valid date"},
		{"month 13", "11010519991301123" + string(CheckDigit("11010519991301123")), "", "not a valid date"},
		{"birth date mismatch", "110105199001011232", "1990-01-02",
			"characters 7–14 (birth date 19900101) do not match birth_date 1990-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.id, civil.Text(tt.birth))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check(%q, %q) = %v, want nil", tt.id, tt.birth, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check(%q, %q) = %v, want error containing %q", tt.id, tt.birth, err, tt.wantErr)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"11010519491231002x":     "11010519491231002X",
		"  11010519491231002X\t": "11010519491231002X",
		"110105199001011232 ":    "110105199001011232",
		"":                       "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckDigit(t *testing.T) {
	for first17, want := range map[string]byte{
		"11010519491231002": 'X',
		"11010519900101123": '2',
		"44030419850607312": '8',
	} {
		if got := CheckDigit(first17); got != want {
			t.Errorf("CheckDigit(%q) = %c, want %c", first17, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("CheckDigit with 16 digits did not panic")
		}
	}()
	CheckDigit("1101051949123100")
}

func TestBirthDate(t *testing.T) {
	tests := []struct {
		id, want string
		ok       bool
	}{
		{"11010519491231002X", "1949-12-31", true},
		{"110105200002290000", "2000-02-29", true},
		{"110105190002290000", "", false}, // 1900 was not a leap year
		{"11010519990230", "", false},
		{"1101051949", "", false},
		{"110105abcdefgh0000", "", false},
	}
	for _, tt := range tests {
		got, ok := BirthDate(tt.id)
		if got.String() != tt.want || ok != tt.ok {
			t.Errorf("BirthDate(%q) = %q, %v; want %q, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"11010519491231002X": "1****************X",
		"110105199001011232": "1****************2",
		"12345":              "*****",
		"":                   "",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
