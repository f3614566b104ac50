package accesslog_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/services/keyrotate"
	"efile/testenv"

	"gorm.io/gorm"
)

// legacyLog is a database an earlier efile sealed: n entries, each with the
// MAC those versions wrote (or none, bare), no keyed record.
func legacyLog(t *testing.T, n int, bare bool) (*gorm.DB, *accesslog.Service) {
	t.Helper()
	db, _, _ := testenv.DB(t)
	svc := accesslog.New(db, nil, accesslog.WithKeys(keysOf(t, 3)))
	logN(t, svc, n)
	if _, err := accesslog.New(db, nil).Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc.Legacy(t, bare)
	return db, svc
}

// keysOf is the data key made of byte cur, with the previous one made of
// byte prev if given.
func keysOf(t *testing.T, cur byte, prev ...byte) *datakey.Keys {
	t.Helper()
	var p []byte
	for _, b := range prev {
		p = bytes.Repeat([]byte{b}, 32)
	}
	k, err := datakey.NewWithPrevious(bytes.Repeat([]byte{cur}, 32), p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func logN(t *testing.T, svc *accesslog.Service, n int) {
	t.Helper()
	for i := range n {
		r := &accesslog.Req{Method: "GET", Path: "/api/v1/cadres/" + strconv.Itoa(i+1), IP: "10.0.0.7"}
		r.SetActor(3, "rev")
		if err := svc.Log(context.Background(), r, 200); err != nil {
			t.Fatal(err)
		}
	}
}

func mustVerify(t *testing.T, svc *accesslog.Service, anchor *accesslog.Anchor) *accesslog.Verdict {
	t.Helper()
	v, err := svc.Verify(context.Background(), anchor)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func exec(t *testing.T, db *gorm.DB, q string, args ...any) {
	t.Helper()
	if err := db.Exec(q, args...).Error; err != nil {
		t.Fatal(err)
	}
}

// rechain recomputes every public hash from seq 1 and moves the head row,
// as an intruder would after changing rows.
func rechain(t *testing.T, db *gorm.DB) {
	t.Helper()
	var es []models.AccessEntry
	db.Where("seq IS NOT NULL").Order("seq").Find(&es)
	prev := accesslog.ZeroHash
	for i := range es {
		h := accesslog.Hash(prev, *es[i].Seq, &es[i])
		exec(t, db, "UPDATE access_entries SET prev_hash = ?, hash = ? WHERE id = ?", prev, h, es[i].ID)
		prev = h
	}
	exec(t, db, "UPDATE chain_heads SET seq = ?, hash = ? WHERE id = 1", len(es), prev)
}

// TestLegacyAdopted: a chain sealed by an earlier version keeps verifying;
// the first sealer with the data key records, keyed, that sealed MACs start
// after it, and the entries before are bound by that record.
func TestLegacyAdopted(t *testing.T) {
	setup := func(t *testing.T) (*gorm.DB, *accesslog.Service) {
		db, svc := legacyLog(t, 5, false)
		if v := mustVerify(t, svc, nil); !v.OK || v.MACsFrom != 6 {
			t.Fatalf("an earlier version's chain, before adoption: %+v", v)
		}
		logN(t, svc, 3)
		if _, err := svc.Seal(context.Background()); err != nil {
			t.Fatal(err)
		}
		if v := mustVerify(t, svc, nil); !v.OK || v.MACsFrom != 6 || v.Checked != 8 {
			t.Fatalf("adopted: %+v", v)
		}
		return db, svc
	}
	for _, c := range []struct {
		name    string
		attack  func(t *testing.T, db *gorm.DB)
		badSeq  int64 // 0: no entry named
		problem string
	}{
		{"macFromDown", func(t *testing.T, db *gorm.DB) { exec(t, db, "UPDATE chain_heads SET mac_from = 2") }, 0, accesslog.ProblemMACFrom},
		{"macFromUp", func(t *testing.T, db *gorm.DB) { exec(t, db, "UPDATE chain_heads SET mac_from = 9") }, 0, accesslog.ProblemMACFrom},
		{"macFromUpAndRewriteAfterIt", func(t *testing.T, db *gorm.DB) {
			exec(t, db, "UPDATE access_entries SET status = 500, mac = NULL WHERE seq >= 7")
			rechain(t, db)
			exec(t, db, "UPDATE chain_heads SET mac_from = 9")
		}, 7, accesslog.ProblemMAC},
		{"rewriteBeforeTheRecord", func(t *testing.T, db *gorm.DB) {
			// An entry of the earlier version changed, every hash after it
			// recomputed: the record no longer matches, and the entry's
			// own MAC (that version's) names it.
			exec(t, db, "UPDATE access_entries SET status = 500 WHERE seq = 2")
			rechain(t, db)
		}, 2, accesslog.ProblemMAC},
		{"rewriteBeforeTheRecordWithoutItsMAC", func(t *testing.T, db *gorm.DB) {
			// The same, its MAC removed as if from before MACs: the first
			// sealed MAC, which no longer follows, is named.
			exec(t, db, "UPDATE access_entries SET status = 500, nonce = NULL, mac = NULL WHERE seq = 2")
			rechain(t, db)
		}, 6, accesslog.ProblemMAC},
		{"deleteBeforeTheRecord", func(t *testing.T, db *gorm.DB) {
			exec(t, db, "DELETE FROM access_entries WHERE seq = 3")
			exec(t, db, "UPDATE access_entries SET seq = -seq + 1 WHERE seq > 3")
			exec(t, db, "UPDATE access_entries SET seq = -seq WHERE seq < 0")
			rechain(t, db)
		}, 5, accesslog.ProblemMAC},
		{"removeTheRecord", func(t *testing.T, db *gorm.DB) {
			exec(t, db, "UPDATE chain_heads SET mac_from = 1, mac_from_tag = ''")
		}, 1, accesslog.ProblemMAC},
		{"removeTheRecordAndStripSealedMACs", func(t *testing.T, db *gorm.DB) {
			exec(t, db, "UPDATE access_entries SET mac = NULL WHERE seq >= 6")
			exec(t, db, "UPDATE chain_heads SET mac_from = 1, mac_from_tag = ''")
		}, 1, accesslog.ProblemMAC},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, svc := setup(t)
			c.attack(t, db)
			v := mustVerify(t, svc, nil)
			var seq int64
			if v.FirstBadSeq != nil {
				seq = *v.FirstBadSeq
			}
			if v.OK || v.Problem != c.problem || seq != c.badSeq {
				t.Fatalf("want %s at seq %d: %+v", c.problem, c.badSeq, v)
			}
		})
	}
	t.Run("sealerRefusesWithoutTheRecord", func(t *testing.T) {
		db, svc := setup(t)
		exec(t, db, "UPDATE chain_heads SET mac_from_tag = ''")
		logN(t, svc, 1)
		var ue *accesslog.UnadoptedError
		if _, err := svc.Seal(context.Background()); !errors.As(err, &ue) || ue.Seq != 8 {
			t.Fatalf("want the sealer's refusal, got %v", err)
		}
		if n, _ := svc.Pending(context.Background()); n != 1 {
			t.Fatalf("%d pending: the entry must wait", n)
		}
	})
	t.Run("cutBackToTheUpgradeNeedsAnAnchor", func(t *testing.T) {
		// What an intruder can still do (docs/SECURITY.md): remove the
		// record and every entry sealed since, so that the chain is the
		// earlier version's again. Only a head kept elsewhere shows it.
		db, svc := setup(t)
		v := mustVerify(t, svc, nil)
		anchor := &accesslog.Anchor{Hash: v.HeadHash, Seq: v.HeadSeq}
		var five models.AccessEntry
		db.Where("seq = 5").First(&five)
		exec(t, db, "DELETE FROM access_entries WHERE seq > 5")
		exec(t, db, "UPDATE chain_heads SET seq = 5, hash = ?, mac_from = 1, mac_from_tag = ''", *five.Hash)
		if v := mustVerify(t, svc, nil); !v.OK {
			t.Fatalf("without an anchor: %+v", v)
		}
		if v := mustVerify(t, svc, anchor); v.OK || v.Problem != accesslog.ProblemTail {
			t.Fatalf("with the anchor: %+v", v)
		}
	})
}

// TestLegacyFromBeforeMACs: a chain from before entry MACs is not adopted
// by the sealer (an intruder could make one); `efile audit adopt` does it.
func TestLegacyFromBeforeMACs(t *testing.T) {
	_, svc := legacyLog(t, 4, true)
	v := mustVerify(t, svc, nil)
	if v.OK || v.Problem != accesslog.ProblemMAC || *v.FirstBadSeq != 1 {
		t.Fatalf("before adoption: %+v", v)
	}
	logN(t, svc, 2)
	var ue *accesslog.UnadoptedError
	if _, err := svc.Seal(context.Background()); !errors.As(err, &ue) {
		t.Fatalf("want the sealer's refusal, got %v", err)
	}
	from, err := svc.Adopt(context.Background())
	if err != nil || from != 5 {
		t.Fatalf("adopt: %d %v", from, err)
	}
	if _, err := svc.Adopt(context.Background()); err == nil {
		t.Fatal("adopting twice must fail")
	}
	if v, err := svc.SealAndVerify(context.Background(), nil); err != nil || !v.OK || v.Checked != 6 || v.MACsFrom != 5 {
		t.Fatalf("adopted: %+v %v", v, err)
	}
}

// TestLegacyRotated: `efile keys rotate` on a chain an earlier version
// sealed under the old key adopts it and re-keys what follows; the new key
// alone then verifies it.
func TestLegacyRotated(t *testing.T) {
	db, old := legacyLog(t, 4, false)
	logN(t, old, 2) // pending, under the old key
	k := keysOf(t, 4, 3)
	audit := accesslog.New(db, nil, accesslog.WithKeys(k))
	if _, err := keyrotate.New(db, k, audit).Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	v, err := accesslog.New(db, nil, accesslog.WithKeys(keysOf(t, 4))).SealAndVerify(context.Background(), nil)
	if err != nil || !v.OK || v.Checked != 6 || v.MACsFrom != 5 {
		t.Fatalf("under the new key alone: %+v %v", v, err)
	}
	if v := mustVerify(t, old, nil); v.OK {
		t.Fatalf("the old key must no longer verify: %+v", v)
	}
}
