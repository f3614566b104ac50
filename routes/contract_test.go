package routes_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"
)

// The contract: every request a route test sends through the harness
// (app.raw) and every answer it gets are held to the OpenAPI document the
// server publishes, with kin-openapi's validator. A test fails when
//
//   - the server accepts (2xx) a request the document refuses (a field the
//     document requires that the server does not, a bound the server does
//     not keep);
//   - an answer's status is not documented for its operation, or its body
//     does not match the schema documented for that status (a missing
//     required field, a value outside an enum, a field not documented);
//   - an answer carries one of the headers a client acts on (Retry-After,
//     Idempotent-Replayed, Content-Disposition, X-Request-ID) that the
//     document does not declare for that status.
//
// So the document cannot drift from what the server does, as far as the
// route tests drive it.

type contract struct {
	router routers.Router
	doc    *openapi3.T
	err    error
}

var (
	contractOnce sync.Once
	theContract  contract
)

// loadContract reads the document from the router, once per test binary
// (every app serves the same document: it is built from the route table).
func loadContract(r *gin.Engine) contract {
	contractOnce.Do(func() {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/openapi.json", nil))
		if w.Code != 200 {
			theContract.err = fmt.Errorf("GET /openapi.json answered %d", w.Code)
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(w.Body.Bytes())
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err == nil {
			theContract.router, err = gorillamux.NewRouter(doc)
		}
		theContract.doc = doc
		theContract.err = err
	})
	return theContract
}

// headersActedOn are the response headers a client acts on: each one an
// answer carries must be declared for its status.
var headersActedOn = []string{"Retry-After", "Idempotent-Replayed", "Content-Disposition", "X-Request-ID"}

// serve sends req through the router and checks the exchange against the
// document.
func (a *app) serve(req *http.Request) *resp {
	a.t.Helper()
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			a.t.Fatal(err)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	w := httptest.NewRecorder()
	a.r.ServeHTTP(w, req)
	r := &resp{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
	if err := a.checkContract(req, body, r); err != nil {
		a.t.Errorf("contract: %s %s → %d: %v", req.Method, req.URL.RequestURI(), r.Status, err)
	}
	return r
}

var contractOptions = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true,
	MultiError:            true,
}

func (a *app) checkContract(sent *http.Request, body []byte, r *resp) error {
	c := loadContract(a.r)
	if c.err != nil {
		return fmt.Errorf("the document does not load: %w", c.err)
	}
	req := sent.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) > 0 && req.Header.Get("Content-Type") == "" {
		// The server reads a JSON body whatever its Content-Type says (or
		// without one); the document names the media type it is.
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := c.router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		if r.Status == http.StatusMethodNotAllowed {
			return checkError(r, "method_not_allowed")
		}
		if c.templateTakes(req.Method, req.URL.Path) {
			// /cadres/import has no GET, but /cadres/{id} has: the server
			// reads "import" as an id (a 404, or 403 for a role that may
			// not read cadres).
			return nil
		}
		return fmt.Errorf("the document has no such operation, yet the server answered %d", r.Status)
	case err != nil:
		// A path the document does not have (an unknown path, a console
		// file): the server must not serve it as an API route.
		if r.Status < 300 && strings.HasPrefix(req.URL.Path, "/api/") {
			return fmt.Errorf("undocumented path answered %d", r.Status)
		}
		return nil
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: contractOptions}
	if reqErr := openapi3filter.ValidateRequest(context.Background(), in); reqErr != nil {
		if r.Status < 300 {
			return fmt.Errorf("the server accepted a request the document refuses: %v", reqErr)
		}
		logContract("refused by both", sent, r, reqErr)
	} else if r.Status == http.StatusBadRequest {
		logContract("refused by the server only", sent, r, nil)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Body: io.NopCloser(bytes.NewReader(r.Body)), Options: contractOptions}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return err
	}
	if rr := route.Operation.Responses.Status(r.Status); rr != nil && rr.Value != nil {
		for _, h := range headersActedOn {
			if r.Header.Get(h) != "" && rr.Value.Headers[h] == nil {
				return fmt.Errorf("the answer carries %s, which the document does not declare for %d", h, r.Status)
			}
		}
	}
	return nil
}

