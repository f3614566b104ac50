package routes

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"reflect"
	"sort"

	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/errs"
	"efile/services/idempotency"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

// endpoint is how a route is served, and the types it reads and writes (for
// the OpenAPI document). Handlers are written as plain functions of their
// input struct (path ids, query parameters and, for a route with one, the
// JSON body: bind.go) that return their response DTO or an error; the
// adapters below do the decoding, binding, the success status, idempotency
// and encoding once.
type endpoint struct {
	request, response any
	input             any // the handler's input struct: its path and query fields
	serve             func(h *handlers, rt *route) gin.HandlerFunc
}

// jsonOp serves a route with a JSON body: decode In strictly (400), bind
// its path and query fields, call fn, answer Out with the route's success
// status.
func jsonOp[In, Out any](fn func(c *gin.Context, in *In) (Out, error)) endpoint {
	var in In
	var out Out
	return endpoint{request: in, response: out, input: in, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			body, err := io.ReadAll(c.Request.Body)
			if err != nil {
				abort(c, jsonError(err))
				return
			}
			var in In
			if err := decodeBytes(body, &in); err != nil {
				abort(c, err)
				return
			}
			if err := cleanInput(&in, h.s.Today()); err != nil {
				abort(c, err)
				return
			}
			if err := bind(c, &in); err != nil {
				abort(c, err)
				return
			}
			sum := sha256.Sum256(body)
			h.respond(c, rt, hex.EncodeToString(sum[:]), showsOf[Out], func(c *gin.Context) (any, error) { return fn(c, &in) })
		}
	}}
}

// answer turns a service's (object, error) into a handler's (response,
// error) by to: answer(toXResponse)(h.s.X.Get(...)).
func answer[T, R any](to func(T) R) func(T, error) (R, error) {
	return func(v T, err error) (R, error) {
		if err != nil {
			var zero R
			return zero, err
		}
		return to(v), nil
	}
}

// readOp serves a route without a body (a read, or a change such as logout
// that needs none): bind In's path and query fields, call fn.
func readOp[In, Out any](fn func(c *gin.Context, in *In) (Out, error)) endpoint {
	var in In
	var out Out
	return endpoint{response: out, input: in, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			var in In
			if err := bind(c, &in); err != nil {
				abort(c, err)
				return
			}
			h.respond(c, rt, "", showsOf[Out], func(c *gin.Context) (any, error) { return fn(c, &in) })
		}
	}}
}

// uploadOp serves a multipart upload of one file in the field "file".
func uploadOp[In, Out any](fn func(c *gin.Context, in *In, file *multipart.FileHeader) (Out, error)) endpoint {
	var in In
	var out Out
	return endpoint{request: docUpload, response: out, input: in, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			fh, fp, err := uploadedFile(c)
			if err != nil {
				abort(c, err)
				return
			}
			var in In
			if err := bind(c, &in); err != nil {
				abort(c, err)
				return
			}
			h.respond(c, rt, fp, showsOf[Out], func(c *gin.Context) (any, error) { return fn(c, &in, fh) })
		}
	}}
}

// workbookOp serves a workbook download: fn builds the (streamed) workbook
// of the object the path names, the adapter sends it under the workbook's
// own file name. The access-log entry is written before its first byte.
func workbookOp[In any](fn func(c *gin.Context, in *In) (*sheet.Book, error)) endpoint {
	var in In
	return endpoint{response: docXLSX, input: in, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			var in In
			if err := bind(c, &in); err != nil {
				abort(c, err)
				return
			}
			wb, err := fn(c, &in)
			if err != nil {
				abort(c, err)
				return
			}
			defer wb.Close()
			c.Header("Content-Type", docXLSX.MediaType)
			// NAME-YYYYMMDD.xlsx in Chinese, with an ASCII fallback for
			// clients that know only the filename parameter (RFC 6266).
			c.Header("Content-Disposition", wb.ContentDisposition())
			c.Status(rt.status())
			if err := wb.Write(c.Writer); err != nil {
				logger(c).Error("write workbook", "err", err.Error())
			}
		}
	}}
}

// rawOp serves a route whose handler writes its own answer (a workbook, the
// metrics text).
func rawOp(fn func(h *handlers) gin.HandlerFunc, response any) endpoint {
	return endpoint{response: response, serve: func(h *handlers, rt *route) gin.HandlerFunc { return fn(h) }}
}

// respond runs a route's call and answers it. The route's success status is
// set on the request first, so the transaction that carries a change writes
// its access-log entry with it. With an Idempotency-Key on a route that
// takes one, the call runs through the idempotency store: a retry gets the
// first answer, and a deadlock reruns the call with the same decoded input.
func (h *handlers) respond(c *gin.Context, rt *route, fingerprint string, shows func([]byte) (idempotency.Shows, error),
	call func(c *gin.Context) (any, error)) {
	status := rt.status()
	req := accesslog.ReqFrom(c.Request.Context())
	req.SetSuccess(status)
	key := c.GetHeader("Idempotency-Key")
	if !rt.Idempotent || key == "" {
		out, err := call(c)
		if err != nil {
			abort(c, err)
			return
		}
		c.JSON(status, out)
		return
	}
	if err := idempotency.CheckKey(key); err != nil {
		abort(c, err)
		return
	}
	orig := c.Request
	resp, replayed, err := h.s.Idempotency.Do(orig.Context(), me(c), idempotency.Key{UserID: me(c).ID,
		Route: c.Request.URL.Path, Key: key, Fingerprint: fingerprint, Shows: shows},
		func(ctx context.Context) (idempotency.Response, error) {
			c.Request = orig.WithContext(ctx)
			defer func() { c.Request = orig }()
			out, err := call(c)
			if err != nil {
				return idempotency.Response{}, err
			}
			b, err := json.Marshal(out)
			return idempotency.Response{Status: status, Body: b, CadreID: req.CadreID()}, err
		})
	c.Request = orig
	if err != nil {
		abort(c, err)
		return
	}
	if replayed {
		if resp.CadreID != nil {
			req.SetCadre(*resp.CadreID)
		}
		c.Header("Idempotent-Replayed", "true")
	}
	c.Data(resp.Status, "application/json; charset=utf-8", resp.Body)
}

