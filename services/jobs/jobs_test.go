package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"efile/models"
	"efile/services/jobs"
	"efile/testenv"

	"gorm.io/gorm"
)

// clock is a time set by hand, shared by the runners of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// never is a ticker that never ticks: the test calls Tick itself.
func never(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }

// logBuf collects a runner's log (or a child's standard error), chunk by
// chunk as written.
type logBuf struct {
	mu     sync.Mutex
	chunks []string
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.chunks = append(l.chunks, string(p))
	l.mu.Unlock()
	return len(p), nil
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.chunks, "")
}

// count counts the lines of the log with all of the given parts.
func (l *logBuf) count(parts ...string) int {
	n := 0
	for _, line := range strings.Split(l.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

// wait receives from ch, or fails the test after a minute rather than hang.
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("still waiting after a minute for %s", what)
	}
	var zero T
	return zero
}

// twoHandles opens the test's database twice, as two processes would.
func twoHandles(t *testing.T) (*gorm.DB, *gorm.DB) {
	t.Helper()
	a, driver, dsn := testenv.DB(t)
	b, err := models.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(b) })
	return a, b
}

// runs counts the runs of a job by runner.
type runs struct {
	mu sync.Mutex
	by []string
}

func (r *runs) job(name, who string, interval time.Duration) jobs.Job {
	return jobs.Job{Name: name, Interval: interval, Run: func(context.Context) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.by = append(r.by, who)
		return nil
	}}
}

func (r *runs) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.by
	r.by = nil
	return out
}

func newRunner(t *testing.T, db *gorm.DB, holder string, c *clock, log *logBuf, js ...jobs.Job) *jobs.Runner {
	t.Helper()
	if log == nil {
		log = &logBuf{}
	}
	r, err := jobs.New(db, slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})), js,
		jobs.WithClock(c.now), jobs.WithTicker(never), jobs.WithHolder(holder))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func lease(t *testing.T, db *gorm.DB, name string) models.JobLease {
	t.Helper()
	var l models.JobLease
	if err := db.Where("name = ?", name).Take(&l).Error; err != nil {
		t.Fatal(err)
	}
	return l
}

// Two runners on one database, ticked every second for four lease lengths
// in turn: the first to tick runs each job at each of its intervals, and the
// other never runs it; renewals keep the lease.
func TestOneHolderAtATime(t *testing.T) {
	dbA, dbB := twoHandles(t)
	c := newClock()
	var seal, purge runs
	a := newRunner(t, dbA, "A", c, nil, seal.job("seal", "A", time.Second), purge.job("purge", "A", 10*time.Second))
	b := newRunner(t, dbB, "B", c, nil, seal.job("seal", "B", time.Second), purge.job("purge", "B", 10*time.Second))
	ctx := context.Background()
	for i := range 60 {
		a.Tick(ctx)
		b.Tick(ctx)
		if got := seal.take(); len(got) != 1 || got[0] != "A" {
			t.Fatalf("second %d: seal ran by %v, want by A alone", i, got)
		}
		got := purge.take()
		if want := i%10 == 0; len(got) != map[bool]int{true: 1, false: 0}[want] || (want && got[0] != "A") {
			t.Fatalf("second %d: purge ran by %v, want by A every 10 s", i, got)
		}
		c.add(time.Second)
	}
	if l := lease(t, dbB, "seal"); l.Holder != "A" || !l.ExpiresAt.After(c.now()) {
		t.Fatalf("lease %+v at %s: want A's, alive", l, c.now())
	}
}

