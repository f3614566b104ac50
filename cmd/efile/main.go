// Command efile serves the cadre e-file API and runs its offline commands:
//
//	efile [serve]          start the HTTP API (the default)
//	efile audit verify     verify the access-log chain offline; exit 1 if broken
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
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
	"efile/services/unit"

	"gorm.io/gorm"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "efile:", err)
		os.Exit(1)
	}
}

var errBrokenChain = errors.New("the access-log chain is broken")

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			return errors.New("usage: efile audit verify [--head HASH@SEQ]")
		}
		return auditVerify(args[1:])
	default:
		return fmt.Errorf("unknown command %q (serve, audit verify)", cmd)
	}
}

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
		time.Sleep(time.Duration(1<<i) * time.Second)
	}
	if err != nil {
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	if err := models.Migrate(ctx, db); err != nil {
		return nil, err
	}
	return db, nil
}

func serve(args []string) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	c, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := openDB(ctx, c, log)
	if err != nil {
		return err
	}
	audit := accesslog.New(db, nil)
	acc, err := account.New(db, audit, account.Config{JWTSecret: c.JWTSecret})
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
	router, err := routes.New(routes.Deps{DB: db, Logger: log, Enforcer: enf, Audit: audit, Accounts: acc,
		Units: unit.New(db, audit), TrustedProxies: c.TrustedProxies})
	if err != nil {
		return err
	}
	sealCtx, stopSealer := context.WithCancel(context.Background())
	sealerDone := make(chan struct{})
	go func() {
		defer close(sealerDone)
		audit.Run(sealCtx, time.Second, func(err error) { log.Error("seal access log", "err", err.Error()) })
	}()

	srv := &http.Server{Addr: c.Addr, Handler: router, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("efile listening", "addr", c.Addr, "driver", c.Driver)
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
	log.Info("stopped")
	return err
}

func auditVerify(args []string) error {
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
		fmt.Printf("ok: %d entries checked, %d pending, head %s@%d\n", v.Checked, v.Pending, v.HeadHash, v.Checked)
		return nil
	}
	bad := "none"
	if v.FirstBadID != nil {
		bad = fmt.Sprint(*v.FirstBadID)
	}
	fmt.Printf("BROKEN: %s; first bad entry id: %s; %d entries checked\n", v.Reason, bad, v.Checked)
	return errBrokenChain
}
