//go:build !race

package lrmx

// raceDetector: see race_on_test.go.
const raceDetector = false
