package lrmx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"

	"efile/services/errs"
	"efile/services/text"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits of one LRMX file, checked while it is read: nothing it holds is
// kept beyond them, and no entity is ever expanded.
const (
	MaxFileSize = 2 << 20 // bytes of one file (a zip entry inflated)
	maxDepth    = 5       // Person / JiaTingChengYuan / Item / field / <br/>
	maxElements = 1000    // elements in one file (a whole form has about 100)
	maxItems    = 50      // <Item>s (the form holds 10; more is a row error)
	maxUnknown  = 20      // unknown element names kept for the report
	maxText     = 4 << 10 // bytes of a field's text (200 characters, with room for markup and white space)
	maxJianLi   = 96 << 10
	maxZhaoPian = 768 << 10 // base64 of a 512 KiB photo, with line breaks
)

// Parsed is a read LRMX file: its form, and the elements efile does not
// know (their paths, JianLi/p or Foo, at most maxUnknown).
type Parsed struct {
	Form    Form
	Unknown []string
}

// ParseError is why a file cannot be read as an LRMX file. Element names
// where the problem is ("" for the file as a whole); Item, from 1, the
// family member (<Item>) it is in.
type ParseError struct {
	Element string
	Item    int
	Msg     errs.Msg
}

func (e *ParseError) Error() string { return e.Element + ": " + e.Msg.String() }

func fault(element string, m errs.Msg) *ParseError { return &ParseError{Element: element, Msg: m} }

func itemFault(element string, item int, m errs.Msg) *ParseError {
	return &ParseError{Element: element, Item: item, Msg: m}
}

var (
	// declaration is a DTD, an entity or any other markup declaration:
	// LRMX files have none, and no entity is ever expanded (billion laughs).
	declaration = regexp.MustCompile(`(?i)<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)`)
	// openBR is an HTML <br> that other tools leave in JianLi unclosed;
	// read as <br/> it is the line break it means.
	openBR  = regexp.MustCompile(`(?i)<\s*/?\s*br\s*>`)
	utf8BOM = []byte{0xEF, 0xBB, 0xBF}
)

// Parse reads one LRMX file of at most MaxFileSize bytes: UTF-8 (with or
// without a BOM) or GB18030 when its declaration says GBK, GB2312 or
// GB18030; root <Person>. CDATA sections are text, <br> and <br/> in a field
// are line breaks, unknown elements are named in Parsed.Unknown and their
// text ignored. A DOCTYPE or entity declaration, markup that is not
// well-formed, nesting deeper than a form's, too many elements or a text over
// its element's limit is a *ParseError, found before anything more is read.
func Parse(data []byte) (*Parsed, *ParseError) {
	if len(data) > MaxFileSize {
		return nil, fault("", errs.M("超过 %d MiB；一个任免审批表文件不会这么大", MaxFileSize>>20))
	}
	if declaration.Match(data) {
		return nil, fault("", errs.M("含有 DOCTYPE 或实体声明（<!DOCTYPE、<!ENTITY）；LRMX 文件不含这些声明，出于安全不予读取"))
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fault("", errs.M("是 UTF-16 编码；请用任免审批表软件另存为 UTF-8 编码的 LRMX 文件"))
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	data = openBR.ReplaceAll(data, []byte("<br/>"))
	p := &parser{d: xml.NewDecoder(bytes.NewReader(data)), out: &Parsed{Form: Form{Fields: map[string]string{}}}}
	p.d.Strict = true
	p.d.CharsetReader = charsetReader
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.out, nil
}

// charsetReader decodes the encodings older Chinese tools declare.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "gbk", "gb2312", "gb18030", "cp936":
		return simplifiedchinese.GB18030.NewDecoder().Reader(in), nil
	}
	return nil, errors.New("unsupported encoding")
}

type parser struct {
	d        *xml.Decoder
	out      *Parsed
	path     []string // names of the open elements
	elements int
	done     bool // the root has closed

	field      string // the field being read (a child of Person or of an Item), "" outside one
	fieldDepth int    // its depth: 2, or 4 in an Item
	item       map[string]string
	buf        strings.Builder // the text of the field (or item field) being read
	limit      int
}

func (p *parser) run() *ParseError {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return p.syntax(err)
		}
		var fe *ParseError
		switch t := tok.(type) {
		case xml.Directive:
			return fault("", errs.M("含有 DOCTYPE 或实体声明（<!DOCTYPE、<!ENTITY）；LRMX 文件不含这些声明，出于安全不予读取"))
		case xml.StartElement:
			fe = p.start(t.Name.Local)
		case xml.EndElement:
			fe = p.end()
		case xml.CharData:
			fe = p.text(t)
		}
		if fe != nil {
			return fe
		}
	}
	if !p.done {
		return fault("", errs.M("不是任免审批表（LRMX）文件：没有 <Person> 根元素"))
	}
	return nil
}

