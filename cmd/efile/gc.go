package main

import (
	"log/slog"
	"runtime/debug"
)

// Unless GOGC or GOMEMLIMIT says otherwise, the server collects garbage when
// its heap reaches five times what was live after the last collection
// (GOGC=400, not Go's default of twice), within a soft limit of 256 MiB, past
// which the collector runs as often as it must. A request allocates tens of
// kilobytes that die with it, the live heap is small (the server's RSS was
// 50-72 MB under load), and the collector's marking was 7-12 % of the
// server's CPU under e-file reads: measured, GOGC=400 took 12-20 % off the
// server's CPU per read (docs/performance.md). The limit keeps the heap well under the
// 300 MB a replica may use.
const (
	gcPercent   = 400
	gcSoftLimit = 256 << 20
)

// tuneGC applies the two settings, each unless its variable is set (getenv
// is os.Getenv but in tests), and logs what holds.
func tuneGC(log *slog.Logger, getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcSoftLimit)
	}
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	log.Info("garbage collection", "gogc", percent, "memory_limit_bytes", debug.SetMemoryLimit(-1))
}
