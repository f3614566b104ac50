package accesslog_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/testenv"

	"gorm.io/gorm"
)

// FuzzVerify builds a chain of entries from fuzzed request fields, seals
// it (it must verify), then changes one byte of one stored field, chosen by
// the fuzzer, or does what an intruder without the key does to the chain
// (deletes an entry, swaps two, rewrites from one on and moves mac_from
// past them, or moves mac_from), recomputing every public hash after it:
// verify must never panic and must always find the change.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("/api/v1/cadres/1\x00admin\x00/api/v1/users"), uint16(0), byte(1))
	f.Add([]byte("/a%20b\x00\x00\x00"), uint16(7), byte(200))
	f.Add([]byte{0xff, 0x00, 0x80}, uint16(65535), byte(0))
	// The intruder's moves (pick/7 selects them: 10 delete, 11 swap, 12
	// mac_from, 13 rewrite).
	f.Add([]byte("a\x00b\x00c"), uint16(71), byte(0))
	f.Add([]byte("a\x00a"), uint16(77), byte(0))
	f.Add([]byte("x"), uint16(84), byte(5))
	f.Add([]byte("a\x00b\x00c\x00d"), uint16(93), byte(0))
	db, _, _ := testenv.DB(f)
	k, err := datakey.New(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		f.Fatal(err)
	}
	svc := accesslog.New(db, nil, accesslog.WithKeys(k))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte, pick uint16, flip byte) {
		db.Exec("DELETE FROM access_entries")
		db.Exec("UPDATE chain_heads SET seq = 0, hash = ?, mac_from = 0, mac_from_tag = '' WHERE id = 1", accesslog.ZeroHash)
		parts := bytes.Split(data, []byte{0})
		if len(parts) > 6 {
			parts = parts[:6]
		}
		for i, p := range parts {
			r := &accesslog.Req{Method: []string{"GET", "POST", "PATCH"}[i%3], Path: accesslog.WirePath("/" + string(p)),
				IP: accesslog.CanonicalIP(string(p))}
			if len(p) > 0 {
				r.SetActor(int64(p[0]), accesslog.WirePath(string(p))[:min(len(accesslog.WirePath(string(p))), 64)])
				r.SetCadre(int64(p[len(p)-1]))
			}
			if err := svc.Log(ctx, r, 200+len(p)%300); err != nil {
				t.Fatal(err)
			}
		}
		v, err := svc.SealAndVerify(ctx, nil)
		if err != nil || !v.OK || v.Checked != int64(len(parts)) {
			t.Fatalf("a genuine chain: %+v %v", v, err)
		}
		var es []models.AccessEntry
		db.Order("seq").Find(&es)
		cols := []string{"path", "actor", "method", "status", "actor_id", "hash", "prev_hash", "nonce", "mac", "at",
			"delete", "swap", "mac_from", "rewrite"}
		col := cols[int(pick/7)%len(cols)]
		e := es[int(pick)%len(es)]
		if !intrude(t, db, col, es, int(pick), flip) {
			mutate(t, db, col, e, flip)
		}
		v, err = svc.Verify(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.OK || (v.FirstBadID == nil && col != "mac_from") {
			t.Fatalf("%s went unnoticed, or no entry was named: %+v", col, v)
		}
		// Whatever the stored values, verify answers (no panic) — with a
		// broken seq too.
		db.Model(&models.AccessEntry{}).Where("id = ?", e.ID).Update("seq", int64(pick)+1000)
		if _, err := svc.Verify(ctx, nil); err != nil {
			t.Fatal(fmt.Errorf("verify a broken seq: %w", err))
		}
	})
}

// mutate changes one byte (or the value) of column col of entry e.
func mutate(t *testing.T, db *gorm.DB, col string, e models.AccessEntry, flip byte) {
	t.Helper()
	// A printable ASCII byte other than the one there.
	other := func(c byte) byte { return 0x21 + (c-0x21+1+flip%93)%94 }
	var val any
	str := func(s string) string {
		if s == "" {
			return string(other('!'))
		}
		b := []byte(s)
		i := int(flip) % len(b)
		b[i] = other(b[i])
		return string(b)
	}
	switch col {
	case "path":
		val = str(e.Path)
	case "actor":
		val = str(e.Actor)
	case "method":
		val = str(e.Method)
	case "status":
		val = e.Status + 1 + int(flip)
	case "actor_id":
		val = e.ActorID + 1 + int64(flip)
	case "hash":
		val = str(*e.Hash)
	case "prev_hash":
		val = str(*e.PrevHash)
	case "nonce":
		val = str(*e.Nonce)
	case "mac":
		val = str(*e.MAC)
	case "at":
		val = e.At.Add(1000 * (1 + time.Duration(flip)))
	}
	if err := db.Model(&models.AccessEntry{}).Where("id = ?", e.ID).Update(col, val).Error; err != nil {
		t.Fatal(err)
	}
}

// intrude makes move col, one of an intruder's without the key, on the
// sealed chain es, recomputing every public hash; false if col is not one.
// A delete or a swap needs two entries: on one, the entry is rewritten.
func intrude(t *testing.T, db *gorm.DB, col string, es []models.AccessEntry, pick int, flip byte) bool {
	t.Helper()
	if (col == "delete" || col == "swap") && len(es) < 2 {
		col = "rewrite"
	}
	switch col {
	case "delete":
		// Any entry but the last (removing the last, with the head row,
		// is a cut tail, which only a head kept elsewhere shows).
		i := pick % (len(es) - 1)
		exec(t, db, "DELETE FROM access_entries WHERE id = ?", es[i].ID)
		exec(t, db, "UPDATE access_entries SET seq = -(seq - 1) WHERE seq > ?", *es[i].Seq)
		exec(t, db, "UPDATE access_entries SET seq = -seq WHERE seq < 0")
	case "swap":
		i := pick % (len(es) - 1)
		exec(t, db, "UPDATE access_entries SET seq = -seq WHERE id IN (?, ?)", es[i].ID, es[i+1].ID)
		exec(t, db, "UPDATE access_entries SET seq = ? WHERE id = ?", *es[i+1].Seq, es[i].ID)
		exec(t, db, "UPDATE access_entries SET seq = ? WHERE id = ?", *es[i].Seq, es[i+1].ID)
	case "rewrite":
		from := *es[pick%len(es)].Seq
		exec(t, db, "UPDATE access_entries SET status = status + 1, mac = NULL WHERE seq >= ?", from)
		exec(t, db, "UPDATE chain_heads SET mac_from = ? WHERE id = 1", len(es)+1+int(flip))
	case "mac_from":
		// Anywhere but where it is (1).
		exec(t, db, "UPDATE chain_heads SET mac_from = ? WHERE id = 1", []int{0, 2 + int(flip)}[flip%2])
		return true
	default:
		return false
	}
	rechain(t, db)
	return true
}
