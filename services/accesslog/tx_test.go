package accesslog_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"efile/models"
	"efile/services/accesslog"
	"efile/testenv"
)

// TestTxNesting: a request whose transactions nest three deep gets exactly
// one entry, written by the outermost, with the status the route set; a
// rollback at any level leaves no entry and no change, and the request is
// not marked logged (the middleware then logs its failure on its own).
func TestTxNesting(t *testing.T) {
	db, _, _ := testenv.DB(t)
	svc := accesslog.New(db, nil)
	units := func() int64 {
		var n int64
		if err := db.Model(&models.Unit{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	entries := func() int64 {
		var n int64
		if err := db.Model(&models.AccessEntry{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("boom")
	run := func(code string, failAt int) (*accesslog.Req, error) {
		req := &accesslog.Req{Method: "POST", Path: "/api/v1/units", IP: "127.0.0.1"}
		req.SetActor(1, "admin")
		req.SetSuccess(201)
		ctx := accesslog.WithReq(context.Background(), req)
		level := func(ctx context.Context, n int, inner func(context.Context) error) error {
			return svc.Tx(ctx, func(ctx context.Context) error {
				if err := models.Get(ctx, db).Create(&models.Unit{Name: code, Code: fmt.Sprintf("%s-%d", code, n), Path: "/"}).Error; err != nil {
					return err
				}
				if inner != nil {
					if err := inner(ctx); err != nil {
						return err
					}
				}
				if failAt == n {
					return boom
				}
				return nil
			})
		}
		err := level(ctx, 1, func(ctx context.Context) error {
			return level(ctx, 2, func(ctx context.Context) error { return level(ctx, 3, nil) })
		})
		return req, err
	}

	t.Run("threeLevelsOneEntry", func(t *testing.T) {
		u0, e0 := units(), entries()
		req, err := run("ok", 0)
		if err != nil {
			t.Fatal(err)
		}
		if units()-u0 != 3 || entries()-e0 != 1 || !req.Logged() {
			t.Fatalf("units +%d, entries +%d, logged %v; want +3, +1, true", units()-u0, entries()-e0, req.Logged())
		}
		var e models.AccessEntry
		if err := db.Order("id DESC").First(&e).Error; err != nil || e.Status != 201 || e.Actor != "admin" || e.IP != "127.0.0.1" {
			t.Fatalf("entry %+v %v", e, err)
		}
	})
	for _, at := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("rollbackAtLevel%dLeavesNothing", at), func(t *testing.T) {
			u0, e0 := units(), entries()
			req, err := run(fmt.Sprintf("fail%d", at), at)
			if !errors.Is(err, boom) {
				t.Fatalf("err %v", err)
			}
			if units() != u0 || entries() != e0 || req.Logged() {
				t.Fatalf("units +%d, entries +%d, logged %v; want nothing", units()-u0, entries()-e0, req.Logged())
			}
		})
	}
}
