package accesslog

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"efile/models"
)

// TestHashVectors reproduces the three test vectors of SPEC section 11.
func TestHashVectors(t *testing.T) {
	seven := int64(7)
	e1 := &models.AccessEntry{At: time.Date(2026, 1, 5, 8, 30, 0, 123456000, time.UTC), ActorID: 3, Actor: "rev",
		IP: "10.0.0.7", Method: "GET", Path: "/api/v1/cadres/7", CadreID: &seven, Status: 200}
	h1 := Hash(ZeroHash, 1, e1)
	if want := "4aea3f8044075490ffce00cd39c5c19bb260603f5f024cde584f41d01ea6748c"; h1 != want {
		t.Fatalf("vector 1: got %s want %s", h1, want)
	}
	e2 := &models.AccessEntry{At: time.Date(2026, 1, 5, 8, 30, 1, 0, time.UTC), IP: "2001:db8::1",
		Method: "POST", Path: "/api/v1/auth/login", Status: 401}
	h2 := Hash(h1, 2, e2)
	if want := "22f59dcd157b40f6df22caeb0bdcff354e960a93fa42cad982bf9ded7ca270ad"; h2 != want {
		t.Fatalf("vector 2: got %s want %s", h2, want)
	}
	e3 := &models.AccessEntry{At: time.Date(2026, 1, 5, 8, 30, 2, 500000000, time.UTC), ActorID: 3, Actor: "rev",
		IP: "10.0.0.7", Method: "GET", Path: WirePath("/api/v1/cadres/%E7%8E%8B%E2%80%A8"), Status: 404}
	h3 := Hash(h2, 3, e3)
	if want := "5d4ded774aa0c40f50a1df3361ebec7e7afb966c703524e92a2227a7bf85e667"; h3 != want {
		t.Fatalf("vector 3: got %s want %s", h3, want)
	}
	// A time in another zone is the same instant in UTC.
	e1.At = e1.At.In(time.FixedZone("CST", 8*3600))
	if h := Hash(ZeroHash, 1, e1); h != h1 {
		t.Fatalf("zone changed the hash")
	}
}

func TestWirePath(t *testing.T) {
	long := "/api/v1/" + string(make([]byte, 0))
	for i := 0; i < 600; i++ {
		long += "a"
	}
	for in, want := range map[string]string{
		"/api/v1/cadres/7?q=x":              "/api/v1/cadres/7",
		"/api/v1/cadres/%FF":                "/api/v1/cadres/%FF",
		"/api/v1/cadres/\xff\xfe":           "/api/v1/cadres/%FF%FE",
		"/api/v1/cadres/王":                  "/api/v1/cadres/%E7%8E%8B",
		"/api/v1/x\u2028":                   "/api/v1/x%E2%80%A8",
		"/api/v1/cadres/%E7%8E%8B%E2%80%A8": "/api/v1/cadres/%E7%8E%8B%E2%80%A8",
		long:                                long[:MaxPath],
	} {
		if got := WirePath(in); got != want {
			t.Errorf("WirePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalIP(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.7":                  "10.0.0.7",
		"::ffff:10.0.0.7":           "10.0.0.7",
		"2001:0DB8:0000:0000::0001": "2001:db8::1",
		"2001:db8:0:0:1:0:0:1":      "2001:db8::1:0:0:1",
		"fe80::1%eth0":              "fe80::1",
		"not an address":            "",
		"":                          "",
	} {
		if got := CanonicalIP(in); got != want {
			t.Errorf("CanonicalIP(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCanonicalAsBefore: the canonical form is byte for byte what encoding
// the former tagged struct with json.Encoder wrote (stored MACs cover it),
// for strings that need escaping too.
func TestCanonicalAsBefore(t *testing.T) {
	type before struct {
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
	seven := int64(7)
	for i, e := range []*models.AccessEntry{
		{At: time.Date(2026, 1, 5, 8, 30, 0, 123456000, time.UTC), ActorID: 3, Actor: "rev", IP: "10.0.0.7", Method: "GET", Path: "/a", CadreID: &seven, Status: 200},
		{Actor: "a\"b\\c<d>&e\u2028\x01\xff", IP: "::1", Method: "POST", Path: "/x?<y>", Status: 500},
	} {
		var got, want bytes.Buffer
		writeCanonical(&got, int64(i), e)
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(before{Seq: int64(i), At: FormatAt(e.At), ActorID: e.ActorID, Actor: e.Actor, IP: e.IP,
			Method: e.Method, Path: e.Path, CadreID: e.CadreID, Status: e.Status}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("canonical form\n got %q\nwant %q", got.String(), want.String())
		}
	}
}
