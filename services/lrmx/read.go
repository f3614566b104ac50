package lrmx

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/idnumber"
	"efile/services/profile"
	"efile/services/roster"
	"efile/services/text"
)

// person is what one imported file says of one cadre.
type person struct {
	file    string   // the file's name: the report's line
	unknown []string // elements efile does not know

	cadre       cadre.Fields // identity and position; unit, rank and appointed_on for a new cadre
	hasPosition bool         // XianRenZhiWu was filled in

	profile  profile.Profile // without its photo
	written  bool            // the file holds a profile at all
	hasPhoto bool
	photoSum [32]byte
	photo    []byte // the photo, when kept (see photoBudget); else read again when written
}

// problem is one bad element of one file: element "" is the file itself;
// item, from 1, the family member (<Item>) the element is in.
type problem struct {
	element string
	item    int
	msg     errs.Msg
}

// RankUnknown is the rank (职级) of a cadre an appointment form creates: the
// form has no such field, and the registry requires one; the reviewer
// corrects it on the cadre's page.
const RankUnknown = "待补充"

// read turns a parsed form into a person, checking it by the API's rules
// (the registry's and the profile's), each problem named by its element.
// today is the current date (EFILE_TZ).
func (s *Service) read(file string, f *Form, today civil.Date) (*person, []problem) {
	var probs []problem
	bad := func(element string, item int, format string, a ...any) {
		probs = append(probs, problem{element, item, errs.M(format, a...)})
	}
	get := func(name string) string { return oneLine(f.Fields[name]) }
	p := &person{file: file}

	// The registry: identity from the ID number, position from 现任职务.
	id := idnumber.Normalize(get(ShenFenZheng))
	c := cadre.Fields{Name: get(XingMing), IDNumber: id, UnitID: 1, Rank: RankUnknown, Position: get(XianRenZhiWu)}
	if id == "" {
		bad(ShenFenZheng, 0, "必填：efile 按身份证号匹配干部")
	} else if idnumber.Check(id, civil.Date{}) == nil {
		c.BirthDate, _ = idnumber.BirthDate(id)
	}
	if g, ok := roster.NormalizeGender(get(XingBie)); ok {
		c.Gender = g
	} else {
		bad(XingBie, 0, "须为“男”或“女”（现为“%s”）", text.Cut(get(XingBie)))
	}
	if m := get(ChuShengNianYue); m != "" && !c.BirthDate.IsZero() {
		switch month, ok := ParseMonth(m); {
		case !ok:
			bad(ChuShengNianYue, 0, "须为年月，如 198509 或 1985.09（现为“%s”）", text.Cut(m))
		case month != civil.MonthOf(c.BirthDate):
			bad(ChuShengNianYue, 0, "与身份证号中的出生年月（%s）不一致", civil.MonthOf(c.BirthDate).String())
		}
	}
	p.hasPosition = c.Position != ""
	if !p.hasPosition {
		c.Position = "-" // checked when the cadre is new
	}

	// The profile.
	pr, itemAt := readProfile(f, bad)
	p.written = profile.Written(&pr)
	c.AppointedOn = appointedOn(&pr, today)
	for _, d := range s.cadres.Validate(&c).Details {
		if el := cadreElements[d.Field]; el != "" && (el != ShenFenZheng || id != "") {
			bad(el, 0, "%s", d.Msg)
		}
	}
	if p.written {
		v := &errs.Validation{}
		profile.Check(v, &pr, today, c.BirthDate)
		for _, d := range v.Details {
			el, item, msg := profileElement(d.Field, d.Msg, itemAt)
			bad(el, item, "%s", msg)
		}
	}
	if pr.Photo != nil {
		p.hasPhoto, p.photoSum, p.photo, pr.Photo = true, sha256.Sum256(pr.Photo), pr.Photo, nil
	}
	p.cadre, p.profile = c, pr
	return p, probs
}

