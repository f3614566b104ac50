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
	db, keys, audit, err := openKeyed(ctx, fs, args, "no data key: set EFILE_DATA_KEY to the new key and EFILE_DATA_KEY_PREVIOUS to the old one")
	if err != nil {
		return err
	}
	defer models.Close(db)
	if fs.NArg() != 0 {
		return &exitError{2, errors.New("usage: efile keys rotate (EFILE_DATA_KEY: the new key; EFILE_DATA_KEY_PREVIOUS: the old one)")}
	}
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
	db, _, audit, err := openKeyed(ctx, fs, args, "no data key: set EFILE_DATA_KEY (sealing checks each entry's MAC), or keep the key file beside the SQLite database")
	if err != nil {
		return err
	}
	defer models.Close(db)
	_, serr := audit.Seal(ctx)
	if serr != nil && !accesslog.Refused(serr) {
		return serr
	}
	hash, seq, err := audit.Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s@%d\n", hash, seq)
	if serr != nil {
		// A refused entry waits; or the chain has no keyed record.
		fmt.Fprintln(os.Stderr, "efile:", serr.Error())
		return errBrokenChain
	}
	return nil
}

// auditAdopt is `efile audit adopt`: for a database from an efile older
// than entry MACs, whose access log the sealer will not extend by itself
// (it has no keyed record of where MAC checking starts, and its last entry
// no MAC), it verifies the hash chain, against the head kept elsewhere if
// one is given, then records, keyed, that MACs start after its last entry.
// What is adopted is vouched for: run it once, after upgrading, with the
// servers stopped, never to silence a refusal on a database that was
// sealed with MACs before (that is an intrusion: docs/SECURITY.md).
func auditAdopt(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("audit adopt", flag.ContinueOnError)
	head := fs.String("head", "", "HASH@SEQ of a head hash kept elsewhere")
	db, _, audit, err := openKeyed(ctx, fs, args, "no data key: set EFILE_DATA_KEY (the record of where MAC checking starts is keyed)")
	if err != nil {
		return err
	}
	defer models.Close(db)
	anchor, err := headFlag(*head)
	if err != nil {
		return err
	}
	v, err := accesslog.New(db, nil).Verify(ctx, anchor)
	if err != nil {
		return err
	}
	if !v.OK {
		fmt.Fprintf(out, "BROKEN: %s; nothing adopted\n", v.Reason)
		return errBrokenChain
	}
	from, err := audit.Adopt(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "adopted: %d entries, head %s; MACs are checked from seq %d\n", v.Checked, v.Head, from)
	return nil
}

// openKeyed parses an offline command's args into fs and the
// configuration, and opens the existing database for a command that needs
// the data key (its access-log entries carry MACs): the key (exit 2 with
// missing when there is none), the database, and the access log keyed.
func openKeyed(ctx context.Context, fs *flag.FlagSet, args []string, missing string) (*gorm.DB, *datakey.Keys, *accesslog.Service, error) {
	c, err := parseConfig(fs, args)
	if err != nil {
		return nil, nil, nil, err
	}
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

// headFlag parses --head HASH@SEQ, a head kept elsewhere, if given.
func headFlag(s string) (*accesslog.Anchor, error) {
	if s == "" {
		return nil, nil
	}
	a, err := accesslog.ParseAnchor(s)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	return a, nil
}
