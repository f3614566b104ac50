package lrmx

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"efile/services/civil"
	"efile/services/profile"
)

func TestParseMonth(t *testing.T) {
	for in, want := range map[string]string{
		"198509": "1985-09", "1985.09": "1985-09", "1985.9": "1985-09", "1985-09": "1985-09", "1985/9": "1985-09",
		"1985年9月": "1985-09", "1985年09月01日": "1985-09", "19850901": "1985-09", "1985.09.01": "1985-09",
		" １９８５．０９ ": "1985-09", "1985-9-1": "1985-09",
		"": "", "1985": "", "198513": "", "1985.13": "", "85.09": "", "1985.09--": "", "民盟": "", "0000.01": "",
	} {
		got, ok := ParseMonth(in)
		if got.String() != want || ok != (want != "") {
			t.Errorf("ParseMonth(%q) = %q, %t; want %q", in, got, ok, want)
		}
	}
}

func TestParseParty(t *testing.T) {
	for in, want := range map[string]string{
		"199605；民盟": "1996-05|民盟", "199605": "1996-05|", "民盟": "<nil>|民盟", "1996.05;民盟": "1996-05|民盟",
		"民盟 1996.5": "1996-05|民盟", "": "<nil>|", "199605；民盟；民进": "1996-05|民盟、民进",
	} {
		m, other := parseParty(in)
		got := "<nil>"
		if m != nil {
			got = m.String()
		}
		if got+"|"+other != want {
			t.Errorf("parseParty(%q) = %s|%s, want %s", in, got, other, want)
		}
	}
}

func TestParseResume(t *testing.T) {
	in := "1985.09--1989.07  南京大学学习\r\n1989.7—1992.3 区教育局科员<br>1992.03－－  区教育局副局长\n（其间：1995.09--1997.07 在职学习）\n\n" +
		"1997年9月至今　区政府办主任"
	rs, bad := parseResume(in)
	if bad != 0 {
		t.Fatalf("line %d refused", bad)
	}
	got := show(rs)
	want := []string{"1985-09|1989-07|南京大学学习", "1989-07|1992-03|区教育局科员",
		"1992-03|-|区教育局副局长\n（其间：1995.09--1997.07 在职学习）", "1997-09|-|区政府办主任"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if _, bad := parseResume("简历：\n1985.09--  x"); bad != 1 {
		t.Fatalf("a first line without a period: bad = %d", bad)
	}
	// What the export writes reads back the same.
	if back, _ := parseResume(resumeText(rs)); !slices.Equal(show(back), got) {
		t.Fatalf("round trip %q\n%q", show(back), got)
	}
}

func show(rs []profile.ResumeEntry) []string {
	var out []string
	for _, r := range rs {
		to := "-"
		if r.To != nil {
			to = r.To.String()
		}
		out = append(out, r.From.String()+"|"+to+"|"+r.Text)
	}
	return out
}

// TestMarshalParse: what Marshal writes, Parse reads back, whatever the
// text holds.
func TestMarshalParse(t *testing.T) {
	f := &Form{Fields: map[string]string{XingMing: "张<三>&", JianLi: "a\n\tb ]]> <![CDATA[ c", MinZu: " 汉族 ", ZhaoPian: "AAAA"},
		Items: []map[string]string{{ChengWei: "父亲", XingMing: "x&y"}}}
	p, err := Parse(f.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range f.Fields {
		if p.Form.Fields[k] != v {
			t.Errorf("%s = %q, want %q", k, p.Form.Fields[k], v)
		}
	}
	if len(p.Form.Items) != 1 || p.Form.Items[0][XingMing] != "x&y" || len(p.Unknown) != 0 {
		t.Fatalf("items %v unknown %v", p.Form.Items, p.Unknown)
	}
	if got := slices.Sorted(maps.Keys(p.Form.Fields)); len(got) != len(personElements)-1 {
		t.Fatalf("fields %v", got)
	}
}

// FuzzParse: no input makes the parser panic or keep more than its limits;
// what it reads, the checks read without panicking, and what it reads
// survives Marshal and Parse again. The seed corpus (testdata/fuzz/FuzzParse)
// holds an exported form, one as other tools write it and hostile ones.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><Person><XingMing>张三</XingMing><JianLi>1985.09--  x</JianLi></Person>`))
	f.Add([]byte("<Person><JiaTingChengYuan><Item><ChengWei>父</ChengWei></Item></JiaTingChengYuan></Person>"))
	s := checker()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if p != nil || err.Msg.Format == "" {
				t.Fatalf("error %v with %v", err, p)
			}
			return
		}
		for k, v := range p.Form.Fields {
			if len(v) > fieldLimit(k) {
				t.Fatalf("%s holds %d bytes", k, len(v))
			}
		}
		if len(p.Form.Items) > maxItems || len(p.Unknown) > maxUnknown {
			t.Fatalf("%d items, %d unknown", len(p.Form.Items), len(p.Unknown))
		}
		s.read("f.lrmx", &p.Form, civil.MustParse("2026-01-05"))
		again, err := Parse(p.Form.Marshal())
		if err != nil {
			t.Fatalf("what was read does not read again: %v", err)
		}
		for _, k := range personElements {
			if k == JiaTingChengYuan {
				continue
			}
			if a, b := dropped(p.Form.Fields[k]), again.Form.Fields[k]; a != b {
				t.Fatalf("%s: %q read again as %q", k, a, b)
			}
		}
		if len(again.Form.Items) != len(p.Form.Items) {
			t.Fatalf("%d items read again as %d", len(p.Form.Items), len(again.Form.Items))
		}
	})
}

// dropped is s without the characters Marshal leaves out (a carriage
// return from &#13;: efile's texts never hold one).
func dropped(s string) string { return strings.ReplaceAll(s, "\r", "") }

// TestParseEncodings: a BOM, and the GB encodings older tools declare.
func TestParseEncodings(t *testing.T) {
	for name, data := range map[string]string{
		"bom":     "\ufeff<Person><XingMing>张三</XingMing></Person>",
		"gb2312":  "<?xml version=\"1.0\" encoding=\"GB2312\"?><Person><XingMing>\xd5\xc5\xc8\xfd</XingMing></Person>",
		"gbk":     "<?xml version=\"1.0\" encoding=\"gbk\"?><Person><XingMing>\xd5\xc5\xc8\xfd</XingMing></Person>",
		"gb18030": "<?xml version=\"1.0\" encoding=\"GB18030\"?><Person><XingMing>\xd5\xc5\xc8\xfd</XingMing></Person>",
	} {
		p, err := Parse([]byte(data))
		if err != nil || p.Form.Fields[XingMing] != "张三" {
			t.Errorf("%s: %v %v", name, p, err)
		}
	}
	if _, err := Parse([]byte(`<?xml version="1.0" encoding="Big5"?><Person/>`)); err == nil {
		t.Error("an unsupported encoding was read")
	}
}
