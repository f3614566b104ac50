// Package datakey holds the keys derived from the deployment's 32-byte data
// key. Each purpose gets its own HKDF-derived key so that compromising or
// misusing one (for example the lookup key) reveals nothing about the others.
package datakey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the required length of the deployment data key in bytes.
const KeySize = 32

// HKDF info strings. They are part of the stored data's format: changing one
// makes everything sealed or indexed under it unreadable, hence the version.
const (
	infoIDNumber  = "efile id-number encryption v1"
	infoLookup    = "efile id-number lookup v1"
	infoResponse  = "efile stored-response encryption v1"
	infoReporter  = "efile flag-reporter encryption v1"
	infoAccessMAC = "efile access-log mac v1"
)

// Keys holds the purpose-specific keys. It is safe for concurrent use.
type Keys struct {
	idNumber  cipher.AEAD
	response  cipher.AEAD
	reporter  cipher.AEAD
	lookup    []byte
	accessMAC []byte
	// prev is derived from the data key before a rotation
	// (EFILE_DATA_KEY_PREVIOUS): values not yet re-encrypted still open.
	prev *Keys
}

// New derives the purpose-specific keys from dataKey, which must be exactly
// KeySize bytes.
func New(dataKey []byte) (*Keys, error) {
	if len(dataKey) != KeySize {
		return nil, fmt.Errorf("datakey: data key must be %d bytes, got %d", KeySize, len(dataKey))
	}
	derive := func(info string) ([]byte, error) {
		// No salt: the input is already a uniformly random key.
		return hkdf.Key(sha256.New, dataKey, nil, info, 32)
	}
	idKey, err := derive(infoIDNumber)
	if err != nil {
		return nil, err
	}
	respKey, err := derive(infoResponse)
	if err != nil {
		return nil, err
	}
	repKey, err := derive(infoReporter)
	if err != nil {
		return nil, err
	}
	lookupKey, err := derive(infoLookup)
	if err != nil {
		return nil, err
	}
	macKey, err := derive(infoAccessMAC)
	if err != nil {
		return nil, err
	}
	k := &Keys{lookup: lookupKey, accessMAC: macKey}
	if k.reporter, err = newGCM(repKey); err != nil {
		return nil, err
	}
	if k.idNumber, err = newGCM(idKey); err != nil {
		return nil, err
	}
	if k.response, err = newGCM(respKey); err != nil {
		return nil, err
	}
	return k, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts an ID number with AES-256-GCM; the output is the random
// 12-byte nonce followed by the ciphertext and tag.
func (k *Keys) Seal(plain []byte) []byte { return seal(k.idNumber, plain) }

// Open reverses Seal, failing if the data was tampered with or sealed under
// another key.
func (k *Keys) Open(sealed []byte) ([]byte, error) { return open(k.idNumber, sealed) }

// SealResponse is Seal with the stored-response key, for idempotent
// responses kept at rest.
func (k *Keys) SealResponse(plain []byte) []byte { return seal(k.response, plain) }

// OpenResponse reverses SealResponse.
func (k *Keys) OpenResponse(sealed []byte) ([]byte, error) { return open(k.response, sealed) }

// SealReporter is Seal with the reporter key, for who reported a flag
// (信访人): a key of its own, so that code which may open ID numbers or
// stored responses still cannot read reporters.
func (k *Keys) SealReporter(plain []byte) []byte { return seal(k.reporter, plain) }

// OpenReporter reverses SealReporter.
func (k *Keys) OpenReporter(sealed []byte) ([]byte, error) { return open(k.reporter, sealed) }

// Lookup returns the lowercase hex HMAC-SHA256 of s (64 characters). It is
// deterministic, so it can serve as a unique index without storing s itself.
func (k *Keys) Lookup(s string) string {
	m := hmac.New(sha256.New, k.lookup)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// errOpen deliberately gives no detail: callers cannot tell tampering from a
// wrong key, and neither should an attacker.
var errOpen = errors.New("datakey: cannot decrypt: data corrupted or sealed with another key")

func seal(aead cipher.AEAD, plain []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	randRead(nonce)
	return aead.Seal(nonce, nonce, plain, nil)
}

func open(aead cipher.AEAD, sealed []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, errOpen
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// randRead fills b; crypto/rand never returns an error since Go 1.24 (it
// crashes instead).
func randRead(b []byte) { rand.Read(b) }
