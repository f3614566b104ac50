package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// month types a month into the Element Plus month picker inside sel, as a
// person who knows the date would (2010.03, the form's way), replacing
// what it held, and confirms it with Enter.
func month(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(sel+` input`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(sel+` input`), kb.End+strings.Repeat(kb.Backspace, 10)+value+kb.Enter),
		void(chromedp.Poll[bool](`document.querySelector(`+strconv.Quote(sel+` input`)+`).value === `+strconv.Quote(value))))
}

// typeIn types text into the input or textarea inside sel.
func typeIn(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(sel+` input, `+sel+` textarea`), text, chromedp.NodeVisible)
}

// cellError waits until the cell or field named by a 400's detail (resume[1].from) shows a complaint.
func cellError(field string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(`[data-field="` + field + `"] .el-form-item__error, .el-form-item__error[data-field="` + field + `"]`))
}

// complaints lists the fields that show a complaint in the profile editor.
func (p *tab) complaints(t *testing.T) []string {
	t.Helper()
	return get(t, p, "complaints", chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-test=profile-editor] [data-field]')]
	  .filter((e) => e.matches('.el-form-item__error') || e.querySelector('.el-form-item__error')).map((e) => e.dataset.field)`))
}

// photoPNG writes a small portrait PNG, as a scanner would save one.
func photoPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 90, 120))
	for y := range 120 {
		for x := range 90 {
			img.Set(x, y, color.RGBA{uint8(60 + x), uint8(90 + y/2), 170, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "证件照.png")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// downloadNamed is download that also answers the file name the browser
// was given for it (the console names it as the server's
// Content-Disposition says).
func (p *tab) downloadNamed(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) (string, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	begins := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadWillBegin) // subscribed now, read after
	data := p.download(t, what, actions...)
	for ev, err := range begins {
		if err != nil {
			p.fail(t, what, err)
		}
		return ev.SuggestedFilename, data
	}
	return "", data
}

// lrmxElements reads an LRMX file as an outside reader would (a plain XML
// parser): the root's name, each child of Person with its text, and the
// children of each JiaTingChengYuan/Item.
func lrmxElements(t *testing.T, data []byte) (root string, fields map[string]string, order []string, items []map[string]string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	fields = map[string]string{}
	var path []string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			path = append(path, e.Name.Local)
			text.Reset()
			if len(path) == 1 {
				root = e.Name.Local
			}
			if len(path) == 3 && e.Name.Local == "Item" {
				items = append(items, map[string]string{})
			}
		case xml.CharData:
			text.Write(e)
		case xml.EndElement:
			switch {
			case len(path) == 2:
				fields[e.Name.Local] = text.String()
				order = append(order, e.Name.Local)
			case len(path) == 4 && path[2] == "Item":
				items[len(items)-1][e.Name.Local] = text.String()
			}
			path = path[:len(path)-1]
		case xml.Directive:
			t.Fatalf("the file declares %s", e)
		}
	}
	return root, fields, order, items
}

// lrmxChildren are the elements SPEC 16 names under <Person>.
var lrmxChildren = strings.Fields(`XingMing XingBie ChuShengNianYue MinZu JiGuan ChuShengDi RuDangShiJian CanJiaGongZuoShiJian
	JianKangZhuangKuang ZhuanYeJiShuZhiWu ShuXiZhuanYeYouHeZhuanChang QuanRiZhiJiaoYu_XueLi QuanRiZhiJiaoYu_XueWei
	QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi ZaiZhiJiaoYu_XueLi ZaiZhiJiaoYu_XueWei
	ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi XianRenZhiWu NiRenZhiWu NiMianZhiWu JianLi
	JiangChengQingKuang NianDuKaoHeJieGuo RenMianLiYou ChengBaoDanWei JiSuanNianLingShiJian TianBiaoShiJian TianBiaoRen
	ShenFenZheng ZhaoPian JiaTingChengYuan Version`)

// lrmxZip is a zip of appointment forms as another department sends them:
// a cadre not yet on file (with an element efile does not know) and one on
// file whose form fills in their profile.
func lrmxZip(t *testing.T, newID, knownName, knownID string) string {
	t.Helper()
	form := func(name, gender, birth, id, post, resume, extra string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<Person>
  <XingMing>` + name + `</XingMing><XingBie>` + gender + `</XingBie><ChuShengNianYue>` + birth + `</ChuShengNianYue>
  <MinZu>汉族</MinZu><JiGuan>浙江杭州</JiGuan><ChuShengDi>浙江杭州</ChuShengDi><CanJiaGongZuoShiJian>200807</CanJiaGongZuoShiJian>
  <JianKangZhuangKuang>健康</JianKangZhuangKuang><QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>
  <QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>浙江师范大学教育学专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
  <XianRenZhiWu>` + post + `</XianRenZhiWu><JianLi>` + resume + `</JianLi>
  <ShenFenZheng>` + id + `</ShenFenZheng>` + extra + `
  <JiaTingChengYuan><Item><ChengWei>父亲</ChengWei><XingMing>陈建国</XingMing><ChuShengRiQi>195803</ChuShengRiQi>
    <ZhengZhiMianMao>中共党员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>已退休</GongZuoDanWeiJiZhiWu></Item></JiaTingChengYuan>
  <Version>3.2.1.16</Version>
</Person>`
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, text := range map[string]string{
		"陈晓.lrmx": form("陈晓", "女", "198603", newID, "区教育局副局长",
			"2008.07--2015.06  区第一中学教师\n2015.06--  区教育局副局长", "\n  <BeiZhu>借调</BeiZhu>"),
		knownName + ".lrmx": form(knownName, "女", "198203", knownID, "局长", "2008.07--  区教育局局长", ""),
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(text))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "任免审批表.zip")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// profileOf reads a cadre's profile through the API.
func (s *server) profileOf(cadre int64) map[string]any {
	return s.api("rev", "GET", fmt.Sprintf("/api/v1/cadres/%d/profile", cadre), nil, 200)
}
