package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/jobs"
	"efile/testenv"
)

// A child process of TestTwoProcesses is this test binary started with
// childHolder set: it runs a runner on the database named by childDriver
// and childDSN, driven by commands on its standard input.
const (
	childHolder = "EFILE_JOBS_TEST_CHILD"
	childDriver = "EFILE_JOBS_TEST_DRIVER"
	childDSN    = "EFILE_JOBS_TEST_DSN"
)

func TestMain(m *testing.M) {
	if holder := os.Getenv(childHolder); holder != "" {
		if err := child(holder, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child answers each command with one line: "tick UNIXNANO" sets its clock,
// steps its runner and answers "ran N" (the runs of its one job, "seal");
// "release" releases its leases and answers "released".
func child(holder string, in io.Reader, out io.Writer) error {
	ctx := context.Background()
	db, err := models.Open(ctx, os.Getenv(childDriver), os.Getenv(childDSN))
	if err != nil {
		return err
	}
	defer models.Close(db)
	var now time.Time
	ran := 0
	job := jobs.Job{Name: "seal", Interval: time.Second, Run: func(context.Context) error { ran++; return nil }}
	r, err := jobs.New(db, slog.New(slog.NewTextHandler(os.Stderr, nil)), []jobs.Job{job},
		jobs.WithClock(func() time.Time { return now }), jobs.WithTicker(never), jobs.WithHolder(holder))
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(sc.Text(), " ")
		switch cmd {
		case "tick":
			n, err := strconv.ParseInt(arg, 10, 64)
			if err != nil {
				return err
			}
			now, ran = time.Unix(0, n).UTC(), 0
			r.Tick(ctx)
			_, err = fmt.Fprintf(out, "ran %d\n", ran)
			if err != nil {
				return err
			}
		case "release":
			r.Release(ctx)
			if _, err := fmt.Fprintln(out, "released"); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown command %q", sc.Text())
		}
	}
	return sc.Err()
}

// proc is a child process.
type proc struct {
	name   string
	cmd    *exec.Cmd
	in     io.WriteCloser
	lines  chan string
	stderr *logBuf
}

func startChild(t *testing.T, name, driver, dsn string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{name: name, cmd: exec.Command(exe), lines: make(chan string), stderr: &logBuf{}}
	p.cmd.Env = append(os.Environ(), childHolder+"="+name, childDriver+"="+driver, childDSN+"="+dsn)
	p.cmd.Stderr = p.stderr
	if p.in, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		p.in.Close()
		for range p.lines {
		}
		if err := p.cmd.Wait(); err != nil && p.cmd.ProcessState.Success() {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", name, p.stderr)
		}
	})
	return p
}

func (p *proc) send(t *testing.T, cmd string) {
	t.Helper()
	if _, err := fmt.Fprintln(p.in, cmd); err != nil {
		t.Fatalf("%s: %v\n%s", p.name, err, p.stderr)
	}
}

// answer waits for the child's answer (a deadlock fails the test instead of
// hanging it).
func (p *proc) answer(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			t.Fatalf("%s exited: %s", p.name, p.stderr)
		}
		return l
	case <-time.After(time.Minute):
		t.Fatalf("%s did not answer within a minute: %s", p.name, p.stderr)
	}
	return ""
}

func tick(at time.Time) string { return fmt.Sprintf("tick %d", at.UnixNano()) }

// Two processes on one database (SQLite, or MySQL with EFILE_TEST_MYSQL_DSN):
// ticked at the same moment, exactly one of them takes a free lease and
// runs the job, fifty times over; the holder keeps it while it lives;
// killed, its lease passes on to the other when it expires, not before.
func TestTwoProcesses(t *testing.T) {
	db, driver, dsn := testenv.DB(t)
	procs := []*proc{startChild(t, "P", driver, dsn), startChild(t, "Q", driver, dsn)}
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var holder, other *proc
	for round := range 50 {
		for _, p := range procs {
			p.send(t, tick(at))
		}
		var ran []string
		for _, p := range procs {
			if a := p.answer(t); a == "ran 1" {
				ran = append(ran, p.name)
				holder = p
			} else if a != "ran 0" {
				t.Fatalf("round %d: %s answered %q", round, p.name, a)
			}
		}
		if len(ran) != 1 {
			t.Fatalf("round %d: the job ran in %v, want exactly one process", round, ran)
		}
		if round < 49 { // free the lease for the next round
			holder.send(t, "release")
			if a := holder.answer(t); a != "released" {
				t.Fatalf("%s answered %q", holder.name, a)
			}
		}
		at = at.Add(time.Second)
	}
	other = procs[0]
	if holder == other {
		other = procs[1]
	}
	for range 20 { // the holder keeps the lease past its first length
		for _, p := range []*proc{other, holder} {
			p.send(t, tick(at))
		}
		if a, b := other.answer(t), holder.answer(t); a != "ran 0" || b != "ran 1" {
			t.Fatalf("at %s: %s %q, holder %s %q", at, other.name, a, holder.name, b)
		}
		at = at.Add(time.Second)
	}
	if err := holder.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	var l models.JobLease
	if err := db.Where("name = ?", "seal").Take(&l).Error; err != nil {
		t.Fatal(err)
	}
	if l.Holder != holder.name || !l.ExpiresAt.After(at) {
		t.Fatalf("lease %+v at %s: want %s's, alive", l, at, holder.name)
	}
	other.send(t, tick(l.ExpiresAt.Add(-time.Millisecond)))
	if a := other.answer(t); a != "ran 0" {
		t.Fatalf("%s before the dead holder's lease ended: %q", other.name, a)
	}
	other.send(t, tick(l.ExpiresAt))
	if a := other.answer(t); a != "ran 1" {
		t.Fatalf("%s once the dead holder's lease ended: %q", other.name, a)
	}
}