// readProfile reads the profile's elements as other tools write them;
// itemAt is the <Item> (from 1) of each family member (blank Items are
// left out).
func readProfile(f *Form, bad func(element string, item int, format string, a ...any)) (pr profile.Profile, itemAt []int) {
	get := func(name string) string { return oneLine(f.Fields[name]) }
	month := func(element string, item int, v string) *civil.Month {
		if v == "" {
			return nil
		}
		m, ok := ParseMonth(v)
		if !ok {
			bad(element, item, "须为年月，如 198509 或 1985.09（现为“%s”）", text.Cut(v))
			return nil
		}
		return &m
	}
	pr = profile.Profile{Ethnicity: get(MinZu), NativePlace: get(JiGuan), Birthplace: get(ChuShengDi),
		Health: get(JianKangZhuangKuang), ProfessionalTitle: get(ZhuanYeJiShuZhiWu), Expertise: get(ShuXiZhuanYeYouHeZhuanChang),
		FullTime:  readEducation(get, QuanRiZhiJiaoYuXueLi, QuanRiZhiJiaoYuXueWei, QuanRiZhiJiaoYuXueLiBiYeYuanXiaoXi, QuanRiZhiJiaoYuXueWeiBiYeYuanXiaoXi),
		InService: readEducation(get, ZaiZhiJiaoYuXueLi, ZaiZhiJiaoYuXueWei, ZaiZhiJiaoYuXueLiBiYeYuanXiaoXi, ZaiZhiJiaoYuXueWeiBiYeYuanXiaoXi),
		Resume:    []profile.ResumeEntry{}, Family: []profile.FamilyMember{}}
	pr.PartyJoinedOn, pr.OtherParty = parseParty(get(RuDangShiJian))
	pr.WorkStartedOn = month(CanJiaGongZuoShiJian, 0, get(CanJiaGongZuoShiJian))
	if rs, line := parseResume(f.Fields[JianLi]); line > 0 {
		bad(JianLi, 0, "第 %d 行没有以起止年月（如 1985.09--1989.07）开头", line)
	} else if rs != nil {
		pr.Resume = rs
	}
	for i, it := range f.Items {
		m := profile.FamilyMember{Relation: oneLine(it[ChengWei]), Name: oneLine(it[XingMing]),
			PoliticalStatus: oneLine(it[ZhengZhiMianMao]), Work: oneLine(it[GongZuoDanWeiJiZhiWu])}
		born := oneLine(it[ChuShengRiQi])
		if m == (profile.FamilyMember{}) && born == "" {
			continue // the blank rows some tools write to fill the form's ten
		}
		m.BornOn = month(ChuShengRiQi, i+1, born)
		pr.Family = append(pr.Family, m)
		itemAt = append(itemAt, i+1)
	}
	if b, ok := decodePhoto(f.Fields[ZhaoPian]); !ok {
		bad(ZhaoPian, 0, "不是 base64 编码的图片")
	} else {
		pr.Photo = b
	}
	return pr, itemAt
}

// decodePhoto reads ZhaoPian: base64, with the line breaks and the data:
// prefix some tools write; nil for none.
func decodePhoto(s string) ([]byte, bool) {
	s = dataURL.ReplaceAllString(strings.Join(strings.Fields(s), ""), "")
	if s == "" {
		return nil, true
	}
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}

// dataURL is the prefix some tools put before a base64 photo.
var dataURL = regexp.MustCompile(`^data:image/[a-zA-Z+.-]+;base64,`)

// readEducation reads one education: the form's two schools (for the level
// and for the degree) become efile's one, the level's when both are there.
func readEducation(get func(string) string, level, degree, levelSchool, degreeSchool string) profile.Education {
	e := profile.Education{Level: get(level), Degree: get(degree), School: get(levelSchool)}
	if e.School == "" {
		e.School = get(degreeSchool)
	}
	return e
}

// appointedOn is the 任职时间 of a cadre a form creates: the first day of
// the month the last resume line starts (the current post), else today.
func appointedOn(p *profile.Profile, today civil.Date) civil.Date {
	if n := len(p.Resume); n > 0 && p.Resume[n-1].From.Valid() {
		return p.Resume[n-1].From.FirstDay()
	}
	return today
}

// oneLine is a one-line field's text: line breaks and tabs, as other tools
// leave them, become spaces.
func oneLine(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s))
}

// cadreElements names the element of each registry field a form fills.
var cadreElements = map[string]string{
	"name": XingMing, "gender": XingBie, "id_number": ShenFenZheng, "birth_date": ShenFenZheng,
	"position": XianRenZhiWu, "appointed_on": JianLi,
}

// profileFieldElements names the element of each profile field.
var profileFieldElements = map[string]string{
	"ethnicity": MinZu, "native_place": JiGuan, "birthplace": ChuShengDi, "party_joined_on": RuDangShiJian,
	"other_party": RuDangShiJian, "work_started_on": CanJiaGongZuoShiJian, "health": JianKangZhuangKuang,
	"professional_title": ZhuanYeJiShuZhiWu, "expertise": ShuXiZhuanYeYouHeZhuanChang,
	"full_time_education.level": QuanRiZhiJiaoYuXueLi, "full_time_education.degree": QuanRiZhiJiaoYuXueWei,
	"full_time_education.school": QuanRiZhiJiaoYuXueLiBiYeYuanXiaoXi,
	"in_service_education.level": ZaiZhiJiaoYuXueLi, "in_service_education.degree": ZaiZhiJiaoYuXueWei,
	"in_service_education.school": ZaiZhiJiaoYuXueLiBiYeYuanXiaoXi,
	"resume":                      JianLi, "family": JiaTingChengYuan, "photo": ZhaoPian,
}

var familyFieldElements = map[string]string{"relation": ChengWei, "name": XingMing, "born_on": ChuShengRiQi,
	"political_status": ZhengZhiMianMao, "work": GongZuoDanWeiJiZhiWu}

var indexed = regexp.MustCompile(`^(resume|family)\[([0-9]+)\]\.([a-z_]+)$`)

// profileElement is the element of a profile field named as the API names
// it (resume[3].to), the family member's <Item> it is in, and the message
// said of it there (第 4 条：…).
func profileElement(field string, msg errs.Msg, itemAt []int) (string, int, errs.Msg) {
	m := indexed.FindStringSubmatch(field)
	if m == nil {
		return profileFieldElements[field], 0, msg
	}
	n, _ := strconv.Atoi(m[2])
	if m[1] == "resume" {
		return JianLi, 0, errs.M("第 %d 条：%s", n+1, msg)
	}
	item := n + 1
	if n < len(itemAt) {
		item = itemAt[n]
	}
	return familyFieldElements[m[3]], item, msg
}
