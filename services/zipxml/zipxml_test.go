package zipxml

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"efile/services/errs"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var small = Limits{Entries: 5, Directory: 1 << 10, Unzipped: 1 << 20, Markup: 1 << 10, Text: 1 << 20, Depth: 4}

// entry is one entry of a test archive: its content, and what its header
// declares when that is not the truth.
type entry struct {
	name, body string
	declared   int64 // -1: the truth
	method     uint16
	crc        uint32
}

func archive(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		io.WriteString(fw, e.body)
		fw.Close()
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(e.body)),
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: uint64(len(e.body))}
		if e.declared >= 0 {
			h.UncompressedSize64 = uint64(e.declared)
		}
		if e.method != 0 {
			h.Method = e.method
		}
		if e.crc != 0 {
			h.CRC32 = e.crc
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func file(name, body string) entry { return entry{name: name, body: body, declared: -1} }

// refused checks that err is a refusal saying want.
func refused(t *testing.T, err error, want string) {
	t.Helper()
	if !errors.Is(err, ErrRefused) || !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want a refusal saying %q", err, want)
	}
}

func open(t *testing.T, data []byte, l Limits) (*Archive, error) {
	return Open(bytes.NewReader(data), int64(len(data)), l)
}

func TestOpen(t *testing.T) {
	many := func(n int) []entry {
		var es []entry
		for i := range n {
			es = append(es, file(fmt.Sprintf("p%d.xml", i), "<a/>"))
		}
		return es
	}
	t.Run("refused_notZip", func(t *testing.T) {
		_, err := open(t, []byte("PK\x03\x04 not a zip"), small)
		refused(t, err, "not a valid zip archive")
	})
	t.Run("refused_tooManyEntries", func(t *testing.T) {
		_, err := open(t, archive(t, many(6)...), small)
		refused(t, err, "lists more than 5 parts")
	})
	t.Run("refused_directoryOverBudget", func(t *testing.T) {
		l := small
		l.Entries = 1000
		_, err := open(t, archive(t, many(100)...), l)
		refused(t, err, "table of contents is over 1 KiB")
	})
	t.Run("refused_nameTwice", func(t *testing.T) {
		_, err := open(t, archive(t, file("xl/a.xml", "<a/>"), file(`\XL\A.XML`, "<b/>")), small)
		refused(t, err, `holds \XL\A.XML twice`)
	})
	t.Run("refused_partDeclaresTooMuch", func(t *testing.T) {
		_, err := open(t, archive(t, entry{name: "big.bin", body: "x", declared: 3 << 20}), small)
		refused(t, err, "big.bin unzips to 3 MiB")
	})
	t.Run("refused_partsDeclareTooMuch", func(t *testing.T) {
		_, err := open(t, archive(t, entry{name: "a", declared: 600 << 10}, entry{name: "b", declared: 600 << 10}), small)
		refused(t, err, "more than 1 MiB in all")
	})
	t.Run("ok_namesAsWritersSpellThem", func(t *testing.T) {
		a, err := open(t, archive(t, file("[Content_Types].xml", "<a/>"), file(`xl\workbook.xml`, "<a/>"), file("/xl/styles.xml", "<a/>")), small)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"[content_types].xml", "xl/workbook.xml", "XL/STYLES.XML"} {
			if !a.Has(name) {
				t.Errorf("%s not found", name)
			}
		}
		if a.Has("xl/sharedStrings.xml") {
			t.Error("a part that is not there is found")
		}
	})
}

func TestPart(t *testing.T) {
	read := func(t *testing.T, e entry) error {
		a, err := open(t, archive(t, e), small)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := a.Open(e.name)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(io.Discard, rc)
		return err
	}
	t.Run("ok", func(t *testing.T) {
		if err := read(t, file("a.xml", strings.Repeat("x", 100000))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refused_unzipsToMoreThanDeclared", func(t *testing.T) {
		refused(t, read(t, entry{name: "a.xml", body: strings.Repeat("x", 1<<20), declared: 10}), "a.xml unzips to more than the 10 bytes its header declares")
	})
	t.Run("refused_unzipsToLessThanDeclared", func(t *testing.T) {
		refused(t, read(t, entry{name: "a.xml", body: "short", declared: 100}), "a.xml is damaged")
	})
	t.Run("refused_wrongChecksum", func(t *testing.T) {
		refused(t, read(t, entry{name: "a.xml", body: "body", declared: -1, crc: 12345}), "a.xml is damaged")
	})
	t.Run("refused_unknownMethod", func(t *testing.T) {
		refused(t, read(t, entry{name: "a.xml", body: "body", declared: -1, method: 14}), "a.xml is compressed with a method other than deflate")
	})
	t.Run("refused_missing", func(t *testing.T) {
		a, _ := open(t, archive(t, file("a.xml", "<a/>")), small)
		_, err := a.Open("b.xml")
		refused(t, err, "the archive has no part b.xml")
	})
}

// tokens reads a part of the given XML within l and says its tokens.
func tokens(doc string, l Limits) (string, error) {
	d := newDecoder("p.xml", io.NopCloser(strings.NewReader(doc)), l)
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			b.WriteString("<" + e.Name.Local)
			for _, a := range e.Attr {
				fmt.Fprintf(&b, " %s=%q", a.Name.Local, a.Value)
			}
			b.WriteString(">")
		case xml.EndElement:
			b.WriteString("</" + e.Name.Local + ">")
		case xml.CharData:
			b.Write(e)
		case xml.Comment:
			b.WriteString("#")
		case xml.ProcInst:
			b.WriteString("?")
		}
	}
}

