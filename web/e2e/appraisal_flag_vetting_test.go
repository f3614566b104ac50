package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// flagAppraisalVettingJourneys follows issue 12's journeys on the routes of
// SPEC sections 7–9: an auditor files a sanction (its fields following the
// kind; in effect at once, its influence period the server's) and moves a clue; a reviewer runs an appraisal cycle from creation to
// the results workbook while the evaluator scores in the console; then the
// reviewer vets one cadre and a roster selection, and each reason links to
// the flag or cycle behind it, named by its summary or name (issue 23). Run by TestJourneys, before the password
// journey changes the reviewer's password.
func flagAppraisalVettingJourneys(t *testing.T, s *server, b *browser) {
	var flagID, cycleID int64
	decided := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	wantUntil := time.Now().AddDate(0, -1, 0).AddDate(1, 0, 0).Format(time.DateOnly) // 党内警告: 12 months

	t.Run("auditor_fileFlagByKindAndMoveIt", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "aud", password)
		p.run(t, "look up and file",
			chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "刘芳"),
			chromedp.Click(chromedp.CSS(`[data-test=lookup]`)),
			chromedp.Click(chromedp.CSS(`[data-test=file-flag]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=save-flag]`)))
		// The cadre comes from the look-up, named, not as a number to type.
		p.run(t, "the cadre named", chromedp.WaitVisible(chromedp.Search(`//*[@data-test="flag-cadre"]//*[contains(@class,"el-select__selected-item")][normalize-space(.)="刘芳"]`)))
		// The fields follow the kind: a petition asks its type, a sanction
		// its type, decision date, period and basis; influence_until is the
		// server's, shown on the filed flag (the form copies no period).
		p.run(t, "petition fields",
			chromedp.Click(chromedp.CSS(`[data-test=kind-petition]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=petition-type]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=sanction-type]`)))
		p.run(t, "sanction fields",
			chromedp.Click(chromedp.CSS(`[data-test=kind-sanction]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=sanction-type]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=petition-type]`)),
			choose(`[data-test=sanction-type]`, "党内警告"),
			chromedp.SendKeys(chromedp.CSS(`input[name=decided_on]`), decided+kb.Enter),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=influence-until]`)))
		p.shot(t, "auditor-flag-form")
		p.run(t, "file it",
			chromedp.SendKeys(chromedp.CSS(`input[name=occurred_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=summary]`), "违反中央八项规定精神，违规接受宴请"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=detail]`), "经查，该同志于 2025 年多次接受管理服务对象宴请。"),
			chromedp.SendKeys(chromedp.CSS(`input[name=reporter]`), "匿名群众"),
			chromedp.Click(chromedp.CSS(`[data-test=save-flag]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=flag-detail]`)))
		detail := p.text(t, `[data-test=flag-detail]`)
		if !strings.Contains(detail, "党内警告") || !strings.Contains(detail, wantUntil) || !strings.Contains(detail, "匿名群众") {
			t.Fatalf("filed flag %q: want the sanction, influence until %s and the reporter", detail, wantUntil)
		}
		l := s.api("aud", "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d&kind=sanction", s.ids["liu"]), nil, 200)
		flagID = int64(l["items"].([]any)[0].(map[string]any)["id"].(float64))
		// A sanction is in effect and moves only on review; a clue moves.
		clue := id(s.api("aud", "POST", "/api/v1/flags", map[string]any{"cadre_id": s.ids["liu"], "kind": "clue", "severity": "warning",
			"summary": "反映其亲属经营企业承揽本单位业务", "detail": "群众来信。", "occurred_on": decided}, 201))
		p.run(t, "move a clue to verifying",
			chromedp.Navigate(fmt.Sprintf("%s/#/flags?id=%d", s.url, clue)),
			shows(`[data-test=flag-detail]`, "承揽本单位业务"),
			choose(`[data-test=move-status]`, "核查中"),
			chromedp.SendKeys(chromedp.CSS(`input[name=note]`), "已立案核查"),
			chromedp.Click(chromedp.CSS(`[data-test=move]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="history"][contains(.,"待核查 → 核查中")][contains(.,"已立案核查")][contains(.,"aud")]`)))
		p.run(t, "the department's list",
			chromedp.Navigate(s.url+"/#/flags"),
			chromedp.WaitNotVisible(chromedp.CSS(`[data-test=flag-detail]`)),
			chromedp.WaitNotVisible(chromedp.CSS(`.el-overlay`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="flags"]//td[contains(.,"核查中")]`)))
		p.shot(t, "auditor-flags")
		// Filtered by a cadre picked by name (the look-up), not by a number nobody knows.
		p.run(t, "filter by a cadre's name",
			pickByName(`[data-test=flag-cadre]`, "张伟", "张伟"),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="flags"]//*[contains(@class,"el-table__empty-text")]`)))
	})

	rev := b.tab(t)
	t.Run("reviewer_createCycleAssignOpen", func(t *testing.T) {
		rev.signIn(t, "rev", password)
		y := time.Now().Year()
		rev.run(t, "new cycle",
			chromedp.Navigate(s.url+"/#/cycles"),
			chromedp.Click(chromedp.CSS(`[data-test=new-cycle]`), chromedp.NodeVisible),
			chromedp.SendKeys(chromedp.CSS(`input[name=cycle_name]`), fmt.Sprintf("%d 年度考核", y)),
			chromedp.Click(chromedp.CSS(`[data-test=save-cycle]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="草稿"]`)))
		loc := get(t, rev, "location", chromedp.Location())
		if _, err := fmt.Sscanf(loc[strings.LastIndex(loc, "/")+1:], "%d", &cycleID); err != nil {
			t.Fatalf("cycle page %q", loc)
		}
		// The evaluator is picked by name, listed under their unit; the
		// progress then names them. Reloaded first, so that the picture
		// shows no fading message.
		rev.run(t, "assign by unit",
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="草稿"]`)),
			choose(`[data-test=bulk-unit]`, "区财政局"),
			choose(`[data-test=bulk-evaluators]`, "赵评价（eval）"),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"el-select__popper")][not(contains(@style,"display: none"))]`+
				`//ul[contains(@class,"el-select-group__wrap")][.//*[contains(@class,"el-select-group__title")][.="区财政局"]]//li[normalize-space(.)="赵评价（eval）"]`)))
		rev.shot(t, "org_reviewer-cycle-assign")
		rev.run(t, "assign and open",
			chromedp.Click(chromedp.CSS(`[data-test=assign]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="progress-units"]//tr[contains(.,"区财政局")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="progress-evaluators"]//tr[contains(.,"赵评价（eval）")][contains(.,"区财政局")]`)),
			chromedp.Click(chromedp.CSS(`[data-test=open-cycle]`)),
			confirm("确定"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="进行中"]`)))
		as := s.api("rev", "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/assignments?page_size=100", cycleID), nil, 200)
		if n := int(as["total"].(float64)); n < 2 {
			t.Fatalf("%d assignments after the bulk, want the finance bureau's cadres", n)
		}
	})

	// Each step needs the one before it.
	needCycle := func(t *testing.T) {
		if cycleID == 0 || t.Failed() {
			t.Skip("skipped: the cycle was not created")
		}
	}
	t.Run("evaluator_appraisalsWeightedTotal", func(t *testing.T) {
		needCycle(t)
		p := b.tab(t)
		p.signIn(t, "eval", password)
		p.run(t, "assignments",
			chromedp.Navigate(s.url+"/#/appraisals"),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="assignments"]//tr[contains(.,"张伟")]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="done"][contains(.,"已提交 0")]`)))
		p.shot(t, "evaluator-appraisals")
		score := func(key, v string) chromedp.Action[chromedp.Void] {
			sel := `[data-test=score-` + key + `] input`
			return chromedp.Steps(chromedp.SetValue(chromedp.CSS(sel), ""), chromedp.SendKeys(chromedp.CSS(sel), v))
		}
		// The total follows each key typed, before the field is left.
		p.run(t, "score Zhang",
			chromedp.Click(chromedp.Search(`//div[@data-test="assignments"]//tr[contains(.,"张伟")]//button[@data-test="appraise"]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=score-morality] input`)),
			score("morality", "90"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="total"][.="18.00"]`)),
			score("ability", "85"), score("diligence", "80"), score("achievement", "95"), score("integrity", "91"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="total"][.="89.15"]`)))
		p.shot(t, "evaluator-appraisal-form")
		p.run(t, "submit",
			chromedp.Click(chromedp.CSS(`[data-test=submit-appraisal]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="done"][contains(.,"已提交 1")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="assignments"]//tr[contains(.,"张伟")][contains(.,"已提交")][contains(.,"89.15")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="assignments"]//tr[contains(.,"刘芳")][contains(.,"未评价")]`)))
		// The others through the API: Liu low enough for 基本称职.
		as := s.api("eval", "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/assignments?page_size=100", cycleID), nil, 200)
		for _, a := range as["items"].([]any) {
			c := int64(a.(map[string]any)["cadre_id"].(float64))
			if c == s.ids["zhang"] {
				continue
			}
			m := 80
			if c == s.ids["liu"] {
				m = 65
			}
			s.api("eval", "POST", fmt.Sprintf("/api/v1/appraisal-cycles/%d/appraisals", cycleID), map[string]any{"cadre_id": c,
				"scores": map[string]int{"morality": m, "ability": m, "diligence": m, "achievement": m, "integrity": m}, "comment": ""}, 201)
		}
	})

	finalized := false
	t.Run("reviewer_progressCloseFinalizeDownload", func(t *testing.T) {
		needCycle(t)
		rev.run(t, "progress",
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="progress-evaluators"]//tr[contains(.,"赵评价（eval）")][contains(.,"100%")]`)),
			chromedp.Click(chromedp.CSS(`[data-test=close-cycle]`)),
			confirm("确定"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="已关闭"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=grade-chart] canvas`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="results"]//tr[contains(.,"刘芳")][contains(.,"基本称职")]`)))
		// Zhang's proposed grade overridden, with a reason.
		rev.run(t, "override and finalize",
			choose(fmt.Sprintf(`[data-test=override-%d]`, s.ids["zhang"]), "基本称职"),
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name=reason-%d]`, s.ids["zhang"])), "年度内受到通报批评"),
			chromedp.Click(chromedp.CSS(`[data-test=finalize]`)),
			confirm("确定"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="已定等次"]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="results"]//tr[contains(.,"张伟")][contains(.,"年度内受到通报批评")]`)))
		// Reloaded (no fading message) and scrolled to the chart and the results.
		rev.run(t, "reload", chromedp.Reload(),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="results"]//tr[contains(.,"年度内受到通报批评")]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=grade-chart] canvas`)),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[bool](`(() => { document.querySelector('[data-test=results]').scrollIntoView({block: 'end'}); return true })()`)(ctx, tg)
				return err
			}))
		rev.shot(t, "org_reviewer-cycle-results")
		data := rev.download(t, "results workbook", chromedp.Click(chromedp.CSS(`[data-test=download-results]`)))
		if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("results.xlsx (%d bytes) is not a workbook: %v", len(data), err)
		}
		finalized = true
	})

	t.Run("reviewer_vetOneAndASelection", func(t *testing.T) {
		if !finalized || flagID == 0 {
			t.Skip("skipped: needs the flag and the finalized cycle")
		}
		// Vetting looks at last year's annual grade (SPEC 9: year −1), so
		// last year's cycle, through the API: 张伟 and 刘芳 基本称职.
		last := time.Now().Year() - 1
		lastCycle := s.cycle(t, last, map[string]int{"zhang": 65, "liu": 65, "li": 80}, func() {})
		s.api("rev", "POST", fmt.Sprintf("/api/v1/appraisal-cycles/%d/finalize", lastCycle), map[string]any{"overrides": []any{}}, 200)
		// One cadre, from the e-file: the flag box lists the auditor's flag,
		// and the verdict's reason links to it.
		rev.run(t, "e-file of Liu",
			chromedp.Navigate(fmt.Sprintf("%s/#/cadres/%d", s.url, s.ids["liu"])),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="flag-summary"]//td[contains(.,"违规接受宴请")]`)),
			chromedp.Click(chromedp.CSS(`[data-test=vet]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="vettings"]//a[@data-test="reason-flag"][contains(.,"违规接受宴请")]`)))
		// 考核评价: a table beside the chart, scores with two decimals (issue 23).
		rev.run(t, "the appraisal table", shows(`[data-test=appraisal-table]`, fmt.Sprintf("%d 年度考核", time.Now().Year())),
			shows(`[data-test=appraisal-table]`, fmt.Sprintf("%d 年度考核", last)),
			shows(`[data-test=appraisal-table]`, "65.00"), shows(`[data-test=appraisal-table]`, "基本称职"))
		if got := rev.text(t, `[data-test=vettings]`); !strings.Contains(got, "暂缓/不宜") || !strings.Contains(got, "有未办结的问题线索") || !strings.Contains(got, "基本称职") {
			t.Fatalf("vettings %q: want blocked, for the flag being verified and the 基本称职 grade", got)
		}
		// Reload, so that the picture shows no fading message.
		rev.run(t, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.Search(`//div[@data-test="vettings"]//a[@data-test="reason-flag"][contains(.,"违规接受宴请")]`)))
		rev.shot(t, "org_reviewer-efile")

		// A selection of the roster.
		rev.run(t, "select on the roster and vet",
			chromedp.Navigate(s.url+"/#/roster"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=top-leader]`)),
			chromedp.Click(chromedp.Search(`//div[@data-test="roster"]//tr[contains(.,"张伟")]//label[contains(@class,"el-checkbox")]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.Search(`//div[@data-test="roster"]//tr[contains(.,"刘芳")]//label[contains(@class,"el-checkbox")]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.Search(`//button[@data-test="vet-selected"][contains(.,"（2）")]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.CSS(`[data-test=vet-batch]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//div[@data-test="batch"]//a[@data-test="reason-cycle"][contains(.,"%d 年度考核")]`, last))),
			chromedp.WaitVisible(chromedp.Search(`//div[@data-test="batch"]//a[@data-test="reason-flag"][contains(.,"违规接受宴请")]`)))
		got := rev.text(t, `[data-test=batch]`)
		if !strings.Contains(got, "张伟") || !strings.Contains(got, "基本称职") || !strings.Contains(got, "刘芳") {
			t.Fatalf("batch %q: want Zhang's low grade and Liu's sanction", got)
		}
		batchLinksAndNames(t, rev)
		rev.shot(t, "org_reviewer-vetting")
		rev.run(t, "the cycle behind a reason",
			chromedp.Click(chromedp.Search(fmt.Sprintf(`//div[@data-test="batch"]//a[@data-test="reason-cycle"][contains(.,"%d 年度考核")]`, last))),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="已定等次"]`)))
	})
}
