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
	IP       string  `json:"ip"`
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	CadreID  *int64  `json:"cadre_id"`
	Status   int     `json:"status"`
	PrevHash *string `json:"prev_hash"`
	Hash     *string `json:"hash"`
}

func toAccessEntryResponse(e *models.AccessEntry) accessEntryResponse {
	return accessEntryResponse{ID: e.ID, Seq: e.Seq, At: accesslog.FormatAt(e.At), ActorID: e.ActorID, Actor: e.Actor,
		IP: e.IP, Method: e.Method, Path: e.Path, CadreID: e.CadreID, Status: e.Status, PrevHash: e.PrevHash, Hash: e.Hash}
}

// instant reads an RFC 3339 instant or a YYYY-MM-DD date (midnight UTC). For
// an upper bound, a date means the whole day.
func instant(v *errs.Validation, name, s string, upper bool) *time.Time {
	if s == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if upper {
			// Entries are kept to the microsecond: "up to t" is "before
			// t's microsecond ends".
			t = t.Truncate(time.Microsecond).Add(time.Microsecond)
		}
		return bounded(t)
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return bounded(t)
	}
	v.Add(name, "must be an RFC 3339 instant (2026-01-05T08:30:00Z) or a date (2026-01-05)")
	return nil
}

func (h *handlers) listAccessLog(c *gin.Context) (list[accessEntryResponse], error) {
	p, err := page(c)
	v := &errs.Validation{}
	f := accesslog.Filter{Page: p,
		ActorID: queryID(c, v, "actor_id"), CadreID: queryID(c, v, "cadre_id"),
		From: instant(v, "from", c.Query("from"), false), To: instant(v, "to", c.Query("to"), true)}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return list[accessEntryResponse]{}, err
	}
	rows, total, err := h.s.Audit.List(ctx(c), f)
	return newList(rows, total, p, toAccessEntryResponse), err
}

func (h *handlers) verifyAccessLog(c *gin.Context) (*accesslog.Verdict, error) {
	var anchor *accesslog.Anchor
	if s := c.Query("head"); s != "" {
		a, err := accesslog.ParseAnchor(s)
		if err != nil {
			return nil, err
		}
		anchor = a
	}
	v, err := h.s.Audit.SealAndVerify(ctx(c), anchor)
	if v != nil && !v.OK {
		v.Reason = localize(printerFor(c), v.Msg)
	}
	return v, err
}

// bounded keeps a bound within the years a database stores (0001–9999): a
// bound past them (9999-12-31T23:59:59.999999999Z plus a microsecond is in
// year 10000) bounds nothing rather than comparing as a strange string.
func bounded(t time.Time) *time.Time {
	t = t.UTC()
	if t.Year() > 9999 {
		return nil
	}
	if t.Year() < 1 {
		t = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return &t
}
