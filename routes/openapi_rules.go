package routes

// The rules a field's schema carries in the OpenAPI document, read from the
// tags of the DTO field that the server decodes or encodes, so that a new
// route's document follows from its structs:
//
//	enum:"kind"           the codes of vocabulary kind (services/vocab, the
//	                      one list the server checks and GET /vocabulary
//	                      labels); on a string, a *string or a []string's items
//	format:"date"         YYYY-MM-DD; "-": no format. A string field named
//	                      *_on, *_date or *_until is a date without the tag;
//	                      a civil.Date (a date) or civil.Month (YYYY-MM)
//	                      has its type's schema whatever its name and tags
//	len:"min,max"         characters of a string (SPEC 3 counts characters),
//	                      items of an array; either bound may be empty
//	min:"n" max:"n"       an integer's bounds (as on query parameters)
//	pattern:"name"        the pattern a service checks, by name (patterns)
//	presence:"required"   a request field the server requires though its
//	or "optional"         Go type could be left out, or the reverse
//
// The route tests hold every tag to the server: each request and answer
// they exchange is validated against the document (contract_test.go).

import (
	"reflect"
	"strconv"
	"strings"

	"efile/services/account"
	"efile/services/unit"
	"efile/services/vocab"
)

// patterns are the regular expressions the services check, by tag name.
var patterns = map[string]string{
	"username":  account.UsernamePattern,
	"unit_code": unit.CodePattern,
}

// field is the schema of struct field f, called name in JSON.
func (s *schemas) field(f reflect.StructField, name string) map[string]any {
	sch := s.of(f.Type)
	if _, isRef := sch["$ref"]; isRef {
		return sch
	}
	target := sch
	if items, ok := sch["items"].(map[string]any); ok && f.Tag.Get("enum") != "" {
		target = items // an array of codes
	}
	if s.in && f.Tag.Get("presence") == "required" {
		delete(sch, "nullable")
	}
	if kind := f.Tag.Get("enum"); kind != "" {
		entries := vocab.Ordered(kind)
		if len(entries) == 0 {
			panic("routes: enum tag names no vocabulary kind: " + kind)
		}
		codes := make([]any, len(entries))
		for i, e := range entries {
			codes[i] = e.Code
		}
		if target["nullable"] == true {
			codes = append(codes, nil)
		}
		target["enum"] = codes
	}
	if target["type"] == "string" && !isFixed(f.Type) {
		applyFormat(target, f.Tag.Get("format"), name)
		if p := f.Tag.Get("pattern"); p != "" {
			if patterns[p] == "" {
				panic("routes: pattern tag names no pattern: " + p)
			}
			target["pattern"] = patterns[p]
		}
	}
	if lo, hi, ok := strings.Cut(f.Tag.Get("len"), ","); ok {
		minKey, maxKey := "minLength", "maxLength"
		if sch["type"] == "array" {
			minKey, maxKey = "minItems", "maxItems"
		}
		setInt(sch, minKey, lo)
		setInt(sch, maxKey, hi)
	}
	if sch["type"] == "integer" {
		setInt(sch, "minimum", f.Tag.Get("min"))
		setInt(sch, "maximum", f.Tag.Get("max"))
	}
	return sch
}

// applyFormat sets a string's format from its tag, or from its name.
func applyFormat(sch map[string]any, format, name string) {
	if format == "" && isDateName(name) {
		format = "date"
	}
	switch format {
	case "", "-":
	default:
		sch["format"] = format
	}
}

// monthPattern is the pattern of a month YYYY-MM (civil.Month).
const monthPattern = `^[0-9]{4}-(0[1-9]|1[0-2])$`

// isFixed tells whether t (or what it points to) has a fixed schema
// (civil.Date, civil.Month…), which a field's name or tags do not change.
func isFixed(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return fixedSchemas[t] != nil
}

func isDateName(name string) bool {
	return strings.HasSuffix(name, "_on") || strings.HasSuffix(name, "_date") || strings.HasSuffix(name, "_until")
}

func setInt(sch map[string]any, key, v string) {
	if v == "" {
		return
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		panic("routes: bad " + key + " tag " + v)
	}
	sch[key] = n
}

// requiredField reports whether field f must be present in a request
// (s.in) or is always present in an answer.
func (s *schemas) requiredField(f reflect.StructField, jsonOpts string) bool {
	if strings.Contains(jsonOpts, "omitempty") || strings.Contains(jsonOpts, "omitzero") {
		return false
	}
	if !s.in {
		return true
	}
	switch f.Tag.Get("presence") {
	case "required":
		return true
	case "optional":
		return false
	}
	return f.Type.Kind() != reflect.Pointer && !isOptional(f.Type)
}

func isOptional(t reflect.Type) bool {
	return t.PkgPath() == thisPackage && strings.HasPrefix(t.Name(), "optional[")
}

// queryParamSchema is the schema of a query parameter bound from field f.
func queryParamSchema(b *binding) map[string]any {
	var sch map[string]any
	switch b.kind {
	case typeBool:
		sch = map[string]any{"type": "boolean"}
	case typeID:
		sch = map[string]any{"type": "integer", "format": "int64", "minimum": 1}
	case typeDate:
		sch = map[string]any{"type": "string", "format": "date"}
	case typeInt:
		sch = map[string]any{"type": "integer"}
		if b.min != nil {
			sch["minimum"] = *b.min
		}
		if b.max != nil {
			sch["maximum"] = *b.max
		}
	default:
		sch = map[string]any{"type": "string"}
		if kind := b.tag.Get("enum"); kind != "" {
			var codes []any
			for _, e := range vocab.Ordered(kind) {
				codes = append(codes, e.Code)
			}
			sch["enum"] = codes
		}
		applyFormat(sch, b.tag.Get("format"), b.query)
		if lo, hi, ok := strings.Cut(b.tag.Get("len"), ","); ok {
			setInt(sch, "minLength", lo)
			setInt(sch, "maxLength", hi)
		}
	}
	return sch
}

// docHeaders are the response headers a client acts on (SPEC 3).
var docHeaders = map[string]any{
	"X-Request-ID": map[string]any{"required": true, "schema": map[string]any{"type": "string", "maxLength": 128},
		"description": "The caller's X-Request-ID when it was sane (at most 128 printable ASCII characters), else a generated one; the logs carry it."},
	"Retry-After": map[string]any{"required": true, "schema": map[string]any{"type": "integer", "minimum": 1},
		"description": "Seconds until the caller may try again."},
	"Idempotent-Replayed": map[string]any{"required": false, "schema": map[string]any{"type": "string", "enum": []string{"true"}},
		"description": "Present (true) when the answer is the stored first answer to a request with this Idempotency-Key."},
	"Content-Disposition": map[string]any{"required": true, "schema": map[string]any{"type": "string"},
		"description": "attachment, with the file's name (filename* in UTF-8 and an ASCII filename fallback, RFC 6266)."},
}

func headerRefs(names ...string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		out[n] = map[string]any{"$ref": "#/components/headers/" + n}
	}
	return out
}

// errorHeaders are the headers of an error answer with status.
func errorHeaders(status int) map[string]any {
	if status == 429 {
		return headerRefs("X-Request-ID", "Retry-After")
	}
	return headerRefs("X-Request-ID")
}

// successHeaders are the headers of route r's answer with body.
func successHeaders(r *route, body any) map[string]any {
	names := []string{"X-Request-ID"}
	if r.Idempotent {
		names = append(names, "Idempotent-Replayed")
	}
	if rb, ok := body.(rawBody); ok && rb.Attachment {
		names = append(names, "Content-Disposition")
	}
	return headerRefs(names...)
}
