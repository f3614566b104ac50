package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/services/keyrotate"

	"gorm.io/gorm"
)

// keysRotate is `efile keys rotate`: with the new key in EFILE_DATA_KEY and
// the old one in EFILE_DATA_KEY_PREVIOUS, it re-encrypts ID numbers (and
// recomputes their lookup hashes), flag reporters and stored responses, and
// re-MACs access-log entries, in batches, printing a progress line per
// batch. Interrupted, it is resumed by running it again. Without
// EFILE_DATA_KEY_PREVIOUS it binds rows written before values were bound to
// their row, under the current key. Run it with the server stopped.
func keysRotate(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	c, err := parseConfig(fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return &exitError{2, errors.New("usage: efile keys rotate (EFILE_DATA_KEY: the new key; EFILE_DATA_KEY_PREVIOUS: the old one)")}
	}
	db, keys, audit, err := openKeyed(ctx, c, "no data key: set EFILE_DATA_KEY to the new key and EFILE_DATA_KEY_PREVIOUS to the old one")
	if err != nil {
		return err
	}
	defer models.Close(db)
	rep, err := keyrotate.New(db, keys, audit).Run(ctx, func(table string, done, total, rewritten int64) {
		fmt.Fprintf(out, "keys rotate: %s %d/%d rows, %d re-encrypted\n", table, done, total, rewritten)
	})
	// The rotation is logged like an import, interrupted or not.
	req := &accesslog.Req{Method: "CLI", Path: "efile keys rotate"}
	status := 200
	if err != nil {
		status = 500
	}
	if lerr := audit.Log(context.WithoutCancel(ctx), req, status); lerr != nil {
		return errors.Join(err, lerr)
	}
	if _, serr := audit.Seal(context.WithoutCancel(ctx)); serr != nil || err != nil {
		return errors.Join(err, serr)
	}
	fmt.Fprintf(out, "keys rotate: done: %d ID numbers, %d reporters, %d stored responses, %d access-log MACs rewritten\n",
		rep.Cadres, rep.Flags, rep.Responses, rep.Entries)
	if keys.HasPrevious() {
		fmt.Fprintln(out, "keys rotate: EFILE_DATA_KEY_PREVIOUS is no longer needed")
	}
	return nil
}

// auditHead is `efile audit head`: seal what is pending, then print the
// head as HASH@SEQ, for anchoring outside the database. Sealing checks MACs,
// so it needs the data key.
func auditHead(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("audit head", flag.ContinueOnError)
	c, err := parseConfig(fs, args)
	if err != nil {
		return err
	}
	db, _, audit, err := openKeyed(ctx, c, "no data key: set EFILE_DATA_KEY (sealing checks each entry's MAC), or keep the key file beside the SQLite database")
	if err != nil {
		return err
	}
	defer models.Close(db)
	_, serr := audit.Seal(ctx)
	var fe *accesslog.ForgedError
	if serr != nil && !errors.As(serr, &fe) {
		return serr
	}
	hash, seq, err := audit.Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s@%d\n", hash, seq)
	if fe != nil {
		fmt.Fprintln(os.Stderr, "efile:", fe.Error())
		return errBrokenChain
	}
	return nil
}

// openKeyed opens an existing database for an offline command that needs
// the data key (its access-log entries carry MACs): the key (exit 2 with
// missing when there is none), the database, and the access log keyed.
func openKeyed(ctx context.Context, c *config, missing string) (*gorm.DB, *datakey.Keys, *accesslog.Service, error) {
	ok, err := c.loadDataKey()
	if err != nil {
		return nil, nil, nil, err
	}
	if !ok {
		return nil, nil, nil, &exitError{2, errors.New(missing)}
	}
	keys, err := datakey.NewWithPrevious(c.DataKey, c.DataKeyPrevious)
	if err != nil {
		return nil, nil, nil, err
	}
	db, err := openExisting(ctx, c)
	if err != nil {
		return nil, nil, nil, err
	}
	return db, keys, accesslog.New(db, nil, accesslog.WithKeys(keys)), nil
}
