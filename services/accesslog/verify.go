package accesslog

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"efile/models"
	"efile/services/errs"
)

// Verdict is the outcome of a verification.
type Verdict struct {
	OK         bool
	Checked    int64
	Pending    int64
	FirstBadID *int64
	// FirstBadSeq is the seq of the first bad entry, when it has one (a
	// pending entry has none).
	FirstBadSeq *int64
	HeadHash    string
	HeadSeq     int64
	Head        string // HeadHash@HeadSeq, ready to copy elsewhere
	// Problem is what is wrong, as a code (one of the Problem constants);
	// Reason says it for people, naming the first bad entry (id and seq).
	Problem string
	Reason  string
	// Msg is Reason as a message, for the API to say in the caller's
	// language.
	Msg errs.Msg
	// MACsChecked tells whether entry MACs were checked (the data key was
	// at hand); false: only the hash chain was. MACsFrom is the first seq
	// whose MAC was checked: entries before it were sealed before chained
	// MACs existed, and are bound by the keyed record (start.go).
	MACsChecked bool
	MACsFrom    int64
}

// What verify finds wrong (Verdict.Problem).
const (
	ProblemGap     = "sequence_gap"     // an entry's seq skips: entries before it were removed
	ProblemLink    = "broken_link"      // an entry's prev_hash is not its predecessor's hash
	ProblemHash    = "hash_mismatch"    // an entry was changed after it was sealed
	ProblemMAC     = "mac_mismatch"     // an entry, its place, or an entry before it changed outside efile
	ProblemMACFrom = "mac_from_changed" // the record of where MAC checking starts was changed or removed
	ProblemHead    = "head_mismatch"    // the head row, or a head kept elsewhere, names another hash
	ProblemTail    = "tail_removed"     // the chain ends before the head row or a head kept elsewhere
)

// Anchor is a head hash copied elsewhere: the hash of the entry with Seq.
type Anchor struct {
	Hash string
	Seq  int64
}

var anchorRe = regexp.MustCompile(`^([0-9a-f]{64})@([1-9][0-9]{0,18})$`)

// ParseAnchor parses "HASH@SEQ".
func ParseAnchor(s string) (*Anchor, error) {
	m := anchorRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return nil, errs.Invalid("head", "must be HASH@SEQ: 64 hex characters, '@', and a positive sequence number")
	}
	seq, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return nil, errs.Invalid("head", "sequence number out of range")
	}
	return &Anchor{Hash: m[1], Seq: seq}, nil
}

// Verify walks the whole chain in seq order, recomputing every hash and,
// with the data key, checking every sealed MAC from where the keyed record
// says they start; it compares the chain's end with the chain-head row and,
// when given, an anchor kept elsewhere (which also detects entries removed
// from the end). The verdict names the first bad entry.
func (s *Service) Verify(ctx context.Context, anchor *Anchor) (*Verdict, error) {
	v, err := s.verify(ctx, anchor)
	if v != nil {
		v.Head = fmt.Sprintf("%s@%d", v.HeadHash, v.HeadSeq)
	}
	return v, err
}

func (s *Service) verify(ctx context.Context, anchor *Anchor) (*Verdict, error) {
	db := s.db.WithContext(ctx)
	w := &walk{s: s, v: &Verdict{OK: true, HeadHash: ZeroHash}, anchor: anchor, prev: ZeroHash, want: 1}
	var err error
	if w.v.Pending, err = s.Pending(ctx); err != nil {
		return nil, err
	}
	// The head is read before the entries: another sealer (a second
	// replica, this one's background sealer) may chain more entries while
	// they are read, so the chain must reach at least this head, and may
	// run past it. Read after them, a head moved on meanwhile looked like
	// entries removed from the end.
	if err := db.First(&w.head, 1).Error; err != nil {
		return nil, err
	}
	if s.keys != nil {
		if err := w.start(db); err != nil {
			return nil, err
		}
	}
	const batch = 2000
	for {
		var rows []models.AccessEntry
		if err := db.Where("seq >= ?", w.want).Order("seq").Limit(batch).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			if !w.entry(&rows[i]) {
				return w.v, nil
			}
		}
		if len(rows) < batch {
			break
		}
	}
	w.end()
	if w.v.OK && s.keys != nil && w.v.Pending > 0 {
		// Entries not yet sealed: the sealer refuses one without a valid
		// MAC, so it stays here; name the first.
		var after int64
		for {
			var rows []models.AccessEntry
			if err := db.Where("seq IS NULL AND id > ?", after).Order("id").Limit(batch).Find(&rows).Error; err != nil {
				return nil, err
			}
			for i := range rows {
				if !s.pendingOK(&rows[i]) {
					w.bad(&rows[i], ProblemMAC, errs.M("pending entry %d: MAC mismatch: it was written or changed outside efile", rows[i].ID))
					return w.v, nil
				}
				after = rows[i].ID
			}
			if len(rows) < batch {
				break
			}
		}
	}
	return w.v, nil
}

// Filter selects entries for List.
type Filter struct {
	ActorID *int64
	CadreID *int64
	From    *time.Time
	To      *time.Time // exclusive
	Page    models.Page
}

// List returns entries, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]models.AccessEntry, int64, error) {
	q := s.db.WithContext(ctx).Model(&models.AccessEntry{})
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	if f.CadreID != nil {
		q = q.Where("cadre_id = ?", *f.CadreID)
	}
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at < ?", f.To.UTC())
	}
	// By time, then id: the order the (cadre_id, at) and (actor_id, at)
	// indexes already hold, so a busy cadre's page needs no sort.
	return models.Paged[models.AccessEntry](q, f.Page, "at DESC, id DESC")
}
