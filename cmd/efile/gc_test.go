package main

import (
	"io"
	"log/slog"
	"runtime/debug"
	"testing"
)

// TestTuneGC: the server's collector settings apply unless GOGC or
// GOMEMLIMIT is set, and then those hold.
func TestTuneGC(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	env := map[string]string{}
	tuneGC(log, func(k string) string { return env[k] })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC unset: percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(limit); got != gcSoftLimit {
		t.Errorf("GOMEMLIMIT unset: limit %d, want %d", got, gcSoftLimit)
	}
	env["GOGC"], env["GOMEMLIMIT"] = "150", "1GiB"
	tuneGC(log, func(k string) string { return env[k] })
	if got := debug.SetGCPercent(percent); got != 100 {
		t.Errorf("GOGC set: percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}
}
