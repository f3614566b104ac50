package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Texts that would act if a page inserted them as HTML (issue 22): a meta
// refresh that takes the reader elsewhere, an image whose error handler
// runs script, a style sheet that hides the page.
const (
	metaRefresh = `<meta http-equiv="refresh" content="0;url=about:blank">`
	imgOnerror  = `<img src=x onerror="window.__xss=1">`
	styleHide   = `<style>body{display:none}</style>`
)

// TestHostileTextShownAsText stores such texts as a cycle name, a flag
// summary, record content, a unit name and a user's display name, then
// opens, hovers and clicks every place the console shows them (the
// e-file's chart tooltip and table, the cycle pages and the grade chart's
// tooltip, the roster and its unit picker, the flags and a flag's drawer,
// users and units, a unit's editor, history and confirmation box, the
// header): each shows the text literally, and nothing
// enters the page, navigates it, hides it or runs.
func TestHostileTextShownAsText(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()
	var (
		cycleName = "2022" + metaRefresh + styleHide
		unitName  = "区" + imgOnerror + "审计局"
		userName  = styleHide + "钱评价"
		summary   = "摘要" + imgOnerror + metaRefresh
		content   = "记实" + metaRefresh + imgOnerror + styleHide
	)
	unit := id(s.api("admin", "POST", "/api/v1/units", map[string]any{"name": unitName, "code": "Q09", "parent_id": s.ids["district"]}, 201))
	formerName, renamed := "区编办"+styleHide, "区委编办"+imgOnerror+metaRefresh
	other := id(s.api("admin", "POST", "/api/v1/units", map[string]any{"name": formerName, "code": "Q10"}, 201))
	s.api("admin", "PATCH", fmt.Sprintf("/api/v1/units/%d", other), map[string]any{"name": renamed, "version": 1}, 200)
	s.api("admin", "POST", "/api/v1/users", map[string]any{"username": "heval", "password": password, "display_name": userName,
		"roles": []string{"evaluator"}, "unit_id": unit}, 201)
	cadre := id(s.api("rev", "POST", "/api/v1/cadres", map[string]any{"name": "孔明", "gender": "male", "birth_date": "1981-07-01",
		"id_number": idNumber("19810701", 31, true), "unit_id": unit, "position": "局长", "rank": "正科级", "is_top_leader": false,
		"appointed_on": "2020-01-01"}, 201))
	s.api("heval", "POST", fmt.Sprintf("/api/v1/cadres/%d/records", cadre), map[string]any{"occurred_on": "2025-05-05", "category": "duty", "content": content}, 201)
	s.api("aud", "POST", "/api/v1/flags", map[string]any{"cadre_id": cadre, "kind": "clue", "severity": "info", "summary": summary,
		"detail": "经核查。", "occurred_on": "2025-04-01"}, 201)
	y := time.Now().Year()
	cycle := id(s.api("rev", "POST", "/api/v1/appraisal-cycles", map[string]any{"name": cycleName, "kind": "annual", "year": y,
		"period_start": fmt.Sprintf("%d-01-01", y), "period_end": fmt.Sprintf("%d-12-31", y), "excellent_quota_pct": 20}, 201))
	heval := s.api("rev", "GET", "/api/v1/evaluators?q=heval", nil, 200)["items"].([]any)[0].(map[string]any)
	c := fmt.Sprintf("/api/v1/appraisal-cycles/%d", cycle)
	s.api("rev", "POST", c+"/assignments/bulk", map[string]any{"evaluator_ids": []any{heval["id"]}, "unit_id": unit, "rater_type": "superior"}, 200)
	s.api("rev", "POST", c+"/open", nil, 200)
	s.api("heval", "POST", c+"/appraisals", map[string]any{"cadre_id": cadre, "comment": "",
		"scores": map[string]int{"morality": 80, "ability": 80, "diligence": 80, "achievement": 84, "integrity": 80}}, 201)
	s.api("rev", "POST", c+"/close", nil, 200)
	s.api("rev", "POST", c+"/finalize", map[string]any{"overrides": []any{}}, 200)
	// An integrity opinion asked and answered in such texts (SPEC 13).
	op := s.api("rev", "POST", fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", cadre), map[string]any{"purpose": "promotion",
		"due_on": time.Now().AddDate(0, 0, 5).Format(time.DateOnly), "note": "说明" + styleHide}, 201)
	s.api("aud", "POST", fmt.Sprintf("/api/v1/integrity-opinions/%d/reply", id(op)), map[string]any{"conclusion": "no_issue",
		"text": "意见" + imgOnerror, "signed_by": "签发" + imgOnerror, "flag_ids": []any{}}, 200)

	rev := b.tab(t)
	rev.guard(t)
	rev.signIn(t, "rev", password)
	rev.markAlive(t)
	t.Run("reviewer_eFileTableTooltipRecordsFlags", func(t *testing.T) {
		rev.run(t, "e-file",
			chromedp.Navigate(fmt.Sprintf("%s/#/cadres/%d", s.url, cadre)),
			shows(`[data-test=appraisal-table]`, cycleName),
			shows(`[data-test=appraisal-table]`, "81.20"),
			shows(`[data-test=timeline]`, content),
			shows(`[data-test=efile-flags]`, summary),
			shows(`[data-test=efile]`, unitName))
		rev.clean(t, "the e-file")
		rev.hover(t, `[data-test=appraisal-chart]`)
		rev.run(t, "the chart's tooltip", shows(`[data-test=appraisal-chart] div`, cycleName))
		rev.clean(t, "the e-file's chart tooltip")
		rev.shot(t, "org_reviewer-efile-text-not-html")
		rev.run(t, "vet", chromedp.Click(chromedp.CSS(`[data-test=vet]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=vettings] [data-test=reasons]`)),
			shows(`[data-test=vettings] [data-test=reason-flag]`, summary))
		rev.clean(t, "a vetting's reasons, naming the flag by its summary")
		rev.run(t, "the opinion on the checklist",
			clickXPath(`//div[@data-test="check-history"]//*[contains(@class,"el-collapse-item__header")][contains(.,"党风廉政意见")]`),
			shows(`[data-test=opinion-history]`, "意见"+imgOnerror), shows(`[data-test=opinion-history]`, "签发"+imgOnerror))
		rev.clean(t, "the checklist's opinion")
	})
	t.Run("reviewer_cyclesProgressGradeChart", func(t *testing.T) {
		rev.run(t, "cycles", chromedp.Navigate(s.url+"/#/cycles"), shows(`[data-test=cycles]`, cycleName))
		rev.clean(t, "the cycle list")
		rev.run(t, "the cycle", chromedp.Navigate(fmt.Sprintf("%s/#/cycles/%d", s.url, cycle)),
			shows(`.page-title`, cycleName), shows(`[data-test=progress-evaluators]`, userName),
			shows(`[data-test=progress-units]`, unitName), shows(`[data-test=results]`, unitName),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=grade-chart] canvas`)))
		rev.clean(t, "the cycle page")
		rev.hover(t, `[data-test=grade-chart] canvas`)
		rev.run(t, "the grade chart's tooltip", shows(`[data-test=grade-chart] div`, unitName))
		rev.clean(t, "the grade chart's tooltip")
	})
	t.Run("reviewer_rosterUnitPickerFlagsDrawer", func(t *testing.T) {
		rev.run(t, "roster", chromedp.Navigate(s.url+"/#/roster"), shows(`[data-test=roster]`, unitName),
			chromedp.Click(chromedp.CSS(`[data-test=unit-filter] .el-select__wrapper`), chromedp.NodeVisible),
			shows(`.el-select__popper .el-tree`, unitName))
		rev.clean(t, "the roster and its unit picker")
		rev.run(t, "flags", chromedp.Navigate(s.url+"/#/flags"), shows(`[data-test=flags]`, summary),
			chromedp.Click(chromedp.Search(`//div[@data-test="flags"]//a[contains(@class,"el-link")][contains(.,"摘要")]`), chromedp.NodeVisible),
			shows(`[data-test=flag-detail]`, summary))
		rev.clean(t, "the flags and a flag's drawer")
	})
	t.Run("reviewer_cspRefusesInjectedStyleAndScript", func(t *testing.T) {
		// What escaping would miss, the policy stops: a <style> element and
		// an inline script put into the page are refused and reported.
		rev.run(t, "inject", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(() => {
			  const st = document.createElement('style'); st.textContent = 'body{display:none}'; document.head.append(st);
			  const sc = document.createElement('script'); sc.textContent = 'window.__xss = 2'; document.head.append(sc);
			  return true })()`)(ctx, tg)
			return err
		}), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`window.__csp.some((v) => v.startsWith('style-src-elem')) && window.__csp.some((v) => v.startsWith('script-src'))`)(ctx, tg)
			return err
		}))
		st := rev.state(t)
		if st.Display == "none" || st.XSS != 0 {
			t.Fatalf("the injected style or script took effect: %+v", st)
		}
	})

	t.Run("adminAndEvaluator_usersUnitsHeader", func(t *testing.T) {
		adm := b.tab(t)
		adm.guard(t)
		adm.signIn(t, "admin", password)
		adm.markAlive(t)
		adm.run(t, "users", chromedp.Navigate(s.url+"/#/users"), shows(`[data-test=users]`, userName), shows(`[data-test=users]`, unitName))
		adm.clean(t, "the users")
		adm.run(t, "units", chromedp.Navigate(s.url+"/#/units"), shows(`.el-tree`, unitName))
		adm.clean(t, "the unit tree")
		// A unit renamed from one such text to another: its editor, its
		// history and the box that asks before disabling it.
		adm.run(t, "a renamed unit", pickUnit(renamed), shows(`[data-test=editing]`, renamed),
			shows(`[data-test=unit-history]`, formerName), shows(`[data-test=unit-history]`, renamed),
			chromedp.Click(chromedp.CSS(`[data-test=toggle-unit]`)), shows(`.el-message-box`, "「"+renamed+"」"), confirmed("取消"))
		adm.clean(t, "a unit's editor, history and confirmation")
		aud := b.tab(t)
		aud.guard(t)
		aud.signIn(t, "aud", password)
		aud.markAlive(t)
		aud.run(t, "the inbox", chromedp.Navigate(s.url+"/#/opinions"), choose(`[data-test=opinion-status]`, "已回复"),
			shows(`[data-test=inbox]`, unitName), clickXPath(`//div[@data-test="inbox"]//*[contains(@class,"el-table__expand-icon")]`),
			shows(`[data-test=inbox]`, "说明"+styleHide), shows(`[data-test=inbox]`, "意见"+imgOnerror))
		aud.clean(t, "the discipline department's inbox")
		ev := b.tab(t)
		ev.guard(t)
		ev.signIn(t, "heval", password)
		ev.markAlive(t)
		ev.run(t, "header and roster", shows(`[data-test=who]`, userName), shows(`[data-test=who]`, unitName), shows(`[data-test=roster]`, "孔明"))
		ev.clean(t, "the evaluator's header and roster")
	})
}