// The holder dies (ticks no more): the other runner waits for the lease to
// expire, then takes it and runs the job; the old holder, back from a stall,
// finds it lost and does not run.
func TestLeasePassesOnWhenHolderDies(t *testing.T) {
	dbA, dbB := twoHandles(t)
	c := newClock()
	var r runs
	logA := &logBuf{}
	a := newRunner(t, dbA, "A", c, logA, r.job("seal", "A", time.Second))
	b := newRunner(t, dbB, "B", c, nil, r.job("seal", "B", time.Second))
	ctx := context.Background()
	t0 := c.now()
	a.Tick(ctx)
	if got := r.take(); len(got) != 1 {
		t.Fatalf("A's first tick ran %v", got)
	}
	for _, at := range []time.Duration{time.Second, 5 * time.Second, jobs.TTL - time.Millisecond} {
		c.add(t0.Add(at).Sub(c.now()))
		b.Tick(ctx)
		if got := r.take(); len(got) != 0 {
			t.Fatalf("at +%s, before A's lease ends: %v ran", at, got)
		}
	}
	c.add(time.Millisecond) // A's lease ends now
	b.Tick(ctx)
	if got := r.take(); len(got) != 1 || got[0] != "B" {
		t.Fatalf("at the end of A's lease: %v ran, want B", got)
	}
	if l := lease(t, dbA, "seal"); l.Holder != "B" || !l.TakenAt.Equal(c.now()) {
		t.Fatalf("lease %+v: want B's, taken at %s", l, c.now())
	}
	c.add(time.Second)
	a.Tick(ctx) // A wakes up
	if got := r.take(); len(got) != 0 {
		t.Fatalf("A, back after its lease ended: %v ran", got)
	}
	b.Tick(ctx)
	if got := r.take(); len(got) != 1 || got[0] != "B" {
		t.Fatalf("B after A woke: %v ran", got)
	}
	if n := logA.count("job lease lost to another process"); n != 1 {
		t.Fatalf("A logged the loss %d times:\n%s", n, logA)
	}
}

// A released lease is taken at once by another runner, whatever the time.
func TestReleaseHandsOver(t *testing.T) {
	dbA, dbB := twoHandles(t)
	c := newClock()
	var r runs
	a := newRunner(t, dbA, "A", c, nil, r.job("purge", "A", time.Hour))
	b := newRunner(t, dbB, "B", c, nil, r.job("purge", "B", time.Hour))
	ctx := context.Background()
	a.Tick(ctx)
	b.Tick(ctx)
	a.Release(ctx)
	b.Tick(ctx)
	if got := r.take(); strings.Join(got, ",") != "A,B" {
		t.Fatalf("runs %v, want A then B", got)
	}
}

// A job that runs longer than a lease keeps it: its lease is renewed on a
// ticker of its own while it runs. When it is lost all the same (its renewal
// did not happen in time), the run's context ends.
func TestLongRunKeepsLease(t *testing.T) {
	dbA, dbB := twoHandles(t)
	c := newClock()
	ticks := make(chan chan time.Time, 4)
	ticker := func(time.Duration) (<-chan time.Time, func()) {
		ch := make(chan time.Time)
		ticks <- ch
		return ch, func() {}
	}
	started, finish, stopped := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	long := jobs.Job{Name: "long", Interval: time.Hour, Run: func(ctx context.Context) error {
		close(started)
		select {
		case <-finish:
			stopped <- nil
		case <-ctx.Done():
			stopped <- ctx.Err()
		}
		return nil
	}}
	a, err := jobs.New(dbA, slog.New(slog.NewTextHandler(&logBuf{}, nil)), []jobs.Job{long},
		jobs.WithClock(c.now), jobs.WithTicker(ticker), jobs.WithHolder("A"))
	if err != nil {
		t.Fatal(err)
	}
	var r runs
	b := newRunner(t, dbB, "B", c, nil, r.job("long", "B", time.Hour))
	ctx := context.Background()
	ticked := make(chan struct{})
	go func() { a.Tick(ctx); close(ticked) }()
	wait(t, started, "A's run to start")
	keep := wait(t, ticks, "the renewal ticker of A's run")
	c.add(jobs.TTL - 3*time.Second)
	keep <- c.now()
	keep <- c.now() // received once the first tick's renewal is done
	c.add(5 * time.Second)
	b.Tick(ctx) // past A's first lease, within the renewed one
	if got := r.take(); len(got) != 0 {
		t.Fatalf("%v ran while A's long run renewed its lease", got)
	}
	c.add(jobs.TTL) // A's renewal is late: B takes the lease
	b.Tick(ctx)
	if got := r.take(); len(got) != 1 {
		t.Fatalf("after A's renewed lease ended: %v ran, want B", got)
	}
	keep <- c.now()
	if err := wait(t, stopped, "A's run to stop"); !errors.Is(err, context.Canceled) {
		t.Fatalf("A's run ended with %v, want its context cancelled once the lease was lost", err)
	}
	wait(t, ticked, "A's tick to return")
}

