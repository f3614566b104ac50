package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"efile/models"
	"efile/services/accesslog"
)

// TestTamperChainRewritten: an intruder who can write every row of every
// table, but does not hold the data key, deletes, reorders or rewrites
// entries and recomputes every public hash after them (the rule is in the
// SPEC), moves the point where MAC checking starts, or strips the MACs.
// Each is found offline (`efile audit verify`, exit 1) and online (the
// API), naming the same first bad entry and what is wrong with it.
func TestTamperChainRewritten(t *testing.T) {
	for _, c := range []struct {
		name    string
		attack  func(l *live, es []models.AccessEntry) (bad *models.AccessEntry)
		problem string // Verdict.Problem
		says    string // in the offline reason
	}{
		{"deleteFromMiddle", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			l.exec("DELETE FROM access_entries WHERE id = ?", es[3].ID)
			l.rechain(append(es[:3:3], es[4:]...))
			return &es[4]
		}, accesslog.ProblemMAC, "MAC mismatch"},
		{"deleteFromMiddleNoRehash", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			l.exec("DELETE FROM access_entries WHERE id = ?", es[3].ID)
			return &es[4]
		}, accesslog.ProblemGap, "sequence gap"},
		{"reorderTwo", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			es[3], es[4] = es[4], es[3]
			l.rechain(es)
			return &es[3]
		}, accesslog.ProblemMAC, "MAC mismatch"},
		{"reorderTwoNoRehash", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			l.exec("UPDATE access_entries SET seq = -seq WHERE id IN (?, ?)", es[3].ID, es[4].ID)
			l.exec("UPDATE access_entries SET seq = ? WHERE id = ?", *es[4].Seq, es[3].ID)
			l.exec("UPDATE access_entries SET seq = ? WHERE id = ?", *es[3].Seq, es[4].ID)
			return &es[4]
		}, accesslog.ProblemLink, "broken link"},
		{"rewriteFromSomePointAndMoveMACFromPastIt", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			return rewrite(l, es, 3, len(es)+1)
		}, accesslog.ProblemMAC, "MAC mismatch"},
		{"rewriteAllAndMoveMACFromPastTheEnd", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			return rewrite(l, es, 0, len(es)+1000)
		}, accesslog.ProblemMAC, "MAC mismatch"},
		{"rewriteFromSomePointAndMoveMACFromDownToZero", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			return rewrite(l, es, 2, 0)
		}, accesslog.ProblemMAC, "MAC mismatch"},
		{"moveMACFromAlone", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			l.exec("UPDATE chain_heads SET mac_from = 3 WHERE id = 1")
			return nil
		}, accesslog.ProblemMACFrom, "mac_from was changed: it says 3, but the keyed record is for seq 1"},
		{"stripEveryMAC", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			l.exec("UPDATE access_entries SET mac = NULL")
			l.exec("UPDATE chain_heads SET mac_from = 0 WHERE id = 1")
			return &es[0]
		}, accesslog.ProblemMAC, "MAC mismatch"},
		{"stripEveryMACAndTheRecord", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			l.exec("UPDATE access_entries SET mac = NULL")
			l.exec("UPDATE chain_heads SET mac_from = 0, mac_from_tag = '' WHERE id = 1")
			return &es[0]
		}, accesslog.ProblemMAC, "no keyed record of where MAC checking starts"},
		{"theRecordMovedWithMACFrom", func(l *live, es []models.AccessEntry) *models.AccessEntry {
			// A record copied from another place does not match there.
			var h models.ChainHead
			l.db.First(&h, 1)
			l.exec("UPDATE chain_heads SET mac_from = 5, mac_from_tag = ? WHERE id = 1", h.MACFromTag)
			return nil
		}, accesslog.ProblemMACFrom, "mac_from was changed: it says 5, but the keyed record is for seq 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newLive(t)
			bad := c.attack(l, l.sealed())
			var id, seq int64
			named := "first bad entry id: none;"
			if bad != nil {
				var now models.AccessEntry
				l.db.First(&now, bad.ID)
				id, seq = now.ID, *now.Seq
				named = fmt.Sprintf("BROKEN: entry %d (seq %d): ", id, seq)
			}
			out, broken := l.offline()
			if !broken || !strings.Contains(out, named) || !strings.Contains(out, c.says) {
				t.Fatalf("offline: want exit 1, %q and %q: %s", named, c.says, out)
			}
			m := l.online()
			if m["ok"] != false || badID(m) != id || m["problem"] != c.problem {
				t.Fatalf("online: want first_bad_id %d, problem %s: %v", id, c.problem, m)
			}
			if f, _ := m["first_bad_seq"].(float64); int64(f) != seq {
				t.Fatalf("online: want first_bad_seq %d: %v", seq, m)
			}
			if bad != nil && !strings.Contains(m["reason"].(string), fmt.Sprintf("记录 #%d（序号 %d）", id, seq)) {
				t.Fatalf("online: the reason must name the entry: %v", m)
			}
		})
	}
}

// rewrite changes every entry of es from index from on, without a MAC (the
// intruder cannot make one), recomputes the chain, and sets mac_from.
func rewrite(l *live, es []models.AccessEntry, from, macFrom int) *models.AccessEntry {
	for i := from; i < len(es); i++ {
		es[i].Status, es[i].MAC = 418, nil
	}
	l.rechain(es)
	l.exec("UPDATE chain_heads SET mac_from = ? WHERE id = 1", macFrom)
	return &es[from]
}

