package routes

import (
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
