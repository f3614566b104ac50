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
	"description": "an LRMX file: UTF-8 XML, root <Person>, the elements of SPEC 16, no DTD, no namespace"}, true}

// lrmxFileOp serves the download of an LRMX file under its own name. The
// access-log entry (naming the cadre of the path) is written before its
// first byte.
func lrmxFileOp[In any](fn func(c *gin.Context, in *In) (*lrmx.File, error)) endpoint {
	var in In
	return endpoint{response: docLRMX, input: in, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			var in In
			if err := bind(c, &in); err != nil {
				abort(c, err)
				return
			}
			f, err := fn(c, &in)
			if err != nil {
				abort(c, err)
				return
			}
			c.Header("Content-Disposition", sheet.Attachment(f.Name, f.Fallback))
			c.Data(rt.status(), docLRMX.MediaType+"; charset=utf-8", f.Data)
		}
	}}
}

type appointmentFormQuery struct {
	CadreID         int64  `path:"id"`
	ProposedPost    string `query:"proposed_post" doc:"拟任职务: the post proposed (at most 200 characters)"`
	ProposedRemoval string `query:"proposed_removal" doc:"拟免职务: the post to be removed from (at most 200 characters)"`
	Reason          string `query:"reason" doc:"任免理由: the reason (at most 1000 characters)"`
}

func (h *handlers) getAppointmentForm(c *gin.Context, in *appointmentFormQuery) (*lrmx.File, error) {
	return h.s.LRMX.Export(ctx(c), me(c), in.CadreID, lrmx.Proposal{Post: in.ProposedPost,
		Removal: in.ProposedRemoval, Reason: in.Reason})
}

var docLRMXUpload = rawBody{MediaType: "multipart/form-data", Schema: map[string]any{"type": "object", "required": []string{"file"},
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
	DryRun *bool  `query:"dry_run" doc:"true: check and answer the report without writing anything (also a form field)"`
	UnitID *int64 `query:"unit_id" doc:"the unit of cadres not yet on file (also a form field)"`
}

type lrmxImportRow struct {
	Line            string   `json:"line"` // the file's name
	Action          string   `json:"action" enum:"import_actions"`
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
	return endpoint{request: docLRMXUpload, response: lrmxImportResponse{}, input: lrmxUpload{}, serve: func(h *handlers, rt *route) gin.HandlerFunc {
		return func(c *gin.Context) {
			in, fp, err := readLRMXUpload(c)
			if err != nil {
				abort(c, err)
				return
			}
			h.respond(c, rt, fp, showsOf[lrmxImportResponse], func(c *gin.Context) (any, error) { return fn(c, in) })
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
	in := &lrmxUpload{File: fh}
	if err := bindFrom(c, in, value); err != nil {
		return nil, "", err
	}
	dryRun := in.DryRun != nil && *in.DryRun
	sum := sha256.Sum256([]byte(fp + "\x00" + value("unit_id") + "\x00" + strconv.FormatBool(dryRun)))
	return in, hex.EncodeToString(sum[:]), nil
}

func (h *handlers) importLRMX(c *gin.Context, in *lrmxUpload) (lrmxImportResponse, error) {
	f, err := in.File.Open()
	if err != nil {
		return lrmxImportResponse{}, err
	}
	defer f.Close()
	rep, err := h.s.LRMX.Import(ctx(c), me(c), lrmx.Upload{File: f, Size: in.File.Size, Name: in.File.Filename,
		UnitID: in.UnitID, DryRun: in.DryRun != nil && *in.DryRun})
	if err != nil {
		return lrmxImportResponse{}, err
	}
	return toLRMXImportResponse(rep), nil
}
