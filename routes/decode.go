package routes

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"efile/models"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
)

// jsonError turns a decoding error into invalid_json (malformed, unknown
// field, wrong JSON type such as 85.0 or "85" for an integer, empty), or
// passes a body over the limit through as payload_too_large.
func jsonError(err error) error {
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
		mb *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mb):
		return err
	case errors.Is(err, io.EOF):
		return &badJSON{msg: errs.M("the body is empty; a JSON object is required")}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &badJSON{msg: errs.M("the body is not complete JSON")}
	case errors.As(err, &se):
		return &badJSON{msg: errs.M("malformed JSON at byte %d", se.Offset)}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return &badJSON{msg: errs.M("a JSON object is required, not %s", te.Value)}
		}
		return &badJSON{field: field, msg: errs.M("%s must be a JSON %s, not %s", field, jsonKind(te.Type.String()), te.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &badJSON{field: f, msg: errs.M("unknown field %q", f)}
	}
	return &badJSON{msg: errs.M("the body is not valid JSON")}
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "integer"
	case strings.Contains(goType, "float"):
		return "number"
	case strings.Contains(goType, "bool"):
		return "boolean"
	case strings.Contains(goType, "string"):
		return "string"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	}
	return "object"
}

// optional is a patch field: Set when present in the body; Value nil when
// present as null (clear it).
type optional[T any] struct {
	Set   bool
	Value *T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &json.UnmarshalTypeError{Value: te.Value, Type: te.Type}
		}
		return err
	}
	o.Value = &v
	return nil
}

// pathID reads a positive integer id from the path; anything else is treated
// as an id that does not exist.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, errs.NotFound("object")
	}
	return id, nil
}

// list is the list envelope of SPEC section 3.
type list[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

func newList[T any, M any](rows []M, total int64, p models.Page, conv func(*M) T) list[T] {
	out := list[T]{Items: make([]T, 0, len(rows)), Total: total, Page: p.Number, PageSize: p.Size}
	for i := range rows {
		out.Items = append(out.Items, conv(&rows[i]))
	}
	return out
}
