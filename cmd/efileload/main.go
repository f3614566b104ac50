// Command efileload is the project's own load tool. It drives a running
// efile server on this machine with concurrent, authenticated requests as
// several roles (reviewer, evaluator, auditor) over many cadres, for a
// bounded time and count, in one or more phases (each a weighted mix of
// operations), and prints throughput and p50/p95/p99 per operation. In the
// same run it measures two ceilings:
//
//   - HTTP: a bare gin handler answering the same e-file JSON over the same
//     kind of loopback listener, driven by the same clients;
//   - storage: a raw database/sql transaction inserting a record row and an
//     access-log row into the server's own database, with the same
//     concurrency (one connection on SQLite: it has one writer).
//
// It then asks the security auditor's verify whether the access-log chain is
// still whole. It only talks to loopback addresses.
//
//	efileload -url http://127.0.0.1:8080 -setup admin:PASSWORD \
//	  -mix append=100 -mix efile=100 -mix efile=40,list=30,append=20,vet=10 \
//	  -c 32 -d 30s -db-driver sqlite -db-dsn /path/efile.db
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"time"
)

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "efileload:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "efileload:", err)
		os.Exit(1)
	}
}

// config is everything a run needs; flags fill it, the test builds it.
type config struct {
	base                                   string
	reviewer, evaluator, auditor, security string // USER:PASSWORD
	setup                                  string // ADMIN:PASSWORD: create the load's users if missing
	password                               string // their password
	mixes                                  []mix
	conc                                   int
	dur                                    time.Duration
	maxRequests                            int // per phase; 0: no limit but the duration
	cadres                                 int // cadre ids to spread the load over
	httpCeiling                            bool
	dbDriver, dbDSN                        string // the storage ceiling; empty: not measured
	seed                                   uint64
}

// Bounds: a run never sends more than this, whatever it is asked.
const (
	maxDuration = 2 * time.Minute
	maxConc     = 256
)

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("efileload", flag.ContinueOnError)
	c := &config{}
	fs.StringVar(&c.base, "url", "http://127.0.0.1:8080", "efile server (loopback only)")
	fs.StringVar(&c.setup, "setup", "", "ADMIN:PASSWORD: create the users efl-rev, efl-eval, efl-aud, efl-sec if missing, and use them")
	fs.StringVar(&c.password, "password", "efileload-password-1", "password of the users -setup creates")
	fs.StringVar(&c.reviewer, "reviewer", "", "USER:PASSWORD of an org_reviewer (e-file, vet)")
	fs.StringVar(&c.evaluator, "evaluator", "", "USER:PASSWORD of an evaluator whose unit holds the cadres (list, append)")
	fs.StringVar(&c.auditor, "auditor", "", "USER:PASSWORD of an auditor (flags)")
	fs.StringVar(&c.security, "security", "", "USER:PASSWORD of a security_auditor: verify the chain afterwards")
	fs.Func("mix", "a phase: name=weight,... of "+fmt.Sprint(opNames())+" (repeat for several phases; default "+defaultMix+")", func(s string) error {
		m, err := parseMix(s)
		c.mixes = append(c.mixes, m)
		return err
	})
	fs.IntVar(&c.conc, "c", 32, "concurrent clients")
	fs.DurationVar(&c.dur, "d", 30*time.Second, "duration of each phase and ceiling (at most 2m)")
	fs.IntVar(&c.maxRequests, "n", 0, "at most this many requests a phase (0: as many as the duration allows)")
	fs.IntVar(&c.cadres, "cadres", 2000, "cadre ids to spread the load over, sampled from GET /api/v1/cadres")
	fs.BoolVar(&c.httpCeiling, "http-ceiling", true, "measure the bare gin handler")
	fs.StringVar(&c.dbDriver, "db-driver", "", "storage ceiling: sqlite or mysql, the server's database (empty: not measured)")
	fs.StringVar(&c.dbDSN, "db-dsn", "", "storage ceiling: the server's SQLite file or MySQL DSN")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed of the choices")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if len(c.mixes) == 0 {
		m, err := parseMix(defaultMix)
		if err != nil {
			return nil, err
		}
		c.mixes = []mix{m}
	}
	return c, c.check()
}

