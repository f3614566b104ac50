package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneys follows each role through the console, in one browser
// against one server; each role signs in in a tab of its own.
func TestJourneys(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()

	t.Run("everyone_lockoutShowsUnlockTime", func(t *testing.T) {
		p := b.tab(t)
		p.run(t, "open", chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
		for i := 0; i < 6; i++ {
			p.run(t, "wrong password",
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := chromedp.Evaluate[bool](`(el => { el.value = ''; el.dispatchEvent(new Event('input')); return true })(document.querySelector('input[name=password]'))`)(ctx, tg)
					return err
				}),
				chromedp.SendKeys(chromedp.CSS(`input[name=username]`), map[bool]string{true: "locked", false: ""}[i == 0]),
				chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong-password-123"),
				chromedp.Click(chromedp.CSS(`[data-test=login]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-test=login-error]`)))
		}
		msg := p.text(t, `[data-test=login-error]`)
		if !strings.Contains(msg, "已暂时锁定") || !strings.Contains(msg, "(北京时间) 后再试") || strings.Contains(msg, "Asia/") {
			t.Fatalf("lockout message %q: want the unlock time in 北京时间", msg)
		}
	})

	t.Run("reviewer_rosterEFileRecordImport", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "rev", password)
		p.run(t, "roster", chromedp.WaitVisible(chromedp.CSS(`[data-test=top-leader]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=watermark]`)))
		wm := get(t, p, "watermark", chromedp.Evaluate[string](`document.querySelector('[data-test=watermark]').dataset.text`))
		local := get(t, p, "localStorage", chromedp.Evaluate[int](`localStorage.length`))
		stored := get(t, p, "sessionStorage", chromedp.Evaluate[bool](`sessionStorage.getItem('efile.session') !== null`))
		if !strings.Contains(wm, "王审核") || local != 0 || !stored {
			t.Fatalf("watermark %q, localStorage %d items, sessionStorage has the session: %v", wm, local, stored)
		}
		if got := p.text(t, `[data-test=roster]`); !strings.Contains(got, "张伟") || !strings.Contains(got, "李娜") {
			t.Fatalf("roster %q", got)
		}
		// Every column fits an office monitor, 1366 and 1920 wide (issue 23).
		p.rosterFits(t, 1366)
		p.atWidth(t, 1920, func() { p.rosterFits(t, 1920) })
		// One link style: the roster's names are links like every other (no underline until hovered).
		if got := get(t, p, "link style", chromedp.Evaluate[string](`(() => { const s = getComputedStyle(document.querySelector('[data-test=roster] a.app-link')); return s.textDecorationLine + ' ' + s.color })()`)); got != "none rgb(64, 158, 255)" {
			t.Fatalf("roster name links: %q", got)
		}
		p.shot(t, "org_reviewer-roster")

		// The e-file, then a record added and amended through the dialogs.
		p.run(t, "open e-file", chromedp.Navigate(fmt.Sprintf("%s/#/cadres/%d", s.url, s.ids["zhang"])),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=timeline]`)))
		if got := p.text(t, `[data-test=counts]`); !strings.Contains(got, "重大专项") {
			t.Fatalf("counts %q", got)
		}
		p.run(t, "add record",
			chromedp.Click(chromedp.CSS(`[data-test=add-record]`)),
			chromedp.WaitVisible(chromedp.CSS(`textarea[name=content]`)),
			pickFirst(),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=content]`), "主动报告个人有关事项，如实填报。"),
			chromedp.Click(chromedp.CSS(`[data-test=save-record]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"content")][contains(.,"如实填报")]`)),
			chromedp.WaitNotVisible(chromedp.CSS(`textarea[name=content]`)))
		p.run(t, "amend it",
			chromedp.Click(chromedp.CSS(`[data-test=amend]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`textarea[name=reason]`)),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=content]`), "（补充：已按期报告）"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=reason]`), "补充报告时间"),
			chromedp.Click(chromedp.CSS(`[data-test=save-record]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"content")][contains(.,"已按期报告")]`)))
		// Its picture is taken by reviewer_vetOneAndASelection, after a reload, with a flag and a vetting.

		// From one cadre to the next, fast: the first answer, held back, never replaces the second (issue 16 item 8).
		p.fastFromCadreToCadre(t, s, s.ids["liu"], "刘芳", s.ids["li"], "李娜")

		// Import: a bad ID number is highlighted in the preview; a good file is previewed, then committed.
		dir := t.TempDir()
		header := "姓名,性别,出生日期,身份证号,单位编码,职务,职级,是否一把手,任职时间\n"
		bad := filepath.Join(dir, "bad.csv")
		good := filepath.Join(dir, "good.csv")
		_ = os.WriteFile(bad, []byte(header+"陈明,男,1980-01-01,110101198001010000,Q0101,科长,正科级,否,2022-01-01\n"), 0o644)
		_ = os.WriteFile(good, []byte(header+"陈明,男,1980-01-01,"+idNumber("19800101", 7, true)+",Q0101,科长,正科级,否,2022-01-01\n"), 0o644)
		p.run(t, "import preview with a bad cell",
			chromedp.Navigate(s.url+"/#/import"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=file]`)),
			chromedp.SetUploadFiles(chromedp.CSS(`[data-test=file] input[type=file]`), []string{bad}, chromedp.NodeReady),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="chosen"][contains(.,"bad.csv")][contains(.,"B）")]`)),
			chromedp.Click(chromedp.CSS(`[data-test=preview]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-bad=id_number]`)))
		p.shot(t, "org_reviewer-import")
		goodCSV, _ := os.ReadFile(good)
		p.run(t, "import a good file, dragged and dropped",
			dropFile(`[data-test=file] .el-upload-dragger`, "good.csv", string(goodCSV)),
			chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//*[@data-test="chosen"][contains(.,"good.csv")][contains(.,"（%d B）")]`, len(goodCSV)))),
			chromedp.Click(chromedp.CSS(`[data-test=preview]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=dry-run-ok]`)),
			chromedp.Click(chromedp.CSS(`[data-test=commit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=import-done]`)))
		if l := s.api("rev", "GET", "/api/v1/cadres?q=陈明", nil, 200); l["total"].(float64) != 1 {
			t.Fatalf("imported cadre not found: %v", l)
		}
	})

	t.Run("evaluator_ownUnitQuickRecordAndRefusal", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "eval", password)
		p.run(t, "roster", chromedp.WaitVisible(chromedp.CSS(`[data-test=top-leader]`)))
		got := p.text(t, `[data-test=roster]`)
		if !strings.Contains(got, "张伟") || strings.Contains(got, "李娜") {
			t.Fatalf("evaluator's roster %q", got)
		}
		p.rosterFits(t, 1366)
		p.shot(t, "evaluator-roster")
		p.run(t, "quick record",
			chromedp.Click(chromedp.CSS(`[data-test=quick-record]`)),
			chromedp.WaitVisible(chromedp.CSS(`textarea[name=content]`)),
			pickFirst(),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=content]`), "深入基层调研，解决群众反映问题。"),
			chromedp.Click(chromedp.CSS(`[data-test=save-record]`)),
			chromedp.WaitNotVisible(chromedp.CSS(`textarea[name=content]`)))
		// Another unit's cadre by URL: the page says not found, as for no cadre.
		p.run(t, "another unit's cadre",
			chromedp.Navigate(fmt.Sprintf("%s/#/cadres/%d", s.url, s.ids["li"])),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=not-found]`)))
		if got := p.text(t, "body"); strings.Contains(got, "李娜") {
			t.Fatal("the refused page shows the cadre's name")
		}
	})

	t.Run("everyone_menusFromPermissions", func(t *testing.T) { menusFromPermissions(t, s, b) })

	t.Run("auditor_lookup", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "aud", password)
		p.run(t, "look up",
			chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "李娜"),
			chromedp.Click(chromedp.CSS(`[data-test=lookup]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=file-flag]`)))
		got := p.text(t, `[data-test=lookup-results]`)
		if !strings.Contains(got, "李娜") || !strings.Contains(got, "****************") {
			t.Fatalf("look-up %q: want the name and a masked ID number", got)
		}
		p.shot(t, "auditor-lookup")
	})

	t.Run("admin_usersAndUnits", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "admin", password)
		p.run(t, "users", chromedp.WaitVisible(chromedp.Search(`//div[@data-test="users"]//td[contains(.,"赵评价")]`)),
			// The first administrator is named in Chinese (issue 23).
			shows(`[data-test=who]`, "系统管理员"), shows(`[data-test=users]`, "系统管理员"))
		p.shot(t, "admin-users")
		p.run(t, "units", chromedp.Navigate(s.url+"/#/units"), chromedp.Click(chromedp.CSS(`[data-test=new-unit]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`input[name=unit_name]`)))
		// One Idempotency-Key per submission: the same for a retry after a
		// refusal, a new one for the next unit (issue 16 item 8).
		keys := p.keysOf(t, "*/api/v1/units", 3,
			chromedp.SendKeys(chromedp.CSS(`input[name=unit_code]`), "Q0103"),
			chromedp.Click(chromedp.CSS(`[data-test=save-unit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"el-form-item__error")]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=unit_name]`), "区审计局"),
			chromedp.Click(chromedp.CSS(`[data-test=save-unit]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="unit-tree"]//span[contains(@class,"el-tree-node__label")][.="区审计局"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=unit_name]`), "区统计局"),
			chromedp.SendKeys(chromedp.CSS(`input[name=unit_code]`), "Q0104"),
			chromedp.Click(chromedp.CSS(`[data-test=save-unit]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="unit-tree"]//span[contains(@class,"el-tree-node__label")][.="区统计局"]`)))
		if keys[0] == "" || keys[0] != keys[1] || keys[2] == keys[1] {
			t.Fatalf("Idempotency-Keys %q: want the refused submission's key again for its retry, a new one for the next unit", keys)
		}
		// Its picture is taken by TestUnitReforms, with a unit renamed, moved and disabled.
	})

	t.Run("securityAuditor_logAndVerify", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "sec", password)
		p.run(t, "verify",
			chromedp.WaitVisible(chromedp.CSS(`[data-test=log]`)),
			chromedp.Click(chromedp.CSS(`[data-test=verify]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=verdict]`)))
		head := get(t, p, "head", chromedp.Value(chromedp.CSS(`[data-test=verdict] input`)))
		if !strings.Contains(head, "@") || len(head) < 66 {
			t.Fatalf("head %q, want HASH@SEQ", head)
		}
		p.shot(t, "security_auditor-access-log")
	})

	flagAppraisalVettingJourneys(t, s, b)

	t.Run("everyone_passwordSignOutIdle", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "rev", password)
		p.run(t, "change password",
			chromedp.Navigate(s.url+"/#/password"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=current]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=current]`), password),
			chromedp.SendKeys(chromedp.CSS(`input[name=next]`), "a-new-long-password"),
			chromedp.SendKeys(chromedp.CSS(`input[name=again]`), "a-new-long-password"),
			chromedp.Click(chromedp.CSS(`[data-test=change-password]`)),
			message("密码已修改"))
		p.run(t, "sign out",
			chromedp.Click(chromedp.CSS(`[data-test=logout]`)),
			confirm("退出"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)))
		// Signing out forgets what was read (units, vocabulary): signed in
		// again in the same page, a unit added meanwhile is offered.
		s.api("admin", "POST", "/api/v1/units", map[string]any{"name": "区医保局", "code": "Q0105", "parent_id": s.ids["district"]}, 201)
		p.run(t, "sign in again in the same page",
			// The sign-out box fades out over the form: wait until it is gone, as a person would.
			void(chromedp.Poll[bool](`[...document.querySelectorAll('.el-overlay')].every((o) => getComputedStyle(o).display === 'none')`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "rev"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "a-new-long-password"),
			chromedp.Click(chromedp.CSS(`[data-test=login]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=roster]`)),
			chromedp.Click(chromedp.CSS(`[data-test=unit-filter] .el-select__wrapper`), chromedp.NodeVisible),
			shows(`.el-select__popper .el-tree`, "区医保局"))
		// 31 idle minutes, without waiting them: the last activity is moved back.
		p.run(t, "idle sign-out",
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[bool](`(() => { const s = JSON.parse(sessionStorage.getItem('efile.session')); s.last -= 31 * 60 * 1000; sessionStorage.setItem('efile.session', JSON.stringify(s)); location.reload(); return true })()`)(ctx, tg)
				return err
			}),
			chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"el-alert")][contains(.,"未操作")]`)))
	})
}
