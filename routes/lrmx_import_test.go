package routes_test

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"efile/models"
)

// importLRMX posts files to the LRMX import with the form's fields.
func (a *app) importLRMX(tok, filename string, data []byte, fields map[string]string) *resp {
	a.t.Helper()
	return a.importLRMXWith(tok, filename, data, fields, nil)
}

func (a *app) importLRMXLang(tok, filename string, data []byte, lang string) *resp {
	a.t.Helper()
	return a.importLRMXWith(tok, filename, data, nil, map[string]string{"Accept-Language": lang})
}

func (a *app) importLRMXKey(tok, filename string, data []byte, fields map[string]string, key string) *resp {
	a.t.Helper()
	return a.importLRMXWith(tok, filename, data, fields, map[string]string{"Idempotency-Key": key})
}

func (a *app) importLRMXWith(tok, filename string, data []byte, fields, headers map[string]string) *resp {
	a.t.Helper()
	return a.postFile("/api/v1/cadres/import-lrmx", tok, filename, data, fields, headers)
}

// computedDates are the elements an export dates with the day it is made.
var computedDates = regexp.MustCompile(`<(JiSuanNianLingShiJian|TianBiaoShiJian)>[0-9]*</`)

func withoutDates(b []byte) string { return computedDates.ReplaceAllString(string(b), "<$1></") }

