package accesslog

import (
	"testing"
	"time"
)

func TestHashVectors(t *testing.T) {
	seven := int64(7)
	at1 := time.Date(2026, 1, 5, 8, 30, 0, 123456000, time.UTC)
	h1 := Hash(ZeroHash, 1, at1, 3, "rev", "GET", "/api/v1/cadres/7", &seven, 200)
	if want := "2b0020065472285079595c40f955e4995c0abbdcdb3647c8b3df41326177dcd8"; h1 != want {
		t.Fatalf("vector 1: got %s want %s", h1, want)
	}
	at2 := time.Date(2026, 1, 5, 8, 30, 1, 0, time.UTC)
	h2 := Hash(h1, 2, at2, 0, "", "POST", "/api/v1/auth/login", nil, 401)
	if want := "5cf495a69cefff5e06d944f01695fbcd30e884098256f1a826ffc45ae2773462"; h2 != want {
		t.Fatalf("vector 2: got %s want %s", h2, want)
	}
	// A time in another zone is the same instant in UTC.
	sh := time.FixedZone("CST", 8*3600)
	if h := Hash(ZeroHash, 1, at1.In(sh), 3, "rev", "GET", "/api/v1/cadres/7", &seven, 200); h != h1 {
		t.Fatalf("zone changed the hash")
	}
}
