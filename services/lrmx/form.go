package lrmx

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"efile/services/civil"
	"efile/services/profile"

	"golang.org/x/text/width"
)

// Form is the content of an LRMX file: the text of each child of <Person>,
// and the family members (<JiaTingChengYuan><Item>…), each the text of its
// children. A missing element reads as "".
type Form struct {
	Fields map[string]string
	Items  []map[string]string
}

// Marshal writes the form as an LRMX file: an XML declaration, <Person> with
// every element of SPEC 16 in order (empty where the form holds nothing),
// no DTD, no namespace, UTF-8. Line breaks stay line breaks (a JianLi line
// each); characters XML 1.0 cannot hold are left out.
func (f *Form) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + personRoot + ">\n")
	for _, name := range personElements {
		if name != JiaTingChengYuan {
			element(&b, "  ", name, f.Fields[name])
			continue
		}
		if len(f.Items) == 0 {
			b.WriteString("  <" + name + "></" + name + ">\n")
			continue
		}
		b.WriteString("  <" + name + ">\n")
		for _, it := range f.Items {
			b.WriteString("    <" + Item + ">\n")
			for _, e := range itemElements {
				element(&b, "      ", e, it[e])
			}
			b.WriteString("    </" + Item + ">\n")
		}
		b.WriteString("  </" + name + ">\n")
	}
	b.WriteString("</" + personRoot + ">\n")
	return b.Bytes()
}

func element(b *bytes.Buffer, indent, name, text string) {
	b.WriteString(indent + "<" + name + ">")
	escape(b, text)
	b.WriteString("</" + name + ">\n")
}

// escape writes s as XML character data.
func escape(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF:
			// not an XML 1.0 character (efile's texts never hold one)
		default:
			b.WriteRune(r)
		}
	}
}

// compactMonth is a month as the form writes it, YYYYMM; "" for no month.
func compactMonth(m civil.Month) string { return strings.ReplaceAll(m.String(), "-", "") }

// dottedMonth is a month as a resume line writes it, YYYY.MM.
func dottedMonth(m civil.Month) string { return strings.ReplaceAll(m.String(), "-", ".") }

// The ways a month is written where the form wants YYYYMM: 198509,
// 1985.09, 1985.9, 1985-09, 1985/9, 1985年9月, and a whole date (19850901,
// 1985.09.01, 1985年9月1日) whose day is dropped.
var (
	monthCompact = regexp.MustCompile(`^([0-9]{4})([0-9]{2})(?:[0-9]{2})?$`)
	monthSep     = regexp.MustCompile(`^([0-9]{4})\s*[.\-/年]\s*([0-9]{1,2})\s*(?:月|[.\-/]\s*[0-9]{1,2}\s*日?|月\s*[0-9]{1,2}\s*日)?$`)
)

// ParseMonth reads a month as other tools write it (see above); ok is false
// for anything else. Full-width digits are read as digits.
func ParseMonth(s string) (month civil.Month, ok bool) {
	s = strings.TrimSpace(width.Narrow.String(s))
	p := monthCompact.FindStringSubmatch(s)
	if p == nil {
		p = monthSep.FindStringSubmatch(s)
	}
	if p == nil {
		return civil.Month{}, false
	}
	y, _ := strconv.Atoi(p[1])
	m, _ := strconv.Atoi(p[2])
	if y < 1 || m < 1 || m > 12 {
		return civil.Month{}, false
	}
	return civil.MustParseMonth(fmt.Sprintf("%04d-%02d", y, m)), true
}

// partyText is RuDangShiJian: the month of joining the Communist Party
// (YYYYMM) and a democratic party's name, as appointment-form software
// writes both: 199605；民盟, 199605, 民盟.
func partyText(p *profile.Profile) string {
	var parts []string
	if p.PartyJoinedOn != nil {
		parts = append(parts, compactMonth(*p.PartyJoinedOn))
	}
	if p.OtherParty != "" {
		parts = append(parts, p.OtherParty)
	}
	return strings.Join(parts, "；")
}

// parseParty splits RuDangShiJian into the month of joining the party and
// a democratic party's name: "199605；民盟", "1996.05;民盟", "民盟 199605",
// "民盟". A part that is not a month is the name.
func parseParty(s string) (month *civil.Month, other string) {
	var names []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '；' || r == ';' || r == '，' || r == ',' || r == '、' || r == ' ' || r == '\u3000' || r == '\n' || r == '\t'
	}) {
		if m, ok := ParseMonth(part); ok && month == nil {
			month = &m
			continue
		}
		names = append(names, part)
	}
	return month, strings.Join(names, "、")
}

// resumeText is JianLi: a line per resume entry, YYYY.MM--YYYY.MM  text
// (the last, open one YYYY.MM--  text); a text's own line breaks go on in
// the lines below.
func resumeText(rs []profile.ResumeEntry) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		to := ""
		if r.To != nil {
			to = dottedMonth(*r.To)
		}
		lines[i] = dottedMonth(r.From) + "--" + to + "  " + r.Text
	}
	return strings.Join(lines, "\n")
}

// resumeLine is the period that starts a resume line as other tools write
// it: 1985.09--1989.07, 1985.9-1989.7, 1985.09—1989.07, 1985.09～, 1985年9月至今…
// (matched on the line with full-width forms narrowed).
var resumeLine = regexp.MustCompile(`^\s*([0-9]{4})\s*[.\-/年]\s*([0-9]{1,2})\s*月?\s*(?:-{1,2}|—{1,2}|–{1,2}|―{1,2}|~|至)\s*` +
	`(?:([0-9]{4})\s*[.\-/年]\s*([0-9]{1,2})\s*月?|至今|今)?`)

// brTag is an HTML line break as other tools leave it in JianLi.
var brTag = regexp.MustCompile(`(?i)<\s*br\s*/?\s*>`)

// parseResume reads JianLi into resume entries: a line that starts with a
// period starts an entry, any other line goes on with the entry above it
// (其间 lines, a long text broken by hand). <br> counts as a line break.
// bad is the 1-based number of a line that cannot be read (text before the
// first period), 0 when all could.
func parseResume(s string) (out []profile.ResumeEntry, bad int) {
	s = brTag.ReplaceAllString(s, "\n")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	n := 0
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n++
		narrow := width.Narrow.String(line) // same runes, one for one
		loc := resumeLine.FindStringSubmatchIndex(narrow)
		if loc == nil {
			if len(out) == 0 {
				return nil, n
			}
			last := &out[len(out)-1]
			last.Text += "\n" + strings.TrimSpace(line)
			continue
		}
		m := func(i int) string { return narrow[loc[2*i]:loc[2*i+1]] }
		e := profile.ResumeEntry{From: monthOf(m(1), m(2))}
		if loc[6] >= 0 {
			to := monthOf(m(3), m(4))
			e.To = &to
		}
		rest := []rune(line)[utf8.RuneCountInString(narrow[:loc[1]]):]
		e.Text = strings.TrimSpace(string(rest))
		out = append(out, e)
	}
	return out, 0
}

// monthOf is the month of a year and a month of one or two digits; an
// impossible month is kept as not Valid, for the rules to refuse.
func monthOf(y, m string) civil.Month {
	if len(m) == 1 {
		m = "0" + m
	}
	return civil.MonthText(y + "-" + m)
}
