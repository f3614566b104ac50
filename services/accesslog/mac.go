package accesslog

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"efile/models"
	"efile/services/datakey"
)

// Option configures a Service.
type Option func(*Service)

// WithKeys makes the service write a MAC with every entry, refuse to seal
// an entry whose MAC fails, and verify MACs. Without it (tests of the chain
// alone, `efile audit verify` without the data key) MACs are neither
// written nor checked, and verify says so.
func WithKeys(k *datakey.Keys) Option { return func(s *Service) { s.keys = k } }

// ForgedError is the sealer's refusal: the pending entry ID has no valid
// MAC, so it was not written by efile (inserted or edited by hand). Sealing
// stops before it; the entries before it are sealed.
type ForgedError struct{ ID int64 }

func (e *ForgedError) Error() string {
	return fmt.Sprintf("access-log entry %d has no valid MAC (inserted or changed outside efile): sealing stopped before it", e.ID)
}

// macMessage is what an entry's MAC covers: a version tag, the entry's
// unique nonce (so a copy of a genuine row is refused by the unique index,
// and a row with a fresh nonce needs a fresh MAC) and the canonical fields
// except seq, which is given only later by the sealer.
func macMessage(e *models.AccessEntry) []byte {
	var buf bytes.Buffer
	buf.WriteString("efile access-log mac v1\n")
	if e.Nonce != nil {
		buf.WriteString(*e.Nonce)
	}
	buf.WriteByte('\n')
	writeCanonical(&buf, 0, e)
	return buf.Bytes()
}

// stamp gives e a fresh nonce and its MAC.
func (s *Service) stamp(e *models.AccessEntry) {
	if s.keys == nil {
		return
	}
	var b [16]byte
	rand.Read(b[:]) // never fails since Go 1.24
	n := hex.EncodeToString(b[:])
	e.Nonce = &n
	m := hex.EncodeToString(s.keys.AccessMAC(macMessage(e)))
	e.MAC = &m
}

// macOK tells whether e carries a valid MAC (under the current or the
// previous data key).
func (s *Service) macOK(e *models.AccessEntry) bool {
	if e.Nonce == nil || e.MAC == nil {
		return false
	}
	mac, err := canonicalHex(*e.MAC)
	if err != nil {
		return false
	}
	ok, _ := s.keys.CheckAccessMAC(macMessage(e), mac)
	return ok
}

// MACState is macOK for `efile keys rotate`: whether e's MAC is valid, and
// under which key.
func (s *Service) MACState(e *models.AccessEntry) (bool, datakey.State) {
	if s.keys == nil || e.Nonce == nil || e.MAC == nil {
		return false, datakey.Current
	}
	mac, err := canonicalHex(*e.MAC)
	if err != nil {
		return false, datakey.Current
	}
	return s.keys.CheckAccessMAC(macMessage(e), mac)
}

// ReMAC returns e's MAC under the current key (after a rotation).
func (s *Service) ReMAC(e *models.AccessEntry) string {
	return hex.EncodeToString(s.keys.AccessMAC(macMessage(e)))
}

// canonicalHex decodes a MAC as efile writes it, lowercase hex: any other
// spelling of the same bytes is a change made outside efile, and fails.
func canonicalHex(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if hex.EncodeToString(b) != s {
		return nil, errors.New("accesslog: a MAC not in lowercase hex")
	}
	return b, nil
}
