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
	"fmt"
	"net/netip"
	"strings"
	"time"

	"efile/models"
)

// ZeroHash is the prev_hash of the first entry.
var ZeroHash = strings.Repeat("0", 64)

// canonical is the hashed form of an entry; the field order is the contract.
type canonical struct {
	Seq     int64  `json:"seq"`
	At      string `json:"at"`
	ActorID int64  `json:"actor_id"`
	Actor   string `json:"actor"`
	IP      string `json:"ip"`
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

// Hash computes hex(SHA-256(prev ‖ canonical JSON)) of entry e sealed as seq.
// Every string of the canonical form is ASCII (WirePath, CanonicalIP,
// usernames), so any JSON encoder yields the same bytes.
func Hash(prev string, seq int64, e *models.AccessEntry) string {
	return hashOf(chainInput(prev, seq, e))
}

// chainInput is what the public hash of e sealed as seq after prev covers:
// prev ‖ canonical JSON. The sealed MAC covers the same bytes.
func chainInput(prev string, seq int64, e *models.AccessEntry) []byte {
	var buf bytes.Buffer
	buf.Grow(len(prev) + 256)
	buf.WriteString(prev)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encode cannot fail on this struct of strings and numbers.
	_ = enc.Encode(canonical{Seq: seq, At: FormatAt(e.At), ActorID: e.ActorID, Actor: e.Actor, IP: e.IP,
		Method: e.Method, Path: e.Path, CadreID: e.CadreID, Status: e.Status})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func hashOf(in []byte) string {
	sum := sha256.Sum256(in)
	return hex.EncodeToString(sum[:])
}

// MaxPath is how many characters of a path an entry keeps.
const MaxPath = 512

// WirePath is the path of a request as sent on the wire, without its query
// string, with every byte that is not printable ASCII percent-encoded (so an
// undecodable or non-ASCII path is kept as sent, never as replacement
// characters), cut to MaxPath characters.
func WirePath(requestURI string) string {
	if i := strings.IndexByte(requestURI, '?'); i >= 0 {
		requestURI = requestURI[:i]
	}
	var b strings.Builder
	for i := 0; i < len(requestURI) && b.Len() < MaxPath; i++ {
		c := requestURI[i]
		if c <= 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if len(out) > MaxPath {
		out = out[:MaxPath]
	}
	return out
}

// CanonicalIP writes a client address as SPEC section 11 wants it: IPv4
// dotted (an IPv4-mapped IPv6 address too), IPv6 compressed lowercase
// (RFC 5952), without a zone; "" when it is not an address.
func CanonicalIP(s string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return a.Unmap().WithZone("").String()
}
