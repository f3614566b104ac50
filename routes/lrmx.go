package routes

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"efile/services/errs"
	"efile/services/lrmx"
	"efile/services/sheet"

	"github.com/gin-gonic/gin"
)

// The appointment form as an LRMX file (SPEC section 16): its export and
// its import.

var docLRMX = rawBody{"application/xml", map[string]any{"type": "string", "format": "binary",
	"description": "an LRMX file: UTF-8 XML, root <Person>, the elements of SPEC 16, no DTD, no namespace"}}

// lrmxFileOp serves the download of an LRMX file under its own name. The
// access-log entry (naming the cadre of the path) is written before its
// first byte.
func lrmxFileOp(fn func(c *gin.Context) (*lrmx.File, error)) endpoint {
	return endpoint{response: docLRMX, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			f, err := fn(c)
			if err != nil {
				abort(c, err)
				return
			}
			c.Header("Content-Disposition", sheet.Attachment(f.Name, f.Fallback))
			c.Data(rt.status(), docLRMX.MediaType+"; charset=utf-8", f.Data)
		}
	}}
}

func (h *handlers) getAppointmentForm(c *gin.Context) (*lrmx.File, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.s.LRMX.Export(ctx(c), me(c), id, lrmx.Proposal{Post: c.Query("proposed_post"),
		Removal: c.Query("proposed_removal"), Reason: c.Query("reason")})
}

var docLRMXUpload = rawBody{"multipart/form-data", map[string]any{"type": "object", "required": []string{"file"},
	"properties": map[string]any{
		"file": map[string]any{"type": "string", "format": "binary",
			"description": "an .lrmx file, or a .zip of at most 500 (each at most 2 MiB inflated); at most 10 MiB"},
		"unit_id": map[string]any{"type": "integer", "format": "int64",
			"description": "the unit of the cadres not yet on file (required when a file is of one)"},
		"dry_run": map[string]any{"type": "boolean", "description": "true: check and answer the report without writing anything"},
	}}}

// lrmxUpload is the import's form: the file, and unit_id and dry_run as
// form fields (or query parameters).
type lrmxUpload struct {
	File   *multipart.FileHeader
	UnitID *int64
	DryRun bool
}

type lrmxImportRow struct {
	Line            string   `json:"line"` // the file's name
	Action          string   `json:"action"`
	CadreID         *int64   `json:"cadre_id"`
	Changed         []string `json:"changed"`
	UnknownElements []string `json:"unknown_elements"` // elements efile does not know, ignored
}

type lrmxImportResponse struct {
	Created   int             `json:"created"`
	Updated   int             `json:"updated"`
	Unchanged int             `json:"unchanged"`
	Rows      []lrmxImportRow `json:"rows"`
}

func toLRMXImportResponse(r *lrmx.Report) lrmxImportResponse {
	out := lrmxImportResponse{Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Rows: make([]lrmxImportRow, len(r.Rows))}
	for i, row := range r.Rows {
		out.Rows[i] = lrmxImportRow{Line: row.Line, Action: row.Action, CadreID: row.CadreID, Changed: row.Changed, UnknownElements: row.Unknown}
	}
	return out
}

// lrmxUploadOp serves the import: the multipart form read (the router's
// 10 MiB limit applies), its fields checked, and the call fingerprinted by
// the file and the fields for Idempotency-Key.
func lrmxUploadOp(fn func(c *gin.Context, in *lrmxUpload) (lrmxImportResponse, error)) endpoint {
	return endpoint{request: docLRMXUpload, response: lrmxImportResponse{}, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			in, fp, err := readLRMXUpload(c)
			if err != nil {
				abort(c, err)
				return
			}
			h.respond(c, rt, fp, func(c *gin.Context) (any, error) { return fn(c, in) })
		}
	}}
}

func readLRMXUpload(c *gin.Context) (*lrmxUpload, string, error) {
	form, err := c.MultipartForm()
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, "", err
		}
		return nil, "", errs.Invalid("file", "upload the .lrmx file, or a .zip of them, as multipart/form-data in the field \"file\"")
	}
	if len(form.File["file"]) != 1 {
		return nil, "", errs.Invalid("file", "upload exactly one .lrmx file, or one .zip of them, in the field \"file\"")
	}
	fh, fp, err := uploadedFile(c)
	if err != nil {
		return nil, "", err
	}
	value := func(name string) string {
		if v, ok := c.GetPostForm(name); ok {
			return v
		}
		return c.Query(name)
	}
	v := &errs.Validation{}
	in := &lrmxUpload{File: fh}
	if s := value("unit_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			v.Add("unit_id", "must be a positive integer")
		}
		in.UnitID = &n
	}
	if s := value("dry_run"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			v.Add("dry_run", "must be true or false")
		}
		in.DryRun = b
	}
	sum := sha256.Sum256([]byte(fp + "\x00" + value("unit_id") + "\x00" + strconv.FormatBool(in.DryRun)))
	return in, hex.EncodeToString(sum[:]), v.Err()
}

func (h *handlers) importLRMX(c *gin.Context, in *lrmxUpload) (lrmxImportResponse, error) {
	f, err := in.File.Open()
	if err != nil {
		return lrmxImportResponse{}, err
	}
	defer f.Close()
	rep, err := h.s.LRMX.Import(ctx(c), me(c), lrmx.Upload{File: f, Size: in.File.Size, Name: in.File.Filename,
		UnitID: in.UnitID, DryRun: in.DryRun})
	if err != nil {
		return lrmxImportResponse{}, err
	}
	return toLRMXImportResponse(rep), nil
}
