package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestFourChecks follows 凡提四必 (SPEC sections 9 and 13, issue 18)
// through the console: a reviewer's vetting of a promotion is incomplete
// and links to the checklist; the reviewer records a dossier review (one
// item settled by the organization) and a personal-matters check, asks
// the discipline body for its opinion (a due date too far refused on the
// field), withdraws it and asks again; the discipline auditor finds it in
// the inbox, behind an overdue one, and replies (empty fields refused on
// each field, then the department's flag picked by its summary); the
// reviewer sees the reply on the checklist and vets again: clear, with its
// basis, and a batch still naming what another cadre lacks. An auditor of
// another department has no inbox, in the menu or by URL.
func TestFourChecks(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()
	zhang, liu := s.ids["zhang"], s.ids["liu"]
	efile := func(c int64) string { return fmt.Sprintf("%s/#/cadres/%d", s.url, c) }
	// A discipline flag on Zhang, closed: the reply relies on it, vetting does not.
	summary := "反映其配偶经商问题"
	f := s.api("aud", "POST", "/api/v1/flags", map[string]any{"cadre_id": zhang, "kind": "clue", "severity": "info", "summary": summary,
		"detail": "经初核，反映不实。", "occurred_on": "2025-03-01"}, 201)
	for _, st := range []string{"verifying", "unsubstantiated"} {
		v := s.api("aud", "GET", fmt.Sprintf("/api/v1/flags/%d", id(f)), nil, 200)
		s.api("aud", "PATCH", fmt.Sprintf("/api/v1/flags/%d", id(f)), map[string]any{"status": st, "note": "初核", "version": v["version"]}, 200)
	}
	// Liu's request is overdue: asked through the API, its due date then put in the past.
	o := s.api("rev", "POST", fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", liu), map[string]any{"purpose": "promotion",
		"due_on": time.Now().Format(time.DateOnly)}, 201)
	if err := s.db.Exec("UPDATE integrity_opinions SET due_on = ? WHERE id = ?", time.Now().AddDate(0, 0, -3).Format(time.DateOnly), id(o)).Error; err != nil {
		t.Fatal(err)
	}

	rev := b.tab(t)
	rev.signIn(t, "rev", password)
	t.Run("reviewer_vettingIncompleteLinksToTheChecklist", func(t *testing.T) {
		rev.run(t, "vet a promotion", chromedp.Navigate(efile(zhang)), chromedp.WaitVisible(chromedp.CSS(`[data-test=checklist]`)),
			shows(`[data-test=state-dossier]`, "未审核"), shows(`[data-test=state-opinion]`, "未征求"),
			clickXPath(`//*[@data-test="becomes-subject"]`), chromedp.Click(chromedp.CSS(`[data-test=vet]`)),
			message("审核事项未齐"), chromedp.WaitVisible(chromedp.CSS(`[data-test=vettings] [data-verdict=incomplete]`)),
			shows(`[data-test=vettings]`, "未审核干部人事档案"), shows(`[data-test=vettings]`, "未查核个人有关事项报告"),
			shows(`[data-test=vettings]`, "未听取党风廉政意见"), shows(`[data-test=vettings]`, "拟任报告对象"))
		rev.run(t, "去补齐 leads to the checklist", chromedp.ScrollIntoView(chromedp.CSS(`[data-test=vettings] [data-test=reason-check]`)),
			clickXPath(`//div[@data-test="vettings"]//a[@data-test="reason-check"][contains(.,"去补齐")]`),
			void(chromedp.Poll[bool](`location.hash.includes('focus=checks')`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=checklist]`)))
		rev.picture(t, "org_reviewer-vetting-incomplete")
	})

	t.Run("reviewer_recordsAReviewAndACheck", func(t *testing.T) {
		rev.run(t, "a dossier review",
			chromedp.Click(chromedp.CSS(`[data-test=new-review]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=findings]`)),
			clickXPath(`//tr[@data-item="party_join"]//*[@data-test="result-determined"]`),
			chromedp.SendKeys(chromedp.CSS(`input[name=finding-note-2]`), "入党时间以组织认定为准"))
		rev.picture(t, "org_reviewer-dossier-review")
		rev.run(t, "saved", chromedp.Click(chromedp.CSS(`[data-test=save-review]`)), message("档案审核已记录"), noOverlay(),
			shows(`[data-test=state-dossier]`, "审核通过"), shows(`[data-test=checklist]`, "有效，至"))
		rev.run(t, "a personal-matters check",
			chromedp.Click(chromedp.CSS(`[data-test=new-matters]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=matters-dialog] [data-test=save-matters]`)),
			clickXPath(`//*[@data-test="matters-consistent"]`),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=matters_note]`), "与有关部门反馈一致"),
			chromedp.Click(chromedp.CSS(`[data-test=save-matters]`)), message("个人有关事项查核已记录"), noOverlay(),
			shows(`[data-test=state-matters]`, "如实报告"))
	})

	t.Run("reviewer_asksWithdrawsAndAsksAgain", func(t *testing.T) {
		far := time.Now().AddDate(0, 0, 90).Format(time.DateOnly)
		due := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
		// The refused submission and its retry are one submission: one Idempotency-Key.
		keys := rev.keysOf(t, "*/integrity-opinions", 2,
			chromedp.Click(chromedp.CSS(`[data-test=new-opinion]`)), chromedp.WaitVisible(chromedp.CSS(`input[name=due_on]`)),
			retype(`input[name=due_on]`, far+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=opinion_note]`), "拟提拔为区财政局党组书记"),
			chromedp.Click(chromedp.CSS(`[data-test=save-opinion]`)),
			chromedp.WaitVisible(chromedp.Search(`//input[@name="due_on"]/ancestor::div[contains(@class,"el-form-item")][1]//div[contains(@class,"el-form-item__error")]`)),
			retype(`input[name=due_on]`, due+kb.Enter), chromedp.Click(chromedp.CSS(`[data-test=save-opinion]`)),
			message("已向纪检监察机关征求党风廉政意见"), noOverlay())
		if keys[0] == "" || keys[0] != keys[1] {
			t.Fatalf("a refused request and its retry sent keys %q, want one key", keys)
		}
		rev.run(t, "pending", shows(`[data-test=state-opinion]`, "待回复"))
		rev.run(t, "its due date", shows(`[data-test=checklist]`, "应于 "+due+" 前答复"))
		rev.run(t, "withdrawn", chromedp.Click(chromedp.CSS(`[data-test=withdraw-opinion]`)), shows(`.el-message-box`, due), confirmed("撤回"),
			message("已撤回征求意见"), shows(`[data-test=state-opinion]`, "已撤回"))
		again := rev.keysOf(t, "*/integrity-opinions", 1, chromedp.Click(chromedp.CSS(`[data-test=new-opinion]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`input[name=due_on]`)), retype(`input[name=due_on]`, due+kb.Enter),
			chromedp.Click(chromedp.CSS(`[data-test=save-opinion]`)), message("已向纪检监察机关征求党风廉政意见"), noOverlay())
		if again[0] == "" || again[0] == keys[0] {
			t.Fatalf("a new request sent key %q after %q, want a new one", again[0], keys[0])
		}
		rev.run(t, "asked again", shows(`[data-test=state-opinion]`, "待回复"), chromedp.WaitVisible(chromedp.CSS(`[data-test=withdraw-opinion]`)))
		rev.picture(t, "org_reviewer-checklist")
	})

	t.Run("discipline_inboxOverdueFirstAndAReply", func(t *testing.T) {
		aud := b.tab(t)
		aud.signIn(t, "aud", password)
		aud.run(t, "the inbox", waitMenu("干部查询", "报送问题", "问题线索", "廉政意见", "提醒事项", "修改密码"),
			clickXPath(`//li[contains(@class,"el-menu-item")][contains(.,"廉政意见")]`),
			shows(`[data-test=inbox]`, "张伟"), shows(`[data-test=inbox]`, "刘芳"),
			shows(`[data-test=inbox] tbody tr:first-child`, "刘芳"), shows(`[data-test=inbox] tbody tr:first-child`, "已逾期"))
		if got := aud.text(t, `[data-test=inbox]`); !strings.Contains(got, "区财政局 局长") || !strings.Contains(got, "王审核") {
			t.Fatalf("the inbox %q: want the unit, position and who asked", got)
		}
		aud.picture(t, "discipline-inbox")
		aud.run(t, "empty, refused on each field",
			clickXPath(`//div[@data-test="inbox"]//tr[contains(.,"张伟")]//button[@data-test="reply"]`),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=save-reply]`)), chromedp.Click(chromedp.CSS(`[data-test=save-reply]`)),
			chromedp.WaitVisible(chromedp.Search(`//textarea[@name="reply_text"]/ancestor::div[contains(@class,"el-form-item")][1]//div[contains(@class,"el-form-item__error")]`)),
			chromedp.WaitVisible(chromedp.Search(`//input[@name="signed_by"]/ancestor::div[contains(@class,"el-form-item")][1]//div[contains(@class,"el-form-item__error")]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="conclusion"]/ancestor::div[contains(@class,"el-form-item")][1]//div[contains(@class,"el-form-item__error")]`)))
		// Closed and opened again: a fresh form, no complaints left from the refusal.
		aud.run(t, "the reply",
			clickXPath(`//div[@data-test="reply-dialog"]//button[contains(.,"取消")]`), noOverlay(),
			clickXPath(`//div[@data-test="inbox"]//tr[contains(.,"张伟")]//button[@data-test="reply"]`),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=save-reply]`)), chromedp.WaitNotPresent(chromedp.CSS(`[data-test=reply-error]`)),
			clickXPath(`//*[@data-test="conclusion-no_issue"]`),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=reply_text]`), "经查，未发现该同志有违反党纪政纪的问题。"),
			chromedp.SendKeys(chromedp.CSS(`input[name=signed_by]`), "区纪委监委 李明"),
			chromedp.Click(chromedp.CSS(`[data-test=reply-flags] .el-select__wrapper`), chromedp.NodeVisible),
			clickXPath(openOption(summary+"（问题线索，不属实，2025-03-01）")), closeDropdown(`[data-test=reply-flags]`))
		aud.picture(t, "discipline-reply")
		aud.run(t, "sent", chromedp.Click(chromedp.CSS(`[data-test=save-reply]`)), message("已回复党风廉政意见"), noOverlay(),
			void(chromedp.Poll[bool](`![...document.querySelectorAll('[data-test=inbox] tbody tr')].some((r) => r.innerText.includes('张伟'))`)))
		aud.run(t, "replied ones", choose(`[data-test=opinion-status]`, "已回复"), shows(`[data-test=inbox]`, "张伟"), shows(`[data-test=inbox]`, "无问题"))
	})

	t.Run("reviewer_vetsAgain_clearWithItsBasis", func(t *testing.T) {
		rev.run(t, "the reply on the checklist", chromedp.Reload(), shows(`[data-test=state-opinion]`, "无问题"),
			clickXPath(`//div[@data-test="check-history"]//*[contains(@class,"el-collapse-item__header")][contains(.,"党风廉政意见")]`),
			shows(`[data-test=opinion-history]`, "区纪委监委 李明"), shows(`[data-test=opinion-history]`, "问题线索（不属实）"))
		if got := rev.text(t, `[data-test=opinion-history]`); strings.Contains(got, "经初核") {
			t.Fatalf("the reply shows a flag's detail to the reviewer: %q", got)
		}
		// The button gets its click event directly: the fold just opened is
		// still growing, and moves the card below it.
		rev.run(t, "vet again", clickXPath(`//*[@data-test="becomes-subject"]`), clickXPath(`//button[@data-test="vet"]`),
			message("审核结论：通过"), chromedp.WaitVisible(chromedp.CSS(`[data-test=vettings] tbody tr:first-child [data-verdict=clear]`)),
			shows(`[data-test=vettings] tbody tr:first-child [data-test=basis]`, "档案审核（"),
			shows(`[data-test=vettings] tbody tr:first-child [data-test=basis]`, "事项查核（"),
			shows(`[data-test=vettings] tbody tr:first-child [data-test=basis]`, "廉政意见（"))
		rev.run(t, "the verdicts", chromedp.ScrollIntoView(chromedp.CSS(`[data-test=vettings]`)))
		rev.picture(t, "org_reviewer-vetting-clear")
		rev.run(t, "a batch: Liu still lacks three", chromedp.Navigate(fmt.Sprintf("%s/#/vetting?ids=%d,%d", s.url, zhang, liu)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="vet-cadres"]//*[contains(@class,"el-select__selected-item")][contains(.,"刘芳")]`)),
			chromedp.Click(chromedp.CSS(`[data-test=vet-batch]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="batch"]//tr[contains(.,"张伟")]//*[@data-verdict="clear"]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="batch"]//tr[contains(.,"刘芳")]//*[@data-verdict="incomplete"]`)),
			clickXPath(`//div[@data-test="batch"]//tr[contains(.,"刘芳")]//a[@data-test="reason-check"]`),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-test=efile][data-cadre="%d"] [data-test=checklist]`, liu))),
			shows(`[data-test=checklist]`, "已逾期"))
	})

	t.Run("otherDepartment_noInbox", func(t *testing.T) {
		s.api("admin", "POST", "/api/v1/users", map[string]any{"username": "aud2", "password": password, "display_name": "冯审计",
			"roles": []string{"auditor"}, "department": "audit"}, 201)
		p := b.tab(t)
		p.signIn(t, "aud2", password)
		p.run(t, "no inbox in the menu", waitMenu("干部查询", "报送问题", "问题线索", "提醒事项", "修改密码"))
		p.run(t, "nor by URL", chromedp.Navigate(s.url+"/#/opinions"), chromedp.WaitVisible(chromedp.CSS(`[data-test=not-found]`)))
		s.api("aud2", "GET", "/api/v1/integrity-opinions", nil, 403)
	})
}
