package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/cadre"
	"efile/services/datakey"
	"efile/services/errs"
	"efile/services/roster"

	"github.com/schollz/progressbar/v3"
)

// progressFrom is the roster size above which the import shows a progress bar.
const progressFrom = 1000

// importRoster is `efile import [--as USER] FILE`: the same import as
// POST /api/v1/cadres/import, run by a named organization-department
// reviewer, written to the access log as method CLI, and sealed before exit.
func importRoster(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	as := fs.String("as", "", "username of the org_reviewer doing the import (required)")
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 || *as == "" {
		return errors.New("usage: efile import --as USERNAME FILE (CSV or XLSX)")
	}
	db, err := openDB(ctx, c, log)
	if err != nil {
		return err
	}
	if sqlDB, e := db.DB(); e == nil {
		defer sqlDB.Close()
	}
	u, err := models.FindUserByName(ctx, db, *as)
	if err != nil || u.Disabled || !u.HasRole(account.RoleOrgReviewer) {
		return fmt.Errorf("--as %s: no enabled org_reviewer of that name", *as)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, problems, err := roster.Parse(f, fs.Arg(0))
	if err != nil {
		return err
	}
	keys, err := datakey.New(c.DataKey)
	if err != nil {
		return err
	}
	audit := accesslog.New(db, nil)
	svc := cadre.New(db, audit, keys, nil, c.TZ)
	var progress func(int)
	if len(rows) > progressFrom {
		bar := progressbar.NewOptions(len(rows), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		progress = func(done int) { _ = bar.Set(done) }
		defer bar.Finish()
	}
	req := &accesslog.Req{Method: "CLI", Path: "efile import"}
	req.SetActor(u.ID, u.Username)
	res, err := svc.Import(accesslog.WithReq(ctx, req), u, rows, problems, progress)
	if err != nil {
		status := 500
		var v *errs.Validation
		if errors.As(err, &v) {
			status = 400
			for _, d := range v.Details {
				fmt.Fprintln(out, d.Message)
			}
			err = fmt.Errorf("%d problems; nothing was imported", len(v.Details))
		}
		// A refused import is logged too, like a refused request.
		if lerr := audit.Log(ctx, req, status); lerr != nil {
			return errors.Join(err, lerr)
		}
		_, serr := audit.Seal(ctx)
		return errors.Join(err, serr)
	}
	if _, err := audit.Seal(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "imported %d rows: %d created, %d updated\n", len(rows), res.Created, res.Updated)
	return nil
}
