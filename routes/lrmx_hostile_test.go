package routes_test

import (
	"bytes"
	"strings"
	"testing"

	"efile/models"
	"efile/services/lrmx/lrmxtest"
)

// TestLRMXImportHostile: each hostile upload is a clear 400 (a file's row
// error, or one on the upload), never a 500, never an entity expanded,
// never the input echoed, nothing written. Memory is measured in
// services/lrmx (TestCheckMemoryBounded).
func TestLRMXImportHostile(t *testing.T) {
	w := newWorld(t)
	unit := map[string]string{"unit_id": "1"}
	good := form("王五", idFor("19850607", 11))
	for _, c := range []struct {
		name, file string
		data       []byte
		field, say string // the detail's field, and a word of its message
	}{
		{"billionLaughs", "x.lrmx", lrmxtest.BillionLaughs(), "files[x.lrmx]", "DOCTYPE"},
		{"externalEntity", "x.lrmx", lrmxtest.ExternalEntity(), "files[x.lrmx]", "DOCTYPE"},
		{"entityWithoutDTD", "x.lrmx", lrmxtest.UndeclaredEntity(), "files[x.lrmx]", "XML"},
		{"doctypeAlone", "x.lrmx", []byte(`<!DOCTYPE Person><Person/>`), "files[x.lrmx]", "DOCTYPE"},
		{"entityInZip", "z.zip", lrmxtest.Zip([]string{"ok.lrmx", "bad.lrmx"}, map[string][]byte{"ok.lrmx": good, "bad.lrmx": lrmxtest.BillionLaughs()}),
			"files[bad.lrmx]", "DOCTYPE"},
		{"zipBomb", "z.zip", lrmxtest.ZipBomb(200 << 20), "files[bomb.lrmx]", "2 MiB"},
		{"lyingEntry", "z.zip", lrmxtest.LyingZip(8 << 20), "files[liar.lrmx]", "压缩包"},
		{"entries501", "z.zip", lrmxtest.ManyEntries(501), "file", "500"},
		{"deepNesting", "x.lrmx", lrmxtest.DeepNesting(100000), "files[x.lrmx]", "嵌套"},
		{"hugeText", "x.lrmx", lrmxtest.HugeText(1 << 20), "files[x.lrmx].JiGuan", "过长"},
		{"fileOver2MiB", "x.lrmx", lrmxtest.HugeText(3 << 20), "files[x.lrmx]", "2 MiB"},
		{"notXML", "x.lrmx", []byte("\x00\x01garbage<<<"), "files[x.lrmx]", "XML"},
		{"rootNotPerson", "x.lrmx", []byte("<html><body>x</body></html>"), "files[x.lrmx]", "Person"},
		{"utf16", "x.lrmx", []byte("\xff\xfe<\x00P\x00"), "files[x.lrmx]", "UTF-16"},
		{"twoRoots", "x.lrmx", append(append([]byte{}, good...), "<Person/>"...), "files[x.lrmx]", "Person"},
		{"duplicateElement", "x.lrmx", []byte("<Person><XingMing>a</XingMing><XingMing>b</XingMing></Person>"), "files[x.lrmx].XingMing", "两次"},
		{"tooManyElements", "x.lrmx", []byte("<Person>" + strings.Repeat("<a/>", 2000) + "</Person>"), "files[x.lrmx]", "元素超过"},
		{"invalidUTF8", "x.lrmx", []byte("<Person><XingMing>\xff\xfe</XingMing></Person>"), "files[x.lrmx]", "XML"},
		{"controlCharacter", "x.lrmx", []byte("<Person><XingMing>&#1;</XingMing></Person>"), "files[x.lrmx]", "XML"},
		{"damagedZip", "z.zip", []byte("PK\x03\x04 not really"), "file", "zip"},
		{"emptyZip", "z.zip", lrmxtest.Zip(nil, nil), "file", ".lrmx"},
	} {
		t.Run("400_"+c.name, func(t *testing.T) {
			if len(c.data) > 10<<20 {
				t.Fatalf("%d bytes: over the upload limit", len(c.data))
			}
			r := w.importLRMX(w.rev, c.file, c.data, unit)
			want(t, r, 400, "validation_failed")
			fs := r.Fields()
			if len(fs) == 0 || fs[0] != c.field || !strings.Contains(string(r.Body), c.say) {
				t.Fatalf("fields %v, want %s saying %q: %s", fs, c.field, c.say, r.Body)
			}
			if len(r.Body) > 2000 || bytes.Contains(r.Body, []byte("lollol")) || bytes.Contains(r.Body, []byte("root:")) {
				t.Fatalf("the answer echoes or expands the input: %.300s", r.Body)
			}
		})
	}
	t.Run("413_over10MiB", func(t *testing.T) {
		r := w.importLRMX(w.rev, "x.lrmx", bytes.Repeat([]byte("x"), 11<<20), unit)
		want(t, r, 413, "payload_too_large")
	})
	t.Run("400_noFile", func(t *testing.T) {
		r := w.raw("POST", "/api/v1/cadres/import-lrmx", w.rev, strings.NewReader("{}"), nil)
		want(t, r, 400, "validation_failed")
		if fs := r.Fields(); len(fs) != 1 || fs[0] != "file" {
			t.Fatalf("%s", r.Body)
		}
	})
	if n := w.count(&models.Cadre{}); n != 0 {
		t.Fatalf("%d cadres written by refused imports", n)
	}
}
