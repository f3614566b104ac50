// Package lrmx reads and writes LRMX files, the format in which 干部任免审批表
// (appointment form) software exchanges forms between departments (SPEC
// section 16): UTF-8 XML, root <Person>, pinyin element names, no DTD and no
// namespace, so that ElementTree, dom4j or any ordinary XML parser reads it.
//
// The export writes exactly the elements of SPEC 16, the verified parts
// (年度考核结果, 奖惩情况) from efile's own records (facts.go). The import
// reads one file or a zip of many with every limit checked while reading
// (zip.go, parse.go) and writes cadres and profiles all or nothing with the
// roster import's report (import.go); what it accepts of the ways other tools
// write these files is docs/decisions.md's "LRMX".
package lrmx

import (
	"time"

	"efile/services/accesslog"
	"efile/services/appraisal"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/profile"

	"gorm.io/gorm"
)

// FormVersion is the Version element: the form version that current
// appointment-form software writes.
const FormVersion = "3.2.1.16"

// The elements of an LRMX file, in the order the export writes them (the
// order appointment-form software writes them in).
const (
	XingMing                            = "XingMing"
	XingBie                             = "XingBie"
	ChuShengNianYue                     = "ChuShengNianYue"
	MinZu                               = "MinZu"
	JiGuan                              = "JiGuan"
	ChuShengDi                          = "ChuShengDi"
	RuDangShiJian                       = "RuDangShiJian"
	CanJiaGongZuoShiJian                = "CanJiaGongZuoShiJian"
	JianKangZhuangKuang                 = "JianKangZhuangKuang"
	ZhuanYeJiShuZhiWu                   = "ZhuanYeJiShuZhiWu"
	ShuXiZhuanYeYouHeZhuanChang         = "ShuXiZhuanYeYouHeZhuanChang"
	QuanRiZhiJiaoYuXueLi                = "QuanRiZhiJiaoYu_XueLi"
	QuanRiZhiJiaoYuXueWei               = "QuanRiZhiJiaoYu_XueWei"
	QuanRiZhiJiaoYuXueLiBiYeYuanXiaoXi  = "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi"
	QuanRiZhiJiaoYuXueWeiBiYeYuanXiaoXi = "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi"
	ZaiZhiJiaoYuXueLi                   = "ZaiZhiJiaoYu_XueLi"
	ZaiZhiJiaoYuXueWei                  = "ZaiZhiJiaoYu_XueWei"
	ZaiZhiJiaoYuXueLiBiYeYuanXiaoXi     = "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi"
	ZaiZhiJiaoYuXueWeiBiYeYuanXiaoXi    = "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi"
	XianRenZhiWu                        = "XianRenZhiWu"
	NiRenZhiWu                          = "NiRenZhiWu"
	NiMianZhiWu                         = "NiMianZhiWu"
	JianLi                              = "JianLi"
	JiangChengQingKuang                 = "JiangChengQingKuang"
	NianDuKaoHeJieGuo                   = "NianDuKaoHeJieGuo"
	RenMianLiYou                        = "RenMianLiYou"
	JiaTingChengYuan                    = "JiaTingChengYuan"
	ChengBaoDanWei                      = "ChengBaoDanWei"
	JiSuanNianLingShiJian               = "JiSuanNianLingShiJian"
	TianBiaoShiJian                     = "TianBiaoShiJian"
	TianBiaoRen                         = "TianBiaoRen"
	ShenFenZheng                        = "ShenFenZheng"
	ZhaoPian                            = "ZhaoPian"
	Version                             = "Version"
	Item                                = "Item"
	ChengWei                            = "ChengWei"
	ChuShengRiQi                        = "ChuShengRiQi"
	ZhengZhiMianMao                     = "ZhengZhiMianMao"
	GongZuoDanWeiJiZhiWu                = "GongZuoDanWeiJiZhiWu"
	DaoLingNianYue                      = "DaoLingNianYue"
	GaiGeQianRenZhiNianLingJieXian      = "GaiGeQianRenZhiNianLingJieXian"
	personRoot                          = "Person"
)

// personElements are the children of <Person>, in the export's order;
// JiaTingChengYuan holds the Items.
var personElements = []string{
	XingMing, XingBie, ChuShengNianYue, MinZu, JiGuan, ChuShengDi, RuDangShiJian, CanJiaGongZuoShiJian,
	JianKangZhuangKuang, ZhuanYeJiShuZhiWu, ShuXiZhuanYeYouHeZhuanChang,
	QuanRiZhiJiaoYuXueLi, QuanRiZhiJiaoYuXueWei, QuanRiZhiJiaoYuXueLiBiYeYuanXiaoXi, QuanRiZhiJiaoYuXueWeiBiYeYuanXiaoXi,
	ZaiZhiJiaoYuXueLi, ZaiZhiJiaoYuXueWei, ZaiZhiJiaoYuXueLiBiYeYuanXiaoXi, ZaiZhiJiaoYuXueWeiBiYeYuanXiaoXi,
	XianRenZhiWu, NiRenZhiWu, NiMianZhiWu, JianLi, JiangChengQingKuang, NianDuKaoHeJieGuo, RenMianLiYou,
	JiaTingChengYuan, ChengBaoDanWei, JiSuanNianLingShiJian, TianBiaoShiJian, TianBiaoRen, ShenFenZheng, ZhaoPian,
	Version,
}

// itemElements are the children of each <Item> of <JiaTingChengYuan>.
var itemElements = []string{ChengWei, XingMing, ChuShengRiQi, ZhengZhiMianMao, GongZuoDanWeiJiZhiWu}

// ignoredElements are elements other appointment-form software writes that
// efile knows and ignores without a word (SPEC 16).
var ignoredElements = []string{DaoLingNianYue, GaiGeQianRenZhiNianLingJieXian}

// Elements lists every element name efile knows: those it writes, then
// those it ignores; the vocabulary's lrmx_elements labels each.
func Elements() []string {
	out := append([]string{personRoot}, personElements...)
	out = append(out, Item, ChengWei, ChuShengRiQi, ZhengZhiMianMao, GongZuoDanWeiJiZhiWu)
	return append(out, ignoredElements...)
}

// Service exports and imports LRMX files.
type Service struct {
	db       *gorm.DB
	log      *accesslog.Service
	az       *authz.Service
	cadres   *cadre.Service
	profiles *profile.Service
	grades   *appraisal.Service
	now      func() time.Time
	zone     *time.Location
}

// New builds the service; zone (EFILE_TZ) dates the forms.
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, profiles *profile.Service,
	grades *appraisal.Service, now func() time.Time, zone *time.Location) *Service {
	if now == nil {
		now = time.Now
	}
	if zone == nil {
		zone = time.UTC
	}
	return &Service{db: db, log: log, az: az, cadres: cadres, profiles: profiles, grades: grades, now: now, zone: zone}
}
