package routes_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"efile/web"
)

var assetRe = regexp.MustCompile(`/assets/[A-Za-z0-9._-]+\.js`)

// TestConsole pins how the embedded console is served: the page with its
// Content-Security-Policy, hashed assets immutable and precompressed by
// Accept-Encoding, nothing of it in the access log, and the API's 404
// for every other path.
func TestConsole(t *testing.T) {
	a := newApp(t)
	page := a.raw("GET", "/", "", nil, nil)
	want(t, page, 200)
	if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type %q", ct)
	}
	csp := page.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "img-src 'self' data:"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.SplitN(strings.SplitN(csp, "script-src", 2)[1], ";", 2)[0], "unsafe-inline") {
		t.Errorf("CSP allows inline or eval'd scripts: %q", csp)
	}
	if page.Header.Get("X-Content-Type-Options") != "nosniff" || page.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("security headers missing: %v", page.Header)
	}
	if bytes.Contains(page.Body, []byte("<script>")) {
		t.Error("index.html has an inline script")
	}
	asset := assetRe.Find(page.Body)
	if asset == nil {
		t.Fatalf("no script asset in index.html:\n%s", page.Body)
	}
	plain := a.raw("GET", string(asset), "", nil, map[string]string{"Accept-Encoding": "identity"})
	want(t, plain, 200)

	t.Run("assets200_brotli", func(t *testing.T) {
		r := a.raw("GET", string(asset), "", nil, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
		want(t, r, 200)
		if r.Header.Get("Content-Encoding") != "br" || r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("headers %v", r.Header)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Fatalf("Cache-Control %q", cc)
		}
		if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
			t.Fatalf("Content-Type %q", ct)
		}
		// The .br twin written at build time, as it is.
		br, err := fs.ReadFile(web.Dist(), strings.TrimPrefix(string(asset), "/")+".br")
		if err != nil || !bytes.Equal(r.Body, br) || len(br) >= len(plain.Body) {
			t.Fatalf("body is not the file's .br (%v)", err)
		}
	})
	t.Run("assets200_gzip", func(t *testing.T) {
		r := a.raw("GET", string(asset), "", nil, map[string]string{"Accept-Encoding": "gzip, br;q=0"})
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", r.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(zr)
		if !bytes.Equal(got, plain.Body) {
			t.Fatal("gzip body does not decode to the file")
		}
	})
	t.Run("assets200_identity", func(t *testing.T) {
		if plain.Header.Get("Content-Encoding") != "" || len(plain.Body) == 0 {
			t.Fatalf("headers %v, %d bytes", plain.Header, len(plain.Body))
		}
	})
	t.Run("head200_noBody", func(t *testing.T) {
		r := a.raw("HEAD", "/", "", nil, nil)
		want(t, r, 200)
		if len(r.Body) != 0 {
			t.Fatalf("HEAD answered %d bytes", len(r.Body))
		}
	})
	for name, p := range map[string]string{
		"missingAsset404": "/assets/nope.js", "traversal404": "/assets/../index.html",
		"unknownPath404": "/cadres/7", "apiUnknown404": "/api/v1/nope",
	} {
		t.Run(name, func(t *testing.T) {
			r := a.raw("GET", p, "", nil, nil)
			want(t, r, 404)
			if r.Code() != "not_found" {
				t.Fatalf("code %q", r.Code())
			}
		})
	}
	t.Run("post404", func(t *testing.T) {
		r := a.raw("POST", "/", "", nil, nil)
		want(t, r, 404)
	})
	t.Run("noAccessLogEntry", func(t *testing.T) {
		a.seal()
		for _, e := range a.entries() {
			if !strings.HasPrefix(e.Path, "/api/v1") {
				t.Errorf("console request logged: %s %s", e.Method, e.Path)
			}
		}
	})
}
