//go:build race

package lrmx

// raceDetector: this test binary runs under the race detector, which
// multiplies memory use and time: the peak-memory tests skip, and .ci/run
// runs them in a step of their own without -race.
const raceDetector = true
