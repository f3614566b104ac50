package text

import (
	"strings"
	"testing"

	"efile/services/errs"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		multiline bool
		want      string
		kind      FaultKind
	}{
		{"ok_trimmed", "  张三 ", false, "张三", OK},
		{"ok_nfc", "Jose\u0301", false, "José", OK},
		{"ok_lengthAfterNFC", strings.Repeat("e\u0301", 5), false, strings.Repeat("é", 5), OK},
		{"bad_zeroWidthSpace", "张\u200b三", false, "", BadChar},
		{"bad_bidiOverride", "张\u202e三", false, "", BadChar},
		{"bad_isolate", "张\u2066三", false, "", BadChar},
		{"bad_lrm", "张\u200e三", false, "", BadChar},
		{"bad_bom", "张\ufeff三", false, "", BadChar},
		{"bad_newlineSingleLine", "张\n三", false, "", BadChar},
		{"ok_newlineMultiline", "张\n\t三", true, "张\n\t三", OK},
		{"bad_bellMultiline", "张\a三", true, "", BadChar},
		{"bad_tooLong", strings.Repeat("张", 6), false, "", Length},
		{"bad_empty", "   ", false, "", Length},
		{"bad_invalidUTF8", "张\xff", false, "", BadBytes},
		{"bad_replacementChar", "张\ufffd", false, "", BadBytes},
		{"bad_nul", "张\x00三", true, "", BadChar},
		{"bad_escape", "张\x1b[31m三", true, "", BadChar},
		{"bad_zeroWidthOnly", "\u200b", false, "", BadChar},
		{"ok_crlfMultilineStoredLF", "张\r\n三", true, "张\n三", OK},
		{"bad_loneCR", "张\r三", true, "", BadChar},
		{"bad_crlfSingleLine", "张\r\n三", false, "", BadChar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, f := Check(tt.in, 1, 5, tt.multiline)
			if f.Kind != tt.kind {
				t.Fatalf("fault %+v, want kind %d", f, tt.kind)
			}
			if tt.kind == OK && got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if tt.kind != OK && f.Msg().Format == "" {
				t.Fatal("a fault needs words")
			}
		})
	}
}

func TestClean(t *testing.T) {
	v := &errs.Validation{}
	if got := Clean(v, "name", " 李四 ", 1, 50, false); got != "李四" || v.Err() != nil {
		t.Fatalf("%q %v", got, v.Err())
	}
	Clean(v, "name", "李\u200b四", 1, 50, false)
	if len(v.Details) != 1 || v.Details[0].Field != "name" || !strings.Contains(v.Details[0].Message, "U+200B") {
		t.Fatalf("%+v", v.Details)
	}
}

func TestCut(t *testing.T) {
	long := strings.Repeat("码", 2<<20)
	if got := Cut(long); got != strings.Repeat("码", MaxQuote)+"…" {
		t.Fatalf("%d bytes", len(got))
	}
	if Cut("short") != "short" {
		t.Fatal("short value changed")
	}
}
