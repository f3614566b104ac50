package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// guardJS runs in every document of a guarded tab before the page's own
// scripts (the DevTools protocol's, which no Content-Security-Policy
// stops). Once index.html is parsed it records every element that text
// from the data could smuggle in (meta, style, img, script, frames,
// links other than the console's own stylesheets), every CSP violation,
// and whether the page still shows anything.
const guardJS = `(() => {
  window.__injected = []; window.__csp = []; window.__xss = 0;
  const watched = new Set(['META','STYLE','IMG','SCRIPT','IFRAME','FRAME','OBJECT','EMBED','BASE','LINK']);
  const own = (e) => e.tagName === 'LINK' && (e.getAttribute('href') || '').startsWith('/assets/');
  new MutationObserver((ms) => {
    if (document.readyState === 'loading') return; // index.html itself
    for (const m of ms) for (const n of m.addedNodes) {
      if (n.nodeType !== 1) continue;
      for (const e of [n, ...n.querySelectorAll('*')]) if (watched.has(e.tagName) && !own(e)) window.__injected.push(e.outerHTML.slice(0, 160));
    }
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));
})()`

// guard installs guardJS in the tab; call it before the first navigation.
func (p *tab) guard(t *testing.T) {
	t.Helper()
	p.run(t, "install the page guard", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: guardJS})
		return err
	}))
}

// pageState is what the guard saw.
type pageState struct {
	Injected []string `json:"injected"`
	CSP      []string `json:"csp"`
	XSS      int      `json:"xss"`
	Alive    bool     `json:"alive"`
	Href     string   `json:"href"`
	Display  string   `json:"display"`
}

// state reads what the guard saw, once the page is idle (pending tasks and a frame done).
func (p *tab) state(t *testing.T) pageState {
	t.Helper()
	js := `new Promise((r) => requestIdleCallback(() => requestAnimationFrame(() => r(JSON.stringify({
	  injected: window.__injected || ['(no guard: the page was replaced)'], csp: window.__csp || [], xss: window.__xss || 0,
	  alive: window.__alive === true, href: location.href, display: getComputedStyle(document.body).display })))))`
	raw := get(t, p, "page state", chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	var s pageState
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// markAlive marks the current document: a page that navigated away (a
// meta refresh) loses the mark.
func (p *tab) markAlive(t *testing.T) {
	t.Helper()
	p.run(t, "mark the document", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.__alive = true`)(ctx, tg)
		return err
	}))
}

// clean fails unless nothing was injected into the page, no CSP violation
// happened, the page neither navigated nor hid itself, and no handler ran.
func (p *tab) clean(t *testing.T, where string) {
	t.Helper()
	s := p.state(t)
	if len(s.Injected) > 0 || len(s.CSP) > 0 || s.XSS != 0 || !s.Alive || !strings.HasPrefix(s.Href, p.b.url+"/") || s.Display == "none" {
		p.fail(t, where, &stateError{s})
	}
}

type stateError struct{ s pageState }

func (e *stateError) Error() string {
	b, _ := json.Marshal(e.s)
	return "the page was tampered with: " + string(b)
}

// hover moves the mouse to the middle of the first element matching sel.
func (p *tab) hover(t *testing.T, sel string) {
	t.Helper()
	js := `(() => { const r = document.querySelector(` + strconv.Quote(sel) + `).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2] })()`
	var xy []float64
	p.run(t, "scroll to "+sel, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	xy = get(t, p, "where is "+sel, chromedp.Evaluate[[]float64](js))
	p.run(t, "hover "+sel,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0]-3, xy[1]),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0], xy[1]))
}

// shows waits until the visible text inside sel contains text, literally.
func shows(sel, text string) chromedp.Action[chromedp.Void] {
	js := `[...document.querySelectorAll(` + strconv.Quote(sel) + `)].some((e) => e.offsetParent !== null && e.innerText.includes(` + strconv.Quote(text) + `))`
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](js)(ctx, tg)
		return err
	})
}
