package routes

import (
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
)

type accessEntryResponse struct {
	ID       int64   `json:"id"`
	Seq      *int64  `json:"seq"`
	At       string  `json:"at"`
	ActorID  int64   `json:"actor_id"`
	Actor    string  `json:"actor"`
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	CadreID  *int64  `json:"cadre_id"`
	Status   int     `json:"status"`
	PrevHash *string `json:"prev_hash"`
	Hash     *string `json:"hash"`
}

func toAccessEntryResponse(e *models.AccessEntry) accessEntryResponse {
	return accessEntryResponse{ID: e.ID, Seq: e.Seq, At: accesslog.FormatAt(e.At), ActorID: e.ActorID, Actor: e.Actor,
		Method: e.Method, Path: e.Path, CadreID: e.CadreID, Status: e.Status, PrevHash: e.PrevHash, Hash: e.Hash}
}

// instant reads an RFC 3339 instant or a YYYY-MM-DD date (midnight UTC). For
// an upper bound, a date means the whole day.
func instant(v *errs.Validation, name, s string, upper bool) *time.Time {
	if s == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if upper {
			t = t.Add(time.Microsecond)
		}
		return &t
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return &t
	}
	v.Add(name, "must be an RFC 3339 instant (2026-01-05T08:30:00Z) or a date (2026-01-05)")
	return nil
}

func (h *handlers) listAccessLog(c *gin.Context) {
	p, err := page(c)
	v := &errs.Validation{}
	f := accesslog.Filter{Page: p,
		ActorID: queryID(c, v, "actor_id"), CadreID: queryID(c, v, "cadre_id"),
		From: instant(v, "from", c.Query("from"), false), To: instant(v, "to", c.Query("to"), true)}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		abort(c, err)
		return
	}
	rows, total, err := h.d.Audit.List(ctx(c), f)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, newList(rows, total, p, toAccessEntryResponse))
}

func (h *handlers) verifyAccessLog(c *gin.Context) {
	var anchor *accesslog.Anchor
	if s := c.Query("head"); s != "" {
		a, err := accesslog.ParseAnchor(s)
		if err != nil {
			abort(c, err)
			return
		}
		anchor = a
	}
	// Entries written up to now are sealed first, so the verdict covers them.
	if _, err := h.d.Audit.Seal(ctx(c)); err != nil {
		abort(c, err)
		return
	}
	v, err := h.d.Audit.Verify(ctx(c), anchor)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, v)
}
