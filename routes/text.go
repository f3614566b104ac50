package routes

import (
	"reflect"
	"strconv"
	"strings"

	"efile/services/errs"
	"efile/services/text"
)

// cleanText applies the text rule of SPEC section 3 (services/text) to
// every text of a decoded request body, once, here, for every route: each
// string, *string, []string and optional string, in nested objects and
// arrays of them, brought to NFC in place, or refused with a 400 that
// names the field as the JSON body does (summary, sanction.basis,
// overrides[0].reason, roles[1]). Line breaks and tabs are allowed in the
// multi-line fields only (text.Multiline: content, detail, comment, note,
// text, reason, basis). A field tagged text:"-" is a secret (a password),
// compared byte for byte, not a text. Services then check lengths and
// meanings; the characters are settled before they run.
func cleanText(dst any) error {
	fault := &errs.Validation{}
	walkText(reflect.ValueOf(dst).Elem(), "", "", fault)
	return fault.Err()
}

func walkText(v reflect.Value, path, leaf string, fault *errs.Validation) {
	switch v.Kind() {
	case reflect.String:
		s, f := text.Normalize(v.String(), text.Multiline(leaf))
		if f.Kind != text.OK {
			fault.Add(path, "%s", f.Msg())
			return
		}
		v.SetString(s)
	case reflect.Pointer:
		if !v.IsNil() {
			walkText(v.Elem(), path, leaf, fault)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", leaf, fault)
		}
	case reflect.Struct:
		t := v.Type()
		if t.PkgPath() == thisPackage && strings.HasPrefix(t.Name(), "optional[") {
			walkText(v.FieldByName("Value"), path, leaf, fault)
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || f.Tag.Get("text") == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walkText(v.Field(i), path, leaf, fault)
				continue
			}
			if name == "" {
				name = f.Name
			}
			sub := name
			if path != "" {
				sub = path + "." + name
			}
			walkText(v.Field(i), sub, name, fault)
		}
	}
}
