package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// menusFromPermissions: each role's menu is what GET /api/v1/me's
// permissions allow, and a role changed by the administrator shows at the
// user's next refusal (issue 16 item 2).
func menusFromPermissions(t *testing.T, s *server, b *browser) {
	// Each role's menu is what GET /api/v1/me's permissions allow (issue 16 item 2).
	for user, want := range map[string][]string{
		"rev":   {"干部名册", "名册导入", "任免审批表导入", "考核周期", "任前审核", "一把手监督", "报送问题", "问题线索", "廉政意见", "单位沿革", "提醒事项", "修改密码"},
		"eval":  {"干部名册", "我的考核评价", "提醒事项", "修改密码"},
		"aud":   {"干部查询", "报送问题", "问题线索", "廉政意见", "提醒事项", "修改密码"},
		"admin": {"用户管理", "单位管理", "单位沿革", "修改密码"},
		"sec":   {"访问日志", "修改密码"},
	} {
		p := b.tab(t)
		p.signIn(t, user, password)
		if got := p.menu(t); !slices.Equal(got, want) {
			t.Fatalf("%s's menu %q, want %q", user, got, want)
		}
	}
	// A role changed by the administrator shows at the next refusal:
	// a reviewer made an evaluator, still on the vetting page, is
	// refused, and the menu follows /me at once.
	s.ids["user:swap"] = id(s.api("admin", "POST", "/api/v1/users", map[string]any{"username": "swap", "password": password,
		"display_name": "吴调整", "roles": []string{"org_reviewer"}}, 201))
	p := b.tab(t)
	p.signIn(t, "swap", password)
	p.run(t, "vetting page", chromedp.Navigate(fmt.Sprintf("%s/#/vetting?ids=%d", s.url, s.ids["zhang"])),
		chromedp.WaitVisible(chromedp.Search(`//*[@data-test="vet-cadres"]//*[contains(@class,"el-select__selected-item")][contains(.,"张伟")]`)))
	u := s.api("admin", "GET", fmt.Sprintf("/api/v1/users/%d", s.ids["user:swap"]), nil, 200)
	s.api("admin", "PATCH", fmt.Sprintf("/api/v1/users/%d", s.ids["user:swap"]), map[string]any{"roles": []string{"evaluator"},
		"unit_id": s.ids["finance"], "version": u["version"]}, 200)
	p.run(t, "refused, and the menu follows",
		chromedp.Click(chromedp.CSS(`[data-test=vet-batch]`)),
		chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"el-alert")][contains(.,"无权")]`)),
		waitMenu("干部名册", "我的考核评价", "提醒事项", "修改密码"))
	p.run(t, "the page it may no longer use", chromedp.Navigate(s.url+"/#/cycles"), chromedp.WaitVisible(chromedp.CSS(`[data-test=not-found]`)))
}

// fastFromCadreToCadre opens one cadre's e-file, holds its answer back
// until another cadre's e-file is shown, then lets it arrive: the page
// must go on showing the second cadre (the stale-response guard).
func (p *tab) fastFromCadreToCadre(t *testing.T, s *server, fromID int64, fromName string, toID int64, toName string) {
	t.Helper()
	first := fmt.Sprintf("/api/v1/cadres/%d/efile", fromID)
	p.run(t, "forget earlier timings", void(chromedp.Evaluate[bool](`performance.clearResourceTimings() ?? true`)))
	paused, release, stop := p.holdRequests(t, "*"+first)
	p.run(t, "open the first", chromedp.Navigate(fmt.Sprintf("%s/#/cadres/%d", s.url, fromID)))
	var held *fetch.EventRequestPaused
	select {
	case held = <-paused:
	case <-time.After(stepTimeout):
		t.Fatal("the first e-file was never asked for")
	}
	p.run(t, "then the second", chromedp.Navigate(fmt.Sprintf("%s/#/cadres/%d", s.url, toID)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-test=efile][data-cadre="%d"]`, toID))))
	release(held.RequestID)
	stop()
	p.run(t, "the first late answer arrives", void(chromedp.Poll[bool](fmt.Sprintf(
		`performance.getEntriesByType('resource').some((e) => e.name.endsWith(%q) && e.responseEnd > 0)`, first))))
	p.state(t) // settled: pending tasks and a frame done
	if got := p.text(t, `[data-test=efile] .page-title`); !strings.Contains(got, toName) || strings.Contains(got, fromName) {
		t.Fatalf("after the first late answer the page shows %q, want the second cadre's file", got)
	}
}

// batchLinksAndNames, on batch vetting's results: names are links in the
// one style (issue 23 item 7), and a cadre is added by name, as people know
// them, not by number (issue 23 item 1).
func batchLinksAndNames(t *testing.T, rev *tab) {
	t.Helper()
	// Names are links in the one style (issue 23 item 7).
	if got := get(t, rev, "link style", chromedp.Evaluate[string](`[...document.querySelectorAll('[data-test=batch] a')].map((a) => { const s = getComputedStyle(a); return s.textDecorationLine + ' ' + s.color }).filter((v, i, all) => all.indexOf(v) === i).join('|')`)); got != "none rgb(64, 158, 255)" {
		t.Fatalf("batch vetting's links: %q", got)
	}
	// A cadre added by name, as people know them, not by number.
	rev.run(t, "add Li by name and vet again",
		pickByName(`[data-test=vet-cadres]`, "李娜", "区教育局"),
		chromedp.Click(chromedp.CSS(`[data-test=vet-batch]`)),
		shows(`[data-test=batch]`, "李娜"))
}
