package routes_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"
	"efile/services/sanction"

	"gorm.io/gorm"
)

// xmlNode is an element of a parsed XML document, as an outside reader sees
// it: its name, namespace, text and children.
type xmlNode struct {
	Name     xml.Name
	Text     string
	Children []*xmlNode
}

// parseXML reads a document with encoding/xml, strictly, and fails on a
// DTD, an entity or a namespace: what an ordinary reader must not meet.
func parseXML(t *testing.T, data []byte) *xmlNode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.Directive:
			t.Fatalf("a directive (DTD): %s", x)
		case xml.StartElement:
			if x.Name.Space != "" || len(x.Attr) > 0 {
				t.Fatalf("namespace or attributes on %v", x.Name)
			}
			n := &xmlNode{Name: x.Name}
			if len(stack) == 0 {
				if root != nil {
					t.Fatal("two roots")
				}
				root = n
			} else {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(x)
			}
		}
	}
	return root
}

func (n *xmlNode) child(name string) *xmlNode {
	for _, c := range n.Children {
		if c.Name.Local == name {
			return c
		}
	}
	return nil
}

// specElements are the children of <Person> SPEC 16 names, and no other.
var specElements = []string{"XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
	"CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
	"QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
	"ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei", "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
	"XianRenZhiWu", "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou",
	"ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
	"JiaTingChengYuan", "Version"}

// addGrade stores a cadre's result in a cycle of kind and status (a test's
// shortcut past submitting and finalizing).
func addGrade(t *testing.T, db *gorm.DB, cadreID int64, year int, kind, status, grade string) {
	t.Helper()
	c := models.AppraisalCycle{Name: fmt.Sprintf("%d年度考核", year), Kind: kind, Year: year, PeriodStart: civil.Text(fmt.Sprintf("%d-01-01", year)),
		PeriodEnd: civil.Text(fmt.Sprintf("%d-12-31", year)), ExcellentQuotaPct: 20, Status: status, Version: 1, CreatedBy: 1}
	if err := db.Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	r := models.AppraisalResult{CycleID: c.ID, CadreID: cadreID, Score: 8000, ProposedGrade: grade, FinalGrade: grade}
	if status != "finalized" {
		r.FinalGrade = ""
	}
	if err := db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
}

// addSanction stores a sanction flag decided on a day, in a status.
func addSanction(t *testing.T, db *gorm.DB, cadreID int64, typ sanction.Type, decided, status string) {
	t.Helper()
	s := string(typ)
	f := models.Flag{CadreID: cadreID, Source: "discipline", Kind: "sanction", Severity: "serious", Summary: "处分决定",
		OccurredOn: civil.Text(decided), SanctionType: &s, DecidedOn: new(civil.Text(decided)), InfluenceUntil: sanction.Until(typ, civil.Text(decided), nil),
		Status: status, Version: 1, CreatedBy: 1}
	if err := db.Create(&f).Error; err != nil {
		t.Fatal(err)
	}
}