// shower is the response of an idempotent route: it says what objects it
// shows, so that a replay of it from the store shows them again only to a
// caller who may still read them (whatever purpose the request served).
// routes.New refuses an idempotent route whose response is not one.
type shower interface{ shows() idempotency.Shows }

// showsOf reads a kept body back as the route's answer Out and says what
// it shows.
func showsOf[Out any](body []byte) (idempotency.Shows, error) {
	var out Out
	if err := json.Unmarshal(body, &out); err != nil {
		return idempotency.Shows{}, err
	}
	sh, ok := any(out).(shower)
	if !ok {
		return idempotency.Shows{}, fmt.Errorf("%T does not say what it shows", out)
	}
	return sh.shows(), nil
}

// showsOne is what a response showing one object of kind k shows.
func showsOne(k authz.Kind, id int64) idempotency.Shows {
	return idempotency.Shows{Kind: k, IDs: []int64{id}}
}

func (r userResponse) shows() idempotency.Shows       { return showsOne(authz.KindUser, r.ID) }
func (r unitResponse) shows() idempotency.Shows       { return showsOne(authz.KindUnit, r.ID) }
func (r cadreResponse) shows() idempotency.Shows      { return showsOne(authz.KindCadre, r.ID) }
func (r recordResponse) shows() idempotency.Shows     { return showsOne(authz.KindRecord, r.ID) }
func (r flagDetailResponse) shows() idempotency.Shows { return showsOne(authz.KindFlag, r.ID) }
func (r vettingResponse) shows() idempotency.Shows    { return showsOne(authz.KindVetting, r.ID) }
func (r cycleResponse) shows() idempotency.Shows      { return showsOne(authz.KindCycle, r.ID) }
func (r assignmentResponse) shows() idempotency.Shows { return showsOne(authz.KindAssignment, r.ID) }
func (r appraisalResponse) shows() idempotency.Shows  { return showsOne(authz.KindAppraisal, r.ID) }
func (r reviewResponse) shows() idempotency.Shows     { return showsOne(authz.KindDossierReview, r.ID) }
func (r regradeResponse) shows() idempotency.Shows    { return showsOne(authz.KindResult, r.CadreID) }
func (r mattersResponse) shows() idempotency.Shows    { return showsOne(authz.KindMattersCheck, r.ID) }
func (r opinionResponse) shows() idempotency.Shows    { return showsOne(authz.KindOpinion, r.ID) }

func (r vetBatchResponse) shows() idempotency.Shows {
	out := idempotency.Shows{Kind: authz.KindVetting, IDs: make([]int64, len(r.Items))}
	for i, it := range r.Items {
		out.IDs[i] = it.ID
	}
	return out
}

// An import (a roster, appointment forms) shows the cadres it created or
// updated (a dry run's new rows have no id yet): cadre reads each row's.
func importShows[Row any](rows []Row, cadre func(*Row) *int64) idempotency.Shows {
	out := idempotency.Shows{Kind: authz.KindCadre}
	for i := range rows {
		if id := cadre(&rows[i]); id != nil {
			out.IDs = append(out.IDs, *id)
		}
	}
	return out
}

func (r importResponse) shows() idempotency.Shows {
	return importShows(r.Rows, func(row *importRowResponse) *int64 { return row.CadreID })
}

func (r lrmxImportResponse) shows() idempotency.Shows {
	return importShows(r.Rows, func(row *lrmxImportRow) *int64 { return row.CadreID })
}

// uploadedFile reads the multipart upload and fingerprints it by its files'
// names and contents, not its raw bytes: a client's retry picks a new
// multipart boundary, and that must not count as another body.
func uploadedFile(c *gin.Context) (*multipart.FileHeader, string, error) {
	form, err := c.MultipartForm()
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, "", err
		}
		return nil, "", errs.Invalid("file", "upload the roster as multipart/form-data in the field \"file\" (CSV or XLSX)")
	}
	files := form.File["file"]
	if len(files) != 1 {
		return nil, "", errs.Invalid("file", "upload exactly one roster file in the field \"file\" (CSV or XLSX)")
	}
	h := sha256.New()
	names := make([]string, 0, len(form.File))
	for name := range form.File {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, fh := range form.File[name] {
			f, err := fh.Open()
			if err != nil {
				return nil, "", err
			}
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00", name, fh.Filename, fh.Size)
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return nil, "", err
			}
		}
	}
	return files[0], hex.EncodeToString(h.Sum(nil)), nil
}

// decodeBytes reads a JSON body strictly: unknown fields, wrong JSON types,
// trailing data and an empty body are invalid_json.
func decodeBytes(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badJSON{msg: errs.M("the body must hold exactly one JSON object")}
	}
	return nil
}

// typeOf is the reflect type of a doc value, nil for none.
func typeOf(v any) reflect.Type {
	if v == nil {
		return nil
	}
	return reflect.TypeOf(v)
}