// Run steps each job on its ticker and, when its context ends, releases
// the leases it holds.
func TestRunReleasesOnStop(t *testing.T) {
	dbA, dbB := twoHandles(t)
	c := newClock()
	tick := make(chan time.Time)
	ran := make(chan struct{}, 1)
	job := jobs.Job{Name: "seal", Interval: time.Second, Run: func(context.Context) error { ran <- struct{}{}; return nil }}
	a, err := jobs.New(dbA, slog.New(slog.NewTextHandler(&logBuf{}, nil)), []jobs.Job{job}, jobs.WithClock(c.now),
		jobs.WithTicker(func(d time.Duration) (<-chan time.Time, func()) {
			if d == time.Second {
				return tick, func() {}
			}
			return nil, func() {} // a run's renewal ticker
		}), jobs.WithHolder("A"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	wait(t, ran, "the run at start")
	c.add(time.Second)
	tick <- c.now()
	wait(t, ran, "the run at the tick")
	cancel()
	wait(t, done, "Run to return")
	if l := lease(t, dbB, "seal"); l.Holder != "" {
		t.Fatalf("lease %+v after Run returned: want released", l)
	}
	var r runs
	b := newRunner(t, dbB, "B", c, nil, r.job("seal", "B", time.Second))
	b.Tick(context.Background())
	if got := r.take(); len(got) != 1 {
		t.Fatalf("B after A stopped: %v ran", got)
	}
}

// A failing job is logged at ERROR, once a minute while it fails the same
// way; a lease that cannot be written is logged and the job is not run.
func TestErrorsLogged(t *testing.T) {
	db, _, _ := testenv.DB(t)
	c := newClock()
	log := &logBuf{}
	fails := 0
	failing := jobs.Job{Name: "purge", Interval: time.Second, Run: func(context.Context) error { fails++; return errors.New("disk on fire") }}
	a := newRunner(t, db, "A", c, log, failing)
	ctx := context.Background()
	for range 61 {
		a.Tick(ctx)
		c.add(time.Second)
	}
	if fails != 61 {
		t.Fatalf("%d runs, want 61", fails)
	}
	if n := log.count(`"level":"ERROR"`, "job failed", "disk on fire"); n != 2 {
		t.Fatalf("%d ERROR lines for 61 failures in 61 s, want 2 (then a minute later):\n%s", n, log)
	}
	if n := log.count(`"repeated":59`); n != 1 {
		t.Fatalf("the second line does not count the 59 failures not logged:\n%s", log)
	}

	if err := db.Exec("DROP TABLE job_leases").Error; err != nil {
		t.Fatal(err)
	}
	var r runs
	b := newRunner(t, db, "B", c, log, r.job("seal", "B", time.Second))
	b.Tick(ctx)
	if got := r.take(); len(got) != 0 {
		t.Fatalf("ran %v without a lease", got)
	}
	if n := log.count(`"level":"ERROR"`, `"msg":"job lease"`, `"job":"seal"`); n != 1 {
		t.Fatalf("the lease's failure is not logged:\n%s", log)
	}
}

func TestNewRefusesBadJobs(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ok := func(context.Context) error { return nil }
	for name, js := range map[string][]jobs.Job{
		"noName":      {{Interval: time.Second, Run: ok}},
		"longName":    {{Name: strings.Repeat("x", 65), Interval: time.Second, Run: ok}},
		"twice":       {{Name: "a", Interval: time.Second, Run: ok}, {Name: "a", Interval: time.Second, Run: ok}},
		"noInterval":  {{Name: "a", Run: ok}},
		"noFunction":  {{Name: "a", Interval: time.Second}},
		"negativeTTL": nil,
	} {
		t.Run(name, func(t *testing.T) {
			opts := []jobs.Option{}
			if js == nil {
				opts = append(opts, jobs.WithTTL(-time.Second))
			}
			if _, err := jobs.New(db, nil, js, opts...); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
