package routes

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// consoleCSP is the console's Content-Security-Policy (SPEC section 3): no
// inline or injected scripts, and no <style> elements but the console's own
// stylesheets (style-src-elem 'self'): a text from the data that reached
// the page as HTML could neither run nor restyle it. Style attributes stay
// allowed (style-src-attr), because Element Plus positions its popups and
// ECharts draws its tooltips with them; style-src keeps 'unsafe-inline' only
// as the fallback of browsers that know neither of the two (before Chromium
// 75), which would otherwise lose those attributes as well. Images may be
// data: URLs (the watermark is drawn on a canvas, charts export as data
// URLs); nothing may be framed, embedded or posted elsewhere.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; style-src-elem 'self'; " +
	"style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// console serves the embedded web console (web/dist): index.html at / and
// the hashed files under /assets/. It runs as the first NoRoute handler,
// not as rows of the route table, because these are files, not API
// operations: they have no role, no access-log entry, no OpenAPI entry,
// and the table's tests (every row documented, every row in the policy)
// stay about the API. The client routes are in hash mode (/#/cadres/7), so
// no other path needs the page: every unknown path keeps the API's JSON
// 404. Anything it does not serve falls through to that 404.
func console(files fs.FS) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
			return
		}
		p := c.Request.URL.Path
		switch {
		case p == "/" || p == "/index.html":
			c.Header("Cache-Control", "no-cache")
			c.Header("Content-Security-Policy", consoleCSP)
			c.Header("X-Frame-Options", "DENY")
			serveFile(c, files, "index.html")
		case strings.HasPrefix(p, "/assets/") && !strings.Contains(p, ".."):
			// Names carry their content's hash: a changed file is a new name.
			if serveFile(c, files, strings.TrimPrefix(p, "/")) {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
		}
	}
}

// serveFile writes name, or its .br or .gz twin when the client accepts
// that encoding, and aborts the chain. It reports false (writing nothing)
// when there is no such file.
func serveFile(c *gin.Context, files fs.FS, name string) bool {
	if _, err := fs.Stat(files, name); err != nil {
		return false
	}
	c.Header("Vary", "Accept-Encoding")
	send, enc := name, ""
	for _, e := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if accepts(c.GetHeader("Accept-Encoding"), e.token) {
			if _, err := fs.Stat(files, name+e.ext); err == nil {
				send, enc = name+e.ext, e.token
				break
			}
		}
	}
	data, err := fs.ReadFile(files, send)
	if err != nil {
		return false
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := c.Writer.Header()
	h.Set("Content-Type", ct)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodGet {
		if _, err := c.Writer.Write(data); err != nil {
			logger(c).Warn("write a console file", "err", err.Error())
		}
	}
	c.Abort()
	return true
}

// accepts reports whether an Accept-Encoding header admits token (q=0
// refuses it).
func accepts(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), token) {
			continue
		}
		for _, f := range fields[1:] {
			if q, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}
