package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// menu reads the side menu's items, in order.
func (p *tab) menu(t *testing.T) []string {
	t.Helper()
	p.run(t, "menu", chromedp.WaitVisible(chromedp.CSS(`.aside .el-menu-item`)))
	return get(t, p, "menu items", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.aside .el-menu-item')].map((e) => e.innerText.trim())`))
}

// waitMenu waits until the side menu lists exactly want.
func waitMenu(want ...string) chromedp.Action[chromedp.Void] {
	js := `[...document.querySelectorAll('.aside .el-menu-item')].map((e) => e.innerText.trim()).join('|') === ` + fmt.Sprintf("%q", strings.Join(want, "|"))
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](js)(ctx, tg)
		return err
	})
}

// rosterFits checks, at the tab's size, that the roster's columns fit the
// table: nothing to scroll sideways, and 职务, 职级, 任职时间, 状态 shown
// beside the pinned 操作 column, not under it.
func (p *tab) rosterFits(t *testing.T, width int) {
	t.Helper()
	js := `(() => {
	  const wrap = document.querySelector('[data-test=roster] .el-table__body-wrapper .el-scrollbar__wrap');
	  const heads = [...document.querySelectorAll('[data-test=roster] .el-table__header-wrapper th')];
	  const ops = heads.find((h) => h.innerText.trim() === '操作').getBoundingClientRect();
	  const table = document.querySelector('[data-test=roster]').getBoundingClientRect();
	  const hidden = ['职务', '职级', '任职时间', '状态'].filter((l) => {
	    const h = heads.find((x) => x.innerText.trim() === l);
	    if (!h) return true;
	    const r = h.getBoundingClientRect();
	    return r.right > ops.left + 1 || r.left < table.left || r.width < 30;
	  });
	  return JSON.stringify({ overflow: wrap.scrollWidth - wrap.clientWidth, hidden });
	})()`
	got := get(t, p, "roster columns", chromedp.Evaluate[string](js))
	if got != `{"overflow":0,"hidden":[]}` {
		p.fail(t, fmt.Sprintf("the roster at %d px", width), fmt.Errorf("columns do not fit: %s", got))
	}
}

// atWidth runs the actions with the window width px wide (768 or 1080 high), then back at 1366×768.
func (p *tab) atWidth(t *testing.T, width int64, check func()) {
	t.Helper()
	height := int64(768)
	if width > 1366 {
		height = 1080
	}
	p.run(t, fmt.Sprintf("resize to %d", width), chromedp.EmulateViewport(width, height), void(chromedp.Poll[bool](fmt.Sprintf(`innerWidth === %d`, width))))
	defer p.run(t, "back to 1366", chromedp.EmulateViewport(1366, 768), void(chromedp.Poll[bool](`innerWidth === 1366`)))
	// The table lays itself out again on resize: wait for its columns to settle.
	p.run(t, "relayout", void(chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)))
	check()
}

// dropFile drops a file made of text onto the element matching sel, as a
// person dragging it from the desktop would.
func dropFile(sel, name, text string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => {
	  const dt = new DataTransfer(); dt.items.add(new File([%q], %q, { type: 'text/csv' }));
	  const el = document.querySelector(%q);
	  for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
	  return true })()`, text, name, sel)
	return void(chromedp.Evaluate[bool](js))
}

// holdRequests pauses the requests whose URL matches pattern (Fetch
// domain) and hands each paused request to the returned channel; release
// lets one go on to the server. stop ends the interception.
func (p *tab) holdRequests(t *testing.T, pattern string) (paused <-chan *fetch.EventRequestPaused, release func(fetch.RequestID), stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(p.ctx)
	ch := make(chan *fetch.EventRequestPaused, 16)
	events := chromedp.Events(ctx, fetch.RequestPaused)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev, err := range events {
			if err != nil {
				return
			}
			ch <- &ev
		}
	}()
	if _, err := chromedp.Call(p.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}}); err != nil {
		cancel()
		t.Fatal(err)
	}
	release = func(id fetch.RequestID) {
		if _, err := chromedp.Call(p.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
			t.Fatal(err)
		}
	}
	stop = func() {
		_, _ = chromedp.Call(p.ctx, fetch.Disable, struct{}{})
		cancel()
		wg.Wait()
	}
	return ch, release, stop
}

// keysOf sends the actions and answers the Idempotency-Key of each POST to
// the URL pattern they cause, in order (each request goes on unchanged).
func (p *tab) keysOf(t *testing.T, pattern string, n int, actions ...chromedp.Action[chromedp.Void]) []string {
	t.Helper()
	paused, release, stop := p.holdRequests(t, pattern)
	defer stop()
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
		defer cancel()
		done <- chromedp.Do(ctx, actions...)
	}()
	var keys []string
	for len(keys) < n {
		select {
		case ev := <-paused:
			if ev.Request.Method == "POST" {
				k, _ := ev.Request.Headers["Idempotency-Key"].(string)
				keys = append(keys, k)
			}
			release(ev.RequestID)
		case err := <-done:
			if err != nil {
				p.fail(t, "submissions", err)
			}
			done = nil
		case <-p.ctx.Done():
			t.Fatal(p.ctx.Err())
		}
	}
	if done != nil {
		if err := <-done; err != nil {
			p.fail(t, "submissions", err)
		}
	}
	return keys
}

// sameSet reports whether two lists hold the same strings.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// void runs an action that answers a value, for its effect (or its waiting).
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := a(ctx, tg)
		return err
	})
}

// pickByName types a name into the cadre picker sel and chooses the offered
// cadre whose line (name, unit, position) contains want, as choose does for
// a plain select; the picker then shows the name.
func pickByName(sel, name, want string) chromedp.Action[chromedp.Void] {
	focused := `document.activeElement === document.querySelector(` + fmt.Sprintf("%q", sel+" input") + `)`
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		list, err := dropdown(ctx, tg, sel)
		if err != nil {
			return err
		}
		option := `//*[@id="` + list + `"]//li[contains(@class,"el-select-dropdown__item")][contains(.,"` + want + `")]`
		// A click while the page is still settling may not focus the
		// select: click again until its input has the focus, a few times,
		// each bounded by a deadline rather than a sleep.
		for i := 0; ; i++ {
			if _, err = chromedp.Click(chromedp.CSS(sel+` .el-select__wrapper`), chromedp.NodeVisible)(ctx, tg); err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			_, err = chromedp.Poll[bool](focused)(wctx, tg)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil || i == 4 {
				return err
			}
		}
		_, err = chromedp.Steps(
			chromedp.SendKeys(chromedp.CSS(sel+` input`), name),
			chromedp.WaitVisible(chromedp.Search(option)),
			void(chromedp.Evaluate[bool](`document.evaluate(`+fmt.Sprintf("%q", option)+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.click() ?? true`)),
			void(chromedp.Poll[bool](`[...document.querySelectorAll(`+fmt.Sprintf("%q", sel+` .el-select__selected-item`)+`)].some((e) => e.textContent.includes(`+fmt.Sprintf("%q", name)+`))`)),
			void(closed(sel, list)))(ctx, tg)
		return err
	})
}
