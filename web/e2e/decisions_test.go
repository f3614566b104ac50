package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDepartmentsDecide follows issue 17 in the console (SPEC 7 and 8):
// each department files only what it decides (the petition department's
// form offers petitions and clues only; the server refuses a sanction from it); the discipline department
// files a sanction, in effect at once with the server's influence period,
// and later revokes it on review with a basis that the history keeps; the
// organization department files a 诫勉 and a 提醒谈话; finalize refuses a
// better grade than that 诫勉 allows (409 grade_forced, explained beside the
// row, linked to the flag); and a cadre left 不定等次 by an investigation is
// regraded (补定等次) once the investigation closes unsubstantiated.
func TestDepartmentsDecide(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()
	s.api("admin", "POST", "/api/v1/users", map[string]any{"username": "pet", "password": password, "display_name": "吴信访",
		"roles": []string{"auditor"}, "department": "petition"}, 201)
	now := time.Now()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	decided := first.Format(time.DateOnly)

	// What a department may file is the server's (/me's may_file): the
	// petition department's form offers petitions and clues only, and the
	// server refuses a sanction from it all the same (403).
	t.Run("petitionAuditor_offeredOnlyWhatItDecides", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "pet", password)
		p.run(t, "a petition's fields", chromedp.Navigate(s.url+"/#/flags/new"),
			chromedp.Click(chromedp.CSS(`[data-test=kind-petition]`), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS(`[data-test=petition-type]`)),
			choose(`[data-test=petition-type]`, "检举控告"), chromedp.WaitVisible(chromedp.CSS(`[data-test=specific]`)))
		kinds := get(t, p, "the kinds offered", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-test=flag-kinds] [data-test^="kind-"]')].map((e) => e.dataset.test).sort()`))
		if fmt.Sprint(kinds) != "[kind-clue kind-petition]" {
			t.Fatalf("the petition department is offered %v, want a clue and a petition only", kinds)
		}
		s.api("pet", "POST", "/api/v1/flags", map[string]any{"cadre_id": s.ids["liu"], "kind": "sanction", "severity": "serious",
			"summary": "信访部门不作处分决定", "occurred_on": decided, "sanction": map[string]any{"type": "dismissal", "decided_on": decided}}, 403)
		if l := s.api("rev", "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d", s.ids["liu"]), nil, 200); l["total"].(float64) != 0 {
			t.Fatalf("a refused flag was stored: %v", l["items"])
		}
		p.picture(t, "petition-flag-form")
	})

	var sanctionID int64
	t.Run("discipline_filesASanctionAndRevokesItOnReview", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "aud", password)
		p.run(t, "file a 记过", chromedp.Navigate(s.url+"/#/flags/new"),
			pickByName(`[data-test=flag-cadre]`, "刘芳", "刘芳"),
			chromedp.Click(chromedp.CSS(`[data-test=kind-sanction]`)),
			choose(`[data-test=sanction-type]`, "记过"),
			chromedp.SendKeys(chromedp.CSS(`input[name=decided_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=sanction_basis]`), "示纪发〔2026〕12号"),
			chromedp.SendKeys(chromedp.CSS(`input[name=occurred_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=summary]`), "违规发放津贴补贴"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=detail]`), "经审查，违规发放津贴补贴 12 万元。"),
			chromedp.Click(chromedp.CSS(`[data-test=save-flag]`)),
			// In effect at once; the influence period is the server's: 12 months.
			shows(`[data-test=flag-status]`, "生效"),
			shows(`[data-test=influence-until]`, first.AddDate(1, 0, 0).Format(time.DateOnly)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=sanction-review]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=move-status]`)))
		l := s.api("aud", "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d&kind=sanction", s.ids["liu"]), nil, 200)
		sanctionID = id(l["items"].([]any)[0].(map[string]any))
		basis := "经复审，原认定事实不清，撤销原处分决定（示纪复〔2026〕3号）"
		// The action by a click event on the element itself: a click at its
		// place could land on 变更 beside it while the drawer still lays out.
		p.run(t, "revoke it with a basis",
			clickXPath(`//*[@data-test="action-revoke"]`),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="action-revoke"][contains(@class,"is-active")]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=review_decided_on]`), now.Format(time.DateOnly)+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=basis]`), basis),
			chromedp.Click(chromedp.CSS(`[data-test=save-review]`)),
			confirm("确定"), message("已撤销"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=revoked]`)),
			shows(`[data-test=flag-status]`, "已撤销"),
			shows(`[data-test=sanction-changes]`, "撤销"), shows(`[data-test=sanction-changes]`, basis), shows(`[data-test=sanction-changes]`, "aud"),
			shows(`[data-test=sanction-changes]`, now.Format(time.DateOnly)),
			// A revoked sanction takes nothing more.
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=sanction-review]`)))
		if f := s.api("aud", "GET", fmt.Sprintf("/api/v1/flags/%d", sanctionID), nil, 200); f["status"] != "revoked" {
			t.Fatalf("the revoked sanction is %v", f["status"])
		}
		p.picture(t, "auditor-sanction-revoked")
	})

	rev := b.tab(t)
	var admonishID int64
	t.Run("reviewer_filesAnAdmonishmentAndAReminderTalk", func(t *testing.T) {
		rev.signIn(t, "rev", password)
		if m := rev.menu(t); !slices.Contains(m, "报送问题") || slices.Contains(m, "干部查询") {
			t.Fatalf("the reviewer's menu %v: want 报送问题 (and not the look-up: the roster is theirs)", m)
		}
		rev.run(t, "file a 诫勉", chromedp.Navigate(s.url+"/#/flags/new"),
			pickByName(`[data-test=flag-cadre]`, "张伟", "张伟"),
			chromedp.Click(chromedp.CSS(`[data-test=kind-sanction]`)),
			choose(`[data-test=sanction-type]`, "诫勉"),
			chromedp.SendKeys(chromedp.CSS(`input[name=decided_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=occurred_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=summary]`), "履行全面从严治党主体责任不力"),
			chromedp.Click(chromedp.CSS(`[data-test=save-flag]`)),
			shows(`[data-test=flag-sanction]`, "诫勉"), shows(`[data-test=flag-status]`, "生效"),
			shows(`[data-test=influence-until]`, first.AddDate(0, 6, 0).Format(time.DateOnly)))
		l := s.api("rev", "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d&kind=sanction", s.ids["zhang"]), nil, 200)
		admonishID = id(l["items"].([]any)[0].(map[string]any))
		rev.run(t, "file a 提醒谈话",
			chromedp.Navigate(s.url+"/#/flags/new"),
			pickByName(`[data-test=flag-cadre]`, "张伟", "张伟"),
			chromedp.Click(chromedp.CSS(`[data-test=kind-measure]`)),
			choose(`[data-test=measure-type]`, "提醒谈话"),
			chromedp.SendKeys(chromedp.CSS(`input[name=measure_decided_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=occurred_on]`), decided+kb.Enter),
			chromedp.SendKeys(chromedp.CSS(`input[name=summary]`), "对苗头性问题提醒谈话"),
			chromedp.Click(chromedp.CSS(`[data-test=save-flag]`)),
			shows(`[data-test=flag-measure]`, "提醒谈话"), shows(`[data-test=flag-status]`, "已记录"))
		rev.picture(t, "org_reviewer-measure")
	})

	// A cycle of this year, closed: 张伟 under the 诫勉, 李娜 under an open investigation.
	cycle := s.closedCycle(t, now.Year())
	t.Run("reviewer_finalizeRefused_gradeForcedExplained", func(t *testing.T) {
		if admonishID == 0 {
			t.Skip("skipped: needs the 诫勉")
		}
		page := fmt.Sprintf("%s/#/cycles/%d", s.url, cycle)
		rev.run(t, "override to 优秀 and finalize", chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="已关闭"]`)),
			choose(fmt.Sprintf(`[data-test=override-%d]`, s.ids["zhang"]), "优秀"),
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name=reason-%d]`, s.ids["zhang"])), "年度工作成绩突出"),
			chromedp.Click(chromedp.CSS(`[data-test=finalize]`)), confirmed("确定"),
			chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//div[@data-test="results"]//tr[contains(.,"张伟")]//*[@data-test="grade-forced"]//a[contains(.,"问题 #%d")]`, admonishID))),
			shows(`[data-test=cycle-status]`, "已关闭"))
		rev.run(t, "scroll to it", chromedp.ScrollIntoView(chromedp.CSS(`[data-test=grade-forced]`)))
		rev.picture(t, "org_reviewer-grade-forced")
		rev.run(t, "the flag behind it", clickXPath(`//*[@data-test="forced-flag"]`), shows(`[data-test=flag-sanction]`, "诫勉"),
			// 定等次 is enabled once the results it finalizes are shown.
			chromedp.Navigate(page), chromedp.WaitEnabled(chromedp.CSS(`[data-test=finalize]`)),
			chromedp.Click(chromedp.CSS(`[data-test=finalize]`)), confirmed("确定"), message("已定等次"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="cycle-status"][.="已定等次"]`)))
	})

	t.Run("reviewer_regradesOnceTheInvestigationCloses", func(t *testing.T) {
		li := s.ids["li"]
		row := fmt.Sprintf(`[data-test=regrade-%d]`, li)
		// While the investigation is open the server refuses, and says so in the dialog.
		rev.run(t, "too early", shows(fmt.Sprintf(`[data-test=grade-%d]`, li), "不定等次"),
			chromedp.Click(chromedp.CSS(row), chromedp.NodeVisible), choose(`[data-test=regrade-grade]`, "称职"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=regrade_reason]`), "立案审查调查已结束，未受处分"),
			chromedp.Click(chromedp.CSS(`[data-test=save-regrade]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=regrade-error]`)))
		inv := s.api("aud", "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d&kind=investigation", li), nil, 200)["items"].([]any)[0].(map[string]any)
		iv := fmt.Sprintf("/api/v1/flags/%d", id(inv))
		s.api("aud", "PATCH", iv, map[string]any{"status": "verifying", "note": "核查", "version": inv["version"]}, 200)
		v := s.api("aud", "GET", iv, nil, 200)["version"]
		s.api("aud", "PATCH", iv, map[string]any{"status": "unsubstantiated", "note": "经审查，问题不属实", "version": v}, 200)
		rev.run(t, "regrade", chromedp.Click(chromedp.CSS(`[data-test=save-regrade]`)), message("已补定等次"),
			shows(fmt.Sprintf(`[data-test=grade-%d]`, li), "称职"),
			shows(fmt.Sprintf(`[data-test=regraded-%d]`, li), "不定等次 → 称职"),
			shows(fmt.Sprintf(`[data-test=regraded-%d]`, li), "立案审查调查已结束"),
			// Who regraded, by name (the result carries it: by_name).
			shows(fmt.Sprintf(`[data-test=regraded-%d]`, li), s.api("rev", "GET", "/api/v1/me", nil, 200)["display_name"].(string)))
		if n := get(t, rev, "no more regrade", chromedp.Evaluate[int](`document.querySelectorAll(`+fmt.Sprintf("%q", row)+`).length`)); n != 0 {
			t.Fatalf("a regraded cadre is still offered 补定等次 (%d)", n)
		}
		rev.run(t, "scroll to it", chromedp.ScrollIntoView(chromedp.CSS(fmt.Sprintf(`[data-test=regraded-%d]`, li))))
		rev.picture(t, "org_reviewer-regrade")
	})
}

