package roster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"efile/services/errs"
	"efile/services/roster/rostertest"
)

// memoryBound is how much more than the baseline a hostile file may make a
// parse's peak resident memory: the whole upload (10 MiB) held for random
// access, one XML token (4 MiB, twice over while its buffer grows), and the
// shared strings the limits allow, with room for the garbage collector's
// lag (GOGC=100 lets the heap double before a collection).
const memoryBound = 64e6

// outcome is what Parse answered in a child process.
type outcome struct {
	Err      string // the error's English text, "" for none
	Invalid  bool   // the error is a 400
	TooLarge bool   // the error is a 413
	Problems int
	Messages int // bytes of every message, to catch a value echoed whole
	RSS      int64
	CPU      time.Duration
}

const childEnv = "ROSTER_MEMORY_CHILD"

// TestMain is also the child of parseInChild: with childEnv set, it parses
// the file named there, prints an outcome and exits.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Println("child:", err)
			os.Exit(3)
		}
		_, probs, err := Parse(bytes.NewReader(data), filepath.Base(path))
		out := outcome{Problems: len(probs)}
		for _, p := range probs {
			out.Messages += len(p.Message.String()) + len(p.Column)
		}
		if err != nil {
			out.Err = err.Error()
			out.Invalid, out.TooLarge = errors.Is(err, errs.ErrInvalid), errors.Is(err, errs.ErrTooLarge)
			out.Messages += len(out.Err)
		}
		out.RSS = peakRSS()
		b, _ := json.Marshal(out)
		fmt.Printf("OUTCOME %s\n", b)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// peakRSS is this process's peak resident memory (VmHWM). The child's
// rusage is no use: Linux carries the parent's peak over the exec into the
// child's ru_maxrss, so a child of a large test process would seem large.
func peakRSS() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(b)) {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var n int64
			fmt.Sscanf(strings.TrimSpace(kb), "%d kB", &n)
			return n * 1024
		}
	}
	return 0
}

// parseInChild parses data in a child process (this test binary, run
// again), which reports its peak resident memory as the kernel counts it. It
// fails the test when that peak is more than memoryBound above the
// baseline, the peak of a child that parses a small valid roster.
func parseInChild(t *testing.T, name string, data []byte) outcome {
	t.Helper()
	out := runChild(t, name, data)
	base := baseline(t)
	t.Logf("%s: %d bytes, peak RSS %.1f MB (%.1f MB above the baseline), CPU %v: %.200s",
		name, len(data), float64(out.RSS)/1e6, float64(out.RSS-base)/1e6, out.CPU.Round(time.Millisecond), out.Err)
	if out.RSS-base > memoryBound {
		t.Errorf("peak RSS %.0f MB above the baseline, want under %.0f MB", float64(out.RSS-base)/1e6, memoryBound/1e6)
	}
	return out
}

var (
	baseOnce sync.Once
	baseRSS  int64
)

func baseline(t *testing.T) int64 {
	baseOnce.Do(func() {
		out := runChild(t, "valid.xlsx", rostertest.Workbook(t, rostertest.Row))
		if out.Err != "" || out.Problems != 0 {
			t.Fatalf("the baseline's roster is refused: %+v", out)
		}
		baseRSS = out.RSS
		t.Logf("baseline: peak RSS %.1f MB", float64(baseRSS)/1e6)
	})
	return baseRSS
}

func runChild(t *testing.T, name string, data []byte) outcome {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	raw, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%.2000s", err, raw)
	}
	i := bytes.Index(raw, []byte("OUTCOME "))
	var out outcome
	if i < 0 || json.Unmarshal(bytes.TrimSpace(raw[i+len("OUTCOME "):]), &out) != nil {
		t.Fatalf("child said %.2000q", raw)
	}
	if out.RSS == 0 {
		t.Fatal("the child could not read its peak memory from /proc/self/status")
	}
	use := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	out.CPU = time.Duration(use.Utime.Nano() + use.Stime.Nano())
	return out
}

// TestParseHostileWorkbooks parses each hostile workbook of issue 22 in a
// child process: each is refused with a 400 whose message names the
// problem, and peak memory stays within memoryBound of the baseline.
func TestParseHostileWorkbooks(t *testing.T) {
	if raceDetector {
		t.Skip("peak memory under the race detector means nothing; .ci/run checks it without -race")
	}
	says := map[string]string{
		"sharedStrings": "more than 1280000 shared strings",
		"sharedText":    "shared strings hold more than 8 MiB of text",
		"cellXfs":       "more than 65536 cellXfs",
		"numFmts":       "more than 65536 numFmts",
		"sheets":        "more than 10000 sheets",
		"rels":          "more than 10000 relationships",
		"attributes":    "xl/worksheets/sheet1.xml holds a tag over 64 KiB",
		"bomb":          "xl/worksheets/sheet1.xml holds a text over 4 MiB",
		"bombUnread":    "xl/media/image1.png unzips to 200 MiB",
		"deep":          "xl/worksheets/sheet1.xml nests elements more than 64 deep",
		"entries":       "more than 10000 parts",
		"liar":          "xl/worksheets/sheet1.xml unzips to more than the 1000 bytes its header declares",
	}
	for _, s := range rostertest.Shapes {
		t.Run(s.Name, func(t *testing.T) {
			want, ok := says[s.Name]
			if !ok {
				t.Fatalf("no message expected for %s", s.Name)
			}
			out := parseInChild(t, s.Name+".xlsx", s.Build(t, s.Size))
			if !out.Invalid || out.TooLarge || !strings.Contains(out.Err, want) {
				t.Errorf("%s (n = %d): got %+v, want a 400 saying %q", s.About, s.Size, out, want)
			}
		})
	}
}
