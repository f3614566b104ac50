package datakey

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strconv"
)

// Values at rest are bound to their row: the associated data of AES-GCM is
// a stable value of the row (an ID number's lookup hash, a flag's id, an
// idempotency row's user, route and key hash), so a ciphertext copied into
// another row no longer opens there, and an intruder with write access to
// the database cannot make one cadre show another's ID number.
//
// Rows written before binding existed were sealed without associated data;
// they still open (the fallback below) until `efile keys rotate`
// re-encrypts them bound. A bound ciphertext never opens without its
// associated data, so the fallback does not weaken bound rows.

// State tells under which key and form a value opened.
type State int

const (
	// Current: under the current key, bound to its row; nothing to do.
	Current State = iota
	// Unbound: under the current key without associated data (written
	// before binding); `efile keys rotate` re-encrypts it bound.
	Unbound
	// Previous: under the previous data key; `efile keys rotate`
	// re-encrypts it under the current one.
	Previous
)

// NewWithPrevious is New with the data key in use before a rotation, so
// that values not yet re-encrypted still open. previous may be nil.
func NewWithPrevious(dataKey, previous []byte) (*Keys, error) {
	k, err := New(dataKey)
	if err != nil {
		return nil, err
	}
	if len(previous) == 0 {
		return k, nil
	}
	if k.prev, err = New(previous); err != nil {
		return nil, fmt.Errorf("previous data key: %w", err)
	}
	return k, nil
}

// HasPrevious tells whether a previous data key is configured.
func (k *Keys) HasPrevious() bool { return k.prev != nil }

// SealID encrypts an ID number bound to its row's lookup hash
// (models.Cadre.IDNumberHash, which Lookup computes from the number).
func (k *Keys) SealID(plain []byte, lookupHash string) []byte {
	return sealAD(k.idNumber, plain, []byte("id:"+lookupHash))
}

// OpenID reverses SealID for a cadre row whose lookup hash is lookupHash.
func (k *Keys) OpenID(sealed []byte, lookupHash string) ([]byte, error) {
	p, _, err := k.OpenIDState(sealed, lookupHash)
	return p, err
}

// OpenIDState is OpenID that also tells under which key and form the
// value opened, for `efile keys rotate`. Under the previous key, lookupHash
// is the row's hash as it is stored (the previous key's).
func (k *Keys) OpenIDState(sealed []byte, lookupHash string) ([]byte, State, error) {
	return k.openState(sealed, []byte("id:"+lookupHash), func(x *Keys) cipher.AEAD { return x.idNumber })
}

// SealResponseFor seals a stored idempotent response bound to its row: the
// user, the route and the hash of the Idempotency-Key.
func (k *Keys) SealResponseFor(plain []byte, userID int64, route, keyHash string) []byte {
	return sealAD(k.response, plain, responseAD(userID, route, keyHash))
}

// OpenResponseFor reverses SealResponseFor.
func (k *Keys) OpenResponseFor(sealed []byte, userID int64, route, keyHash string) ([]byte, State, error) {
	return k.openState(sealed, responseAD(userID, route, keyHash), func(x *Keys) cipher.AEAD { return x.response })
}

func responseAD(userID int64, route, keyHash string) []byte {
	return []byte("resp:" + strconv.FormatInt(userID, 10) + "\x00" + route + "\x00" + keyHash)
}

// SealReporterFor seals who reported a flag bound to the flag's id. The id
// is known only after the insert: insert the flag without a reporter, then
// set reporter_enc in the same transaction.
func (k *Keys) SealReporterFor(plain []byte, flagID int64) []byte {
	return sealAD(k.reporter, plain, reporterAD(flagID))
}

// OpenReporterFor reverses SealReporterFor.
func (k *Keys) OpenReporterFor(sealed []byte, flagID int64) ([]byte, State, error) {
	return k.openState(sealed, reporterAD(flagID), func(x *Keys) cipher.AEAD { return x.reporter })
}

func reporterAD(flagID int64) []byte { return []byte("flag:" + strconv.FormatInt(flagID, 10)) }

// LookupPrevious is Lookup under the previous data key, if there is one.
func (k *Keys) LookupPrevious(s string) (string, bool) {
	if k.prev == nil {
		return "", false
	}
	return k.prev.Lookup(s), true
}

// AccessMAC is the HMAC-SHA256 of an access-log entry's canonical bytes,
// under a key of its own derived from the data key.
func (k *Keys) AccessMAC(msg []byte) []byte {
	m := hmac.New(sha256.New, k.accessMAC)
	m.Write(msg)
	return m.Sum(nil)
}

// CheckAccessMAC tells whether mac is msg's under the current key or, if
// configured, the previous one (an entry not yet re-MACed by a rotation).
func (k *Keys) CheckAccessMAC(msg, mac []byte) (ok bool, st State) {
	if hmac.Equal(k.AccessMAC(msg), mac) {
		return true, Current
	}
	if k.prev != nil && hmac.Equal(k.prev.AccessMAC(msg), mac) {
		return true, Previous
	}
	return false, Current
}

// openState tries, in order: the current key bound, the current key
// unbound (rows from before binding), the previous key bound and unbound.
func (k *Keys) openState(sealed, ad []byte, pick func(*Keys) cipher.AEAD) ([]byte, State, error) {
	if p, err := openAD(pick(k), sealed, ad); err == nil {
		return p, Current, nil
	}
	if p, err := openAD(pick(k), sealed, nil); err == nil {
		return p, Unbound, nil
	}
	if k.prev != nil {
		if p, err := openAD(pick(k.prev), sealed, ad); err == nil {
			return p, Previous, nil
		}
		if p, err := openAD(pick(k.prev), sealed, nil); err == nil {
			return p, Previous, nil
		}
	}
	return nil, Current, errOpen
}

// ErrOpen is the error of every value that does not open: tampered with,
// swapped from another row, or sealed under a key not configured.
var ErrOpen = errOpen

func sealAD(aead cipher.AEAD, plain, ad []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	randRead(nonce)
	return aead.Seal(nonce, nonce, plain, ad)
}

func openAD(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, errOpen
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}
