package accesslog

import (
	"efile/models"
	"efile/services/errs"

	"gorm.io/gorm"
)

// walk is one verification's pass over the chain, in seq order. It stops
// at the first bad entry and names it.
type walk struct {
	s      *Service
	v      *Verdict
	head   models.ChainHead // read before the entries
	anchor *Anchor

	prev       string // the hash the next entry must follow
	want       int64  // the seq the next entry must have
	headHash   string // the hash of the entry at head.Seq, as found
	headID     int64
	anchorSeen bool

	// With the data key: sealed MACs are checked from seq from on. When the
	// record does not match where mac_from says (search), from is 0 until
	// the walk reaches the place it matches. If it matches nowhere, the
	// first bad entry is the first without a sealed MAC from mac_from on,
	// or before it without the MAC of an earlier version either (bare[1]:
	// a sealed entry moved, or one after an entry the record covers
	// changed), else the first entry without a sealed MAC (bare[0]).
	// noRecord: no record, and the chain is not one an earlier version
	// sealed, so every entry must carry a sealed MAC.
	from     int64
	search   bool
	noRecord bool
	bare     [2]*models.AccessEntry // before mac_from, from it on
}

// start decides where MAC checking starts (start.go).
func (w *walk) start(db *gorm.DB) error {
	w.v.MACsChecked = true
	h := &w.head
	if h.MACFromTag == "" {
		ok, err := w.s.adoptable(db, h)
		if err != nil {
			return err
		}
		if ok {
			// Empty, or sealed by an earlier version: the sealer adopts it
			// as it stands at its next run.
			w.from = h.Seq + 1
		} else {
			w.from, w.noRecord = 1, true
		}
		return nil
	}
	_, ok, _, err := w.s.startState(db, h)
	if err != nil {
		return err
	}
	if ok {
		w.from = h.MACFrom
	} else {
		w.search = true
	}
	return nil
}

// entry checks e, the next entry in seq order; false once one is bad.
func (w *walk) entry(e *models.AccessEntry) bool {
	seq := *e.Seq
	w.v.Checked++
	if seq != w.want {
		return w.bad(e, ProblemGap, errs.M("entry %d (seq %d): sequence gap: seq %d was expected, so entries before it were removed", e.ID, seq, w.want))
	}
	if e.PrevHash == nil || *e.PrevHash != w.prev {
		return w.bad(e, ProblemLink, errs.M("entry %d (seq %d): broken link: its prev_hash is not the hash of the entry before it", e.ID, seq))
	}
	in := chainInput(w.prev, seq, e)
	if e.Hash == nil || *e.Hash != hashOf(in) {
		return w.bad(e, ProblemHash, errs.M("entry %d (seq %d): hash mismatch: it was changed after it was sealed", e.ID, seq))
	}
	if w.v.MACsChecked && !w.mac(e, seq, in) {
		return false
	}
	if w.anchor != nil && seq == w.anchor.Seq {
		w.anchorSeen = true
		if *e.Hash != w.anchor.Hash {
			return w.bad(e, ProblemHead, errs.M("entry %d (seq %d) has hash %s, not %s as kept elsewhere: it or an entry before it was changed, or the chain was cut back before it and continued",
				e.ID, seq, *e.Hash, w.anchor.Hash))
		}
	}
	if seq == w.head.Seq {
		w.headHash, w.headID = *e.Hash, e.ID
	}
	w.prev, w.want = *e.Hash, seq+1
	w.v.HeadHash, w.v.HeadSeq = w.prev, seq
	return true
}

// mac checks e's sealed MAC where MAC checking applies; in is its chain
// input.
func (w *walk) mac(e *models.AccessEntry, seq int64, in []byte) bool {
	if w.search && w.from == 0 && w.startsAt(seq, w.prev) {
		w.from = seq
	}
	switch {
	case w.from != 0 && seq >= w.from && !w.s.sealedOK(e, in):
		if w.noRecord {
			return w.bad(e, ProblemMAC, errs.M("entry %d (seq %d): MAC mismatch, and the access log has no keyed record of where MAC checking starts: it was removed, or the database comes from an efile older than entry MACs (efile audit adopt)", e.ID, seq))
		}
		return w.bad(e, ProblemMAC, errs.M("entry %d (seq %d): MAC mismatch: it, its place in the chain or an entry before it was changed outside efile", e.ID, seq))
	case w.from == 0 && w.bare[1] == nil && !w.s.sealedOK(e, in):
		// Before mac_from, an entry an earlier version sealed (its MAC, or
		// none) is only bare; another one, or any from mac_from on, is bad.
		i := 1
		if seq < w.head.MACFrom && (e.MAC == nil || w.s.v1OK(e)) {
			i = 0
		}
		if w.bare[i] == nil {
			c := *e
			w.bare[i] = &c
		}
	}
	return true
}

// startsAt tells whether the keyed record is for seq, after prev.
func (w *walk) startsAt(seq int64, prev string) bool {
	ok, _ := w.s.check(startMessage(seq, prev), &w.head.MACFromTag)
	return ok
}

// end checks, after the last entry, the record of where MAC checking
// starts, the head row and the anchor.
func (w *walk) end() {
	last := w.want - 1
	if w.v.MACsChecked {
		if w.search && w.from == 0 && w.startsAt(w.want, w.prev) {
			w.from = w.want // adopted after the last entry, nothing sealed since
		}
		e := w.bare[1]
		if e == nil {
			e = w.bare[0]
		}
		switch {
		case w.search && w.from == 0 && e != nil:
			w.bad(e, ProblemMAC, errs.M("entry %d (seq %d): MAC mismatch, and the keyed record of where MAC checking starts matches no place in the chain (mac_from says %d)", e.ID, *e.Seq, w.head.MACFrom))
		case w.search && w.from == 0:
			w.bad(nil, ProblemMACFrom, errs.M("the keyed record of where MAC checking starts matches no place in the chain: mac_from (%d) or its record was changed", w.head.MACFrom))
		case w.search:
			w.bad(nil, ProblemMACFrom, errs.M("mac_from was changed: it says %d, but the keyed record is for seq %d", w.head.MACFrom, w.from))
		}
		w.v.MACsFrom = max(w.from, 1)
	}
	switch {
	case w.head.Seq > last:
		w.bad(nil, ProblemTail, errs.M("the head row records seq %d, but the chain ends at seq %d: entries were removed from the end", w.head.Seq, last))
	case w.head.Seq > 0 && w.head.Hash != w.headHash:
		w.bad(nil, ProblemHead, errs.M("the head row records hash %s for seq %d, but entry %d (seq %d) has hash %s",
			w.head.Hash, w.head.Seq, w.headID, w.head.Seq, w.headHash))
	}
	if w.anchor != nil && !w.anchorSeen {
		w.bad(nil, ProblemTail, errs.M("no entry has seq %d (kept elsewhere with hash %s): the chain ends at seq %d, so entries were removed from the end",
			w.anchor.Seq, w.anchor.Hash, last))
	}
}

// bad records the first problem found, naming entry e (nil: none), and
// returns false.
func (w *walk) bad(e *models.AccessEntry, problem string, m errs.Msg) bool {
	if !w.v.OK {
		return false
	}
	w.v.OK, w.v.Problem, w.v.Msg, w.v.Reason = false, problem, m, m.String()
	if e != nil {
		id := e.ID
		w.v.FirstBadID = &id
		if e.Seq != nil {
			seq := *e.Seq
			w.v.FirstBadSeq = &seq
		}
	}
	return false
}