func TestDecoder(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(`<?xml version="1.0" encoding="GBK"?><a>姓名</a>`)
	tests := []struct {
		name, doc, want, err string
	}{
		{"ok_everyKindOfMarkup",
			`<?xml version="1.0"?><!-- it's a > comment --><a b="x>y" c='"'><![CDATA[<not a tag> ]]]]><?pi z?>t&amp;u</a>`,
			`?#<a b="x>y" c="\""><not a tag> ]]?t&u</a>`, ""},
		{"ok_textAtItsLimit", "<a>" + long(1<<20) + "</a>", "<a>" + long(1<<20) + "</a>", ""},
		{"ok_charsetGBK", gbk, "?<a>姓名</a>", ""},
		{"ok_nestedToTheLimit", "<a><b><c><d/></c></b></a>", "<a><b><c><d></d></c></b></a>", ""},
		{"refused_textOverItsLimit", "<a>" + long(1<<20+1) + "</a>", "", "p.xml holds a text over 1 MiB"},
		{"refused_cdataOverTheTextLimit", "<a><![CDATA[" + long(1<<20) + "]]></a>", "", "p.xml holds a text over 1 MiB"},
		{"refused_tagOverItsLimit", `<a b="` + long(1<<10) + `"/>`, "", "p.xml holds a tag over 1 KiB"},
		{"refused_manyAttributes", "<a" + strings.Repeat(` b=""`, 300) + "/>", "", "p.xml holds a tag over 1 KiB"},
		{"refused_quotedGreaterThanDoesNotEndTheTag", `<a b=">` + long(1<<10) + `"/>`, "", "p.xml holds a tag over 1 KiB"},
		{"refused_commentOverTheTagLimit", "<a><!--" + long(1<<10) + "--></a>", "", "p.xml holds a tag over 1 KiB"},
		{"refused_shortCommentCloseIsNoClose", "<a><!-->" + long(1<<10) + "--></a>", "", "p.xml holds a tag over 1 KiB"},
		{"refused_piOverTheTagLimit", "<?pi " + long(1<<10) + "?><a/>", "", "p.xml holds a tag over 1 KiB"},
		{"refused_doctype", `<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, "", "p.xml holds a DTD"},
		{"refused_nestedTooDeep", "<a><b><c><d><e/></d></c></b></a>", "", "p.xml nests elements more than 4 deep"},
		{"refused_notWellFormed", "<a>\n<b></a>", "", "p.xml is not well-formed XML (line 2)"},
		{"refused_charsetUnknown", `<?xml version="1.0" encoding="no-such"?><a/>`, "", "p.xml is not well-formed XML (line 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tokens(tt.doc, small)
			if tt.err != "" {
				refused(t, err, tt.err)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %.200q, %v\nwant %.200q", got, err, tt.want)
			}
		})
	}
}

// FuzzDecoder: whatever the bytes, no token the decoder returns is larger
// than the limits allow (the scanner has not lost track of where tokens
// start and end), nesting stays within Depth, and a DTD never gets through.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><!-- c --><a b="x>y" c='"'><![CDATA[<x>]]><?p q?>t&amp;u<b/></a>`,
		`<!DOCTYPE a><a/>`, `<a><!-->--></a>`, `<a b='>'>x</a>`, `<?xml version="1.0" encoding="GBK"?><a>x</a>`,
	} {
		f.Add([]byte(s))
	}
	l := Limits{Markup: 64, Text: 128, Depth: 5}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := newDecoder("p.xml", io.NopCloser(bytes.NewReader(data)), l)
		depth := 0
		for {
			tok, err := d.Token()
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrRefused) {
					t.Fatalf("an error that is no refusal: %v", err)
				}
				return
			}
			size := 0
			switch e := tok.(type) {
			case xml.StartElement:
				depth++
				size = len(e.Name.Local)
				for _, a := range e.Attr {
					size += len(a.Name.Local) + len(a.Value)
				}
			case xml.EndElement:
				depth--
			case xml.CharData:
				if len(e) > int(l.Text) {
					t.Fatalf("a text of %d bytes", len(e))
				}
			case xml.Comment:
				size = len(e)
			case xml.ProcInst:
				size = len(e.Target) + len(e.Inst)
			case xml.Directive:
				t.Fatalf("a directive got through: %q", e)
			}
			if size > int(l.Markup) || depth > l.Depth {
				t.Fatalf("token %T of %d bytes at depth %d", tok, size, depth)
			}
		}
	})
}
