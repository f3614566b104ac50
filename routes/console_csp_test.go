package routes_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestConsoleCSP pins the console page's Content-Security-Policy directive
// by directive (issue 22): scripts only from the console's own files,
// <style> elements only the console's own stylesheets (an injected
// <style>body{display:none}</style> is not applied), style attributes
// allowed for Element Plus and ECharts, nothing framed, embedded or based
// elsewhere; and index.html itself holds no inline script or style.
func TestConsoleCSP(t *testing.T) {
	a := newApp(t)
	page := a.raw("GET", "/", "", nil, nil)
	want(t, page, 200)
	dirs := map[string]string{}
	for _, d := range strings.Split(page.Header.Get("Content-Security-Policy"), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if name != "" {
			if _, dup := dirs[name]; dup {
				t.Errorf("directive %s given twice", name)
			}
			dirs[name] = value
		}
	}
	for name, value := range map[string]string{
		"default-src":     "'self'",
		"script-src":      "'self'",
		"style-src-elem":  "'self'",
		"style-src-attr":  "'unsafe-inline'",
		"object-src":      "'none'",
		"base-uri":        "'none'",
		"frame-ancestors": "'none'",
		"form-action":     "'self'",
		"connect-src":     "'self'",
		"img-src":         "'self' data:",
	} {
		if dirs[name] != value {
			t.Errorf("%s is %q, want %q", name, dirs[name], value)
		}
	}
	for _, d := range []string{"script-src", "style-src-elem", "default-src"} {
		if strings.Contains(dirs[d], "unsafe") || strings.Contains(dirs[d], "data:") || strings.Contains(dirs[d], "*") {
			t.Errorf("%s admits inline, eval'd, data: or any-origin content: %q", d, dirs[d])
		}
	}
	// The page as served: its own files only.
	if regexp.MustCompile(`(?i)<style|<script(\s[^>]*)?>[^<]`).Match(page.Body) || regexp.MustCompile(`(?i)\sstyle=|\son[a-z]+=`).Match(page.Body) {
		t.Errorf("index.html has inline script or style:\n%s", page.Body)
	}
	for _, m := range regexp.MustCompile(`(?i)(?:src|href)="([^"]*)"`).FindAllSubmatch(page.Body, -1) {
		if u := string(m[1]); u != "data:," && !strings.HasPrefix(u, "/assets/") {
			t.Errorf("index.html loads %q, not one of the console's own files", u)
		}
	}
}
