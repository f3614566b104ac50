// Command efile serves the cadre e-file API and runs its offline commands:
//
//	efile [serve]          start the HTTP API (the default)
//	efile audit verify     verify the access-log chain offline; exit 1 if broken
//	efile import --as USER FILE   import a cadre roster (CSV or XLSX)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // EFILE_TZ works on images without zoneinfo

	"efile/models"
	"efile/policies"
	"efile/routes"
	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/cadre"
	"efile/services/datakey"
	"efile/services/efile"
	"efile/services/record"
	"efile/services/unit"

	"gorm.io/gorm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "efile:", err)
		os.Exit(1)
	}
}

var errBrokenChain = errors.New("the access-log chain is broken")

// run runs one command; ctx ends on SIGINT or SIGTERM.
func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			return errors.New("usage: efile audit verify [--head HASH@SEQ]")
		}
		return auditVerifyTo(os.Stdout, args[1:])
	case "import":
		return importRoster(ctx, os.Stdout, args)
	default:
		return fmt.Errorf("unknown command %q (serve, audit verify, import)", cmd)
	}
}

// retryDelay is the first wait between connection attempts; it doubles.
var retryDelay = 500 * time.Millisecond

// openDB connects, retrying a few times (a MySQL container may still be
// starting), and migrates.
func openDB(ctx context.Context, c *config, log *slog.Logger) (*gorm.DB, error) {
	var db *gorm.DB
	var err error
	for i := 0; i < 5; i++ {
		db, err = models.Open(ctx, c.Driver, c.DSN)
		if err == nil || c.Driver != "mysql" {
			break
		}
		log.Warn("database not reachable yet; retrying", "attempt", i+1, "err", err.Error())
		time.Sleep(retryDelay << i)
	}
	if err != nil {
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	if err := models.Migrate(ctx, db); err != nil {
		return nil, err
	}
	return db, nil
}

// serve runs the API until ctx ends, then finishes the requests in flight
// and seals the access log before returning.
func serve(ctx context.Context, args []string) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	c, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, c, log)
	if err != nil {
		return err
	}
	audit := accesslog.New(db, nil)
	acc, err := account.New(db, audit, account.Config{JWTSecret: c.JWTSecret, Location: c.TZ})
	if err != nil {
		return err
	}
	generated, err := acc.EnsureAdmin(ctx, c.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	if generated != "" {
		fmt.Fprintf(os.Stderr, "efile: created user admin with password %s (shown once; change it)\n", generated)
	}
	enf, err := policies.NewEnforcer()
	if err != nil {
		return err
	}
	keys, err := datakey.New(c.DataKey)
	if err != nil {
		return err
	}
	cadres := cadre.New(db, audit, keys, nil, c.TZ)
	records := record.New(db, audit, cadres, nil)
	router, err := routes.New(routes.Deps{DB: db, Logger: log, Enforcer: enf, Audit: audit, Accounts: acc,
		Units: unit.New(db, audit), Cadres: cadres, Records: records, EFiles: efile.New(db, cadres, records, c.TZ),
		Keys: keys, TrustedProxies: c.TrustedProxies, RateLimits: c.Rates})
	if err != nil {
		return err
	}
	sealCtx, stopSealer := context.WithCancel(context.Background())
	sealerDone := make(chan struct{})
	go func() {
		defer close(sealerDone)
		audit.Run(sealCtx, time.Second, func(err error) { log.Error("seal access log", "err", err.Error()) })
	}()

	go func() { // housekeeping: forget expired idempotency responses and revocations
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-sealCtx.Done():
				return
			case now := <-t.C:
				if _, err := models.PurgeExpired(sealCtx, db, now); err != nil && sealCtx.Err() == nil {
					log.Error("purge expired rows", "err", err.Error())
				}
			}
		}
	}()

	srv := &http.Server{Addr: c.Addr, Handler: router, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		stopSealer()
		<-sealerDone
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("efile listening", "addr", ln.Addr().String(), "driver", c.Driver)
	if listening != nil {
		listening(ln.Addr().String())
	}
	select {
	case err := <-errc:
		stopSealer()
		<-sealerDone
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shCtx)
	stopSealer() // seals what the last requests wrote
	<-sealerDone
	if sqlDB, e := db.DB(); e == nil {
		sqlDB.Close()
	}
	log.Info("stopped")
	return err
}

// listening, when set (by tests), is told the address once serving.
var listening func(addr string)

func auditVerifyTo(out io.Writer, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	head := fs.String("head", "", "HASH@SEQ of a head hash kept elsewhere")
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openDB(ctx, c, log)
	if err != nil {
		return err
	}
	if sqlDB, e := db.DB(); e == nil {
		defer sqlDB.Close()
	}
	var anchor *accesslog.Anchor
	if *head != "" {
		if anchor, err = accesslog.ParseAnchor(*head); err != nil {
			return fmt.Errorf("--head: %w", err)
		}
	}
	v, err := accesslog.New(db, nil).Verify(ctx, anchor)
	if err != nil {
		return err
	}
	if v.OK {
		fmt.Fprintf(out, "ok: %d entries checked, %d pending, head %s@%d\n", v.Checked, v.Pending, v.HeadHash, v.Checked)
		return nil
	}
	bad := "none"
	if v.FirstBadID != nil {
		bad = fmt.Sprint(*v.FirstBadID)
	}
	fmt.Fprintf(out, "BROKEN: %s; first bad entry id: %s; %d entries checked\n", v.Reason, bad, v.Checked)
	return errBrokenChain
}
