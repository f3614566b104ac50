package accesslog

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"efile/models"
	"efile/services/datakey"
)

// Option configures a Service.
type Option func(*Service)

// WithKeys makes the service write a MAC with every entry, refuse to seal
// an entry whose MAC fails, chain MACs as it seals, and verify them. Without
// it (tests of the chain alone, `efile audit verify` without the data key)
// MACs are neither written nor checked, and verify says so.
func WithKeys(k *datakey.Keys) Option { return func(s *Service) { s.keys = k } }

// ForgedError is the sealer's refusal: the pending entry ID has no valid
// MAC, so it was not written by efile (inserted or edited by hand). Sealing
// stops before it; the entries before it are sealed.
type ForgedError struct{ ID int64 }

func (e *ForgedError) Error() string {
	return fmt.Sprintf("access-log entry %d has no valid MAC (inserted or changed outside efile): sealing stopped before it", e.ID)
}

// The forms of an entry's MAC, all HMAC-SHA256 under the access-log key
// (datakey.AccessMAC). Each message starts with its own tag, so that a MAC
// of one form is never taken for another.
const (
	// formPending is what a request writes with its entry, which has no
	// place in the chain yet: the entry's unique nonce (so a copy of a
	// genuine row is refused by the unique index, and a row with a fresh
	// nonce needs a fresh MAC) and the canonical fields but seq.
	formPending = "efile access-log pending v2\n"
	// formV1 is formPending as earlier versions wrote it, and kept it once
	// the entry was sealed. It is accepted on a pending entry (one an
	// earlier server wrote before it stopped), and tells a database those
	// versions sealed (start.go); efile writes it no more.
	formV1 = "efile access-log mac v1\n"
	// formSealed is what the sealer writes in place of the pending MAC,
	// once the entry has its seq and prev_hash: the nonce and exactly the
	// bytes the public hash covers, prev_hash ‖ canonical entry (with seq).
	// So each MAC vouches for the entry's place and for everything before
	// it: deleting, reordering, inserting or rewriting entries and
	// recomputing the public hashes breaks the MAC of the first entry moved.
	formSealed = "efile access-log sealed v2\n"
)

func pendingMessage(form string, e *models.AccessEntry) []byte {
	var buf bytes.Buffer
	buf.WriteString(form)
	if e.Nonce != nil {
		buf.WriteString(*e.Nonce)
	}
	buf.WriteByte('\n')
	writeCanonical(&buf, 0, e)
	return buf.Bytes()
}

// sealedMessage is the formSealed message of e, whose chain input (see
// chainInput) is in.
func sealedMessage(e *models.AccessEntry, in []byte) []byte {
	msg := make([]byte, 0, len(formSealed)+33+len(in))
	msg = append(msg, formSealed...)
	if e.Nonce != nil {
		msg = append(msg, *e.Nonce...)
	}
	msg = append(msg, '\n')
	return append(msg, in...)
}

func (s *Service) mac(msg []byte) string { return hex.EncodeToString(s.keys.AccessMAC(msg)) }

// check tells whether the stored MAC m is msg's under the current or the
// previous data key, and under which.
func (s *Service) check(msg []byte, m *string) (bool, datakey.State) {
	if m == nil {
		return false, datakey.Current
	}
	b, err := canonicalHex(*m)
	if err != nil {
		return false, datakey.Current
	}
	return s.keys.CheckAccessMAC(msg, b)
}

// stamp gives e a fresh nonce and its pending MAC.
func (s *Service) stamp(e *models.AccessEntry) {
	if s.keys == nil {
		return
	}
	var b [16]byte
	rand.Read(b[:]) // never fails since Go 1.24
	n := hex.EncodeToString(b[:])
	e.Nonce = &n
	m := s.mac(pendingMessage(formPending, e))
	e.MAC = &m
}

// pendingState checks the MAC of an entry not yet sealed.
func (s *Service) pendingState(e *models.AccessEntry) (bool, datakey.State) {
	if e.Nonce == nil {
		return false, datakey.Current
	}
	if ok, st := s.check(pendingMessage(formPending, e), e.MAC); ok {
		return true, st
	}
	return s.check(pendingMessage(formV1, e), e.MAC)
}

func (s *Service) pendingOK(e *models.AccessEntry) bool {
	ok, _ := s.pendingState(e)
	return ok
}

// sealedOK tells whether sealed entry e, whose chain input is in, carries
// its sealed MAC.
func (s *Service) sealedOK(e *models.AccessEntry, in []byte) bool {
	ok, _ := s.check(sealedMessage(e, in), e.MAC)
	return ok && e.Nonce != nil
}

// v1OK tells whether sealed entry e still carries the MAC an earlier
// version wrote (start.go: such a database may be adopted).
func (s *Service) v1OK(e *models.AccessEntry) bool {
	ok, _ := s.check(pendingMessage(formV1, e), e.MAC)
	return ok && e.Nonce != nil
}

// MACState is for `efile keys rotate`: whether e's MAC is valid (the
// pending form for an entry not yet sealed, the sealed form for one
// sealed), and under which key.
func (s *Service) MACState(e *models.AccessEntry) (bool, datakey.State) {
	if s.keys == nil {
		return false, datakey.Current
	}
	if e.Seq == nil {
		return s.pendingState(e)
	}
	if e.PrevHash == nil || e.Nonce == nil {
		return false, datakey.Current
	}
	return s.check(sealedMessage(e, chainInput(*e.PrevHash, *e.Seq, e)), e.MAC)
}

// ReMAC returns e's MAC, in the form MACState checks, under the current key
// (after a rotation). A pending entry gets the current pending form.
func (s *Service) ReMAC(e *models.AccessEntry) string {
	if e.Seq == nil {
		return s.mac(pendingMessage(formPending, e))
	}
	return s.mac(sealedMessage(e, chainInput(*e.PrevHash, *e.Seq, e)))
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

// startMessage is what the keyed record of where MAC checking starts covers
// (start.go): the seq and the hash of the entry before it.
func startMessage(from int64, prev string) []byte {
	return []byte("efile access-log mac-from v2\n" + strconv.FormatInt(from, 10) + "\n" + prev)
}