func TestAppointmentFormExport(t *testing.T) {
	w := newFlagWorld(t)
	a := w.a
	want(t, w.do("PUT", fmt.Sprintf("/api/v1/cadres/%d/profile", a), w.rev, profileBody(0)), 200)
	now := w.clock.Now()
	day := func(years, months int) string { return now.AddDate(years, months, 0).Format(time.DateOnly) }
	y := now.Year()
	// Grades: four finalized annual cycles (the oldest falls out), an ordinary
	// one and an annual one not yet finalized (neither counts).
	addGrade(t, w.db, a, y-4, "annual", "finalized", "excellent")
	addGrade(t, w.db, a, y-3, "annual", "finalized", "competent")
	addGrade(t, w.db, a, y-2, "annual", "finalized", "ungraded")
	addGrade(t, w.db, a, y-1, "annual", "finalized", "excellent")
	addGrade(t, w.db, a, y-1, "ordinary", "finalized", "good")
	addGrade(t, w.db, a, y, "annual", "closed", "competent")
	// Sanctions: one in effect (filed, so in effect: SPEC 8), one ended
	// three years ago, one ended six years ago (left out), one revoked and
	// one found not so (left out), an organizational measure.
	inEffect := day(0, -2)
	addSanction(t, w.db, a, sanction.Demerit, inEffect, "in_effect")
	addSanction(t, w.db, a, sanction.Dismissal, day(0, -4), "revoked")
	endedRecently := day(-4, 0) // 记过 12 months: ended three years ago
	addSanction(t, w.db, a, sanction.Demerit, endedRecently, "in_effect")
	addSanction(t, w.db, a, sanction.GovWarning, day(-7, 0), "in_effect")
	addSanction(t, w.db, a, sanction.MajorDemerit, day(0, -1), "unsubstantiated")
	addSanction(t, w.db, a, sanction.Admonishment, day(0, -3), "in_effect")
	// Commendations: one amended (only the amendment shows), and a record
	// of another category.
	r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", a), w.rev, map[string]any{"occurred_on": "2024-05-10", "category": "commendation", "content": "被评为优秀共产党员（初稿）"})
	want(t, r, 201)
	want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records/%d/amendments", a, r.ID()), w.rev, map[string]any{"content": "被评为全区优秀共产党员", "reason": "改正"}), 201)
	want(t, w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/records", a), w.rev, map[string]any{"occurred_on": "2024-06-10", "category": "duty", "content": "完成任务"}), 201)

	path := fmt.Sprintf("/api/v1/cadres/%d/appointment-form.lrmx", a)
	q := "?proposed_post=" + url.QueryEscape("区财政局局长") + "&proposed_removal=" + url.QueryEscape("区财政局副局长") + "&reason=" + url.QueryEscape("工作需要")
	resp := w.do("GET", path+q, w.rev, nil)
	want(t, resp, 200)
	root := parseXML(t, resp.Body)
	t.Run("exactlyTheElementsOfSPEC16", func(t *testing.T) {
		if root.Name.Local != "Person" {
			t.Fatalf("root %s", root.Name.Local)
		}
		var names []string
		for _, c := range root.Children {
			names = append(names, c.Name.Local)
		}
		if !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(specElements))) {
			t.Fatalf("elements %v\nwant %v", names, specElements)
		}
		items := root.child("JiaTingChengYuan").Children
		if len(items) != 2 {
			t.Fatalf("%d items", len(items))
		}
		for _, it := range items {
			var got []string
			for _, c := range it.Children {
				got = append(got, c.Name.Local)
			}
			if it.Name.Local != "Item" || !slices.Equal(got, []string{"ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"}) {
				t.Fatalf("item %s %v", it.Name.Local, got)
			}
		}
	})
	field := func(name string) string { return root.child(name).Text }
	t.Run("values", func(t *testing.T) {
		today := w.clock.Now().UTC().Format("20060102")
		for name, v := range map[string]string{
			"XingMing": "张三", "XingBie": "男", "ChuShengNianYue": "198001", "MinZu": "汉族", "JiGuan": "浙江宁波",
			"RuDangShiJian": "200106", "CanJiaGongZuoShiJian": "200207", "JianKangZhuangKuang": "健康",
			"ZhuanYeJiShuZhiWu": "高级经济师", "ShuXiZhuanYeYouHeZhuanChang": "财政管理",
			"QuanRiZhiJiaoYu_XueLi": "大学", "QuanRiZhiJiaoYu_XueWei": "经济学学士",
			"QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "浙江大学经济学院财政学专业", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "浙江大学经济学院财政学专业",
			"ZaiZhiJiaoYu_XueLi": "研究生", "XianRenZhiWu": "科长", "NiRenZhiWu": "区财政局局长", "NiMianZhiWu": "区财政局副局长",
			"RenMianLiYou": "工作需要", "ChengBaoDanWei": "", "JiSuanNianLingShiJian": today, "TianBiaoShiJian": today,
			"TianBiaoRen": "rev", "ShenFenZheng": idFor("19800101", 1), "Version": "3.2.1.16",
			"ZhaoPian":          "/9j/4AAQSkZJRgA=",
			"JianLi":            "1998.09--2002.07  浙江大学经济学院财政学专业学习\n2002.07--2010.03  区财政局科员、副科长\n2010.03--  区财政局副局长",
			"NianDuKaoHeJieGuo": fmt.Sprintf("%d年度考核称职；%d年度考核不定等次；%d年度考核优秀", y-3, y-2, y-1),
		} {
			if got := field(name); got != v {
				t.Errorf("%s = %q, want %q", name, got, v)
			}
		}
		it := root.child("JiaTingChengYuan").Children[0]
		if it.child("ChengWei").Text != "妻子" || it.child("ChuShengRiQi").Text != "198103" || it.child("GongZuoDanWeiJiZhiWu").Text != "区第一中学教师" {
			t.Errorf("item %+v", it)
		}
		if root.child("JiaTingChengYuan").Children[1].child("ChuShengRiQi").Text != "" {
			t.Error("an unknown birth month is not empty")
		}
	})
	t.Run("rewardsFromEFilesOwnRecords", func(t *testing.T) {
		got := strings.Split(field("JiangChengQingKuang"), "\n")
		ym := func(d string) string { return d[:4] + "年" + d[5:7] + "月" }
		until := func(typ sanction.Type, d string) string {
			return ym(sanction.Until(typ, civil.Text(d), nil).String())
		}
		wantLines := []string{
			"2024年05月被评为全区优秀共产党员",
			ym(endedRecently) + "受到记过处分（影响期至" + until(sanction.Demerit, endedRecently) + "）",
			ym(day(0, -3)) + "受到诫勉处理（影响期至" + until(sanction.Admonishment, day(0, -3)) + "）",
			ym(inEffect) + "受到记过处分（影响期至" + until(sanction.Demerit, inEffect) + "）",
		}
		if !slices.Equal(got, wantLines) {
			t.Fatalf("JiangChengQingKuang\n%q\nwant\n%q", got, wantLines)
		}
	})
	t.Run("noneWhenEFileHoldsNothing", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/appointment-form.lrmx", w.b), w.rev, nil)
		want(t, r, 200)
		b := parseXML(t, r.Body)
		if b.child("JiangChengQingKuang").Text != "无" || b.child("NianDuKaoHeJieGuo").Text != "无" || b.child("MinZu").Text != "" ||
			b.child("JianLi").Text != "" || len(b.child("JiaTingChengYuan").Children) != 0 || b.child("NiRenZhiWu").Text != "" {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("headers", func(t *testing.T) {
		if ct := resp.Header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		wantCD := fmt.Sprintf(`attachment; filename="cadre-%d.lrmx"; filename*=UTF-8''%s`, a, url.PathEscape("张三.lrmx"))
		if cd := resp.Header.Get("Content-Disposition"); cd != wantCD {
			t.Errorf("Content-Disposition %q, want %q", cd, wantCD)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", resp.Header)
		}
		if !bytes.HasPrefix(resp.Body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) || bytes.Contains(resp.Body, []byte("<!")) {
			t.Errorf("declaration or DTD: %.80s", resp.Body)
		}
	})
	t.Run("loggedWithCadre", func(t *testing.T) {
		for _, e := range w.entries() {
			if e.Path == path {
				if e.CadreID == nil || *e.CadreID != a || e.Status != 200 {
					t.Fatalf("entry %+v", e)
				}
				return
			}
		}
		t.Fatal("no entry for the export")
	})
	for _, c := range []struct {
		name, tok, path, field string
		status                 int
	}{
		{"403_evaluator", w.evalA, path, "", 403},
		{"403_auditor", w.auditor, path, "", 403},
		{"403_admin", w.admin, path, "", 403},
		{"404_unknown", w.rev, "/api/v1/cadres/9999/appointment-form.lrmx", "", 404},
		{"404_recused", w.selfReviewer, path, "", 404},
		{"400_postTooLong", w.rev, path + "?proposed_post=" + strings.Repeat("长", 201), "proposed_post", 400},
		{"400_removalControlChar", w.rev, path + "?proposed_removal=%07", "proposed_removal", 400},
		{"400_reasonTooLong", w.rev, path + "?reason=" + strings.Repeat("x", 1001), "reason", 400},
		{"400_reasonNotUTF8", w.rev, path + "?reason=%FF", "reason", 400},
		{"400_postLineBreak", w.rev, path + "?proposed_post=" + url.QueryEscape("局长\n副局长"), "proposed_post", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("GET", c.path, c.tok, nil)
			want(t, r, c.status)
			if c.field != "" && (len(r.Fields()) == 0 || r.Fields()[0] != c.field) {
				t.Fatalf("fields %v", r.Fields())
			}
			if strings.Contains(string(r.Body), "浙江宁波") {
				t.Fatalf("the answer shows the profile")
			}
		})
	}
	// The reason is a multi-line text (SPEC 3): a line break in the query
	// is kept, where the posts are one line.
	t.Run("200_reasonOnTwoLines", func(t *testing.T) {
		r := w.do("GET", path+"?reason="+url.QueryEscape("工作需要\r\n经研究决定"), w.rev, nil)
		want(t, r, 200)
		if !strings.Contains(string(r.Body), "<RenMianLiYou>工作需要\n经研究决定</RenMianLiYou>") {
			t.Fatalf("RenMianLiYou: %s", r.Body)
		}
	})
}