// closedCycle makes an annual cycle of year through the API, the seeded
// evaluator appraising the three seeded cadres; 李娜 under an investigation
// the discipline department opened; closed. It answers the cycle's id.
func (s *server) closedCycle(t *testing.T, year int) int64 {
	t.Helper()
	c := s.cycle(t, year, map[string]int{"zhang": 95, "liu": 85, "li": 88}, func() {
		s.api("aud", "POST", "/api/v1/flags", map[string]any{"cadre_id": s.ids["li"], "kind": "investigation", "severity": "serious",
			"summary": "涉嫌违规插手工程项目", "detail": "立案审查调查。", "occurred_on": fmt.Sprintf("%d-01-15", year)}, 201)
	})
	res := s.api("rev", "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/results", c), nil, 200)
	for _, it := range res["items"].([]any) {
		r := it.(map[string]any)
		// The revoked 记过 counts nowhere: 刘芳 keeps her grade.
		if id(map[string]any{"id": r["cadre_id"]}) == s.ids["liu"] && r["grade"] == "ungraded" {
			t.Errorf("a revoked sanction still acts on the grade: %v", r)
		}
		if id(map[string]any{"id": r["cadre_id"]}) == s.ids["li"] && !strings.Contains(fmt.Sprint(r["reasons"]), "under_investigation") {
			t.Errorf("李娜 under investigation: %v", r)
		}
	}
	return c
}

