package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestUnitReforms follows the administrator through an institutional
// reform (机构改革, SPEC section 5): a unit renamed, one moved under another
// (its cadres then on the roster of the new parent's evaluator), a move
// under the unit's own sub-unit refused on the field, a unit with enabled
// sub-units refused, a leaf disabled after a stale version was reloaded
// (greyed, and no longer offered in the cadre form), enabled again and
// given a cadre through that form, and the history read by the
// administrator and by the organization department.
func TestUnitReforms(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()
	unit := func(name, code string, parent int64) int64 {
		return id(s.api("admin", "POST", "/api/v1/units", map[string]any{"name": name, "code": code, "parent_id": parent}, 201))
	}
	treasury := unit("区国库支付中心", "Q010201", s.ids["education"])
	exams := unit("区教育考试院", "Q0107", s.ids["district"])
	archives := unit("区档案馆", "Q0106", s.ids["district"])
	s.api("rev", "POST", "/api/v1/cadres", map[string]any{"name": "陈静", "gender": "female", "birth_date": "1986-02-14",
		"id_number": idNumber("19860214", 41, false), "unit_id": treasury, "position": "主任", "rank": "正科级",
		"is_top_leader": true, "appointed_on": "2022-05-01"}, 201)

	admin, rev, ev := b.tab(t), b.tab(t), b.tab(t)
	admin.signIn(t, "admin", password)
	admin.run(t, "units", chromedp.Navigate(s.url+"/#/units"), chromedp.WaitVisible(chromedp.CSS(`[data-test=unit-tree]`)))
	rev.signIn(t, "rev", password)
	ev.signIn(t, "eval", password)
	ev.run(t, "the evaluator's roster", shows(`[data-test=roster]`, "张伟"))
	if got := ev.text(t, `[data-test=roster]`); strings.Contains(got, "陈静") {
		t.Fatalf("before the move the evaluator of 区财政局 sees %q", got)
	}

	t.Run("admin_renamesAndTheRosterShowsTheNewName", func(t *testing.T) {
		admin.run(t, "rename 区教育局", pickUnit("区教育局"), retype(`input[name=edit_name]`, "区教育体育局"),
			chromedp.Click(chromedp.CSS(`[data-test=save-edit]`)), message("已改名"), treeShows("区教育体育局"))
		rev.run(t, "the roster", chromedp.Reload(), shows(`[data-test=roster]`, "区教育体育局"))
		if got := rev.text(t, `[data-test=roster]`); strings.Contains(got, "区教育局") {
			t.Fatalf("the roster still names the old unit: %q", got)
		}
	})

	t.Run("admin_movesAUnitAndTheNewParentsEvaluatorSeesItsCadres", func(t *testing.T) {
		admin.run(t, "choose 区财政局 as the new parent of 区国库支付中心", pickUnit("区国库支付中心"), choose(`[data-test=edit-parent]`, "区财政局"))
		admin.run(t, "save the move", chromedp.Click(chromedp.CSS(`[data-test=save-edit]`)), shows(`.el-message-box`, "评价人员即可看到"), confirmed("调整"))
		// In the tree on the left: the parent picker's own tree (hidden
		// until opened) holds the same names, and WaitVisible waits for
		// every node its query matches.
		admin.run(t, "the move is done", message("已调整上级单位"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="unit-tree"]//div[contains(@class,"el-tree-node")][./div//span[.="区财政局"]]//span[.="区国库支付中心"]`)))
		ev.run(t, "the evaluator's roster", chromedp.Reload(), shows(`[data-test=roster]`, "陈静"))
	})

	t.Run("admin_movesAUnitUnderItsOwnSubUnit_theServerSaysNoOnTheField", func(t *testing.T) {
		// Someone else put 区教育考试院 under 区教育体育局 meanwhile: this
		// page still shows it beside it, so offers it as the new parent.
		u := s.api("admin", "GET", fmt.Sprintf("/api/v1/units/%d", exams), nil, 200)
		s.api("admin", "PATCH", fmt.Sprintf("/api/v1/units/%d", exams), map[string]any{"parent_id": s.ids["education"], "version": u["version"]}, 200)
		admin.run(t, "move 区教育体育局 under 区教育考试院", pickUnit("区教育体育局"), choose(`[data-test=edit-parent]`, "区教育考试院"),
			chromedp.Click(chromedp.CSS(`[data-test=save-edit]`)), confirmed("调整"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="edit-parent"]/ancestor::div[contains(@class,"el-form-item")][1]`+
				`//div[contains(@class,"el-form-item__error")][contains(.,"不能把单位调整到自身之下")]`)))
		// The tree was read again: now neither it nor the units under it are offered.
		admin.run(t, "no longer offered", treeShows("区教育考试院"),
			chromedp.Click(chromedp.CSS(`[data-test=edit-parent] .el-select__wrapper`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.Search(openOption("区教育考试院")+`[contains(@class,"is-disabled")]`)),
			closeDropdown(`[data-test=edit-parent]`))
	})

	t.Run("admin_disablesALeafUnit_greyedAndNoLongerOfferedForNewCadres", func(t *testing.T) {
		admin.run(t, "a unit with enabled sub-units", pickUnit("区财政局"), chromedp.Click(chromedp.CSS(`[data-test=toggle-unit]`)),
			shows(`.el-message-box`, "不能再新增或调入干部、评价人员"), shows(`.el-message-box`, "保留"), confirmed("停用"),
			shows(`[data-test=unit-error]`, "请先调整或停用这些下级单位"))
		// Renamed elsewhere while shown here: the stale version is refused, the unit read again.
		admin.run(t, "select 区档案馆", pickUnit("区档案馆"))
		u := s.api("admin", "GET", fmt.Sprintf("/api/v1/units/%d", archives), nil, 200)
		s.api("admin", "PATCH", fmt.Sprintf("/api/v1/units/%d", archives), map[string]any{"name": "区史志档案馆", "version": u["version"]}, 200)
		admin.run(t, "disable it, stale", chromedp.Click(chromedp.CSS(`[data-test=toggle-unit]`)), confirmed("停用"),
			shows(`[data-test=unit-error]`, "刚被他人修改"), shows(`[data-test=editing]`, "区史志档案馆"))
		admin.run(t, "disable it", chromedp.Click(chromedp.CSS(`[data-test=toggle-unit]`)), confirmed("停用"),
			message("已停用"), treeShows("区史志档案馆（已停用）"), shows(`[data-test=unit-off]`, "已停用"))
		grey := `rgb(168, 171, 178)`
		if got := get(t, admin, "its colour", chromedp.Evaluate[string](`getComputedStyle(document.evaluate(`+strconv.Quote(treeLabel("区史志档案馆（已停用）"))+
			`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue).color`)); got != grey {
			t.Fatalf("a disabled unit in the tree is %s, want greyed (%s)", got, grey)
		}
		admin.picture(t, "admin-units")
		rev.run(t, "the cadre form", chromedp.Reload(), chromedp.Click(chromedp.CSS(`[data-test=new-cadre]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.CSS(`[data-test=cadre-unit] .el-select__wrapper`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.Search(openOption("区史志档案馆（已停用）")+`[contains(@class,"is-disabled")]`)),
			clickXPath(openOption("区史志档案馆（已停用）")), closeDropdown(`[data-test=cadre-unit]`))
		if got := rev.text(t, `[data-test=cadre-unit] .el-select__selected-item`); strings.Contains(got, "区史志档案馆") {
			t.Fatalf("the cadre form let a disabled unit be chosen: %q", got)
		}
		rev.run(t, "close it", chromedp.Click(chromedp.Search(`//div[@data-test="cadre-dialog"]//button[contains(.,"取消")]`)),
			chromedp.WaitNotVisible(chromedp.CSS(`[data-test=cadre-dialog]`)), noOverlay())
		// Nor for new evaluators, in the administrator's user form.
		admin.run(t, "the user form", chromedp.Navigate(s.url+"/#/users"), chromedp.Click(chromedp.CSS(`[data-test=new-user]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.CSS(`[data-test=user-unit] .el-select__wrapper`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.Search(openOption("区史志档案馆（已停用）")+`[contains(@class,"is-disabled")]`)),
			closeDropdown(`[data-test=user-unit]`), chromedp.Navigate(s.url+"/#/units"), pickUnit("区史志档案馆（已停用）"))
	})

	t.Run("admin_enablesItAgain_andACadreJoinsThroughTheForm", func(t *testing.T) {
		admin.run(t, "enable it", chromedp.Click(chromedp.CSS(`[data-test=toggle-unit]`)), message("已启用"), treeShows("区史志档案馆"))
		rev.run(t, "add a cadre to it", chromedp.Reload(), chromedp.Click(chromedp.CSS(`[data-test=new-cadre]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`input[name=cadre_name]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=cadre_name]`), "周敏"),
			clickXPath(`//div[@data-test="cadre-dialog"]//label[contains(@class,"el-radio")][contains(.,"女")]`),
			chromedp.SendKeys(chromedp.CSS(`input[name=birth_date]`), "1990-06-01"+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=id_number]`), idNumber("19900601", 52, false)),
			choose(`[data-test=cadre-unit]`, "区史志档案馆"),
			chromedp.SendKeys(chromedp.CSS(`input[name=position]`), "馆长"),
			chromedp.SendKeys(chromedp.CSS(`input[name=rank]`), "正科级"),
			chromedp.SendKeys(chromedp.CSS(`input[name=appointed_on]`), "2024-01-02"+kb.Enter),
			chromedp.Click(chromedp.CSS(`[data-test=save-cadre]`)),
			message("已新增干部 周敏"), shows(`[data-test=roster]`, "区史志档案馆"), noOverlay())
	})

	t.Run("historyReadByTheAdministratorAndTheReviewer", func(t *testing.T) {
		admin.run(t, "its history, newest first", pickUnit("区史志档案馆"),
			shows(`[data-test=unit-history] tbody tr:first-child`, "启用"),
			shows(`[data-test=unit-history] tbody tr:nth-child(2)`, "停用"),
			shows(`[data-test=unit-history] tbody tr:nth-child(3)`, "区档案馆 → 区史志档案馆"))
		admin.run(t, "a moved unit", pickUnit("区国库支付中心"), shows(`[data-test=unit-history]`, "区教育体育局 → 区财政局"))
		admin.run(t, "单位沿革", chromedp.Navigate(fmt.Sprintf("%s/#/unit-history?unit=%d", s.url, archives)),
			shows(`[data-test=unit-history]`, "区档案馆 → 区史志档案馆"))
		admin.picture(t, "admin-unit-history")
		// The reviewer reads an old record naming 区教育局: which unit is that now?
		rev.run(t, "the reviewer's 单位沿革", chromedp.Click(chromedp.Search(`//li[contains(@class,"el-menu-item")][contains(.,"单位沿革")]`), chromedp.NodeVisible),
			pickUnit("区教育体育局"), shows(`[data-test=unit-history]`, "区教育局 → 区教育体育局"), shows(`[data-test=unit-history]`, "admin"))
	})
}