// TestTamperHeadKeptElsewhere: a head copied elsewhere that no longer
// matches is reported with what was found at its seq, offline and online.
func TestTamperHeadKeptElsewhere(t *testing.T) {
	setup := func(t *testing.T) (*live, []models.AccessEntry, string) {
		l := newLive(t)
		es := l.sealed()
		last := es[len(es)-1]
		return l, es, fmt.Sprintf("%s@%d", *last.Hash, *last.Seq)
	}
	// both verifies against anchor offline and online: exit 1 with want
	// in the output; ok false with problem, and zh in the reason.
	both := func(l *live, anchor, problem, want, zh string) {
		l.t.Helper()
		if out, broken := l.offline("--head", anchor); !broken || !strings.Contains(out, want) {
			l.t.Fatalf("offline: want exit 1 and %q: %s", want, out)
		}
		m := l.call("GET", "/api/v1/access-log/verify?head="+anchor, l.sec, "", 200)
		if m["ok"] != false || m["problem"] != problem || !strings.Contains(fmt.Sprint(m["reason"]), zh) {
			l.t.Fatalf("online: want %s and %q: %v", problem, zh, m)
		}
	}
	t.Run("cutBackThenContinued", func(t *testing.T) {
		// The tail is removed and the head row rewound; new entries are
		// then chained where the old ones were.
		l, es, anchor := setup(t)
		cut := es[len(es)-3]
		l.exec("DELETE FROM access_entries WHERE seq > ?", *cut.Seq)
		l.exec("UPDATE chain_heads SET seq = ?, hash = ? WHERE id = 1", *cut.Seq, *cut.Hash)
		for range 4 {
			l.call("GET", "/api/v1/users", l.sec, "", 403)
		}
		l.svc.Audit.Seal(t.Context())
		var now models.AccessEntry
		l.db.Where("seq = ?", *es[len(es)-1].Seq).First(&now)
		both(l, anchor, accesslog.ProblemHead, fmt.Sprintf("entry %d (seq %d) has hash %s, not %s as kept elsewhere", now.ID, *now.Seq, *now.Hash, *es[len(es)-1].Hash),
			fmt.Sprintf("记录 #%d（序号 %d）的哈希值为 %s", now.ID, *now.Seq, *now.Hash))
	})
	t.Run("cutBack", func(t *testing.T) {
		l, es, anchor := setup(t)
		cut := es[len(es)-3]
		l.exec("DELETE FROM access_entries WHERE seq > ?", *cut.Seq)
		l.exec("UPDATE chain_heads SET seq = ?, hash = ? WHERE id = 1", *cut.Seq, *cut.Hash)
		gone := *es[len(es)-1].Seq
		both(l, anchor, accesslog.ProblemTail, fmt.Sprintf("no entry has seq %d (kept elsewhere with hash %s): the chain ends at seq %d", gone, *es[len(es)-1].Hash, *cut.Seq),
			fmt.Sprintf("不存在序号为 %d 的记录", gone))
	})
	t.Run("headRowChanged", func(t *testing.T) {
		// The chain is intact; only the head row says another hash: that
		// is what verify reports, not entries removed from the end.
		l, es, _ := setup(t)
		last := es[len(es)-1]
		l.exec("UPDATE chain_heads SET hash = ? WHERE id = 1", *es[0].Hash)
		out, broken := l.offline()
		if !broken || strings.Contains(out, "removed from the end") ||
			!strings.Contains(out, fmt.Sprintf("entry %d (seq %d) has hash %s", last.ID, *last.Seq, *last.Hash)) {
			t.Fatalf("offline: %s", out)
		}
	})
}

// TestAuditAdopt: a database from an efile older than entry MACs (no MAC,
// no keyed record) is not extended by the sealer; `efile audit adopt`
// checks its chain and records where MAC checking starts, once.
func TestAuditAdopt(t *testing.T) {
	l := newLive(t)
	l.exec("UPDATE access_entries SET nonce = NULL, mac = NULL")
	l.exec("UPDATE chain_heads SET mac_from = 0, mac_from_tag = ''")
	n := int64(len(l.sealed()))
	l.call("GET", "/api/v1/users", l.sec, "", 403) // pending
	var out bytes.Buffer
	if err := auditHead(t.Context(), &out, nil); !errors.Is(err, errBrokenChain) {
		t.Fatalf("audit head must refuse: %v %s", err, out.String())
	}
	adopt := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := auditAdopt(t.Context(), &out, args)
		return out.String(), err
	}
	t.Run("brokenChainNotAdopted", func(t *testing.T) {
		es := l.sealed()
		anchor := fmt.Sprintf("%s@%d", strings.Repeat("0", 64), *es[len(es)-1].Seq)
		if s, err := adopt("--head", anchor); !errors.Is(err, errBrokenChain) || !strings.Contains(s, "nothing adopted") {
			t.Fatalf("%v %s", err, s)
		}
	})
	s, err := adopt()
	if err != nil || !strings.Contains(s, fmt.Sprintf("MACs are checked from seq %d", n+1)) {
		t.Fatalf("adopt: %v %s", err, s)
	}
	if s, err := adopt(); err == nil {
		t.Fatalf("adopting twice: %s", s)
	}
	if _, err := l.svc.Audit.Seal(t.Context()); err != nil {
		t.Fatal(err)
	}
	if out, broken := l.offline(); broken || !strings.Contains(out, fmt.Sprintf("MACs checked from seq %d (the entries before it were sealed by an earlier efile)", n+1)) {
		t.Fatalf("after adoption: %s", out)
	}
}
