package routes

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"efile/services/accesslog"
	"efile/services/cadre"
)

// The OpenAPI document is built from the table below: one row per route the
// router registers. Request and response schemas are reflected from the DTO
// types the handlers decode and encode, so a renamed field shows up here
// without anyone editing the document. openapi_test.go fails when a route is
// registered without a row here, or a row names a route that does not exist.

// docRoute describes one route.
type docRoute struct {
	Method   string
	Path     string // gin template, e.g. /api/v1/users/:id
	Summary  string
	Roles    string // who may use it (policies/policy.csv), as text
	Request  any    // zero value of the request DTO, or nil for no body
	Response any    // zero value of the response DTO
	Status   int    // success status: 201 for creates, else 200
	Query    []param
	Public   bool        // no bearer token needed
	Errors   []int       // error statuses beyond the ones derived in errorStatuses
	Other    map[int]any // other answers with their own body, e.g. readyz 503
}

// param is a query parameter. Type is a JSON Schema type, or "date" /
// "date-time" for strings of that format.
type param struct {
	Name, Type, Description string
}

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
)

// Bodies the handlers write with gin.H are described by anonymous structs,
// which become inline schemas.
type (
	docStatus = struct {
		Status string `json:"status"`
	}
	docUnready = struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}
)

// Who may use a route, as policies/policy.csv grants it.
const (
	docEveryRole    = "every role"
	docAdmin        = "admin"
	docUnitReaders  = "admin, org_reviewer, evaluator, auditor"
	docSecAuditor   = "security_auditor"
	docReviewer     = "org_reviewer"
	docCadreReaders = "org_reviewer, evaluator (cadres in scope)"
)

func pagedQuery(ps ...param) []param {
	return append([]param{
		{"page", "integer", "page number, from 1 (default 1)"},
		{"page_size", "integer", "items per page (default 50; above 200 is clamped to 200)"},
	}, ps...)
}

