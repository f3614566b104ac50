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
	"efile/routes"
	"efile/services"
	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/errs"

	"github.com/schollz/progressbar/v3"
)

// progressFrom is the roster size above which the import shows a progress bar.
const progressFrom = 1000

// importRoster is `efile import [--as USER] [--dry-run] FILE`: the same
// import as POST /api/v1/cadres/import (cadre.Service.ImportFile), run by a
// named organization-department reviewer, written to the access log as
// method CLI, and sealed before exit.
func importRoster(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	as := fs.String("as", "", "username of the org_reviewer doing the import (required)")
	dryRun := fs.Bool("dry-run", false, "check the roster and print what would change, writing nothing")
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := loadOfflineConfig(fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 || *as == "" {
		return &exitError{2, errors.New("usage: efile import --as USERNAME [--dry-run] FILE (CSV or XLSX)")}
	}
	if len(c.DataKey) == 0 {
		return &exitError{2, errors.New("no data key: set EFILE_DATA_KEY, or keep the key file that efile serve made beside the database")}
	}
	db, err := openExisting(ctx, c)
	if err != nil {
		return err
	}
	defer models.Close(db)
	u, err := models.FindUserByName(ctx, db, *as)
	switch {
	case models.IsNotFound(err):
		return fmt.Errorf("--as %s: no such user", *as)
	case err != nil:
		return fmt.Errorf("--as %s: looking the user up: %w", *as, err)
	case u.Disabled || !u.HasRole(account.RoleOrgReviewer):
		return fmt.Errorf("--as %s: not an enabled org_reviewer", *as)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := services.New(db, services.Config{JWTSecret: c.JWTSecret, DataKey: c.DataKey, Location: c.TZ, Logger: log,
		DataKeyPrevious: c.DataKeyPrevious})
	if err != nil {
		return err
	}
	audit, svc := set.Audit, set.Cadres
	// The bar appears once the writing starts and only for a large roster.
	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		if total < progressFrom {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionSetDescription("importing"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		}
		if err := bar.Set(done); err != nil {
			fmt.Fprintln(os.Stderr, "progress:", err)
		}
	}
	req := &accesslog.Req{Method: "CLI", Path: "efile import"}
	if *dryRun {
		req.Path = "efile import --dry-run"
	}
	req.SetActor(u.ID, u.Username)
	rep, err := svc.ImportFile(accesslog.WithReq(ctx, req), u, f, fs.Arg(0), *dryRun, progress)
	if bar != nil {
		if err := bar.Finish(); err != nil {
			fmt.Fprintln(os.Stderr, "progress:", err)
		}
	}
	status := 200
	if err != nil {
		// The status the API would answer, from the same error table.
		status = routes.Status(err)
		var v *errs.Validation
		if errors.As(err, &v) {
			for _, d := range v.Details {
				fmt.Fprintln(out, d.Message)
			}
			err = fmt.Errorf("%d problems; nothing was imported", len(v.Details))
		}
	}
	// A dry run or a refused import is logged too, like a request; a
	// written import logged itself in its transaction.
	if lerr := audit.Log(ctx, req, status); lerr != nil {
		return errors.Join(err, lerr)
	}
	if _, serr := audit.Seal(ctx); serr != nil || err != nil {
		return errors.Join(err, serr)
	}
	verb := "imported"
	if *dryRun {
		verb = "dry run, nothing written:"
	}
	fmt.Fprintf(out, "%s %d rows: %d created, %d updated, %d unchanged\n", verb, len(rep.Rows), rep.Created, rep.Updated, rep.Unchanged)
	return nil
}
