package routes

// The JSON Schemas of the OpenAPI document (openapi.go), reflected from the
// DTO types the handlers decode and encode.

import (
	"maps"
	"reflect"
	"regexp"
	"strings"
	"time"

	"efile/services/civil"
)

func schemaRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schemas reflects Go types into JSON Schemas, collecting struct types as
// named components.
//
// A struct is reflected twice over when a request and an answer share it:
// what a request may leave out (a pointer, an optional) an answer always
// writes (perhaps as null). Request components are named for the request
// (fooRequest as is, else fooInput).
type schemas struct {
	comps map[string]map[string]any
	names map[reflect.Type]string // of the current direction
	taken map[string]reflect.Type
	in    bool // reflecting a request body
	other *schemas
}

func newSchemas() *schemas {
	comps, taken := map[string]map[string]any{}, map[string]reflect.Type{}
	out := &schemas{comps: comps, names: map[reflect.Type]string{}, taken: taken}
	in := &schemas{comps: comps, names: map[reflect.Type]string{}, taken: taken, in: true, other: out}
	out.other = in
	return out
}

// request is the reflector of request bodies.
func (s *schemas) request() *schemas {
	if s.in {
		return s
	}
	return s.other
}

// fixedSchemas are types whose JSON is not what their Go kind suggests.
var fixedSchemas = map[reflect.Type]map[string]any{
	reflect.TypeFor[time.Time]():  {"type": "string", "format": "date-time"},
	reflect.TypeFor[civil.Date](): {"type": "string", "format": "date"},
	// OpenAPI has no month format: a pattern, and what it says.
	reflect.TypeFor[civil.Month](): {"type": "string", "pattern": monthPattern, "description": "YYYY-MM"},
	// A score is kept in hundredths and written as a number with at most
	// two decimals (79.69), not as the integer it is held in.
	// A double, so that a generated client does not hold it in a float32.
	reflect.TypeFor[score](): {"type": "number", "format": "double", "multipleOf": 0.01},
}

var thisPackage = reflect.TypeFor[route]().PkgPath()

func (s *schemas) of(t reflect.Type) map[string]any {
	if f, ok := fixedSchemas[t]; ok {
		return maps.Clone(f)
	}
	if t.Kind() == reflect.Pointer {
		return nullableSchema(s.of(t.Elem()))
	}
	if t.Kind() == reflect.Struct && t.PkgPath() == thisPackage && strings.HasPrefix(t.Name(), "optional[") {
		f, _ := t.FieldByName("Value") // *T
		return nullableSchema(s.of(f.Type.Elem()))
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": s.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" { // anonymous: inline
			return s.object(t)
		}
		return schemaRef(s.component(t))
	}
	return map[string]any{} // interface: any JSON value
}

// component registers struct type t under its name and returns the name.
func (s *schemas) component(t reflect.Type) string {
	name, ok := s.names[t]
	if ok && s.comps[name] != nil {
		return name
	}
	if !ok {
		name = typeName(t)
		if s.in && !strings.HasSuffix(name, "Request") {
			name += "Input"
		}
		if other, clash := s.taken[name]; clash && other != t {
			pkg := t.PkgPath()
			name = pkg[strings.LastIndex(pkg, "/")+1:] + docUpper(name)
		}
		s.names[t] = name
	}
	s.taken[name] = t
	s.comps[name] = map[string]any{} // placeholder, so that a type may refer to itself
	s.comps[name] = s.object(t)
	return name
}

// object is the schema of struct t's JSON fields.
func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	s.fields(t, props, &required)
	// The decoder refuses a field it does not know, and every answer is
	// written from its struct: neither has other properties.
	obj := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

// fields adds the JSON fields of struct t as encoding/json sees them, with
// the constraints of their tags (openapi_rules.go). In an answer a field is
// required unless omitempty (or omitzero); in a request, unless also a
// pointer or an optional, which the decoder leaves unset when absent. A
// presence:"required" or presence:"optional" tag says otherwise where the
// server does (a score is a pointer only so that its absence is named).
func (s *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	for f := range t.Fields() {
		tagv := f.Tag.Get("json")
		if tagv == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tagv, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && fixedSchemas[ft] == nil {
				s.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = s.field(f, name)
		if s.requiredField(f, opts) {
			*required = append(*required, name)
		}
	}
}

var (
	pkgQualifier = regexp.MustCompile(`[A-Za-z0-9_./-]*\.`)
	notNameChar  = regexp.MustCompile(`[^A-Za-z0-9_]`)
)

// typeName names a type for components: generic brackets become a suffix,
// list[userResponse] → userResponseList.
func typeName(t reflect.Type) string {
	n := pkgQualifier.ReplaceAllString(t.Name(), "")
	n = strings.NewReplacer("*", "", "[]", "").Replace(n)
	return notNameChar.ReplaceAllString(genericName(n), "")
}

func genericName(s string) string {
	base, rest, ok := strings.Cut(s, "[")
	if !ok {
		return s
	}
	rest = strings.TrimSuffix(rest, "]")
	var out string
	depth, start := 0, 0
	for i := 0; i <= len(rest); i++ {
		if i == len(rest) || rest[i] == ',' && depth == 0 {
			arg := genericName(rest[start:i])
			if out != "" {
				arg = docUpper(arg)
			}
			out += arg
			start = i + 1
			continue
		}
		switch rest[i] {
		case '[':
			depth++
		case ']':
			depth--
		}
	}
	return out + docUpper(base)
}

// nullable marks a schema as accepting null; a $ref takes no siblings in
// OpenAPI 3.0, so it is wrapped in allOf.
func nullableSchema(sch map[string]any) map[string]any {
	if _, isRef := sch["$ref"]; isRef {
		return map[string]any{"allOf": []any{sch}, "nullable": true}
	}
	sch["nullable"] = true
	return sch
}

// hasJSONField reports whether v is a struct with a JSON field called name.
func hasJSONField(v any, name string) bool {
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	if t.Kind() != reflect.Struct {
		return false
	}
	for f := range t.Fields() {
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
			return true
		}
	}
	return false
}
