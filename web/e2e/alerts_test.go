package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAlertsAndOversight: an evaluator sees an appraisal due in the header's
// badge and on the alerts page, and opens it; a reviewer opens the 一把手监督
// dashboard, filters a unit and opens a leader's e-file (SPEC 14, 15).
func TestAlertsAndOversight(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()
	year := time.Now().Year()
	cycle := id(s.api("rev", "POST", "/api/v1/appraisal-cycles", map[string]any{"name": fmt.Sprintf("%d年度专项考核", year), "kind": "special",
		"year": year, "period_start": fmt.Sprintf("%d-01-01", year), "period_end": fmt.Sprintf("%d-12-31", year)}, 201))
	s.api("rev", "POST", fmt.Sprintf("/api/v1/appraisal-cycles/%d/assignments", cycle), map[string]any{"evaluator_id": s.ids["user:eval"],
		"cadre_id": s.ids["liu"], "rater_type": "superior"}, 201)
	s.api("rev", "POST", fmt.Sprintf("/api/v1/appraisal-cycles/%d/open", cycle), nil, 200)
	// An open clue on 张伟, the leader of 区财政局: the dashboard counts it by source.
	s.api("aud", "POST", "/api/v1/flags", map[string]any{"cadre_id": s.ids["zhang"], "kind": "clue", "severity": "warning",
		"summary": "反映其违规发放津贴", "detail": "详情", "occurred_on": fmt.Sprintf("%d-03-01", year)}, 201)

	t.Run("evaluator_seesAnAppraisalDueAndOpensIt", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "eval", password)
		p.run(t, "the badge counts it", chromedp.WaitVisible(chromedp.Search(`//*[contains(@class,"el-badge__content")][normalize-space(.)="1"]`)))
		p.run(t, "the alerts page", chromedp.Click(chromedp.CSS(`[data-test=alert-badge]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=alert-link]`)))
		if got := p.text(t, `[data-test=alerts]`); !strings.Contains(got, "专项考核") || !strings.Contains(got, "待提交考核评价") || !strings.Contains(got, "1 份") {
			t.Fatalf("alerts %q", got)
		}
		p.shot(t, "evaluator-alerts")
		// The cadre is named once the names are read (a moment after the list).
		p.run(t, "open it", chromedp.Click(chromedp.CSS(`[data-test=alert-link]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=assignments]`)),
			shows(`[data-test=assignments]`, "刘芳"))
	})

	t.Run("reviewer_dashboardUnitEFile", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "rev", password)
		p.run(t, "the dashboard", chromedp.Navigate(s.url+"/#/oversight"), chromedp.WaitVisible(chromedp.CSS(`[data-test=leader-link]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=grades-chart] canvas`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=flags-chart] canvas`)))
		if got := p.text(t, `[data-test=figure-leaders]`); !strings.Contains(got, "2") {
			t.Fatalf("leaders figure %q", got)
		}
		if got := p.text(t, `[data-test=figure-with_open_flags]`); !strings.Contains(got, "1") {
			t.Fatalf("open flags figure %q", got)
		}
		if got := p.text(t, `[data-test=leaders]`); !strings.Contains(got, "张伟") || !strings.Contains(got, "李娜") {
			t.Fatalf("leaders %q", got)
		}
		// At 1366 px every column shows: nothing to scroll sideways.
		if over := get(t, p, "the table's width", chromedp.Evaluate[int](`(() => { const w = document.querySelector('[data-test=leaders] .el-table__body-wrapper .el-scrollbar__wrap'); return w.scrollWidth - w.clientWidth })()`)); over > 0 {
			t.Fatalf("the leaders' table scrolls sideways by %d px at 1366 px", over)
		}
		p.shot(t, "org_reviewer-oversight")
		p.run(t, "one unit", choose(`[data-test=oversight-unit]`, "区财政局"),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="figure-leaders"]//*[contains(@class,"el-statistic__number")][normalize-space(.)="1"]`)))
		if got := p.text(t, `[data-test=leaders]`); !strings.Contains(got, "张伟") || strings.Contains(got, "李娜") || !strings.Contains(got, "纪检监察 1") {
			t.Fatalf("区财政局's leaders %q", got)
		}
		p.run(t, "the e-file", chromedp.Click(chromedp.CSS(`[data-test=leader-link]`)), chromedp.WaitVisible(chromedp.CSS(`[data-test=timeline]`)))
		if got := p.text(t, `[data-test=counts]`); !strings.Contains(got, "重大专项") {
			t.Fatalf("张伟's e-file %q", got)
		}
	})
}
