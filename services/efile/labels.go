package efile

// Chinese labels of the codes the e-file shows (SPEC sections 5–9), one map
// per enumeration. Label falls back to the code itself for anything unknown.

// Categories of performance records (SPEC section 6).
var Categories = map[string]string{
	"political":    "政治表现",
	"duty":         "履职尽责",
	"major_task":   "重大专项/急难险重",
	"conduct":      "作风",
	"integrity":    "廉洁自律",
	"commendation": "表彰奖励",
	"shortcoming":  "问题不足",
}

// Genders of cadres.
var Genders = map[string]string{"male": "男", "female": "女"}

// CadreStatuses of cadres.
var CadreStatuses = map[string]string{"active": "在职", "retired": "退休", "left": "调离"}

// Grades of appraisals, of ordinary (平时) and of other cycles.
var Grades = map[string]string{
	"excellent":       "优秀",
	"competent":       "称职",
	"basic_competent": "基本称职",
	"incompetent":     "不称职",
	"ungraded":        "不定等次",
	"good":            "好",
	"fairly_good":     "较好",
	"average":         "一般",
	"poor":            "较差",
}

// CycleKinds of appraisal cycles.
var CycleKinds = map[string]string{
	"ordinary": "平时考核",
	"annual":   "年度考核",
	"special":  "专项考核",
	"term":     "任期考核",
}

// SourceLabels names the source departments (Sources is their order).
var SourceLabels = map[string]string{
	"discipline": "纪检监察",
	"audit":      "审计",
	"petition":   "信访",
	"inspection": "巡察",
}

// FlagKinds of flags (SPEC section 8).
var FlagKinds = map[string]string{
	"clue":          "问题线索",
	"investigation": "立案审查调查",
	"sanction":      "处分/处理",
	"audit_finding": "审计发现问题",
	"petition":      "信访举报",
	"inquiry":       "函询",
}

// Severities of flags.
var Severities = map[string]string{"info": "一般", "warning": "较重", "serious": "严重"}

// FlagStatuses of flags.
var FlagStatuses = map[string]string{
	"open":            "待核实",
	"verifying":       "核实中",
	"substantiated":   "属实",
	"unsubstantiated": "不属实",
	"resolved":        "已办结",
}

// Sanctions of SPEC section 8: government sanctions, party sanctions and
// organizational measures.
var Sanctions = map[string]string{
	"gov_warning":           "警告(政务)",
	"demerit":               "记过",
	"major_demerit":         "记大过",
	"demotion":              "降级",
	"dismissal":             "撤职",
	"gov_expulsion":         "开除(政务)",
	"party_warning":         "党内警告",
	"party_serious_warning": "党内严重警告",
	"party_removal":         "撤销党内职务",
	"party_probation_1y":    "留党察看一年",
	"party_probation_2y":    "留党察看二年",
	"party_expulsion":       "开除党籍",
	"admonishment":          "诫勉",
	"org_adjustment":        "调整职务",
	"org_removal":           "免职/责令辞职",
	"org_demotion":          "降职",
}

// Purposes of vettings (SPEC section 9).
var Purposes = map[string]string{
	"promotion":    "提拔",
	"appointment":  "任用",
	"commendation": "表彰",
	"transfer":     "交流",
}

// Verdicts of vettings.
var Verdicts = map[string]string{"clear": "通过", "caution": "关注", "blocked": "暂缓"}

// Label is the Chinese label of code in m, or code itself when m has none.
func Label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	return code
}
