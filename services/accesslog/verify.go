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
	HeadHash   string
	HeadSeq    int64
	Head       string // HeadHash@HeadSeq, ready to copy elsewhere
	Reason     string
	// MACsChecked tells whether entry MACs were checked (the data key was
	// at hand); false: only the hash chain was.
	MACsChecked bool
}

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

// Verify walks the whole chain in seq order, recomputing every hash, and
// compares its end with the chain-head row and, when given, an anchor kept
// elsewhere (which also detects entries removed from the end).
func (s *Service) Verify(ctx context.Context, anchor *Anchor) (*Verdict, error) {
	v, err := s.verify(ctx, anchor)
	if v != nil {
		v.Head = fmt.Sprintf("%s@%d", v.HeadHash, v.HeadSeq)
	}
	return v, err
}

func (s *Service) verify(ctx context.Context, anchor *Anchor) (*Verdict, error) {
	v := &Verdict{OK: true, HeadHash: ZeroHash}
	pending, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	v.Pending = pending
	db := s.db.WithContext(ctx)
	bad := func(id int64, reason string) {
		if v.OK {
			v.OK = false
			if id != 0 {
				v.FirstBadID = &id
			}
			v.Reason = reason
		}
	}
	// The head is read before the entries: another sealer (a second
	// replica, this one's background sealer) may chain more entries while
	// they are read, so the chain must reach at least this head, and may
	// run past it. Read after them, a head moved on meanwhile looked like
	// entries removed from the end.
	v.MACsChecked = s.keys != nil
	var head models.ChainHead
	if err := db.First(&head, 1).Error; err != nil {
		return nil, err
	}
	headHash := ZeroHash
	macFrom := head.MACFrom
	if macFrom == 0 {
		// No sealer with the data key has run yet: only pending entries
		// must carry MACs.
		macFrom = head.Seq + 1
	}
	prev, want := ZeroHash, int64(1)
	anchorSeen := false
	const batch = 2000
	for {
		var rows []models.AccessEntry
		if err := db.Where("seq >= ?", want).Order("seq").Limit(batch).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			e := &rows[i]
			v.Checked++
			switch {
			case *e.Seq != want:
				bad(e.ID, fmt.Sprintf("entry %d has seq %d where %d was expected (an entry is missing)", e.ID, *e.Seq, want))
			case e.PrevHash == nil || *e.PrevHash != prev:
				bad(e.ID, fmt.Sprintf("entry %d does not follow the entry before it", e.ID))
			case e.Hash == nil || *e.Hash != Hash(prev, *e.Seq, e):
				bad(e.ID, fmt.Sprintf("entry %d was changed after it was sealed", e.ID))
			case s.keys != nil && *e.Seq >= macFrom && !s.macOK(e):
				bad(e.ID, fmt.Sprintf("entry %d has no valid MAC: it was written or changed outside efile", e.ID))
			}
			if !v.OK {
				return v, nil
			}
			if anchor != nil && *e.Seq == anchor.Seq {
				anchorSeen = true
				if *e.Hash != anchor.Hash {
					bad(e.ID, fmt.Sprintf("entry %d does not match the head hash kept elsewhere", e.ID))
					return v, nil
				}
			}
			if *e.Seq == head.Seq {
				headHash = *e.Hash
			}
			prev, want = *e.Hash, *e.Seq+1
			v.HeadHash, v.HeadSeq = prev, *e.Seq
		}
		if len(rows) < batch {
			break
		}
	}
	if head.Seq > want-1 || head.Hash != headHash {
		bad(0, fmt.Sprintf("the chain ends at seq %d but the head records seq %d: entries were removed from the end", want-1, head.Seq))
	}
	if anchor != nil && !anchorSeen {
		bad(0, fmt.Sprintf("the chain ends at seq %d, before the head kept elsewhere (seq %d): entries were removed from the end", want-1, anchor.Seq))
	}
	if v.OK && s.keys != nil && v.Pending > 0 {
		// Entries not yet sealed: the sealer refuses one without a valid
		// MAC, so it stays here; name the first.
		var after int64
		for {
			var rows []models.AccessEntry
			if err := db.Where("seq IS NULL AND id > ?", after).Order("id").Limit(batch).Find(&rows).Error; err != nil {
				return nil, err
			}
			for i := range rows {
				if !s.macOK(&rows[i]) {
					bad(rows[i].ID, fmt.Sprintf("pending entry %d has no valid MAC: it was written or changed outside efile", rows[i].ID))
					return v, nil
				}
				after = rows[i].ID
			}
			if len(rows) < batch {
				break
			}
		}
	}
	return v, nil
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
