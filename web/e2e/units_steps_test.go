package e2e

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// treeLabel is the XPath of the label of the unit named label in the unit
// tree (a disabled unit's label ends in （已停用）).
func treeLabel(label string) string {
	return `//*[@data-test="unit-tree"]//span[contains(@class,"el-tree-node__label")][normalize-space(.)="` + label + `"]`
}

// pickUnit chooses the unit labelled label in the unit tree and waits until
// it is the tree's current node (by text, so any text will do).
func pickUnit(label string) chromedp.Action[chromedp.Void] {
	l := strconv.Quote(label)
	return chromedp.Steps(
		void(chromedp.Poll[bool](`(() => { const e = [...document.querySelectorAll('[data-test=unit-tree] .el-tree-node__label')].find((e) => e.textContent.trim() === `+l+`); e?.click(); return !!e })()`)),
		void(chromedp.Poll[bool](`document.querySelector('[data-test=unit-tree] .el-tree-node.is-current > .el-tree-node__content .el-tree-node__label')?.textContent.trim() === `+l)))
}

// treeShows waits until the unit tree has a unit labelled exactly label.
func treeShows(label string) chromedp.Action[chromedp.Void] {
	js := `[...document.querySelectorAll('[data-test=unit-tree] .el-tree-node__label')].some((e) => e.textContent.trim() === ` + strconv.Quote(label) + `)`
	return void(chromedp.Poll[bool](js))
}

// openOption is the XPath of the option labelled text in the dropdown that
// is showing.
func openOption(text string) string {
	return `//div[contains(@class,"el-select__popper")][not(contains(@style,"display: none"))]` +
		`//li[contains(@class,"el-select-dropdown__item")][normalize-space(.)="` + text + `"]`
}

// message waits for a message (ElMessage) that contains text.
func message(text string) chromedp.Action[chromedp.Void] {
	return shows(`.el-message .el-message__content`, text)
}

// retype empties the input sel as a user would and types text into it.
func retype(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		void(chromedp.Evaluate[bool](`(el => { el.value = ''; el.dispatchEvent(new Event('input')); return true })(document.querySelector(`+strconv.Quote(sel)+`))`)),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

// clickXPath gives the first element at xpath a click event (as choose
// does for an option still moving into place).
func clickXPath(xpath string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.Search(xpath)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.evaluate(`+strconv.Quote(xpath)+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.click() ?? true`)(ctx, tg)
			return err
		}))
}

// confirmed clicks the button labelled text in the message box showing,
// then waits until the box is gone: a click meanwhile would land on its
// fading overlay.
func confirmed(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(confirm(text), noOverlay())
}

// noOverlay waits until no dialog or message box covers the page (one
// that was closed fades out first, and takes the clicks meanwhile).
func noOverlay() chromedp.Action[chromedp.Void] {
	return void(chromedp.Poll[bool](`[...document.querySelectorAll('.el-overlay')].every((o) => getComputedStyle(o).display === 'none')`))
}

// closeDropdown closes the dropdown of the select sel with Escape and waits
// until it is gone: while it fades out it covers what lies under it.
func closeDropdown(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.SendKeys(chromedp.CSS(sel+` input`), kb.Escape),
		void(chromedp.Poll[bool](`[...document.querySelectorAll('.el-select__popper')].every((p) => getComputedStyle(p).display === 'none')`)))
}

// picture takes the page's picture (shot) once no message shows over it.
func (p *tab) picture(t *testing.T, name string) {
	t.Helper()
	if os.Getenv("EFILE_SCREENSHOTS") == "" {
		return
	}
	p.run(t, "messages gone", void(chromedp.Poll[bool](`!document.querySelector('.el-message')`)))
	p.shot(t, name)
}
