// Package accesslog keeps the tamper-evident access log of SPEC section 11.
//
// Entries are inserted unsealed inside the transaction of the request they
// describe (so a change and its entry commit together or not at all), and a
// sealer gives them the next gap-free seq and chains their hashes in batches
// (group commit). Requests therefore never queue on one hot row; the sealer
// holds the chain-head row lock only for the length of one batch.
package accesslog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// ZeroHash is the prev_hash of the first entry.
var ZeroHash = strings.Repeat("0", 64)

// canonical is the hashed form of an entry; the field order is the contract.
type canonical struct {
	Seq     int64  `json:"seq"`
	At      string `json:"at"`
	ActorID int64  `json:"actor_id"`
	Actor   string `json:"actor"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	CadreID *int64 `json:"cadre_id"`
	Status  int    `json:"status"`
}

// FormatAt renders an entry time as SPEC section 11 wants: UTC, six
// fractional digits.
func FormatAt(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// Hash computes hex(SHA-256(prev ‖ canonical JSON)).
func Hash(prev string, seq int64, at time.Time, actorID int64, actor, method, path string, cadreID *int64, status int) string {
	var buf bytes.Buffer
	buf.WriteString(prev)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encode cannot fail on this struct of strings and numbers.
	_ = enc.Encode(canonical{Seq: seq, At: FormatAt(at), ActorID: actorID, Actor: actor, Method: method, Path: path, CadreID: cadreID, Status: status})
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
