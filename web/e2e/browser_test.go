package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// findChromium names the browser binary, or "" when none is installed.
func findChromium() string {
	if p := os.Getenv("EFILE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium for a test; each tab() is a fresh tab,
// so a fresh sessionStorage: one signed-in user.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string
}

func newBrowser(t *testing.T, url string) *browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("EFILE_TEST_BROWSER") == "1" {
			t.Fatal("EFILE_TEST_BROWSER=1 but no Chromium found (apt-get install chromium fonts-noto-cjk, or set EFILE_CHROMIUM)")
		}
		t.Skip("browser tests skipped: no Chromium found (apt-get install chromium fonts-noto-cjk; EFILE_TEST_BROWSER=1 makes this a failure)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1366, 768), chromedp.Flag("disable-gpu", true), chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelB()
		cancelA()
		t.Fatalf("start %s: %v", path, err)
	}
	t.Cleanup(func() { cancelB(); cancelA() })
	return &browser{t: t, ctx: bctx, url: url}
}

// tab is one page of the browser, as one user.
type tab struct {
	b   *browser
	ctx context.Context
}

func (b *browser) tab(t *testing.T) *tab {
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: toastsJS})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	return &tab{b: b, ctx: ctx}
}

// toastsJS keeps the text of every message (ElMessage) the page shows, so a
// step can check that one was shown even after it has faded: on a loaded
// machine a poll may come after the three seconds a message stays.
const toastsJS = `(() => {
  window.__toasts = [];
  new MutationObserver(() => {
    for (const e of document.querySelectorAll('.el-message__content')) {
      const t = e.textContent || '';
      if (t && e.__seen !== t) { e.__seen = t; window.__toasts.push(t) }
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
})()`

// stepTimeout bounds one step of a journey. It is generous: CI runs the
// browser tests under -race beside the other packages on two cores, where a
// step of a few clicks, a message box and a reload has taken over 30 s; a
// step that hangs still fails, only later.
const stepTimeout = 60 * time.Second

// run performs actions within stepTimeout; on failure it saves a
// screenshot of the page and fails the test naming the file.
func (p *tab) run(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fail(t, what, err)
	}
}

// get runs one action that answers a value, failing like run.
func get[T any](t *testing.T, p *tab, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.fail(t, what, err)
	}
	return v
}

// fail saves a screenshot of the page and fails the test, naming the file.
func (p *tab) fail(t *testing.T, what string, err error) {
	t.Helper()
	{
		sctx, scancel := context.WithTimeout(p.ctx, 10*time.Second)
		defer scancel()
		loc, _ := chromedp.Run(sctx, chromedp.Location())
		png, _ := chromedp.Run(sctx, chromedp.CaptureScreenshot())
		// The messages the page showed (a step waiting for one is the
		// likeliest to time out) say what the screenshot cannot.
		if toasts, err := chromedp.Run(sctx, chromedp.Evaluate[[]string](`window.__toasts || []`)); err == nil {
			t.Logf("messages not yet taken by a step: %q", toasts)
		}
		name := "failure-" + strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".png"
		dir := os.Getenv("EFILE_TEST_ARTIFACTS")
		if dir == "" {
			dir = os.TempDir()
		}
		file := filepath.Join(dir, name)
		if len(png) > 0 && os.WriteFile(file, png, 0o644) == nil {
			t.Fatalf("%s: %v (at %s; screenshot %s)", what, err, loc, file)
		}
		t.Fatalf("%s: %v (at %s; no screenshot)", what, err, loc)
	}
}

