package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sync"
	"time"
)

// percentile is the nearest-rank percentile (p in 0..100) of sorted
// durations: the smallest value with at least p % of them at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(k, 1), len(sorted))-1]
}

// recorder keeps every latency of a phase, per operation: a phase is
// bounded in time and count, so memory is too.
type recorder struct {
	mu       sync.Mutex
	lat      map[string][]time.Duration
	failures map[string]map[string]int // op → status (or error) → count
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, failures: map[string]map[string]int{}}
}

func (r *recorder) add(op string, d time.Duration, failure string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat[op] = append(r.lat[op], d)
	if failure != "" {
		if r.failures[op] == nil {
			r.failures[op] = map[string]int{}
		}
		r.failures[op][failure]++
	}
}

// opStats is what is printed of one operation.
type opStats struct {
	Name               string
	Count, Failed      int
	PerSecond          float64
	P50, P95, P99, Max time.Duration
}

func (r *recorder) stats(elapsed time.Duration) (all opStats, per []opStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var every []time.Duration
	one := func(name string, d []time.Duration, failed int) opStats {
		slices.Sort(d)
		s := opStats{Name: name, Count: len(d), Failed: failed, PerSecond: float64(len(d)) / elapsed.Seconds(),
			P50: percentile(d, 50), P95: percentile(d, 95), P99: percentile(d, 99)}
		if len(d) > 0 {
			s.Max = d[len(d)-1]
		}
		return s
	}
	names := make([]string, 0, len(r.lat))
	for n := range r.lat {
		names = append(names, n)
	}
	slices.Sort(names)
	failedAll := 0
	for _, n := range names {
		failed := 0
		for _, c := range r.failures[n] {
			failed += c
		}
		failedAll += failed
		every = append(every, r.lat[n]...)
		per = append(per, one(n, r.lat[n], failed))
	}
	return one("all", every, failedAll), per
}

func printStats(w io.Writer, title string, elapsed time.Duration, conc int, r *recorder) opStats {
	all, per := r.stats(elapsed)
	fmt.Fprintf(w, "%s: %d requests in %s, %d clients: %.0f/s\n", title, all.Count, elapsed.Round(time.Millisecond), conc, all.PerSecond)
	fmt.Fprintf(w, "  %-8s %8s %8s %9s %9s %9s %9s %7s\n", "op", "count", "per s", "p50", "p95", "p99", "max", "failed")
	for _, s := range append(per, all) {
		fmt.Fprintf(w, "  %-8s %8d %8.0f %9s %9s %9s %9s %7d\n", s.Name, s.Count, s.PerSecond, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.Failed)
	}
	for _, n := range slices.Sorted(maps.Keys(r.failures)) {
		fmt.Fprintf(w, "  failures of %s: %v\n", n, r.failures[n])
	}
	return all
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
