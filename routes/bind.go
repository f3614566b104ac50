package routes

import (
	"reflect"
	"strconv"
	"sync"

	"efile/models"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/text"

	"github.com/gin-gonic/gin"
)

// Handler inputs. Each handler reads its path ids and query parameters
// from one struct (with its JSON body, for a route that has one), bound by
// the adapter before the handler runs; the tags say where each field comes
// from, and the route table documents the query parameters from the same
// tags (route.query), so what is read and what is documented are one:
//
//	path:"id"    an id in the path: a positive integer, else 404 as an id
//	             that does not exist (an int64 field);
//	query:"name" a query parameter, absent when empty; its Go type says how
//	             it is read, and a value that does not read is a 400 naming
//	             the parameter: string (a text under SPEC 3's text rule,
//	             services/text: one line, but for the multi-line names
//	             of text.Multiline, such as reason),
//	             *bool (true or false), *int64 (a positive integer: an id),
//	             *int (an integer, within min:"…" and max:"…" when given);
//	doc:"…"      what the parameter means, for the document.
//
// An embedded struct's fields count as the outer's (paging).

// binding is one tagged field of an input struct.
type binding struct {
	index       []int
	path, query string
	doc         string
	tag         reflect.StructTag // for the document: enum, format, len
	kind        reflect.Type
	min, max    *int64
}

var bindingsOf sync.Map // reflect.Type → []binding

// bindings lists the tagged fields of struct type t, embedded ones included.
func bindings(t reflect.Type) []binding {
	if b, ok := bindingsOf.Load(t); ok {
		return b.([]binding)
	}
	var out []binding
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for f := range t.Fields() {
			idx := append(append([]int(nil), index...), f.Index...)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			b := binding{index: idx, path: f.Tag.Get("path"), query: f.Tag.Get("query"), doc: f.Tag.Get("doc"), tag: f.Tag, kind: f.Type}
			if b.path == "" && b.query == "" {
				continue
			}
			for tag, dst := range map[string]**int64{"min": &b.min, "max": &b.max} {
				if s := f.Tag.Get(tag); s != "" {
					n, err := strconv.ParseInt(s, 10, 64)
					if err != nil {
						panic("routes: bad " + tag + " tag on " + t.String() + "." + f.Name)
					}
					*dst = &n
				}
			}
			out = append(out, b)
		}
	}
	if t.Kind() == reflect.Struct {
		walk(t, nil)
	}
	bindingsOf.Store(t, out)
	return out
}

// bind fills dst's path and query fields from the request: the path first
// (an id that is not one answers 404 before any parameter is judged), then
// every query parameter, all of whose faults answer one 400.
func bind(c *gin.Context, dst any) error { return bindFrom(c, dst, c.Query) }

// bindFrom is bind with the query parameters read by value (an upload's
// form fields first, then its query parameters).
func bindFrom(c *gin.Context, dst any, value func(string) string) error {
	v := reflect.ValueOf(dst).Elem()
	bs := bindings(v.Type())
	for _, b := range bs {
		if b.path != "" {
			id, err := pathID(c, b.path)
			if err != nil {
				return err
			}
			v.FieldByIndex(b.index).SetInt(id)
		}
	}
	fault := &errs.Validation{}
	for _, b := range bs {
		if b.query == "" {
			continue
		}
		if s := value(b.query); s != "" {
			b.set(fault, v.FieldByIndex(b.index), s)
		}
	}
	return fault.Err()
}

var (
	typeString = reflect.TypeFor[string]()
	typeBool   = reflect.TypeFor[*bool]()
	typeID     = reflect.TypeFor[*int64]()
	typeInt    = reflect.TypeFor[*int]()
)

// set reads s into field f, or adds a detail naming the parameter.
func (b *binding) set(fault *errs.Validation, f reflect.Value, s string) {
	switch b.kind {
	case typeString:
		s, fe := text.Normalize(s, text.Multiline(b.query))
		if fe.Kind != text.OK {
			fault.Add(b.query, "%s", fe.Msg())
			return
		}
		f.SetString(s)
	case typeBool:
		v, err := strconv.ParseBool(s)
		if err != nil {
			fault.Add(b.query, "must be true or false")
			return
		}
		f.Set(reflect.ValueOf(&v))
	case typeID:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			fault.Add(b.query, "must be a positive integer")
			return
		}
		f.Set(reflect.ValueOf(&n))
	case typeInt:
		n, err := strconv.Atoi(s)
		switch {
		case b.min != nil && b.max != nil && (err != nil || int64(n) < *b.min || int64(n) > *b.max):
			fault.Add(b.query, "must be an integer from %d to %d", *b.min, *b.max)
		case b.min != nil && *b.min == 1 && (err != nil || n < 1):
			fault.Add(b.query, "must be a positive integer")
		case err != nil:
			fault.Add(b.query, "must be an integer")
		default:
			f.Set(reflect.ValueOf(&n))
		}
	case typeDate:
		d := civil.Text(s)
		if !d.Valid() {
			fault.Add(b.query, "must be a date YYYY-MM-DD")
			return
		}
		f.Set(reflect.ValueOf(d))
	default:
		panic("routes: query parameter " + b.query + " of unsupported type " + b.kind.String())
	}
}

// paging is the page of a list (SPEC 3), embedded in every list's input.
type paging struct {
	PageNumber *int `query:"page" min:"1" max:"1000000" doc:"page number, from 1 (default 1)"`
	PageSize   *int `query:"page_size" min:"1" doc:"items per page (default 50; above 200 is clamped to 200)"`
}

// maxPageSize is the most items a page holds; a larger page_size is clamped.
const maxPageSize = 200

// page is the page asked for: page 1 of 50 by default.
func (p *paging) page() models.Page {
	out := models.Page{Number: 1, Size: 50}
	if p.PageNumber != nil {
		out.Number = *p.PageNumber
	}
	if p.PageSize != nil {
		out.Size = min(*p.PageSize, maxPageSize)
	}
	return out
}

// byID is the input of a handler that needs only the id in its path.
type byID struct {
	ID int64 `path:"id"`
}

// noInput is the input of a handler that reads nothing of the request.
type noInput struct{}

// param is a query parameter as the document shows it.
type param struct {
	Name, Description string
	Schema            map[string]any
}

// queryParams are the query parameters of an input struct, for the document.
func queryParams(input any) []param {
	if input == nil {
		return nil
	}
	var out []param
	for _, b := range bindings(reflect.TypeOf(input)) {
		if b.query == "" {
			continue
		}
		out = append(out, param{Name: b.query, Description: b.doc, Schema: queryParamSchema(&b)})
	}
	return out
}
