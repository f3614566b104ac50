package datakey

import (
	"bytes"
	"regexp"
	"testing"
)

func mustNew(t *testing.T, fill byte) *Keys {
	t.Helper()
	k, err := New(bytes.Repeat([]byte{fill}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New with %d-byte key: want error", n)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	k := mustNew(t, 1)
	for _, plain := range [][]byte{[]byte("11010519491231002X"), {}} {
		sealed := k.Seal(plain)
		got, err := k.Open(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
		sealed = k.SealResponse(plain)
		got, err = k.OpenResponse(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("OpenResponse(SealResponse(%q)) = %q, %v", plain, got, err)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := mustNew(t, 1)
	a, b := k.Seal([]byte("x")), k.Seal([]byte("x"))
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are identical; nonce is not random")
	}
	if len(a) != 12+1+16 {
		t.Errorf("sealed length = %d, want nonce+plaintext+tag = 29", len(a))
	}
}

func TestTamper(t *testing.T) {
	k := mustNew(t, 1)
	sealed := k.Seal([]byte("11010519491231002X"))
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := k.Open(bad); err == nil {
			t.Fatalf("Open accepted data with byte %d flipped", i)
		}
	}
	for _, bad := range [][]byte{nil, sealed[:11], sealed[:27]} {
		if _, err := k.Open(bad); err == nil {
			t.Errorf("Open accepted truncated data of length %d", len(bad))
		}
	}
}

func TestWrongKey(t *testing.T) {
	k1, k2 := mustNew(t, 1), mustNew(t, 2)
	if _, err := k2.Open(k1.Seal([]byte("secret"))); err == nil {
		t.Error("Open with another data key succeeded")
	}
	// The two purposes must not share a key.
	if _, err := k1.OpenResponse(k1.Seal([]byte("secret"))); err == nil {
		t.Error("OpenResponse opened an ID-number seal")
	}
	if _, err := k1.Open(k1.SealResponse([]byte("secret"))); err == nil {
		t.Error("Open opened a response seal")
	}
}

func TestLookup(t *testing.T) {
	k1, k2 := mustNew(t, 1), mustNew(t, 2)
	a := k1.Lookup("11010519491231002X")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a) {
		t.Fatalf("Lookup = %q, want 64 lowercase hex characters", a)
	}
	if b := mustNew(t, 1).Lookup("11010519491231002X"); a != b {
		t.Error("Lookup is not deterministic for the same data key")
	}
	if b := k2.Lookup("11010519491231002X"); a == b {
		t.Error("Lookup is the same under different data keys")
	}
	if b := k1.Lookup("110105194912310010"); a == b {
		t.Error("Lookup is the same for different inputs")
	}
}

// Reporters have a key of their own: they round-trip, and neither the
// ID-number nor the response key opens them (nor they those).
func TestReporterKey(t *testing.T) {
	k := mustNew(t, 1)
	plain := []byte("信访人 张某 13800000000")
	sealed := k.SealReporter(plain)
	if got, err := k.OpenReporter(sealed); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("OpenReporter(SealReporter) = %q, %v", got, err)
	}
	if _, err := mustNew(t, 2).OpenReporter(sealed); err == nil {
		t.Error("OpenReporter with another data key succeeded")
	}
	if _, err := k.Open(sealed); err == nil {
		t.Error("Open (ID numbers) opened a reporter seal")
	}
	if _, err := k.OpenResponse(sealed); err == nil {
		t.Error("OpenResponse opened a reporter seal")
	}
	if _, err := k.OpenReporter(k.Seal(plain)); err == nil {
		t.Error("OpenReporter opened an ID-number seal")
	}
	if _, err := k.OpenReporter(k.SealResponse(plain)); err == nil {
		t.Error("OpenReporter opened a response seal")
	}
}
