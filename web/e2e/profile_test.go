package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestProfileAndLRMX follows the 干部任免审批表 of SPEC 16 through the
// console (issue 19): a reviewer fills in a cadre's profile, exports it as
// an LRMX file and imports other departments' files; an evaluator sees
// none of it.
func TestProfileAndLRMX(t *testing.T) {
	s := startServer(t)
	b := newBrowser(t, s.url)
	s.seed()
	zhang := fmt.Sprintf("%s/#/cadres/%d", s.url, s.ids["zhang"])
	rev := b.tab(t)
	rev.signIn(t, "rev", password)

	t.Run("reviewer_profileEditedRefusedFixedAndKept", func(t *testing.T) {
		p := rev
		p.run(t, "open the editor from the e-file", chromedp.Navigate(zhang),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=profile]`)),
			chromedp.Click(chromedp.CSS(`[data-test=edit-profile]`)),
			chromedp.WaitVisible(chromedp.CSS(`input[name=ethnicity]`)))
		photo := photoPNG(t)
		p.run(t, "fill in the form",
			chromedp.SendKeys(chromedp.CSS(`input[name=ethnicity]`), "汉族"),
			chromedp.SendKeys(chromedp.CSS(`input[name=native_place]`), "浙江宁波"),
			chromedp.SendKeys(chromedp.CSS(`input[name=birthplace]`), "浙江宁波"),
			month(`.el-form-item:has(input[name=party_joined_on])`, "2001.06"),
			month(`.el-form-item:has(input[name=work_started_on])`, "1997.07"),
			chromedp.SendKeys(chromedp.CSS(`input[name=health]`), "健康"),
			chromedp.SendKeys(chromedp.CSS(`input[name=professional_title]`), "高级会计师"),
			chromedp.SendKeys(chromedp.CSS(`input[name=expertise]`), "财政预算管理"),
			chromedp.SendKeys(chromedp.CSS(`input[name="full_time_education.level"]`), "大学"),
			chromedp.SendKeys(chromedp.CSS(`input[name="full_time_education.degree"]`), "经济学学士"),
			chromedp.SendKeys(chromedp.CSS(`input[name="full_time_education.school"]`), "浙江大学经济学院财政学专业"),
			// Two resume lines: the current post typed first, then the earlier
			// one moved above it; the current one starts before the earlier ends.
			chromedp.Click(chromedp.CSS(`[data-test=add-resume]`)),
			month(`[data-field="resume[0].from"]`, "2009.01"),
			typeIn(`[data-field="resume[0].text"]`, "区财政局局长"),
			chromedp.Click(chromedp.CSS(`[data-test=add-resume]`)),
			month(`[data-field="resume[1].from"]`, "1997.07"),
			month(`[data-field="resume[1].to"]`, "2010.03"),
			typeIn(`[data-field="resume[1].text"]`, "浙江省宁波市财政局科员、副科长"),
			chromedp.Click(chromedp.CSS(`[data-test=resume-table] .el-table__row:nth-child(2) [data-test=move-up]`)),
			void(chromedp.Poll[bool](`document.querySelector('[data-field="resume[0].text"] textarea').value.startsWith('浙江省')`)),
			// A family member, and a line added by mistake, removed.
			chromedp.Click(chromedp.CSS(`[data-test=add-family]`)),
			chromedp.Click(chromedp.CSS(`[data-test=add-family]`)),
			chromedp.Click(chromedp.CSS(`[data-test=family-table] .el-table__row:nth-child(2) [data-test=remove-line]`)),
			void(chromedp.Poll[bool](`document.querySelectorAll('[data-test=family-table] .el-table__row').length === 1`)),
			typeIn(`[data-field="family[0].relation"]`, "妻子"),
			typeIn(`[data-field="family[0].name"]`, "陈静"),
			month(`[data-field="family[0].born_on"]`, "1980.02"),
			typeIn(`[data-field="family[0].political_status"]`, "中共党员"),
			typeIn(`[data-field="family[0].work"]`, "区第一中学教师"),
			// The photo, previewed with its name and size.
			chromedp.SetUploadFiles(chromedp.CSS(`[data-test=photo-upload] input[type=file]`), []string{photo}, chromedp.NodeReady),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=photo-preview]`)),
			shows(`[data-test=photo-info]`, "证件照.png"))
		if got := p.text(t, `[data-test=photo-info]`); !strings.Contains(got, " B）") && !strings.Contains(got, " KB）") {
			t.Fatalf("the photo's size is not shown: %q", got)
		}
		p.run(t, "save: the overlap is refused on its cell",
			chromedp.Click(chromedp.CSS(`[data-test=save-profile]`)),
			cellError("resume[1].from"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=profile-error]`)))
		if got := p.complaints(t); !slices.Equal(got, []string{"resume[1].from"}) {
			t.Fatalf("complaints on %q, want only resume[1].from", got)
		}
		if got := p.text(t, `[data-field="resume[1].from"] .el-form-item__error`); !strings.Contains(got, "2010-03") && !strings.Contains(got, "重叠") {
			t.Fatalf("the overlap's complaint: %q", got)
		}
		p.shot(t, "org_reviewer-profile-editor")
		p.run(t, "fix the line and save",
			month(`[data-field="resume[1].from"]`, "2010.03"),
			chromedp.Click(chromedp.CSS(`[data-test=save-profile]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=profile-editor]`)),
			shows(`[data-test=profile-resume]`, "2010.03--"))
		p.run(t, "reload: the profile is kept", chromedp.Reload(),
			shows(`[data-test=profile-resume]`, "1997.07--2010.03"),
			shows(`[data-test=profile-resume]`, "区财政局局长"),
			shows(`[data-test=profile-family]`, "陈静"),
			shows(`[data-test=profile]`, "浙江大学经济学院财政学专业"),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=profile-photo]`)))
		if got := p.text(t, `[data-test=profile-resume]`); !strings.Contains(got, "1997.07--2010.03") || strings.Index(got, "1997.07") > strings.Index(got, "2010.03--") {
			t.Fatalf("the e-file's resume: %q", got)
		}
		pr := s.profileOf(s.ids["zhang"])
		raw, _ := base64.StdEncoding.DecodeString(pr["photo"].(string))
		if len(pr["resume"].([]any)) != 2 || len(pr["family"].([]any)) != 1 || !bytes.HasPrefix(raw, []byte("\x89PNG")) || pr["work_started_on"] != "1997-07" {
			t.Fatalf("stored profile: %v resume lines, %v family members, photo %d bytes, work_started_on %v",
				len(pr["resume"].([]any)), len(pr["family"].([]any)), len(raw), pr["work_started_on"])
		}
		p.run(t, "scroll to the profile", void(chromedp.Evaluate[bool](`(() => { document.querySelector('[data-test=profile]').scrollIntoView({ block: 'start' }); return true })()`)))
		p.shot(t, "org_reviewer-efile-profile")

		// Someone else saves meanwhile: the save says so and offers to read it again.
		p.run(t, "open the editor again", chromedp.Click(chromedp.CSS(`[data-test=edit-profile]`)),
			void(chromedp.Poll[bool](`document.querySelector('input[name=health]')?.value === '健康'`)))
		pr["health"] = "良好"
		s.api("rev", "PUT", fmt.Sprintf("/api/v1/cadres/%d/profile", s.ids["zhang"]), pr, 200)
		p.run(t, "a stale save, then reload",
			chromedp.SendKeys(chromedp.CSS(`input[name=expertise]`), "、国有资产管理"),
			chromedp.Click(chromedp.CSS(`[data-test=save-profile]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=profile-conflict]`)),
			chromedp.Click(chromedp.CSS(`[data-test=reload-profile]`)),
			void(chromedp.Poll[bool](`document.querySelector('input[name=health]')?.value === '良好'`)),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=profile-conflict]`)),
			chromedp.Click(chromedp.CSS(`[data-test=profile-editor] .el-drawer__footer button`)),
			chromedp.WaitNotPresent(chromedp.CSS(`[data-test=profile-editor]`)))
	})

	t.Run("reviewer_lrmxDownloaded", func(t *testing.T) {
		p := rev
		p.run(t, "the export dialog", chromedp.Navigate(zhang),
			chromedp.Click(chromedp.CSS(`[data-test=export-lrmx]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`input[name=proposed_post]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=proposed_post]`), "区财政局党组书记、局长"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=reason]`), "工作需要"))
		name, data := p.downloadNamed(t, "download the LRMX", chromedp.Click(chromedp.CSS(`[data-test=download-lrmx]`)))
		if name != "张伟.lrmx" {
			t.Fatalf("downloaded as %q, want the server's name 张伟.lrmx", name)
		}
		root, fields, order, items := lrmxElements(t, data)
		if root != "Person" || !sameSet(order, lrmxChildren) || len(order) != len(lrmxChildren) {
			t.Fatalf("root %q with %q, want Person with %q", root, order, lrmxChildren)
		}
		photo, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(fields["ZhaoPian"]))
		for k, want := range map[string]string{"XingMing": "张伟", "MinZu": "汉族", "CanJiaGongZuoShiJian": "199707",
			"NiRenZhiWu": "区财政局党组书记、局长", "RenMianLiYou": "工作需要", "TianBiaoRen": "王审核"} {
			if fields[k] != want {
				t.Errorf("%s = %q, want %q", k, fields[k], want)
			}
		}
		if !strings.Contains(fields["JianLi"], "1997.07--2010.03  浙江省宁波市财政局科员、副科长") || !strings.Contains(fields["JianLi"], "2010.03--  区财政局局长") ||
			len(items) != 1 || items[0]["XingMing"] != "陈静" || items[0]["ChuShengRiQi"] != "198002" || !bytes.HasPrefix(photo, []byte("\x89PNG")) {
			t.Fatalf("JianLi %q, family %v, photo %d bytes", fields["JianLi"], items, len(photo))
		}
	})

	t.Run("reviewer_lrmxImportedPreviewedCommittedOpened", func(t *testing.T) {
		p := rev
		li := s.api("rev", "GET", fmt.Sprintf("/api/v1/cadres/%d", s.ids["li"]), nil, 200)
		file := lrmxZip(t, idNumber("19860315", 41, false), "李娜", li["id_number"].(string))
		p.run(t, "the import, from the menu", chromedp.Navigate(s.url+"/#/roster"), chromedp.WaitVisible(chromedp.CSS(`[data-test=roster]`)),
			chromedp.Click(chromedp.Search(`//li[contains(@class,"el-menu-item")][normalize-space(.)="任免审批表导入"]`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=lrmx-file]`)),
			// A file dropped on the page that declares entities: refused, and named with its problem.
			dropFile(`[data-test=lrmx-file] .el-upload-dragger`, "外单位.lrmx", `<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x "y">]><Person><XingMing>&x;</XingMing></Person>`),
			shows(`[data-test=lrmx-chosen]`, "外单位.lrmx"),
			chromedp.Click(chromedp.CSS(`[data-test=lrmx-preview]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[@data-test="lrmx-problems"]//tr[contains(.,"外单位.lrmx")]`)),
			chromedp.SetUploadFiles(chromedp.CSS(`[data-test=lrmx-file] input[type=file]`), []string{file}, chromedp.NodeReady),
			shows(`[data-test=lrmx-chosen]`, "任免审批表.zip"),
			// A cadre not yet on file needs a unit: the server says so on the unit's field.
			chromedp.Click(chromedp.CSS(`[data-test=lrmx-preview]`)),
			chromedp.WaitVisible(chromedp.Search(`//*[contains(@class,"el-form-item")][.//*[@data-test="lrmx-unit"]]//*[contains(@class,"el-form-item__error")]`)),
			choose(`[data-test=lrmx-unit]`, "区教育局"),
			chromedp.Click(chromedp.CSS(`[data-test=lrmx-preview]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=lrmx-dry-run-ok]`)))
		report := p.text(t, `[data-test=lrmx-report]`)
		for _, want := range []string{"陈晓.lrmx", "新增", "李娜.lrmx", "更新", "民族", "简历", "BeiZhu"} {
			if !strings.Contains(report, want) {
				t.Fatalf("the dry run's report %q lacks %q", report, want)
			}
		}
		if l := s.api("rev", "GET", "/api/v1/cadres?q=陈晓", nil, 200); l["total"].(float64) != 0 {
			t.Fatal("the dry run wrote a cadre")
		}
		p.run(t, "the export's message gone", void(chromedp.Poll[bool](`!document.querySelector('.el-message')`)))
		p.shot(t, "org_reviewer-lrmx-import")
		p.run(t, "commit, then open the new cadre",
			chromedp.Click(chromedp.CSS(`[data-test=lrmx-commit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-test=lrmx-done]`)),
			chromedp.Click(chromedp.Search(`//tr[contains(.,"陈晓.lrmx")]//a[@data-test="lrmx-open"]`), chromedp.NodeVisible),
			shows(`[data-test=efile] .page-title`, "陈晓"),
			shows(`[data-test=profile-resume]`, "2015.06--"),
			shows(`[data-test=profile-family]`, "陈建国"))
	})

	t.Run("evaluator_noProfileNoLRMX", func(t *testing.T) {
		p := b.tab(t)
		p.signIn(t, "eval", password)
		if got := p.menu(t); slices.Contains(got, "任免审批表导入") {
			t.Fatalf("the evaluator's menu %q offers the LRMX import", got)
		}
		p.run(t, "the import by URL", chromedp.Navigate(s.url+"/#/import-lrmx"), chromedp.WaitVisible(chromedp.CSS(`[data-test=not-found]`)))
		p.run(t, "a cadre of their unit", chromedp.Navigate(zhang), chromedp.WaitVisible(chromedp.CSS(`[data-test=timeline]`)))
		if n := get(t, p, "profile parts", chromedp.Evaluate[int](`document.querySelectorAll('[data-test=profile], [data-test=export-lrmx], [data-test=edit-profile]').length`)); n != 0 {
			t.Fatalf("the evaluator's e-file shows %d parts of the profile", n)
		}
		if got := p.text(t, `[data-test=efile]`); strings.Contains(got, "陈静") || strings.Contains(got, "浙江宁波") {
			t.Fatal("the evaluator's page shows the profile's data")
		}
		s.api("eval", "GET", fmt.Sprintf("/api/v1/cadres/%d/profile", s.ids["zhang"]), nil, 403)
	})
}
