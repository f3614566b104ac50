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
)

// FuzzVerify builds a chain of entries from fuzzed request fields, seals
// it (it must verify), then changes one byte of one stored field, chosen by
// the fuzzer: verify must never panic and must always find the change.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("/api/v1/cadres/1\x00admin\x00/api/v1/users"), uint16(0), byte(1))
	f.Add([]byte("/a%20b\x00\x00\x00"), uint16(7), byte(200))
	f.Add([]byte{0xff, 0x00, 0x80}, uint16(65535), byte(0))
	db, _, _ := testenv.DB(f)
	k, err := datakey.New(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		f.Fatal(err)
	}
	svc := accesslog.New(db, nil, accesslog.WithKeys(k))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte, pick uint16, flip byte) {
		db.Exec("DELETE FROM access_entries")
		db.Exec("UPDATE chain_heads SET seq = 0, hash = ?, mac_from = 0 WHERE id = 1", accesslog.ZeroHash)
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
		e := es[int(pick)%len(es)]
		cols := []string{"path", "actor", "method", "status", "actor_id", "hash", "prev_hash", "nonce", "mac", "at"}
		col := cols[int(pick/7)%len(cols)]
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
			val = e.At.Add(1000 * (1 + int64Dur(flip)))
		}
		if err := db.Model(&models.AccessEntry{}).Where("id = ?", e.ID).Update(col, val).Error; err != nil {
			t.Fatal(err)
		}
		v, err = svc.Verify(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.OK {
			t.Fatalf("changing %s of entry %d (%v) went unnoticed", col, e.ID, val)
		}
		// Whatever the stored values, verify answers (no panic) — with a
		// broken seq too.
		db.Model(&models.AccessEntry{}).Where("id = ?", e.ID).Update("seq", int64(pick)+1000)
		if _, err := svc.Verify(ctx, nil); err != nil {
			t.Fatal(fmt.Errorf("verify a broken seq: %w", err))
		}
	})
}

func int64Dur(b byte) time.Duration { return time.Duration(b) }
