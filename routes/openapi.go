package routes

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The OpenAPI document is generated from the route table (table.go):
// request and response schemas are reflected from the DTO types the
// handlers decode and encode, and who may use a route is read from the
// casbin policy itself, so neither can drift from the code.

// rawBody is a body that is not JSON: an upload, a workbook, metrics text.
type rawBody struct {
	MediaType string
	Schema    map[string]any
}

var (
	docXLSX = rawBody{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		map[string]any{"type": "string", "format": "binary"}}
	docUpload = rawBody{"multipart/form-data", map[string]any{"type": "object", "required": []string{"file"},
		"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary",
			"description": "CSV (UTF-8 or GB18030) or XLSX, at most 10 MiB"}}}}
	docText = rawBody{"text/plain", map[string]any{"type": "string"}}
)

// openAPIDoc builds the OpenAPI 3 document of every route (once, when the
// router is built: a policy that cannot be read fails the start).
func (h *handlers) openAPIDoc() ([]byte, error) {
	doc, err := buildDoc(h.table(), h.rolesOf)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

// errorStatuses are the error answers a route documents: those of every
// authenticated route, those that follow from its shape, and its extras.
func (r *route) errorStatuses() []int {
	var out []int
	if !r.Public {
		out = append(out, 400, 401, 403)
	}
	if r.Op.request != nil {
		out = append(out, 400, 413)
	}
	if strings.Contains(r.Path, "/:") {
		out = append(out, 404)
	}
	if r.status() == http.StatusCreated || hasJSONField(r.Op.request, "version") {
		out = append(out, 409)
	}
	out = append(out, r.Errors...)
	out = append(out, 500)
	if !r.Public || strings.HasPrefix(r.Path, "/api/") {
		out = append(out, 503)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var errorResponses = map[int]struct{ name, codes string }{
	400: {"BadRequest", "invalid_json (malformed body, unknown field, wrong JSON type) or validation_failed"},
	401: {"Unauthenticated", "unauthenticated: no valid token, or wrong credentials"},
	403: {"Forbidden", "forbidden: the role may not use this route, or an id in the body is out of scope"},
	404: {"NotFound", "not_found: the object does not exist or is out of the caller's scope"},
	409: {"Conflict", "conflict, version_conflict, invalid_transition, cycle_not_open, already_submitted or quota_exceeded"},
	413: {"PayloadTooLarge", "payload_too_large: body over 1 MiB, upload over 10 MiB"},
	429: {"RateLimited", "rate_limited: too many failed logins, or too many requests of this kind; see Retry-After"},
	500: {"Internal", "internal: quote the X-Request-ID to the administrator"},
	503: {"Unavailable", "unavailable: the database did not answer in time; retry shortly"},
}

var errorCodes = []string{"invalid_json", "validation_failed", "unauthenticated", "forbidden", "not_found",
	"method_not_allowed", "conflict", "version_conflict", "invalid_transition", "cycle_not_open",
	"already_submitted", "quota_exceeded", "grade_forced", "payload_too_large", "rate_limited", "internal", "unavailable"}

// componentNames are the published names of components whose Go type is
// named otherwise (clients are typed by them, web/src/api/types.ts).
var componentNames = map[reflect.Type]string{
	reflect.TypeFor[errorBody]():                 "Error",
	reflect.TypeFor[errorDetail]():               "ErrorDetail",
	reflect.TypeFor[importResponse]():            "ImportReport",
	reflect.TypeFor[importRowResponse]():         "ImportRow",
	reflect.TypeFor[verifyResponse]():            "Verdict",
	reflect.TypeFor[fieldError]():                "FieldError",
	reflect.TypeFor[bulkResponse]():              "BulkResult",
	reflect.TypeFor[overrideResponse]():          "OverrideInfo",
	reflect.TypeFor[progressResponse]():          "Progress",
	reflect.TypeFor[unitProgressResponse]():      "UnitProgress",
	reflect.TypeFor[evaluatorProgressResponse](): "EvaluatorProgress",
	reflect.TypeFor[reasonResponse]():            "Reason",
	reflect.TypeFor[efileAppraisalResponse]():    "Appraisal",
	reflect.TypeFor[efileFlagSummary]():          "FlagSummary",
	reflect.TypeFor[efileVettingResponse]():      "Vetting",
}

func buildDoc(routes []route, rolesOf func(*route) ([]string, error)) (map[string]any, error) {
	s := newSchemas()
	for t, name := range componentNames {
		s.names[t] = name
	}
	s.of(reflect.TypeFor[errorBody]())
	s.comps["ErrorDetail"]["properties"].(map[string]any)["code"] = map[string]any{"type": "string", "enum": errorCodes}

	paths := map[string]map[string]any{}
	for i := range routes {
		r := &routes[i]
		p := oaPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		roles, err := rolesOf(r)
		if err != nil {
			return nil, err
		}
		paths[p][strings.ToLower(r.Method)] = s.operation(r, roles)
	}
	responses := map[string]any{}
	for _, e := range errorResponses {
		responses[e.name] = map[string]any{"description": e.codes, "content": jsonContent(schemaRef("Error"))}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "efile: cadre e-file and evaluation system", "version": "1",
			"description": "JSON in and out; times RFC 3339 UTC, dates YYYY-MM-DD. Every response carries X-Request-ID, X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer; those under /api/v1 carry Cache-Control: no-store."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         s.comps,
			"responses":       responses,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}, nil
}

func (s *schemas) operation(r *route, roles []string) map[string]any {
	desc := "Public: no token needed."
	if !r.Public {
		desc = "Who may use it: " + strings.Join(roles, ", ") + "."
		if r.Scope != "" {
			desc += " " + r.Scope
		}
	}
	op := map[string]any{
		"operationId": operationID(r.Method, r.Path),
		"summary":     r.Summary,
		"description": desc,
		"tags":        []string{docTag(r.Path)},
	}
	if r.Public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{map[string]any{"bearer": []string{}}}
	}
	var params []any
	if r.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
			"description": "A retry with the same key and body within 24 h returns the first response and creates nothing; another body is 409 conflict.",
			"schema":      map[string]any{"type": "string", "maxLength": 255}})
	}
	for _, seg := range strings.Split(r.Path, "/") {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true,
				"schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}})
		}
	}
	for _, q := range r.query() {
		sch := map[string]any{"type": q.Type}
		if q.Type == "date" || q.Type == "date-time" {
			sch = map[string]any{"type": "string", "format": q.Type}
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": sch})
	}
	if params != nil {
		op["parameters"] = params
	}
	if r.Op.request != nil {
		op["requestBody"] = map[string]any{"required": true, "content": s.content(r.Op.request)}
	}
	status := r.status()
	resp := r.Op.response
	if r.Doc != nil {
		resp = r.Doc
	}
	responses := map[string]any{
		strconv.Itoa(status): map[string]any{"description": http.StatusText(status), "content": s.content(resp)},
	}
	for code, body := range r.Other {
		responses[strconv.Itoa(code)] = map[string]any{"description": http.StatusText(code), "content": s.content(body)}
	}
	for _, code := range r.errorStatuses() {
		responses[strconv.Itoa(code)] = map[string]any{"$ref": "#/components/responses/" + errorResponses[code].name}
	}
	op["responses"] = responses
	return op
}

func (s *schemas) content(body any) map[string]any {
	if rb, ok := body.(rawBody); ok {
		return map[string]any{rb.MediaType: map[string]any{"schema": rb.Schema}}
	}
	return jsonContent(s.of(reflect.TypeOf(body)))
}

func jsonContent(schema map[string]any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// oaPath turns a gin template into an OpenAPI one: /users/:id → /users/{id}.
func oaPath(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

// operationID is the method and path in camel case: GET /api/v1/users/:id → getUsersById.
func operationID(method, path string) string {
	id := strings.ToLower(method)
	for _, seg := range strings.FieldsFunc(strings.TrimPrefix(path, "/api/v1"), func(r rune) bool {
		return r == '/' || r == '-' || r == '.' || r == '_'
	}) {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			seg = "by" + docUpper(name)
		}
		id += docUpper(seg)
	}
	return id
}

// tag groups operations by the first segment under /api/v1.
func docTag(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return "operations"
	}
	first, _, _ := strings.Cut(rest, "/")
	return first
}

func docUpper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
