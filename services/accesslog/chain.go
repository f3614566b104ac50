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
	"strconv"
	"strings"
	"time"

	"efile/models"
)

// ZeroHash is the prev_hash of the first entry.
var ZeroHash = strings.Repeat("0", 64)

// writeCanonical writes entry e, as seq, in its canonical form (SPEC
// section 11): the compact JSON object {"seq","at","actor_id","actor","ip",
// "method","path","cadre_id","status"} with the keys in that order (the
// order is the contract), strings escaped as encoding/json escapes them
// without HTML escaping, and a newline after it (the chain input, which the
// hash and the sealed MAC cover, leaves the newline out; the pending MAC
// has always covered it).
func writeCanonical(buf *bytes.Buffer, seq int64, e *models.AccessEntry) {
	str := json.NewEncoder(buf)
	str.SetEscapeHTML(false)
	field := func(name string) { buf.WriteString(`"` + name + `":`) }
	text := func(name, v string) {
		field(name)
		if err := str.Encode(v); err != nil {
			panic(err) // a Go string always encodes
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(',')
	}
	buf.WriteString(`{"seq":` + strconv.FormatInt(seq, 10) + ",")
	text("at", FormatAt(e.At))
	field("actor_id")
	buf.WriteString(strconv.FormatInt(e.ActorID, 10) + ",")
	text("actor", e.Actor)
	text("ip", e.IP)
	text("method", e.Method)
	text("path", e.Path)
	field("cadre_id")
	if e.CadreID == nil {
		buf.WriteString("null,")
	} else {
		buf.WriteString(strconv.FormatInt(*e.CadreID, 10) + ",")
	}
	field("status")
	buf.WriteString(strconv.Itoa(e.Status) + "}\n")
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
	writeCanonical(&buf, seq, e)
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