func (c *config) check() error {
	u, err := url.Parse(c.base)
	if err != nil {
		return fmt.Errorf("-url: %v", err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("-url must be a loopback address (127.0.0.1, ::1 or localhost)")
	}
	if c.conc < 1 || c.conc > maxConc {
		return fmt.Errorf("-c must be 1 to %d", maxConc)
	}
	if c.dur <= 0 || c.dur > maxDuration {
		return fmt.Errorf("-d must be above 0 and at most %s", maxDuration)
	}
	if c.cadres < 1 || c.cadres > 100_000 {
		return errors.New("-cadres must be 1 to 100000")
	}
	if (c.dbDriver == "") != (c.dbDSN == "") {
		return errors.New("-db-driver and -db-dsn go together")
	}
	if c.dbDriver != "" && c.dbDriver != "sqlite" && c.dbDriver != "mysql" {
		return errors.New("-db-driver must be sqlite or mysql")
	}
	return nil
}

func run(ctx context.Context, c *config, out io.Writer) error {
	cl := newClient(c.base, c.conc)
	if c.setup != "" {
		if err := setupUsers(ctx, cl, c); err != nil {
			return err
		}
	}
	creds := map[string]string{"reviewer": c.reviewer, "evaluator": c.evaluator, "auditor": c.auditor}
	tokens := map[string]string{}
	var userIDs = map[string]int64{}
	for _, m := range c.mixes {
		for _, role := range m.roles() {
			if tokens[role] != "" {
				continue
			}
			if creds[role] == "" {
				return fmt.Errorf("the mix %q needs a %s: give -%s USER:PASSWORD or -setup", m.spec, role, role)
			}
			tok, id, err := cl.login(ctx, creds[role])
			if err != nil {
				return err
			}
			tokens[role], userIDs[role] = tok, id
		}
	}
	sampler := tokens["reviewer"]
	if sampler == "" {
		sampler = tokens["evaluator"]
	}
	if sampler == "" {
		sampler = tokens["auditor"]
	}
	ids, total, err := cl.sampleCadres(ctx, sampler, c.cadres, c.seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "efileload: %s, %d clients, %s a phase; load spread over %d of %d cadres\n", c.base, c.conc, c.dur, len(ids), total)

	var results []phaseResult
	for i, m := range c.mixes {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := runPhase(ctx, c, cl, m, tokens, ids, uint64(i))
		all := printStats(out, "phase "+m.spec, r.elapsed, c.conc, r.rec)
		results = append(results, phaseResult{m.spec, all, r})
	}

	var httpCeil, storeCeil float64
	if c.httpCeiling {
		body, err := cl.sample(ctx, tokens, ids[0])
		if err != nil {
			return err
		}
		r, err := httpCeiling(ctx, c, body)
		if err != nil {
			return err
		}
		httpCeil = printStats(out, fmt.Sprintf("ceiling http: bare gin, the same %d-byte JSON", len(body)), r.elapsed, c.conc, r.rec).PerSecond
	}
	if c.dbDriver != "" {
		r, conns, err := storageCeiling(ctx, c, ids, userIDs["evaluator"])
		if err != nil {
			return err
		}
		storeCeil = printStats(out, fmt.Sprintf("ceiling storage: %s, record + access-log row a transaction, %d connection(s)", c.dbDriver, conns),
			r.elapsed, c.conc, r.rec).PerSecond
	}
	if httpCeil > 0 || storeCeil > 0 {
		fmt.Fprintln(out, "ratios to the ceilings (throughput of the phase or of its operation / ceiling):")
		for _, p := range results {
			_, per := p.run.rec.stats(p.run.elapsed)
			line := fmt.Sprintf("  %-40s %7.0f/s", p.spec, p.all.PerSecond)
			if httpCeil > 0 {
				line += fmt.Sprintf("  http %.3f", p.all.PerSecond/httpCeil)
			}
			for _, s := range per {
				if s.Name == "append" && storeCeil > 0 {
					line += fmt.Sprintf("  append %.0f/s = storage %.3f", s.PerSecond, s.PerSecond/storeCeil)
				}
			}
			fmt.Fprintln(out, line)
		}
	}
	if c.security != "" {
		return cl.verify(ctx, c.security, out)
	}
	return nil
}

type phaseResult struct {
	spec string
	all  opStats
	run  *driven
}