var apiDoc = []docRoute{
	{Method: "GET", Path: "/healthz", Summary: "The process is up", Response: docStatus{}, Public: true},
	{Method: "GET", Path: "/readyz", Summary: "The database is reachable", Response: docStatus{}, Public: true,
		Other: map[int]any{503: docUnready{}}},
	{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics (route templates only)", Public: true,
		Response: rawBody{"text/plain", map[string]any{"type": "string"}}},
	{Method: "GET", Path: "/openapi.json", Summary: "This document", Response: map[string]any{}, Public: true},

	{Method: "POST", Path: "/api/v1/auth/login", Summary: "Sign in", Public: true,
		Request: loginRequest{}, Response: loginResponse{}, Errors: []int{401, 429}},
	{Method: "POST", Path: "/api/v1/auth/logout", Summary: "Revoke the token of this request", Roles: docEveryRole,
		Response: struct {
			Revoked bool `json:"revoked"`
		}{}},
	{Method: "GET", Path: "/api/v1/me", Summary: "The signed-in user", Roles: docEveryRole, Response: sessionUser{}},
	{Method: "POST", Path: "/api/v1/me/password", Summary: "Change one's own password (revokes every other token of the user; a wrong current password counts toward the login lockout)", Roles: docEveryRole,
		Errors: []int{429}, Request: passwordRequest{}, Response: struct {
			Changed bool `json:"changed"`
		}{}},

	{Method: "POST", Path: "/api/v1/users", Summary: "Create a user", Roles: docAdmin,
		Request: createUserRequest{}, Response: userResponse{}, Status: 201},
	{Method: "GET", Path: "/api/v1/users", Summary: "List users", Roles: docAdmin,
		Response: list[userResponse]{}, Query: pagedQuery()},
	{Method: "GET", Path: "/api/v1/users/:id", Summary: "Read a user", Roles: docAdmin, Response: userResponse{}},
	{Method: "PATCH", Path: "/api/v1/users/:id", Summary: "Change a user's roles, state, links or password", Roles: docAdmin,
		Request: updateUserRequest{}, Response: userResponse{}},

	{Method: "POST", Path: "/api/v1/units", Summary: "Create a unit", Roles: docAdmin,
		Request: createUnitRequest{}, Response: unitResponse{}, Status: 201},
	{Method: "GET", Path: "/api/v1/units", Summary: "List units", Roles: docUnitReaders,
		Response: list[unitResponse]{}, Query: pagedQuery(param{"parent_id", "integer", "only this unit and every unit under it"})},
	{Method: "GET", Path: "/api/v1/units/:id", Summary: "Read a unit", Roles: docUnitReaders, Response: unitResponse{}},

	{Method: "GET", Path: "/api/v1/access-log", Summary: "List access-log entries", Roles: docSecAuditor,
		Response: list[accessEntryResponse]{}, Query: pagedQuery(
			param{"actor_id", "integer", "entries of this user"},
			param{"cadre_id", "integer", "entries that read or changed this cadre"},
			param{"from", "string", "from this RFC 3339 instant or date (YYYY-MM-DD), inclusive"},
			param{"to", "string", "up to this RFC 3339 instant or date (the whole day), inclusive"})},
	{Method: "GET", Path: "/api/v1/access-log/verify", Summary: "Verify the hash chain of the access log", Roles: docSecAuditor,
		Response: accesslog.Verdict{}, Query: []param{{"head", "string",
			"HASH@SEQ: a head hash copied elsewhere, to detect entries removed from the end"}}},

	{Method: "POST", Path: "/api/v1/cadres", Summary: "Register a cadre (Idempotency-Key accepted)", Roles: docReviewer,
		Request: createCadreRequest{}, Response: cadreResponse{}, Status: 201},
	{Method: "GET", Path: "/api/v1/cadres", Summary: "List cadres in scope; an auditor's look-up (q required, at most 20, few fields; by whole ID number 30 a minute)",
		Roles: "org_reviewer, evaluator, auditor", Errors: []int{429}, Response: list[cadreResponse]{}, Query: pagedQuery(
			param{"unit_id", "integer", "cadres of this unit and its sub-units"},
			param{"q", "string", "part of a name, or a whole ID number; required for auditors (at least two characters)"},
			param{"is_top_leader", "boolean", "only top leaders (一把手), or only the others"},
			param{"status", "string", "active, retired or left"})},
	{Method: "POST", Path: "/api/v1/cadres/import", Summary: "Import a roster (CSV or XLSX): every row validated first, then all written in one transaction",
		Roles: docReviewer, Request: docUpload, Response: cadre.ImportResult{}, Errors: []int{429}},
	{Method: "GET", Path: "/api/v1/cadres/:id", Summary: "Read a cadre", Roles: docCadreReaders, Response: cadreResponse{}},
	{Method: "PATCH", Path: "/api/v1/cadres/:id", Summary: "Change a cadre's profile or status (with version)", Roles: docReviewer,
		Request: updateCadreRequest{}, Response: cadreResponse{}},
	{Method: "POST", Path: "/api/v1/cadres/:id/records", Summary: "Add a performance record (Idempotency-Key accepted)", Roles: docCadreReaders,
		Request: createRecordRequest{}, Response: recordResponse{}, Status: 201},
	{Method: "GET", Path: "/api/v1/cadres/:id/records", Summary: "List a cadre's records, newest occurred_on first", Roles: docCadreReaders,
		Response: list[recordResponse]{}, Query: pagedQuery(
			param{"category", "string", "one category"},
			param{"from", "string", "occurred on or after this date (YYYY-MM-DD)"},
			param{"to", "string", "occurred on or before this date (YYYY-MM-DD)"},
			param{"include_superseded", "boolean", "also list records that an amendment superseded"})},
	{Method: "GET", Path: "/api/v1/cadres/:id/records/:rid", Summary: "Read one record", Roles: docCadreReaders, Response: recordResponse{}},
	{Method: "POST", Path: "/api/v1/cadres/:id/records/:rid/amendments", Summary: "Correct a record: a new record that supersedes it (Idempotency-Key accepted)",
		Roles: docCadreReaders, Request: amendRecordRequest{}, Response: recordResponse{}, Status: 201},
	{Method: "GET", Path: "/api/v1/cadres/:id/efile", Summary: "The cadre's e-file", Roles: docReviewer, Response: efileResponse{}},
	{Method: "GET", Path: "/api/v1/cadres/:id/efile.xlsx", Summary: "The cadre's e-file as an Excel workbook", Roles: docReviewer, Response: docXLSX, Errors: []int{429}},
}

