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
	At       string  `json:"at" format:"date-time"`
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

type listAccessLogQuery struct {
	paging
	ActorID *int64 `query:"actor_id" doc:"entries of this user"`
	CadreID *int64 `query:"cadre_id" doc:"entries that read or changed this cadre"`
	From    string `query:"from" doc:"from this RFC 3339 instant or date (YYYY-MM-DD), inclusive"`
	To      string `query:"to" doc:"up to this RFC 3339 instant or date (the whole day), inclusive"`
}

func (h *handlers) listAccessLog(c *gin.Context, in *listAccessLogQuery) (list[accessEntryResponse], error) {
	v := &errs.Validation{}
	f := accesslog.Filter{Page: in.page(), ActorID: in.ActorID, CadreID: in.CadreID,
		From: instant(v, "from", in.From, false), To: instant(v, "to", in.To, true)}
	if err := v.Err(); err != nil {
		return list[accessEntryResponse]{}, err
	}
	rows, total, err := h.s.Audit.List(ctx(c), f)
	return newList(rows, total, in.page(), toAccessEntryResponse), err
}

// verifyResponse is the outcome of a verification of the chain.
type verifyResponse struct {
	OK         bool   `json:"ok"`
	Checked    int64  `json:"checked"`
	Pending    int64  `json:"pending"`
	FirstBadID *int64 `json:"first_bad_id"`
	// FirstBadSeq is the seq of the first bad entry, when it has one (a
	// pending entry has none).
	FirstBadSeq *int64 `json:"first_bad_seq"`
	HeadHash    string `json:"head_hash"`
	HeadSeq     int64  `json:"head_seq"`
	Head        string `json:"head"` // head_hash@head_seq, ready to copy elsewhere
	// Problem is what is wrong, as a code (accesslog.Problem*); Reason
	// says it for people, in the caller's language.
	Problem string `json:"problem,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// MACsChecked: entry MACs were checked (the data key was at hand);
	// false: only the hash chain was. MACsFrom is the first seq whose MAC
	// was checked.
	MACsChecked bool  `json:"macs_checked"`
	MACsFrom    int64 `json:"macs_from"`
}

func toVerifyResponse(v *accesslog.Verdict) verifyResponse {
	return verifyResponse{OK: v.OK, Checked: v.Checked, Pending: v.Pending, FirstBadID: v.FirstBadID, FirstBadSeq: v.FirstBadSeq,
		HeadHash: v.HeadHash, HeadSeq: v.HeadSeq, Head: v.Head, Problem: v.Problem, Reason: v.Reason,
		MACsChecked: v.MACsChecked, MACsFrom: v.MACsFrom}
}

type verifyQuery struct {
	Head string `query:"head" doc:"HASH@SEQ: a head hash copied elsewhere, to detect entries removed from the end"`
}

func (h *handlers) verifyAccessLog(c *gin.Context, in *verifyQuery) (verifyResponse, error) {
	var anchor *accesslog.Anchor
	if in.Head != "" {
		a, err := accesslog.ParseAnchor(in.Head)
		if err != nil {
			return verifyResponse{}, err
		}
		anchor = a
	}
	v, err := h.s.Audit.SealAndVerify(ctx(c), anchor)
	if err != nil {
		return verifyResponse{}, err
	}
	out := toVerifyResponse(v)
	if !v.OK {
		out.Reason = localize(printerFor(c), v.Msg)
	}
	return out, nil
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
