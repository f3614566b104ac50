package lrmx

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/profile"
	"efile/services/text"
	"efile/services/vocab"
)

// Proposal is what a reviewer writes on this form for this appointment:
// 拟任职务, 拟免职务 and 任免理由. Each may be empty.
type Proposal struct {
	Post, Removal, Reason string
}

// Limits of the proposal's texts.
const (
	maxProposal = 200
	maxReason   = 1000
)

// File is an exported LRMX file and the names to download it under.
type File struct {
	Name     string // 张三.lrmx, as appointment-form software names its files
	Fallback string // ASCII, for old clients: cadre-7.lrmx
	Data     []byte
}

// Export writes the appointment form of a cadre whose profile the viewer
// keeps (authz.CadreProfile; 404 otherwise) as an LRMX file: the registry,
// the profile, the verified parts from efile's own records, and the
// proposal. The proposal is checked first (400 naming proposed_post,
// proposed_removal or reason).
func (s *Service) Export(ctx context.Context, viewer *models.User, cadreID int64, p Proposal) (*File, error) {
	v := &errs.Validation{}
	p.Post = text.Clean(v, "proposed_post", p.Post, 0, maxProposal, false)
	p.Removal = text.Clean(v, "proposed_removal", p.Removal, 0, maxProposal, false)
	p.Reason = text.Clean(v, "reason", p.Reason, 0, maxReason, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.cadres.Find(ctx, viewer, authz.CadreProfile, cadreID)
	if err != nil {
		return nil, err
	}
	idn, err := s.cadres.IDNumber(viewer, c)
	if err != nil {
		return nil, err
	}
	pr, err := s.profiles.Load(ctx, cadreID)
	if err != nil {
		return nil, err
	}
	today := s.cadres.Today()
	grades, err := s.formGrades(ctx, cadreID)
	if err != nil {
		return nil, err
	}
	sanctions, err := s.formSanctions(ctx, cadreID, today)
	if err != nil {
		return nil, err
	}
	commendations, err := s.formCommendations(ctx, cadreID)
	if err != nil {
		return nil, err
	}
	f := toForm(c, idn, pr)
	day := strings.ReplaceAll(today.String(), "-", "")
	for name, value := range map[string]string{
		NianDuKaoHeJieGuo: gradesText(grades), JiangChengQingKuang: rewardsText(commendations, sanctions),
		NiRenZhiWu: p.Post, NiMianZhiWu: p.Removal, RenMianLiYou: p.Reason,
		JiSuanNianLingShiJian: day, TianBiaoShiJian: day, TianBiaoRen: viewer.DisplayName,
	} {
		f.Fields[name] = value
	}
	return &File{Name: c.Name + ".lrmx", Fallback: "cadre-" + strconv.FormatInt(c.ID, 10) + ".lrmx", Data: f.Marshal()}, nil
}

// toForm is what the registry and the profile say on the form; the facts,
// the proposal and the dates are the caller's.
func toForm(c *models.Cadre, idNumber string, p *profile.Profile) *Form {
	fields := map[string]string{
		XingMing: c.Name, XingBie: vocab.Label(vocab.Genders, c.Gender), ChuShengNianYue: compactMonth(civil.MonthOf(c.BirthDate)),
		MinZu: p.Ethnicity, JiGuan: p.NativePlace, ChuShengDi: p.Birthplace, RuDangShiJian: partyText(p),
		CanJiaGongZuoShiJian: compactMonth(deref(p.WorkStartedOn)), JianKangZhuangKuang: p.Health,
		ZhuanYeJiShuZhiWu: p.ProfessionalTitle, ShuXiZhuanYeYouHeZhuanChang: p.Expertise,
		XianRenZhiWu: c.Position, JianLi: resumeText(p.Resume), ShenFenZheng: idNumber, Version: FormVersion,
	}
	education(fields, p.FullTime, QuanRiZhiJiaoYuXueLi, QuanRiZhiJiaoYuXueWei, QuanRiZhiJiaoYuXueLiBiYeYuanXiaoXi, QuanRiZhiJiaoYuXueWeiBiYeYuanXiaoXi)
	education(fields, p.InService, ZaiZhiJiaoYuXueLi, ZaiZhiJiaoYuXueWei, ZaiZhiJiaoYuXueLiBiYeYuanXiaoXi, ZaiZhiJiaoYuXueWeiBiYeYuanXiaoXi)
	if p.Photo != nil {
		fields[ZhaoPian] = base64.StdEncoding.EncodeToString(p.Photo)
	}
	f := &Form{Fields: fields}
	for _, m := range p.Family {
		f.Items = append(f.Items, map[string]string{ChengWei: m.Relation, XingMing: m.Name,
			ChuShengRiQi: compactMonth(deref(m.BornOn)), ZhengZhiMianMao: m.PoliticalStatus, GongZuoDanWeiJiZhiWu: m.Work})
	}
	return f
}

// education writes one education: the form has a school for the level and
// one for the degree; efile keeps one, written for the degree only when
// there is a degree.
func education(fields map[string]string, e profile.Education, level, degree, levelSchool, degreeSchool string) {
	fields[level], fields[degree], fields[levelSchool] = e.Level, e.Degree, e.School
	if e.Degree != "" {
		fields[degreeSchool] = e.School
	}
}
