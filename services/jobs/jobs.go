// Package jobs runs periodic work (sealing the access log, purging expired
// rows) on one process at a time, however many replicas serve the same
// database. Each job runs under a lease, a row of job_leases: the process
// that holds it runs the job every interval and renews the lease while it
// lives; the others look at the row and leave the job alone until the lease
// expires, so when the holder dies or stalls another takes the job over
// (docs/architecture.md, "Jobs").
//
// Taking a lease is one conditional UPDATE (the row is free, expired, or
// already ours), which the database lets one process win; a read before it
// only saves the others a write while the lease is held. A lease is a
// promise about time, not a lock: a holder that stalls past its lease while
// running a job may still be running it when another process takes it over.
// So every job must be safe to run twice at once (the sealer takes the
// chain head's row lock; a purge deletes what is expired); the lease makes
// that rare, and spares the replicas work and conflicts.
//
// Times come from the runner's clock, and the ticks from its ticker, both
// injected, so tests drive them by hand. The clocks of the replicas must
// agree to well within a third of the lease's length (NTP does).
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Job is one periodic job.
type Job struct {
	// Name names the job's lease: the same on every replica, at most 64
	// characters.
	Name string
	// Interval is how often the holder runs the job.
	Interval time.Duration
	// Run does the work. Its context ends when the runner stops or the
	// lease is lost while it runs. It is called again after Interval even
	// when it fails; its error is logged.
	Run func(ctx context.Context) error
}

// TTL is how long a lease lasts unless renewed. The holder renews it when
// less than two thirds are left, so a holder that dies is replaced between
// 10 and 15 seconds later.
const TTL = 15 * time.Second

// Ticker makes a ticker of period d: its channel and a function that stops
// it. The default is time.NewTicker's.
type Ticker func(d time.Duration) (<-chan time.Time, func())

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Runner runs jobs under their leases.
type Runner struct {
	db     *gorm.DB
	log    *slog.Logger
	holder string
	ttl    time.Duration
	now    func() time.Time
	ticker Ticker
	jobs   []*job
}

// Option configures a Runner.
type Option func(*Runner)

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(r *Runner) { r.now = now } }

// WithTicker sets how tickers are made (default time.NewTicker).
func WithTicker(t Ticker) Option { return func(r *Runner) { r.ticker = t } }

// WithTTL sets the length of a lease (default TTL).
func WithTTL(d time.Duration) Option { return func(r *Runner) { r.ttl = d } }

// WithHolder names this runner in the leases it holds (default: host name,
// process id and a random suffix, unique to this runner).
func WithHolder(id string) Option { return func(r *Runner) { r.holder = id } }

// maxName is the size of job_leases.name.
const maxName = 64

// New makes a runner of jobs on db. It starts nothing: call Run (or, in
// tests, Tick).
func New(db *gorm.DB, log *slog.Logger, jobs []Job, opts ...Option) (*Runner, error) {
	r := &Runner{db: db, log: log, ttl: TTL, now: time.Now, ticker: realTicker}
	for _, o := range opts {
		o(r)
	}
	if r.holder == "" {
		id, err := holderID()
		if err != nil {
			return nil, err
		}
		r.holder = id
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.ttl <= 0 {
		return nil, fmt.Errorf("jobs: lease length %s", r.ttl)
	}
	seen := map[string]bool{}
	for _, j := range jobs {
		switch {
		case j.Name == "" || len(j.Name) > maxName:
			return nil, fmt.Errorf("jobs: job name %q must be 1-%d bytes", j.Name, maxName)
		case seen[j.Name]:
			return nil, fmt.Errorf("jobs: two jobs named %q", j.Name)
		case j.Interval <= 0 || j.Run == nil:
			return nil, fmt.Errorf("jobs: job %q needs an interval and a function", j.Name)
		}
		seen[j.Name] = true
		r.jobs = append(r.jobs, &job{Job: j})
	}
	return r, nil
}

// holderID names this process: host, pid and 48 random bits, so that two
// runners never share a name, even in one process.
func holderID() (string, error) {
	host, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("jobs: host name: %w", err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("jobs: random holder id: %w", err)
	}
	return fmt.Sprintf("%.80s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:])), nil
}

// Holder is the name this runner writes into the leases it holds.
func (r *Runner) Holder() string { return r.holder }

// job is one job and what this runner knows of its lease.
type job struct {
	Job
	run sync.Mutex // one run of the job at a time in this runner

	mu       sync.Mutex // guards the fields below
	until    time.Time  // the lease's end as this runner last wrote it; zero: not held
	next     time.Time  // when the job is next due, while held
	leaseLog quiet      // failures to take or renew the lease
	runLog   quiet      // failures of the job
}

// Run runs every job on a goroutine of its own until ctx ends, then releases
// the leases this runner holds and returns. Each job is stepped every
// interval, or every third of the lease when that is shorter, so that the
// lease is renewed in time.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range r.jobs {
		wg.Go(func() {
			c, stop := r.ticker(min(j.Interval, r.ttl/3))
			defer stop()
			r.step(ctx, j)
			for {
				select {
				case <-ctx.Done():
					r.release(context.WithoutCancel(ctx), j)
					return
				case <-c:
					r.step(ctx, j)
				}
			}
		})
	}
	wg.Wait()
}