// cycle makes an annual cycle of year through the API, the seeded evaluator
// giving each cadre named in scores that score on every count; then
// beforeClose runs, and the cycle is closed. It answers the cycle's id.
func (s *server) cycle(t *testing.T, year int, scores map[string]int, beforeClose func()) int64 {
	t.Helper()
	c := id(s.api("rev", "POST", "/api/v1/appraisal-cycles", map[string]any{"name": fmt.Sprintf("%d 年度考核", year), "kind": "annual", "year": year,
		"period_start": fmt.Sprintf("%d-01-01", year), "period_end": fmt.Sprintf("%d-12-31", year), "excellent_quota_pct": 40}, 201))
	base := fmt.Sprintf("/api/v1/appraisal-cycles/%d", c)
	for k := range scores {
		s.api("rev", "POST", base+"/assignments", map[string]any{"evaluator_id": s.ids["user:eval"], "cadre_id": s.ids[k], "rater_type": "superior"}, 201)
	}
	s.api("rev", "POST", base+"/open", nil, 200)
	for k, m := range scores {
		s.api("eval", "POST", base+"/appraisals", map[string]any{"cadre_id": s.ids[k],
			"scores": map[string]int{"morality": m, "ability": m, "diligence": m, "achievement": m, "integrity": m}, "comment": ""}, 201)
	}
	beforeClose()
	s.api("rev", "POST", base+"/close", nil, 200)
	return c
}
