package routes

import (
	"efile/services/errs"
	"fmt"
	"testing"
	"time"
)

// The limiter's memory is bounded by the keys seen lately: a bucket idle
// for idleAfter is dropped (it would be full again anyway).
func TestLimiterEvictsIdleKeys(t *testing.T) {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	l := newLimiter(errs.M("logins"), 2, func() time.Time { return now })
	for i := range 10_000 {
		if ok, _ := l.take(fmt.Sprintf("10.0.%d.%d", i/256, i%256)); !ok {
			t.Fatalf("first request of a new key refused")
		}
	}
	if l.size() != 10_000 {
		t.Fatalf("size %d", l.size())
	}
	now = now.Add(idleAfter)
	l.take("10.9.9.9")
	if l.size() != 1 {
		t.Fatalf("%d buckets kept after every other key went idle", l.size())
	}
	t.Run("refusedRequestSpendsNothing", func(t *testing.T) {
		l.take("10.9.9.9")
		ok, wait := l.take("10.9.9.9")
		if ok || wait != 30*time.Second {
			t.Fatalf("third request of 2 a minute: ok=%v wait=%v", ok, wait)
		}
		now = now.Add(30 * time.Second)
		if ok, _ := l.take("10.9.9.9"); !ok {
			t.Fatal("a refused request delayed the next one")
		}
	})
}