func (p *parser) syntax(err error) *ParseError {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fault("", errs.M("不是格式正确的 XML（第 %d 行附近）；请用任免审批表软件重新导出", se.Line))
	}
	if strings.Contains(err.Error(), "encoding") {
		return fault("", errs.M("声明了不支持的字符编码；请另存为 UTF-8 编码的 LRMX 文件"))
	}
	return fault("", errs.M("不是格式正确的 XML；请用任免审批表软件重新导出"))
}

func (p *parser) start(name string) *ParseError {
	p.elements++
	if p.elements > maxElements {
		return fault("", errs.M("元素超过 %d 个；一份任免审批表不会有这么多内容", maxElements))
	}
	if len(p.path) >= maxDepth {
		return fault("", errs.M("嵌套层次过深；任免审批表的元素最多嵌套 %d 层", maxDepth))
	}
	depth := len(p.path) + 1
	p.path = append(p.path, name)
	switch {
	case depth == 1:
		if p.done {
			return fault("", errs.M("在 <Person> 之后还有其他根元素"))
		}
		if name != personRoot {
			return fault("", errs.M("不是任免审批表（LRMX）文件：根元素是 <%s>，应为 <Person>", text.Cut(name)))
		}
	case depth == 2:
		if _, dup := p.out.Form.Fields[name]; dup || (name == JiaTingChengYuan && p.out.Form.Items != nil) {
			return fault(name, errs.M("出现了两次"))
		}
		switch {
		case name == JiaTingChengYuan:
			p.out.Form.Items = []map[string]string{}
		case slices.Contains(personElements, name):
			p.field, p.fieldDepth, p.limit = name, depth, fieldLimit(name)
			p.buf.Reset()
		case !slices.Contains(ignoredElements, name):
			p.unknown()
		}
	case depth == 3 && p.path[1] == JiaTingChengYuan:
		if name != Item {
			p.unknown()
			return nil
		}
		if len(p.out.Form.Items) == maxItems {
			return fault(JiaTingChengYuan, errs.M("家庭成员超过 %d 人", maxItems))
		}
		p.item = map[string]string{}
		p.out.Form.Items = append(p.out.Form.Items, p.item)
	case depth == 4 && p.path[2] == Item && p.item != nil:
		if !slices.Contains(itemElements, name) {
			p.unknown()
			return nil
		}
		if _, dup := p.item[name]; dup {
			return itemFault(name, len(p.out.Form.Items), errs.M("出现了两次"))
		}
		p.field, p.fieldDepth, p.limit = name, depth, maxText
		p.buf.Reset()
	case p.field != "" && strings.EqualFold(name, "br"):
		return p.write("\n")
	case p.field != "":
		p.unknown() // markup inside a field: its text is kept
	default:
		p.unknown()
	}
	return nil
}

func (p *parser) end() *ParseError {
	depth := len(p.path)
	name := p.path[depth-1]
	p.path = p.path[:depth-1]
	switch {
	case depth == 1:
		p.done = true
	case p.field != "" && depth == p.fieldDepth:
		if depth == 2 {
			p.out.Form.Fields[name] = p.buf.String()
		} else {
			p.item[name] = p.buf.String()
		}
		p.field = ""
	case depth == 3 && name == Item:
		p.item = nil
	}
	return nil
}

func (p *parser) text(t xml.CharData) *ParseError {
	if p.field == "" {
		return nil // white space between elements, or an unknown element's text
	}
	return p.write(string(t))
}

func (p *parser) write(s string) *ParseError {
	if p.buf.Len()+len(s) > p.limit {
		return p.where(errs.M("内容过长（超过 %d 字节）", p.limit))
	}
	p.buf.WriteString(s)
	return nil
}

// where is a problem of the field being read.
func (p *parser) where(m errs.Msg) *ParseError {
	if p.item != nil {
		return itemFault(p.field, len(p.out.Form.Items), m)
	}
	return fault(p.field, m)
}

// unknown notes the element just opened as one efile does not know.
func (p *parser) unknown() {
	name := text.Cut(strings.Join(p.path[1:], "/"))
	if len(p.out.Unknown) < maxUnknown && !slices.Contains(p.out.Unknown, name) {
		p.out.Unknown = append(p.out.Unknown, name)
	}
}

func fieldLimit(name string) int {
	switch name {
	case JianLi:
		return maxJianLi
	case ZhaoPian:
		return maxZhaoPian
	case JiangChengQingKuang, NianDuKaoHeJieGuo, RenMianLiYou:
		return maxJianLi // read to be ignored, but bounded all the same
	}
	return maxText
}
