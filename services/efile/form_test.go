package efile_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"strings"
	"testing"

	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/civil"
	prof "efile/services/profile"
	"efile/services/sheet"
)

// portrait is a small JPEG shaped as an ID photo (5:7).
func portrait(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 100, 140))
	for x := range 100 {
		for y := range 140 {
			c := color.RGBA{R: 70, G: 110, B: 170, A: 255} // a blue background
			if dx, dy := x-50, y-55; dx*dx+dy*dy < 26*26 || (y > 95 && x > 18 && x < 82) {
				c = color.RGBA{R: 230, G: 200, B: 180, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ptr[T any](v T) *T { return &v }

// fullProfile is a profile as a reviewer fills it in, with seven resume
// lines and four relatives: what a usual form holds.
func fullProfile(t *testing.T) prof.Profile {
	return prof.Profile{Ethnicity: "汉族", NativePlace: "浙江宁波", Birthplace: "浙江宁波", PartyJoinedOn: ptr(civil.MustParseMonth("2010-06")),
		WorkStartedOn: ptr(civil.MustParseMonth("2012-07")), Health: "健康", ProfessionalTitle: "经济师", Expertise: "财政预算管理",
		FullTime:  prof.Education{Level: "大学", Degree: "经济学学士", School: "浙江大学经济学院财政学专业"},
		InService: prof.Education{Level: "研究生", Degree: "经济学硕士", School: "中共浙江省委党校经济学专业"},
		Resume: []prof.ResumeEntry{
			{From: civil.MustParseMonth("2008-09"), To: ptr(civil.MustParseMonth("2012-07")), Text: "浙江大学经济学院财政学专业学习"},
			{From: civil.MustParseMonth("2012-07"), To: ptr(civil.MustParseMonth("2014-03")), Text: "区财政局预算科科员"},
			{From: civil.MustParseMonth("2014-03"), To: ptr(civil.MustParseMonth("2016-08")), Text: "区财政局预算科副科长"},
			{From: civil.MustParseMonth("2016-08"), To: ptr(civil.MustParseMonth("2017-12")), Text: "区财政局预算科科长"},
			{From: civil.MustParseMonth("2017-12"), To: ptr(civil.MustParseMonth("2019-06")), Text: "区财政局国库科科长（其间：2017.09--2019.07 中共浙江省委党校经济学专业在职研究生学习）"},
			{From: civil.MustParseMonth("2019-06"), To: ptr(civil.MustParseMonth("2020-03")), Text: "区委办公室综合科科长"},
			{From: civil.MustParseMonth("2020-03"), Text: "区委办公室副主任（正科级）"},
		},
		Family: []prof.FamilyMember{
			{Relation: "妻子", Name: "王芳", BornOn: ptr(civil.MustParseMonth("1991-03")), PoliticalStatus: "中共党员", Work: "区第一中学教师"},
			{Relation: "儿子", Name: "张小明", BornOn: ptr(civil.MustParseMonth("2018-05")), PoliticalStatus: "群众", Work: "学生"},
			{Relation: "父亲", Name: "张大山", BornOn: ptr(civil.MustParseMonth("1962-01")), PoliticalStatus: "中共党员", Work: "宁波市鄞州区农业农村局退休干部"},
			{Relation: "母亲", Name: "李秀英", BornOn: ptr(civil.MustParseMonth("1964-08")), PoliticalStatus: "群众", Work: "已退休"},
		},
		Photo: portrait(t),
	}
}

// TestProfileForm: 基本信息 shows the profile beside the photo, the resume
// a line per entry and the family a row per member, on one A4 page.
func TestProfileForm(t *testing.T) {
	fx := setup(t)
	ctx := context.Background()
	profiles := prof.New(fx.db, accesslog.New(fx.db, nil), authz.New(fx.db), fx.cadres, nil)
	fx.svc.WithProfiles(profiles)
	p := fullProfile(t)
	if _, err := profiles.Put(ctx, fx.viewer, fx.cadre.ID, p, ptrInt(0)); err != nil {
		t.Fatal(err)
	}
	wb, err := fx.svc.Workbook(ctx, fx.viewer, fx.cadre.ID)
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if err := wb.Write(&raw); err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("EFILE_FORM_XLSX"); path != "" { // for rendering it by hand (docs/)
		if err := os.WriteFile(path, raw.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := roundTrip(t, wb)
	m := profile(t, f)
	for k, v := range map[string]string{"民族": "汉族", "籍贯": "浙江宁波", "入党时间": "2010.06", "参加工作时间": "2012.07",
		"专业技术职务": "经济师", "全日制教育": "大学 经济学学士", "在职教育": "研究生 经济学硕士", "职务": "科长", "单位": "区委办",
		"妻子": "王芳", "称谓": "姓名"} {
		if m[k] != v {
			t.Errorf("基本信息 %s = %q, want %q", k, m[k], v)
		}
	}
	text := strings.Join(flatten(rows(t, f, "基本信息")), "|")
	for _, s := range []string{"2008.09--2012.07||浙江大学经济学院财政学专业学习", "2020.03--||区委办公室副主任（正科级）",
		"父亲|张大山|1962.01|中共党员|宁波市鄞州区农业农村局退休干部"} {
		if !strings.Contains(text, s) {
			t.Errorf("no %q in %s", s, text)
		}
	}
	pics, err := f.GetPictures("基本信息", "G2")
	if err != nil || len(pics) != 1 || !bytes.Equal(pics[0].File, p.Photo) {
		t.Fatalf("photo at G2: %d pictures, %v", len(pics), err)
	}
	// One page: the rows' heights add up to less than an A4 page holds
	// between its margins (297 mm less 45 mm, in points).
	var height float64
	for r := 1; r <= len(rows(t, f, "基本信息")); r++ {
		h, err := f.GetRowHeight("基本信息", r)
		if err != nil {
			t.Fatal(err)
		}
		height += h
	}
	if page := (297.0 - 45) / 25.4 * 72; height > page {
		t.Errorf("基本信息 is %.0f points high, an A4 page holds %.0f", height, page)
	}
	var widths float64
	for _, c := range "ABCDEFG" {
		w, _ := f.GetColWidth("基本信息", string(c))
		widths += w
	}
	if widths > sheet.PortraitWidth {
		t.Errorf("columns %.0f wide, the page holds %.0f", widths, sheet.PortraitWidth)
	}
}

func ptrInt(n int) *int { return &n }

func flatten(rs [][]string) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}
