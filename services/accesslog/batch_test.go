package accesslog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/testenv"
)

// TestLogBatched: entries logged by many requests at once (inserted in
// shared multi-row statements) are each committed once Log returns, with
// their own fields, exactly once each; the sealer chains them all, their
// pending MACs check, and the chain verifies.
func TestLogBatched(t *testing.T) {
	db, _, _ := testenv.DB(t)
	k, err := datakey.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	svc := accesslog.New(db, nil, accesslog.WithKeys(k))
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			req := &accesslog.Req{Method: "GET", Path: fmt.Sprintf("/api/v1/cadres/%d/efile", i+1), IP: "127.0.0.1"}
			req.SetActor(int64(i+1), fmt.Sprintf("u%d", i+1))
			req.SetCadre(int64(i + 1))
			if err := svc.Log(context.Background(), req, 200+i%3); err != nil {
				errs <- err
				return
			}
			// Committed before Log returned: visible to any reader now.
			var e models.AccessEntry
			if err := db.Where("path = ?", req.Path).First(&e).Error; err != nil {
				errs <- fmt.Errorf("entry of %s not found after Log: %w", req.Path, err)
				return
			}
			if e.ActorID != int64(i+1) || e.Actor != fmt.Sprintf("u%d", i+1) || e.CadreID == nil || *e.CadreID != int64(i+1) || e.Status != 200+i%3 {
				errs <- fmt.Errorf("entry of %s: %+v", req.Path, e)
			}
			if !req.Logged() {
				errs <- fmt.Errorf("%s not marked logged", req.Path)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var count int64
	if err := db.Model(&models.AccessEntry{}).Count(&count).Error; err != nil || count != n {
		t.Fatalf("%d entries (%v), want %d", count, err, n)
	}
	v, err := svc.SealAndVerify(context.Background(), nil)
	if err != nil || !v.OK || v.Checked != n || v.Pending != 0 {
		t.Fatalf("verify: %+v, %v", v, err)
	}
}

// TestLogInTx: an entry logged inside a transaction joins it (on SQLite
// a batch would wait for the writer that transaction holds): it commits
// with the transaction, and is gone with it when it rolls back.
func TestLogInTx(t *testing.T) {
	db, _, _ := testenv.DB(t)
	svc := accesslog.New(db, nil)
	count := func(path string) int64 {
		var n int64
		if err := db.Model(&models.AccessEntry{}).Where("path = ?", path).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, commit := range []bool{true, false} {
		path := fmt.Sprintf("/api/v1/in-tx/%v", commit)
		req := &accesslog.Req{Method: "GET", Path: path, IP: "127.0.0.1"}
		err := models.WithTx(context.Background(), db, func(ctx context.Context) error {
			if err := svc.Log(ctx, req, 200); err != nil {
				return err
			}
			if !commit {
				return errRollback
			}
			return nil
		})
		if commit && err != nil || !commit && err != errRollback {
			t.Fatalf("commit %v: %v", commit, err)
		}
		if want := map[bool]int64{true: 1, false: 0}[commit]; count(path) != want {
			t.Fatalf("commit %v: %d entries, want %d", commit, count(path), want)
		}
	}
}

var errRollback = errors.New("roll back")
