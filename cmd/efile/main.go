// Command efile serves the cadre e-file API and runs its offline commands:
//
//	efile serve            start the HTTP API
//	efile audit verify     verify the access-log chain offline; exit 1 if broken
//	efile audit head       seal what is pending and print HASH@SEQ, for anchoring
//	efile audit adopt      key the access log of a database older than entry MACs
//	efile keys rotate      re-encrypt under a new data key (resumable)
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
	"efile/services"
	"efile/services/accesslog"
	"efile/services/datakey"
	"efile/services/jobs"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

const usage = `efile: the cadre e-file and evaluation system

usage:
  efile serve [flags]                  start the HTTP API (and the web console)
  efile audit verify [--head HASH@SEQ]  verify the access-log chain; exit 1 if broken.
                                       Entry MACs are checked when the data key is at hand
                                       (EFILE_DATA_KEY, or the SQLite key file); else only
                                       the hash chain, and the output says so
  efile audit head                     seal what is pending, print the head as HASH@SEQ
                                       to keep outside the database (needs the data key)
  efile audit adopt [--head HASH@SEQ]  once, for a database from an efile older than entry
                                       MACs: check its chain, then record (keyed) that MAC
                                       checking starts after it (needs the data key)
  efile keys rotate                    re-encrypt ID numbers, reporters, stored responses
                                       and re-MAC the access log under EFILE_DATA_KEY, the
                                       old key in EFILE_DATA_KEY_PREVIOUS; resumable
  efile import --as USERNAME [--dry-run] FILE   import a cadre roster (CSV or XLSX)
  efile seed --cadres N --records-per-cadre M [--flags K] [--cycles C] [--seed S] [--force]
                                       fill a new database with synthetic data (creates it)

Configuration comes from EFILE_* environment variables (see README.md);
"efile serve --help" lists the flags that mirror them.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "efile:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

// exitError is an error with its own exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

var (
	errBrokenChain = errors.New("the access-log chain is broken")
	errUsage       = &exitError{2, errors.New("no command given; see the usage above")}
)

// run runs one command; ctx ends on SIGINT or SIGTERM.
func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errUsage
	}
	cmd := args[0]
	args = args[1:]
	switch cmd {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(os.Stdout, usage)
		return nil
	case "serve":
		return serve(ctx, args)
	case "audit":
		switch {
		case len(args) > 0 && args[0] == "verify":
			return auditVerifyTo(os.Stdout, args[1:])
		case len(args) > 0 && args[0] == "head":
			return auditHead(ctx, os.Stdout, args[1:])
		case len(args) > 0 && args[0] == "adopt":
			return auditAdopt(ctx, os.Stdout, args[1:])
		}
		return &exitError{2, errors.New("usage: efile audit verify [--head HASH@SEQ] | efile audit head | efile audit adopt [--head HASH@SEQ]")}
	case "keys":
		if len(args) == 0 || args[0] != "rotate" {
			return &exitError{2, errors.New("usage: efile keys rotate")}
		}
		return keysRotate(ctx, os.Stdout, args[1:])
	case "import":
		return importRoster(ctx, os.Stdout, args)
	case "seed":
		return seedCmd(ctx, os.Stdout, args)
	default:
		fmt.Fprint(os.Stderr, usage)
		return &exitError{2, fmt.Errorf("unknown command %q (serve, audit verify, audit head, import, keys rotate)", cmd)}
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
	if err := startPprof(log); err != nil {
		return err
	}
	tuneGC(log, os.Getenv)
	db, err := openDB(ctx, c, log)
	if err != nil {
		return err
	}
	svc, err := services.New(db, services.Config{JWTSecret: c.JWTSecret, DataKey: c.DataKey, Location: c.TZ, Logger: log,
		JWTSecretPrevious: c.JWTSecretPrevious, DataKeyPrevious: c.DataKeyPrevious,
		CheckValidDays: c.CheckValidDays, OpinionValidDays: c.OpinionValidDays})
	if err != nil {
		return err
	}
	audit := svc.Audit
	if err := ensureAdmin(ctx, svc, c); err != nil {
		return err
	}
	enf, err := policies.NewEnforcer()
	if err != nil {
		return err
	}
	router, err := routes.New(routes.Deps{Services: svc, Enforcer: enf, TrustedProxies: c.TrustedProxies, RateLimits: c.Rates})
	if err != nil {
		return err
	}
	runner, err := jobs.New(db, log, periodicJobs(audit, db))
	if err != nil {
		return err
	}
	jobsCtx, stopRunner := context.WithCancel(context.Background())
	runnerDone := make(chan struct{})
	go func() { defer close(runnerDone); runner.Run(jobsCtx) }()
	// stopJobs stops the runner (releasing its leases), then seals what the
	// last requests of this replica wrote, whoever holds the sealer's lease.
	stopJobs := func() {
		stopRunner()
		<-runnerDone
		if _, err := audit.Seal(context.Background()); err != nil {
			logSealError(log, err)
		}
	}

	srv := httpServer(c.Addr, router)
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		stopJobs()
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
		stopJobs()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shCtx)
	stopJobs()
	models.Close(db)
	log.Info("stopped")
	return err
}

// ensureAdmin creates the first administrator in a database without users,
// with EFILE_ADMIN_PASSWORD or a generated password, shown once on stderr.
func ensureAdmin(ctx context.Context, svc *services.Set, c *config) error {
	generated, err := svc.Accounts.EnsureAdmin(ctx, c.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	if generated != "" {
		if _, err := fmt.Fprintf(os.Stderr, "efile: created user admin with password %s (shown once; change it)\n", generated); err != nil {
			return fmt.Errorf("show the first administrator's password: %w", err)
		}
	}
	return nil
}

// periodicJobs are the jobs serve runs, each on one replica at a time
// (services/jobs): sealing the access log every second (entries written by
// any replica), and every hour forgetting expired idempotency responses,
// token revocations and login throttles.
func periodicJobs(audit *accesslog.Service, db *gorm.DB) []jobs.Job {
	return []jobs.Job{
		{Name: "seal-access-log", Interval: time.Second, Run: func(ctx context.Context) error {
			_, err := audit.Seal(ctx)
			return err
		}},
		{Name: "purge-expired", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := models.PurgeExpired(ctx, db, time.Now())
			return err
		}},
	}
}

// logSealError logs a failed seal at shutdown. A conflict with another
// sealer (a deadlock on MySQL, a certification conflict on Galera) is
// normal contention, already retried: the holder of the sealer's lease
// seals what this one left.
func logSealError(log *slog.Logger, err error) {
	if models.Contention(err) {
		log.Info("seal access log: contention with another sealer; the sealer's next run seals the rest", "err", err.Error())
		return
	}
	log.Error("seal access log", "err", err.Error())
}

// httpServer is the server of `efile serve`. Its timeouts bound what a slow
// or idle client can hold (docs/SECURITY.md, "Slow clients"): the headers
// within 10 s (slowloris), the whole request, body included, within a minute
// (a 10 MiB roster upload at 1.4 Mbit/s), the response within 2 minutes (the
// largest workbook export), an idle keep-alive connection 2 minutes; headers
// at most 64 KiB.
func httpServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

// listening, when set (by tests), is told the address once serving.
var listening func(addr string)

func auditVerifyTo(out io.Writer, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	head := fs.String("head", "", "HASH@SEQ of a head hash kept elsewhere")
	c, err := parseConfig(fs, args)
	if err != nil {
		return err
	}
	// Without the data key the hash chain is still verified, but not the
	// entries' MACs; the output says which was done.
	haveKey, err := c.loadDataKey()
	if err != nil {
		return err
	}
	anchor, err := headFlag(*head)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openExisting(ctx, c)
	if err != nil {
		return err
	}
	defer models.Close(db)
	var opts []accesslog.Option
	macs := "MACs not checked (no data key: set EFILE_DATA_KEY to check them)"
	if haveKey {
		keys, err := datakey.NewWithPrevious(c.DataKey, c.DataKeyPrevious)
		if err != nil {
			return err
		}
		opts = append(opts, accesslog.WithKeys(keys))
		macs = "MACs checked"
	}
	v, err := accesslog.New(db, nil, opts...).Verify(ctx, anchor)
	if err != nil {
		return err
	}
	if v.MACsChecked {
		macs = fmt.Sprintf("MACs checked from seq %d", v.MACsFrom)
		if v.MACsFrom > 1 {
			macs += " (the entries before it were sealed by an earlier efile)"
		}
	}
	if v.OK {
		fmt.Fprintf(out, "ok: %d entries checked, %d pending, head %s; %s\n", v.Checked, v.Pending, v.Head, macs)
		return nil
	}
	bad := "none"
	if v.FirstBadID != nil {
		bad = fmt.Sprint(*v.FirstBadID)
	}
	fmt.Fprintf(out, "BROKEN: %s; first bad entry id: %s; %d entries checked; %s\n", v.Reason, bad, v.Checked, macs)
	return errBrokenChain
}

// openExisting opens the database of an offline command. No offline command
// creates a database: a missing one, or one without efile's tables, is exit
// code 2 with a message saying so, and nothing is created (no file, no key
// file, no tables).
func openExisting(ctx context.Context, c *config) (*gorm.DB, error) {
	if c.Driver == "sqlite" {
		f := sqliteFile(c.DSN)
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			return nil, &exitError{2, fmt.Errorf("no efile database at %s (EFILE_DB_DSN): nothing was created", f)}
		}
	}
	db, err := models.Open(ctx, c.Driver, c.DSN)
	if err != nil {
		var me *mysqldriver.MySQLError
		if errors.As(err, &me) && me.Number == 1049 { // unknown database
			return nil, &exitError{2, fmt.Errorf("the database named in EFILE_DB_DSN does not exist: nothing was created")}
		}
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	if !db.Migrator().HasTable(&models.AccessEntry{}) || !db.Migrator().HasTable(&models.ChainHead{}) {
		models.Close(db)
		return nil, &exitError{2, errors.New("the database named in EFILE_DB_DSN holds no efile tables: point it at efile's database")}
	}
	return db, nil
}