// Tick steps every job once, one after another, at the runner's clock:
// takes or renews its lease, and runs it if this runner holds the lease and
// the job is due. Run does the same for each job on its own ticker; tests
// call Tick instead, after setting the clock.
func (r *Runner) Tick(ctx context.Context) {
	for _, j := range r.jobs {
		r.step(ctx, j)
	}
}

// Release gives up every lease this runner holds, so that another process
// may take the jobs at once. Run does it when it stops.
func (r *Runner) Release(ctx context.Context) {
	for _, j := range r.jobs {
		r.release(ctx, j)
	}
}

// step takes or renews j's lease and runs j when due. While j runs, its
// lease is renewed on a ticker of its own; if it is lost meanwhile, the
// run's context ends.
func (r *Runner) step(ctx context.Context, j *job) {
	if !j.run.TryLock() {
		return // still running (a Tick during Run)
	}
	defer j.run.Unlock()
	if ctx.Err() != nil {
		return // stopping: a tick that came with the end
	}
	now := r.now()
	if !r.hold(ctx, j, now) {
		return
	}
	j.mu.Lock()
	due := !now.Before(j.next)
	if due {
		j.next = now.Add(j.Interval)
	}
	j.mu.Unlock()
	if !due {
		return
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	kept := make(chan struct{})
	go func() { // keep the lease while the job runs
		defer close(kept)
		c, stop := r.ticker(r.ttl / 3)
		defer stop()
		for {
			select {
			case <-done:
				return
			case <-c:
				if !r.hold(runCtx, j, r.now()) {
					r.log.Warn("job lease lost while the job ran: stopping it", "job", j.Name, "holder", r.holder)
					cancel()
					return
				}
			}
		}
	}()
	err := j.Run(runCtx)
	close(done)
	<-kept
	switch {
	case err == nil:
		j.mu.Lock()
		j.runLog.reset()
		j.mu.Unlock()
	case runCtx.Err() != nil && errors.Is(err, context.Canceled):
		r.log.Debug("job stopped with its context", "job", j.Name, "err", err.Error())
	default:
		r.report(j, &j.runLog, "job failed", err)
	}
}

// hold makes sure this runner holds j's lease at now, taking or renewing it
// when needed, and tells whether it does. When the database fails, the
// lease this runner last wrote still holds until it ends.
func (r *Runner) hold(ctx context.Context, j *job, now time.Time) bool {
	j.mu.Lock()
	held := !j.until.IsZero() && now.Before(j.until)
	if held && now.Before(j.until.Add(-r.ttl*2/3)) {
		j.mu.Unlock()
		return true // renewed lately
	}
	j.mu.Unlock()
	until := now.Add(r.ttl)
	ok, err := r.take(ctx, j.Name, now, until, held)
	switch {
	case err != nil && ctx.Err() != nil:
		r.log.Debug("job lease not renewed: stopping", "job", j.Name, "err", err.Error())
		return held
	case err != nil:
		r.report(j, &j.leaseLog, "job lease", err)
		return held
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.leaseLog.reset()
	switch {
	case ok && j.until.IsZero():
		r.log.Info("job lease taken", "job", j.Name, "holder", r.holder)
		j.next = now // due at once
	case !ok && !j.until.IsZero():
		r.log.Info("job lease lost to another process", "job", j.Name, "holder", r.holder)
	}
	if ok {
		j.until = until
	} else {
		j.until = time.Time{}
	}
	return ok
}

// release gives up j's lease if this runner holds it.
func (r *Runner) release(ctx context.Context, j *job) {
	j.run.Lock() // after the run in progress, if any
	defer j.run.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.until.IsZero() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.free(ctx, j.Name); err != nil {
		r.log.Error("release job lease: it passes on when it expires", "job", j.Name, "err", err.Error())
	} else {
		r.log.Info("job lease released", "job", j.Name, "holder", r.holder)
	}
	j.until = time.Time{}
}