// errorStatuses are the error answers a route documents: those of every
// authenticated route, those that follow from its shape, and its extras.
func (r docRoute) errorStatuses() []int {
	var out []int
	if !r.Public {
		out = append(out, 400, 401, 403)
	}
	if r.Request != nil {
		out = append(out, 400, 413)
	}
	if strings.Contains(r.Path, "/:") {
		out = append(out, 404)
	}
	if r.Status == http.StatusCreated || hasJSONField(r.Request, "version") {
		out = append(out, 409)
	}
	out = append(out, r.Errors...)
	out = append(out, 500)
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
	429: {"RateLimited", "rate_limited: too many failed logins of this username from this address, or over the route's rate limit (Retry-After gives the seconds to wait)"},
	500: {"Internal", "internal: quote the X-Request-ID to the administrator"},
}

var errorCodes = []string{"invalid_json", "validation_failed", "unauthenticated", "forbidden", "not_found",
	"method_not_allowed", "conflict", "version_conflict", "invalid_transition", "cycle_not_open",
	"already_submitted", "quota_exceeded", "payload_too_large", "rate_limited", "internal"}

// openAPIDoc returns the OpenAPI 3 document of every route.
var openAPIDoc = sync.OnceValue(func() []byte {
	b, err := json.Marshal(buildDoc(apiDoc))
	if err != nil {
		panic(err)
	}
	return b
})

func buildDoc(routes []docRoute) map[string]any {
	s := newSchemas()
	s.names[reflect.TypeFor[errorBody]()] = "Error"
	s.names[reflect.TypeFor[errorDetail]()] = "ErrorDetail"
	s.of(reflect.TypeFor[errorBody]())
	s.comps["ErrorDetail"]["properties"].(map[string]any)["code"] = map[string]any{"type": "string", "enum": errorCodes}

	paths := map[string]map[string]any{}
	for _, r := range routes {
		p := oaPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = s.operation(r)
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
	}
}

func (s *schemas) operation(r docRoute) map[string]any {
	desc := "Public: no token needed."
	if !r.Public {
		desc = "Who may use it: " + r.Roles + "."
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
	if r.Method == "POST" && (r.Status == 201 || strings.HasSuffix(r.Path, "/import")) {
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
	for _, q := range r.Query {
		sch := map[string]any{"type": q.Type}
		if q.Type == "date" || q.Type == "date-time" {
			sch = map[string]any{"type": "string", "format": q.Type}
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": sch})
	}
	if params != nil {
		op["parameters"] = params
	}
	if r.Request != nil {
		op["requestBody"] = map[string]any{"required": true, "content": s.content(r.Request)}
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	responses := map[string]any{
		strconv.Itoa(status): map[string]any{"description": http.StatusText(status), "content": s.content(r.Response)},
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

func schemaRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schemas reflects Go types into JSON Schemas, collecting struct types as
// named components.
type schemas struct {
	comps map[string]map[string]any
	names map[reflect.Type]string
	taken map[string]reflect.Type
}

func newSchemas() *schemas {
	return &schemas{comps: map[string]map[string]any{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}}
}

// fixedSchemas are types whose JSON is not what their Go kind suggests.
var fixedSchemas = map[reflect.Type]map[string]any{
	reflect.TypeFor[time.Time](): {"type": "string", "format": "date-time"},
}

var thisPackage = reflect.TypeFor[docRoute]().PkgPath()

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
	obj := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

// fields adds the JSON fields of struct t as encoding/json sees them. A field
// is required unless it is omitempty, a pointer or an optional.
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
		props[name] = s.of(f.Type)
		optionalField := f.Type.Kind() == reflect.Pointer ||
			(f.Type.PkgPath() == thisPackage && strings.HasPrefix(f.Type.Name(), "optional["))
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && !optionalField {
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
