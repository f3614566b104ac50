package routes

import (
	"reflect"
	"strconv"
	"strings"

	"efile/services/civil"
	"efile/services/errs"
	"efile/services/text"
)

// cleanInput applies the rules of SPEC section 3 that hold for every field
// of a kind, once, here, for every route, in one walk over the decoded body
// (each field, in nested objects and arrays of them; a fault names the field
// as the JSON body does: summary, sanction.decided_on, overrides[0].reason,
// roles[1]), all faults answering one 400:
//
//   - the text rule (services/text) on each string, *string, []string and
//     optional string, brought to NFC in place. Line breaks and tabs are
//     allowed in the multi-line fields only (text.Multiline: content,
//     detail, comment, note, text, reason, basis). A field tagged text:"-"
//     is a secret (a password), compared byte for byte, not a text;
//   - the date rule (services/civil) on each civil.Date: a date YYYY-MM-DD
//     in its plausible range on day today, civil.Birth for a field tagged
//     date:"birth", civil.Event for any other.
//
// Services then check lengths, meanings and the dates' own rules (not in
// the future, not before the cadre's birth); the characters and the ranges
// are settled before they run.
func cleanInput(dst any, today civil.Date) error {
	w := &walker{fault: &errs.Validation{}, today: today}
	w.walk(reflect.ValueOf(dst).Elem(), "", "", civil.Event)
	return w.fault.Err()
}

type walker struct {
	fault *errs.Validation
	today civil.Date
}

var typeDate = reflect.TypeFor[civil.Date]()

func (w *walker) walk(v reflect.Value, path, leaf string, rule civil.Rule) {
	switch v.Kind() {
	case reflect.String:
		s, f := text.Normalize(v.String(), text.Multiline(leaf))
		if f.Kind != text.OK {
			w.fault.Add(path, "%s", f.Msg())
			return
		}
		v.SetString(s)
	case reflect.Pointer:
		if !v.IsNil() {
			w.walk(v.Elem(), path, leaf, rule)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			w.walk(v.Index(i), path+"["+strconv.Itoa(i)+"]", leaf, rule)
		}
	case reflect.Struct:
		t := v.Type()
		if t == typeDate {
			civil.Check(w.fault, path, v.Interface().(civil.Date), rule, w.today)
			return
		}
		if t.PkgPath() == thisPackage && strings.HasPrefix(t.Name(), "optional[") {
			w.walk(v.FieldByName("Value"), path, leaf, rule)
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || f.Tag.Get("text") == "-" {
				continue
			}
			r := civil.Event
			if f.Tag.Get("date") == "birth" {
				r = civil.Birth
			}
			if f.Anonymous && name == "" {
				w.walk(v.Field(i), path, leaf, r)
				continue
			}
			if name == "" {
				name = f.Name
			}
			sub := name
			if path != "" {
				sub = path + "." + name
			}
			w.walk(v.Field(i), sub, name, r)
		}
	}
}
