package keyrotate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/testenv"
)

func keys(t *testing.T, cur, prev byte) *datakey.Keys {
	t.Helper()
	var p []byte
	if prev != 0 {
		p = bytes.Repeat([]byte{prev}, 32)
	}
	k, err := datakey.NewWithPrevious(bytes.Repeat([]byte{cur}, 32), p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A rotation interrupted midway, run again, leaves every value under the
// new key, bound to its row, with the same plain text; lookup hashes are
// the new key's; the access log verifies under the new key alone.
func TestRotateResumesAfterInterruption(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	old := keys(t, 1, 0)
	oldAudit := accesslog.New(db, nil, accesslog.WithKeys(old))
	const n = 7
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("1101051980010%04d", i)[:17] + "X"
		h := old.Lookup(ids[i])
		enc := old.SealID([]byte(ids[i]), h)
		if i == 0 {
			enc = old.Seal([]byte(ids[i])) // a row from before binding
		}
		c := models.Cadre{Name: fmt.Sprint("c", i), Gender: "男", BirthDate: civil.MustParse("1980-01-01"), IDNumberEnc: enc, IDNumberHash: h,
			IDNumberMask: "1****X", UnitID: 1, Position: "p", Rank: "r", AppointedOn: civil.MustParse("2020-01-01"), Status: "active", Version: 1}
		if err := db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
		f := models.Flag{CadreID: c.ID, Source: "discipline", Kind: "clue", Severity: "low", Summary: "s", Detail: "d",
			OccurredOn: civil.MustParse("2024-01-01"), Status: "open", Version: 1, CreatedBy: 1}
		if err := db.Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		db.Model(&f).Update("reporter_enc", old.SealReporterFor([]byte(fmt.Sprint("举报人", i)), f.ID))
		kh := strings.Repeat(fmt.Sprint(i), 64)[:64]
		db.Create(&models.Idempotency{UserID: 1, Route: "/api/v1/cadres", Key: kh, RequestHash: "h", Status: 201,
			Response: old.SealResponseFor([]byte(fmt.Sprintf(`{"id":%d}`, i)), 1, "/api/v1/cadres", kh), CreatedAt: time.Now().UTC()})
		if err := oldAudit.Log(ctx, &accesslog.Req{Method: "GET", Path: fmt.Sprint("/api/v1/cadres/", c.ID)}, 200); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := oldAudit.Seal(ctx); err != nil {
		t.Fatal(err)
	}

	k := keys(t, 2, 1)
	audit := accesslog.New(db, nil, accesslog.WithKeys(k))
	r := New(db, k, audit)
	r.batch = 3
	cctx, cancel := context.WithCancel(ctx)
	var lines []string
	_, err := r.Run(cctx, func(table string, done, total, rewritten int64) {
		lines = append(lines, fmt.Sprintf("%s %d/%d %d", table, done, total, rewritten))
		if table == "cadres" && done == 3 {
			cancel() // interrupted after the first batch
		}
	})
	if !errors.Is(err, context.Canceled) || len(lines) != 1 || lines[0] != "cadres 3/7 3" {
		t.Fatalf("interrupted run: %v %q", err, lines)
	}
	var half []models.Cadre
	db.Order("id").Find(&half)
	if half[0].IDNumberHash != k.Lookup(ids[0]) || half[3].IDNumberHash != old.Lookup(ids[3]) {
		t.Fatal("the first batch should be rotated and the rest not")
	}

	lines = nil
	rep, err := r.Run(ctx, func(table string, done, total, rewritten int64) {
		lines = append(lines, fmt.Sprintf("%s %d/%d %d", table, done, total, rewritten))
	})
	if err != nil {
		t.Fatal(err)
	}
	// Rows already under the new key are skipped: 4 cadres left, not 7.
	if rep.Cadres != 4 || rep.Flags != n || rep.Responses != n || rep.Entries != n || lines[0] != "cadres 3/7 0" {
		t.Fatalf("resumed: %+v %q", rep, lines)
	}
	again, err := r.Run(ctx, nil)
	if err != nil || *again != (Report{}) {
		t.Fatalf("a third run must rewrite nothing: %+v %v", again, err)
	}

	// Everything opens under the new key alone, bound, unchanged.
	only := keys(t, 2, 0)
	var cs []models.Cadre
	db.Order("id").Find(&cs)
	for i, c := range cs {
		p, st, err := only.OpenIDState(c.IDNumberEnc, c.IDNumberHash)
		if err != nil || st != datakey.Current || string(p) != ids[i] || c.IDNumberHash != only.Lookup(ids[i]) {
			t.Fatalf("cadre %d: %q %v %v", c.ID, p, st, err)
		}
	}
	var fs []models.Flag
	db.Order("id").Find(&fs)
	for i, f := range fs {
		p, st, err := only.OpenReporterFor(f.ReporterEnc, f.ID)
		if err != nil || st != datakey.Current || string(p) != fmt.Sprint("举报人", i) {
			t.Fatalf("flag %d: %q %v %v", f.ID, p, st, err)
		}
	}
	var rs []models.Idempotency
	db.Order("id").Find(&rs)
	for i, x := range rs {
		p, st, err := only.OpenResponseFor(x.Response, x.UserID, x.Route, x.Key)
		if err != nil || st != datakey.Current || string(p) != fmt.Sprintf(`{"id":%d}`, i) {
			t.Fatalf("response %d: %q %v %v", x.ID, p, st, err)
		}
	}
	v, err := accesslog.New(db, nil, accesslog.WithKeys(only)).SealAndVerify(ctx, nil)
	if err != nil || !v.OK || !v.MACsChecked {
		t.Fatalf("verify under the new key: %+v %v", v, err)
	}
	if v, _ := accesslog.New(db, nil, accesslog.WithKeys(old)).Verify(ctx, nil); v.OK {
		t.Fatal("the old key alone should no longer verify the MACs")
	}
}

// A value that opens under neither key stops the rotation and is named.
func TestRotateStopsOnTamperedValue(t *testing.T) {
	db, _, _ := testenv.DB(t)
	k := keys(t, 2, 1)
	c := models.Cadre{Name: "x", Gender: "男", BirthDate: civil.MustParse("1980-01-01"), IDNumberEnc: bytes.Repeat([]byte{9}, 40), IDNumberHash: strings.Repeat("a", 64),
		IDNumberMask: "1****X", UnitID: 1, Position: "p", Rank: "r", AppointedOn: civil.MustParse("2020-01-01"), Status: "active", Version: 1}
	db.Create(&c)
	_, err := New(db, k, accesslog.New(db, nil, accesslog.WithKeys(k))).Run(context.Background(), nil)
	if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), fmt.Sprintf("cadre %d", c.ID)) {
		t.Fatalf("got %v", err)
	}
}
