//go:build !race

package roster

// raceDetector: see race_on_test.go.
const raceDetector = false