// shot writes the page to EFILE_SCREENSHOTS/name.png when that is set.
func (p *tab) shot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("EFILE_SCREENSHOTS")
	if dir == "" {
		return
	}
	// Fonts loaded and two frames painted, rather than a sleep.
	get(t, p, "settle", chromedp.Evaluate[bool](`document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))`,
		chromedp.EvalAwaitPromise))
	png := get(t, p, "screenshot "+name, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// signIn opens the console and signs in through the form.
func (p *tab) signIn(t *testing.T, user, pw string) {
	t.Helper()
	p.run(t, "sign in as "+user,
		chromedp.Navigate(p.b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Click(chromedp.CSS(`[data-test=login]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-test=who]`)),
	)
}

// text reads the visible text of the first element matching sel.
func (p *tab) text(t *testing.T, sel string) string {
	t.Helper()
	p.run(t, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	return get(t, p, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// pickFirst chooses the first entry of the dialog's select with the
// keyboard, as a user tabbing through the form would.
func pickFirst() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(`.el-dialog .el-select__wrapper`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog .el-select__wrapper input`), kb.ArrowDown+kb.Enter))
}

// choose opens the Element Plus select inside sel and clicks the option
// labelled text in that select's own dropdown: the list whose id the
// select's combobox names in aria-controls (another select's dropdown on the
// same page, still open or fading out, offers the same labels). The option
// gets its click event directly: the dropdown is still being placed (and
// flipped above a field low on the page) while it fades in, so a click at
// the option's box could land beside it. It ends when sel itself shows text.
func choose(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		list, err := dropdown(ctx, tg, sel)
		if err != nil {
			return err
		}
		option := `//*[@id="` + list + `"]//li[contains(@class,"el-select-dropdown__item")][normalize-space(.)="` + text + `"]`
		// A click on a select that is still moving into place (a drawer or
		// dialog sliding in, on a loaded machine) may open and close its
		// dropdown at once: click again until the option shows, a few
		// times, each bounded by a deadline rather than a sleep.
		for i := 0; ; i++ {
			if _, err = chromedp.Click(chromedp.CSS(sel+` .el-select__wrapper`), chromedp.NodeVisible)(ctx, tg); err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			_, err = chromedp.WaitVisible(chromedp.Search(option))(wctx, tg)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil || i == 4 {
				return errors.New("the dropdown of " + sel + " never showed " + text + ": " + err.Error())
			}
		}
		if _, err = chromedp.Evaluate[bool](`document.evaluate(`+strconv.Quote(option)+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.click() ?? true`)(ctx, tg); err != nil {
			return err
		}
		if _, err = chromedp.Poll[bool](`[...document.querySelectorAll(`+strconv.Quote(sel+` .el-select__selected-item`)+`)].some((e) => e.textContent.trim() === `+strconv.Quote(text)+`)`)(ctx, tg); err != nil {
			return err
		}
		_, err = closed(sel, list)(ctx, tg)
		return err
	})
}

// closed waits, after a choice in the select inside sel whose option list
// is list, until a single select's dropdown has faded out: while it fades
// it covers what lies under it, and a button clicked next would miss the
// click. A multiple select keeps its dropdown open: nothing to wait for.
func closed(sel, list string) chromedp.Action[bool] {
	return chromedp.Poll[bool](`(() => {
	  if (document.querySelector(` + strconv.Quote(sel+` input[role=combobox]`) + `)?.getAttribute('aria-expanded') === 'true') return true;
	  const p = document.getElementById(` + strconv.Quote(list) + `)?.closest('.el-select__popper');
	  return !p || getComputedStyle(p).display === 'none';
	})()`)
}

// dropdown answers the id of the option list of the Element Plus select
// inside sel, once sel shows: the one its combobox names in aria-controls.
func dropdown(ctx context.Context, tg *chromedp.Target, sel string) (string, error) {
	if _, err := chromedp.WaitVisible(chromedp.CSS(sel+` .el-select__wrapper`))(ctx, tg); err != nil {
		return "", err
	}
	list, err := chromedp.Evaluate[string](`document.querySelector(`+strconv.Quote(sel+` input[role=combobox]`)+`)?.getAttribute('aria-controls') ?? ''`)(ctx, tg)
	if err != nil {
		return "", err
	}
	if list == "" {
		return "", errors.New(sel + " has no option list named in aria-controls")
	}
	return list, nil
}

// confirm clicks the button labelled text in the message box that is
// showing. The button gets its click event directly: the box is still
// zooming in when it becomes visible, and a click at the button's box
// could land beside it (as choose does for a dropdown's option).
func confirm(text string) chromedp.Action[chromedp.Void] {
	button := `//div[contains(@class,"el-message-box")]//button[contains(.,"` + text + `")]`
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.Search(button)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.evaluate(`+strconv.Quote(button)+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.click() ?? true`)(ctx, tg)
			return err
		}))
}

// download runs the actions that start a download and waits for the browser
// to finish it (its progress events, not a sleep); it answers the file's
// bytes.
func (p *tab) download(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) []byte {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	setup := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
		return err
	})
	if err := chromedp.Do(ctx, append([]chromedp.Action[chromedp.Void]{setup}, actions...)...); err != nil {
		p.fail(t, what, err)
	}
	for ev, err := range progress {
		if err != nil {
			p.fail(t, what, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return data
		case cdpbrowser.DownloadProgressStateCanceled:
			p.fail(t, what, errors.New("download canceled"))
		}
	}
	p.fail(t, what, errors.New("no download finished"))
	return nil
}