// templateTakes reports whether a documented path template with a
// parameter matches path and has an operation for method.
func (c contract) templateTakes(method, path string) bool {
	segs := strings.Split(path, "/")
	for tmpl, item := range c.doc.Paths.Map() {
		if item.GetOperation(method) == nil {
			continue
		}
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		match := true
		for i := range ts {
			if ts[i] != segs[i] && !strings.HasPrefix(ts[i], "{") {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// checkError checks an answer that no operation documents (a 405) against
// the error envelope.
func checkError(r *resp, code string) error {
	if r.Header.Get("X-Request-ID") == "" {
		return errors.New("no X-Request-ID")
	}
	if r.Code() != code {
		return fmt.Errorf("code %q, want %q", r.Code(), code)
	}
	if err := theContract.doc.Components.Schemas["Error"].Value.VisitJSON(r.JSON()); err != nil {
		return fmt.Errorf("not the error envelope: %w", err)
	}
	return nil
}

var contractLog struct {
	sync.Mutex
	f *os.File
}

// logContract writes, when EFILE_CONTRACT_LOG names a file, the exchanges
// that only the server or both refused: what the document might still say.
func logContract(what string, req *http.Request, r *resp, err error) {
	path := os.Getenv("EFILE_CONTRACT_LOG")
	if path == "" {
		return
	}
	contractLog.Lock()
	defer contractLog.Unlock()
	if contractLog.f == nil {
		f, ferr := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if ferr != nil {
			return
		}
		contractLog.f = f
	}
	msg := ""
	if err != nil {
		msg = strings.ReplaceAll(err.Error(), "\n", " | ")
	}
	body := string(r.Body)
	if len(body) > 300 {
		body = body[:300]
	}
	fmt.Fprintf(contractLog.f, "%s\t%s %s\t%d %s\t%s\n", what, req.Method, req.URL.Path, r.Status, body, msg)
}

// TestContractCatchesDrift shows the check failing: an answer with a status,
// a field or a header the document does not have is refused.
func TestContractCatchesDrift(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	get := func() *http.Request {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return req
	}
	req := get()
	w := httptest.NewRecorder()
	a.r.ServeHTTP(w, req)
	good := &resp{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
	if err := a.checkContract(get(), nil, good); err != nil {
		t.Fatalf("the real answer fails the contract: %v", err)
	}
	for name, bad := range map[string]*resp{
		"undocumentedStatus": {Status: 418, Header: good.Header, Body: good.Body},
		"extraField":         {Status: 200, Header: good.Header, Body: bytes.Replace(good.Body, []byte("{"), []byte(`{"surprise":1,`), 1)},
		"missingField":       {Status: 200, Header: good.Header, Body: []byte(`{}`)},
		"undeclaredHeader":   {Status: 200, Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"3"}}, Body: good.Body},
	} {
		t.Run(name, func(t *testing.T) {
			if err := a.checkContract(get(), nil, bad); err == nil {
				t.Fatal("the contract let it pass")
			}
		})
	}
	// Bodies the server would accept, but the document refuses: the check
	// must report each (a rule of the document the server does not keep).
	for name, c := range map[string]struct{ path, body string }{
		"missingRequired": {"/api/v1/units", `{"name":"x"}`},
		"badDate":         {"/api/v1/cadres/1/records", `{"occurred_on":"2020/01/02","category":"duty","content":"x"}`},
		"unknownEnum":     {"/api/v1/cadres/1/records", `{"occurred_on":"2020-01-02","category":"other","content":"x"}`},
		"scoreOver100": {"/api/v1/appraisal-cycles/1/appraisals",
			`{"cadre_id":1,"scores":{"morality":101,"ability":1,"diligence":1,"achievement":1,"integrity":1}}`},
		"scoreMissing": {"/api/v1/appraisal-cycles/1/appraisals",
			`{"cadre_id":1,"scores":{"ability":1,"diligence":1,"achievement":1,"integrity":1}}`},
		"unknownField": {"/api/v1/units", `{"name":"x","code":"x","extra":1}`},
	} {
		t.Run("acceptedButRefused/"+name, func(t *testing.T) {
			req := httptest.NewRequest("POST", c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			ok := &resp{Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)}
			err := a.checkContract(req, []byte(c.body), ok)
			if err == nil || !strings.Contains(err.Error(), "accepted a request the document refuses") {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// TestContractOptionalFields sends, for each field the server takes as
// optional, a body without it: the server accepts it, and so must the
// document (the harness's contract fails the test otherwise). These are the
// fields the document once required (issue 16 item 7).
func TestContractOptionalFields(t *testing.T) {
	w := newFlagWorld(t)
	t.Run("flagWithoutDetail", func(t *testing.T) {
		w.fileFlag(w.auditor, with(clueBody(w.a), "detail", nil))
	})
	t.Run("flagPatchWithoutNote", func(t *testing.T) {
		id := w.fileFlag(w.auditor, clueBody(w.a))
		want(t, w.do("PATCH", fmt.Sprintf("/api/v1/flags/%d", id), w.auditor, map[string]any{"status": "verifying", "version": 1}), 200)
	})
	t.Run("amendmentWithoutCategoryAndDate", func(t *testing.T) {
		base := fmt.Sprintf("/api/v1/cadres/%d/records", w.a)
		r := w.do("POST", base, w.rev, map[string]any{"occurred_on": "2024-03-01", "category": "duty", "content": "x"})
		want(t, r, 201)
		want(t, w.do("POST", fmt.Sprintf("%s/%d/amendments", base, r.ID()), w.rev, map[string]any{"content": "y", "reason": "笔误"}), 201)
	})
	t.Run("cadreWithoutTopLeader", func(t *testing.T) {
		b := cadreBody("王五", idFor("19810203", 3), w.unitA)
		delete(b, "is_top_leader")
		want(t, w.do("POST", "/api/v1/cadres", w.rev, b), 201)
	})
	t.Run("finalizeWithoutOverrides", func(t *testing.T) {
		path := w.newCycle("annual", nil)
		w.move(path, "open")
		w.move(path, "close")
		want(t, w.do("POST", path+"/finalize", w.rev, map[string]any{}), 200)
	})
}
