package lrmx

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/idnumber"
	"efile/services/lrmx/lrmxtest"
)

// checker is the import's reading and checking, without a database (it
// needs none: the database is asked only once every file has been read).
func checker() *Service {
	return New(nil, nil, nil, cadre.New(nil, nil, nil, nil, time.Now, time.UTC), nil, nil, time.Now, time.UTC)
}

func idOf(birth string, seq int) string {
	first := fmt.Sprintf("110105%s%03d", birth, seq%1000)
	return first + string(idnumber.CheckDigit(first))
}

// hostile are the uploads of the memory test, each small to send. The
// test builds a zip bomb of 256 MiB, and 500 full forms.
func hostile() map[string][]byte {
	return map[string][]byte{
		"billionLaughs.lrmx": lrmxtest.BillionLaughs(),
		"xxe.lrmx":           lrmxtest.ExternalEntity(),
		"deep.lrmx":          lrmxtest.DeepNesting(200000),
		"hugeText.lrmx":      lrmxtest.HugeText(MaxFileSize - 100),
		"zipBomb.zip":        lrmxtest.ZipBomb(256 << 20),
		"liar.zip":           lrmxtest.LyingZip(64 << 20),
		"entries501.zip":     lrmxtest.ManyEntries(MaxEntries + 1),
		"entries60000.zip":   lrmxtest.ManyEntries(60000),
		// Photos of 128 KiB: 64 MiB in all, eight times what an import keeps
		// (photoBudget); a 512 KiB one costs no more at a time (hugeText is a
		// file at the 2 MiB limit), only more time to parse.
		"fullForms500.zip": lrmxtest.FullForms(MaxEntries, 128<<10, func(i int) string {
			return idOf(fmt.Sprintf("1940%02d%02d", i%12+1, i%28+1), 2*i+1)
		}),
	}
}

// TestCheckMemoryBounded reads each hostile upload in a child process (this
// test binary, run again) and reads the child's peak resident memory from
// the kernel: it must stay under 200 MB, however much the upload would
// expand to, and the answer must be a refusal (or, for the 500 largest
// legitimate forms, an acceptance).
func TestCheckMemoryBounded(t *testing.T) {
	if raceDetector {
		t.Skip("peak memory under the race detector means nothing; .ci/run checks it without -race")
	}
	if path := os.Getenv("LRMX_MEMORY_CHILD"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Println("child:", err)
			os.Exit(3)
		}
		_, people, err := checker().check(Upload{File: bytes.NewReader(data), Size: int64(len(data)), Name: filepath.Base(path)}, civil.MustParse("2026-01-05"))
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		n := 0
		var v *errs.Validation
		if errors.As(err, &v) {
			for _, d := range v.Details {
				n += len(d.Message)
			}
			fmt.Println("first:", v.Details[0].Field, v.Details[0].Message)
		}
		fmt.Printf("RESULT refused=%t people=%d messages=%d heap=%d hwm=%d\n", err != nil, len(people), n, ms.HeapSys, peakRSS())
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("builds a 256 MiB zip bomb and 500 full forms")
	}
	dir := t.TempDir()
	for name, data := range hostile() {
		t.Run(name, func(t *testing.T) {
			if len(data) > 10<<20 {
				t.Fatalf("the upload is %d bytes, over the 10 MiB limit: it would not reach the import", len(data))
			}
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestCheckMemoryBounded$", "-test.count=1")
			cmd.Env = append(os.Environ(), "LRMX_MEMORY_CHILD="+path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			i := bytes.Index(out, []byte("RESULT"))
			if i < 0 {
				t.Fatalf("child said %s", out)
			}
			var refused bool
			var people, msgs int
			var heap, rss uint64
			if _, err := fmt.Sscanf(string(out[i:]), "RESULT refused=%t people=%d messages=%d heap=%d hwm=%d", &refused, &people, &msgs, &heap, &rss); err != nil {
				t.Fatalf("child said %q: %v", out, err)
			}
			if rss == 0 {
				t.Fatalf("no peak RSS from the child: %s", out)
			}
			t.Logf("%s: %d bytes sent, peak RSS %.1f MB, heap %.1f MB, refused %t, messages %d bytes",
				name, len(data), float64(rss)/1e6, float64(heap)/1e6, refused, msgs)
			if accept := strings.HasPrefix(name, "fullForms"); refused == accept {
				t.Errorf("refused = %t: %s", refused, out)
			}
			if msgs > 64<<10 {
				t.Errorf("messages are %d bytes: the input is echoed", msgs)
			}
			if rss > 200e6 {
				t.Errorf("peak RSS %.0f MB, want under 200 MB", float64(rss)/1e6)
			}
		})
	}
}

// peakRSS is this process's peak resident memory (VmHWM), in bytes. Unlike
// the rusage a parent reads, it starts afresh at exec, so the parent's own
// memory (the hostile inputs it built) does not count.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb)
			return kb * 1024
		}
	}
	return 0
}