func (a *app) count(model any) int64 {
	a.t.Helper()
	var n int64
	if err := a.db.Model(model).Count(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

// TestLRMXRoundTrip: export a form, import it into an empty database,
// export again: the same file but for the dates of the export; importing it
// again changes nothing.
func TestLRMXRoundTrip(t *testing.T) {
	src := newFlagWorld(t)
	body := profileBody(0)
	body["photo"] = base64.StdEncoding.EncodeToString(pngPhoto(t))
	body["other_party"] = "民盟"
	body["resume"] = []map[string]any{
		{"from": "1998-09", "to": "2002-07", "text": "浙江大学经济学院财政学专业学习"},
		{"from": "2002-07", "to": nil, "text": "区财政局科员\n（其间：2005.09--2007.07 在职研究生学习）"},
	}
	want(t, src.do("PUT", fmt.Sprintf("/api/v1/cadres/%d/profile", src.a), src.rev, body), 200)
	first := src.do("GET", fmt.Sprintf("/api/v1/cadres/%d/appointment-form.lrmx?proposed_post=x", src.a), src.rev, nil)
	want(t, first, 200)
	if !strings.Contains(string(first.Body), "<RuDangShiJian>200106；民盟</RuDangShiJian>") {
		t.Fatalf("RuDangShiJian: %s", first.Body)
	}

	dst := newWorld(t) // an empty registry, with a reviewer named rev as well
	r := dst.importLRMX(dst.rev, "张三.lrmx", first.Body, map[string]string{"unit_id": fmt.Sprint(dst.unitB)})
	want(t, r, 200)
	m := r.JSON()
	row := m["rows"].([]any)[0].(map[string]any)
	if m["created"].(float64) != 1 || row["line"] != "张三.lrmx" || row["action"] != "created" || row["cadre_id"] == nil ||
		len(row["unknown_elements"].([]any)) != 0 {
		t.Fatalf("report %s", r.Body)
	}
	id := int64(row["cadre_id"].(float64))
	second := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d/appointment-form.lrmx?proposed_post=x", id), dst.rev, nil)
	want(t, second, 200)
	if withoutDates(first.Body) != withoutDates(second.Body) {
		t.Fatalf("the second export differs:\n%s\n---\n%s", first.Body, second.Body)
	}
	c := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d", id), dst.rev, nil).JSON()
	if c["name"] != "张三" || c["birth_date"] != "1980-01-01" || c["unit_id"].(float64) != float64(dst.unitB) ||
		c["position"] != "科长" || c["appointed_on"] != "2002-07-01" || c["rank"] != "待补充" {
		t.Fatalf("cadre %v", c)
	}
	srcProfile := src.do("GET", fmt.Sprintf("/api/v1/cadres/%d/profile", src.a), src.rev, nil).JSON()
	dstProfile := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d/profile", id), dst.rev, nil).JSON()
	delete(srcProfile, "version")
	delete(dstProfile, "version")
	if fmt.Sprint(srcProfile) != fmt.Sprint(dstProfile) {
		t.Fatalf("profiles differ:\n%v\n%v", srcProfile, dstProfile)
	}

	t.Run("againUnchanged", func(t *testing.T) {
		r := dst.importLRMX(dst.rev, "张三.lrmx", second.Body, nil)
		want(t, r, 200)
		row := r.JSON()["rows"].([]any)[0].(map[string]any)
		if row["action"] != "unchanged" || row["cadre_id"].(float64) != float64(id) || len(row["changed"].([]any)) != 0 {
			t.Fatalf("report %s", r.Body)
		}
	})
	t.Run("updateNamesTheFields", func(t *testing.T) {
		edited := strings.Replace(string(second.Body), "<MinZu>汉族</MinZu>", "<MinZu>回族</MinZu>", 1)
		edited = strings.Replace(edited, "<XianRenZhiWu>科长</XianRenZhiWu>", "<XianRenZhiWu>副局长</XianRenZhiWu>", 1)
		r := dst.importLRMX(dst.rev, "a.lrmx", []byte(edited), map[string]string{"dry_run": "true"})
		want(t, r, 200)
		row := r.JSON()["rows"].([]any)[0].(map[string]any)
		if row["action"] != "updated" || fmt.Sprint(row["changed"]) != "[position ethnicity]" {
			t.Fatalf("report %s", r.Body)
		}
		if p := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d/profile", id), dst.rev, nil).JSON(); p["ethnicity"] != "汉族" {
			t.Fatal("a dry run wrote")
		}
		want(t, dst.importLRMX(dst.rev, "a.lrmx", []byte(edited), nil), 200)
		p := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d/profile", id), dst.rev, nil).JSON()
		c := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d", id), dst.rev, nil).JSON()
		if p["ethnicity"] != "回族" || p["version"].(float64) != 2 || c["position"] != "副局长" || c["version"].(float64) != 2 {
			t.Fatalf("profile %v cadre %v", p, c)
		}
	})
	t.Run("factsNeverTaken", func(t *testing.T) {
		edited := strings.Replace(string(second.Body), "<NianDuKaoHeJieGuo>无</NianDuKaoHeJieGuo>", "<NianDuKaoHeJieGuo>2024年度考核优秀</NianDuKaoHeJieGuo>", 1)
		edited = strings.Replace(edited, "<JiangChengQingKuang>无</JiangChengQingKuang>", "<JiangChengQingKuang>2024年05月被评为劳动模范</JiangChengQingKuang>", 1)
		want(t, dst.importLRMX(dst.rev, "a.lrmx", []byte(edited), nil), 200)
		out := dst.do("GET", fmt.Sprintf("/api/v1/cadres/%d/appointment-form.lrmx", id), dst.rev, nil)
		if !strings.Contains(string(out.Body), "<NianDuKaoHeJieGuo>无</NianDuKaoHeJieGuo>") ||
			!strings.Contains(string(out.Body), "<JiangChengQingKuang>无</JiangChengQingKuang>") ||
			dst.count(&models.AppraisalResult{}) != 0 || dst.count(&models.Flag{}) != 0 || dst.count(&models.Record{}) != 0 {
			t.Fatalf("an imported fact was taken: %s", out.Body)
		}
	})
}

// otherTool is a form as other tools write them: a BOM, CDATA sections,
// <br> in JianLi (unclosed, escaped and as an element), dashes and 至今,
// GB-style months (1985.09, 1985.9), RuDangShiJian with a democratic
// party's name, an older Version, elements efile ignores (DaoLingNianYue)
// and does not know (Foo), blank family rows and a photo broken into lines.
func otherTool(id, party string, photo []byte) string {
	b64 := base64.StdEncoding.EncodeToString(photo)
	var lines []string
	for len(b64) > 60 {
		lines, b64 = append(lines, b64[:60]), b64[60:]
	}
	lines = append(lines, b64)
	blank := strings.Repeat("<Item><ChengWei/><XingMing/><ChuShengRiQi/><ZhengZhiMianMao/><GongZuoDanWeiJiZhiWu/></Item>", 8)
	return "\ufeff" + `<?xml version="1.0" encoding="utf-8"?>
<Person><XingMing><![CDATA[李四]]></XingMing><XingBie>女</XingBie><ChuShengNianYue>1985.7</ChuShengNianYue>
<MinZu>汉族</MinZu><JiGuan><![CDATA[江苏南京]]></JiGuan><ChuShengDi>江苏南京</ChuShengDi>
<RuDangShiJian>` + party + `</RuDangShiJian><CanJiaGongZuoShiJian>2007.07</CanJiaGongZuoShiJian>
<JianKangZhuangKuang>健康</JianKangZhuangKuang><ZhuanYeJiShuZhiWu/><ShuXiZhuanYeYouHeZhuanChang/>
<QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi><QuanRiZhiJiaoYu_XueWei>文学学士</QuanRiZhiJiaoYu_XueWei>
<QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>南京大学中文系</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
<QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi>南京大学中文系</QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi>
<XianRenZhiWu>区教育局副局长</XianRenZhiWu><NiRenZhiWu>区教育局局长</NiRenZhiWu>
<JianLi>2003.09—2007.07  南京大学中文系学习<br>2007.07--2012.3  区第一中学教师&lt;br/&gt;2012.03－－2016.06  区教育局科员<br/>（其间：2013.09--2015.07 在职学习）
2016.06--至今  区教育局副局长</JianLi>
<JiangChengQingKuang>2019年度嘉奖</JiangChengQingKuang><NianDuKaoHeJieGuo>2023年度考核优秀</NianDuKaoHeJieGuo>
<JiaTingChengYuan><Item><ChengWei>丈夫</ChengWei><XingMing>王五</XingMing><ChuShengRiQi>1984.9</ChuShengRiQi>
<ZhengZhiMianMao>中共党员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>区人民医院医生</GongZuoDanWeiJiZhiWu></Item>
<Item><ChengWei>女儿</ChengWei><XingMing>王小</XingMing><ChuShengRiQi>201203</ChuShengRiQi><ZhengZhiMianMao>群众</ZhengZhiMianMao>
<GongZuoDanWeiJiZhiWu>学生</GongZuoDanWeiJiZhiWu></Item>` + blank + `</JiaTingChengYuan>
<ShenFenZheng>` + id + `</ShenFenZheng><ZhaoPian>` + strings.Join(lines, "\r\n") + `</ZhaoPian>
<DaoLingNianYue>204507</DaoLingNianYue><GaiGeQianRenZhiNianLingJieXian/><Foo>bar</Foo><Version>3.2.1.6</Version></Person>`
}

func TestLRMXImportOtherTools(t *testing.T) {
	w := newWorld(t)
	photo := pngPhoto(t)
	id := idFor("19850712", 2)
	r := w.importLRMX(w.rev, "李四.lrmx", []byte(otherTool(id, "200605；民盟", photo)), map[string]string{"unit_id": fmt.Sprint(w.unitA)})
	want(t, r, 200)
	row := r.JSON()["rows"].([]any)[0].(map[string]any)
	if fmt.Sprint(row["unknown_elements"]) != "[Foo]" {
		t.Fatalf("unknown elements %v", row["unknown_elements"])
	}
	cid := int64(row["cadre_id"].(float64))
	p := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/profile", cid), w.rev, nil).JSON()
	resume := p["resume"].([]any)
	line := func(i int) string {
		l := resume[i].(map[string]any)
		return fmt.Sprintf("%v|%v|%v", l["from"], l["to"], l["text"])
	}
	fam := p["family"].([]any)
	for _, c := range []struct{ got, want any }{
		{len(resume), 4},
		{line(0), "2003-09|2007-07|南京大学中文系学习"},
		{line(1), "2007-07|2012-03|区第一中学教师"},
		{line(2), "2012-03|2016-06|区教育局科员\n（其间：2013.09--2015.07 在职学习）"},
		{line(3), "2016-06|<nil>|区教育局副局长"},
		{p["party_joined_on"], "2006-05"}, {p["other_party"], "民盟"}, {p["work_started_on"], "2007-07"},
		{p["native_place"], "江苏南京"}, {len(fam), 2},
		{fam[0].(map[string]any)["born_on"], "1984-09"}, {fam[1].(map[string]any)["born_on"], "2012-03"},
		{p["photo"], base64.StdEncoding.EncodeToString(photo)},
		{p["full_time_education"].(map[string]any)["school"], "南京大学中文系"},
	} {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("got %q, want %q", fmt.Sprint(c.got), fmt.Sprint(c.want))
		}
	}
	c := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d", cid), w.rev, nil).JSON()
	if c["name"] != "李四" || c["gender"] != "female" || c["position"] != "区教育局副局长" || c["appointed_on"] != "2016-06-01" {
		t.Fatalf("cadre %v", c)
	}
	t.Run("partyNameAlone", func(t *testing.T) {
		r := w.importLRMX(w.rev, "李四.lrmx", []byte(otherTool(id, "民盟", photo)), nil)
		want(t, r, 200)
		p := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/profile", cid), w.rev, nil).JSON()
		if p["party_joined_on"] != nil || p["other_party"] != "民盟" {
			t.Fatalf("profile %v", p)
		}
		out := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/appointment-form.lrmx", cid), w.rev, nil)
		if !strings.Contains(string(out.Body), "<RuDangShiJian>民盟</RuDangShiJian>") || strings.Contains(string(out.Body), "Foo") {
			t.Fatalf("export %s", out.Body)
		}
	})
}
