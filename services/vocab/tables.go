package vocab

// The kinds of vocabulary: the keys of GET /api/v1/vocabulary. The first ten
// are those SPEC section 12 names; the others are enumerations the e-file
// and the appraisal workbooks print.
const (
	RecordCategories = "record_categories"
	Grades           = "grades"
	FlagKinds        = "flag_kinds"
	FlagStatuses     = "flag_statuses"
	Sanctions        = "sanctions"
	PetitionTypes    = "petition_types"
	Roles            = "roles"
	Departments      = "departments"
	Verdicts         = "verdicts"
	VettingRules     = "vetting_rules"

	Genders       = "genders"
	CadreStatuses = "cadre_statuses"
	CycleKinds    = "cycle_kinds"
	RaterTypes    = "rater_types"
	Purposes      = "purposes"
	Severities    = "severities"
	Scores        = "scores"

	// For the console (SPEC section 12: it writes no label of its own).
	CycleStatuses = "cycle_statuses"
	ImportActions = "import_actions"

	// The four checks before a promotion (SPEC section 13).
	DossierItems           = "dossier_items"
	DossierFindingResults  = "dossier_finding_results"
	DossierConclusions     = "dossier_conclusions"
	PersonalMattersKinds   = "personal_matters_kinds"
	PersonalMattersResults = "personal_matters_results"
	OpinionConclusions     = "opinion_conclusions"
	OpinionStatuses        = "opinion_statuses"

	// SPEC section 16: the profile's fields (the form's labels, for the
	// console and the workbook) and the elements of an LRMX file (for the
	// import's report).
	ProfileFields = "profile_fields"
	LRMXElements  = "lrmx_elements"

	// SPEC section 8 (issue 17): every source of flags (the four departments
	// and the organization department), a measure's types, a finding's
	// responsibility and audit type, the 四种形态 of a closed case, and the
	// actions of a sanction's review.
	FlagSources           = "flag_sources"
	MeasureTypes          = "measure_types"
	Responsibilities      = "responsibilities"
	AuditTypes            = "audit_types"
	OutcomeForms          = "outcome_forms"
	SanctionChangeActions = "sanction_change_actions"

	// SPEC section 14: the kinds of alerts.
	AlertKinds = "alert_kinds"

	// SPEC section 7: why a result's grade is what it is (a sanction's
	// or an investigation's bar, a tie at the quota's edge), as the
	// results, the console and the results workbook show it.
	GradeReasons = "grade_reasons"
)

var tables = map[string][]Entry{
	// SPEC section 6.
	RecordCategories: {
		{"political", "政治表现"},
		{"duty", "履职尽责"},
		{"major_task", "重大专项/急难险重"},
		{"conduct", "作风"},
		{"integrity", "廉洁自律"},
		{"commendation", "表彰奖励"},
		{"shortcoming", "问题不足"},
	},
	// SPEC section 7: the grades of annual (and special, term) cycles, those
	// of ordinary cycles (平时考核), and 不定等次 for sanctioned cadres
	// (公务员考核规定 2020).
	Grades: {
		{"excellent", "优秀"},
		{"competent", "称职"},
		{"basic_competent", "基本称职"},
		{"incompetent", "不称职"},
		{"good", "好"},
		{"fairly_good", "较好"},
		{"average", "一般"},
		{"poor", "较差"},
		{"ungraded", "不定等次"},
	},
	// SPEC section 8.
	FlagKinds: {
		{"clue", "问题线索"},
		{"investigation", "立案审查调查"},
		{"sanction", "处分/处理"},
		{"audit_finding", "审计发现问题"},
		{"petition", "信访举报"},
		{"inquiry", "函询"},
		{"inspection_finding", "巡察发现问题"},
		{"measure", "提醒谈话/批评教育/责令检查/通报批评"},
	},
	// SPEC section 8: a clue is checked (核查) before it is found true or not.
	FlagStatuses: {
		{"open", "待核查"},
		{"verifying", "核查中"},
		{"on_hold", "暂存待查"},
		{"substantiated", "属实"},
		{"unsubstantiated", "不属实"},
		{"resolved", "已办结"},
		{"in_effect", "生效"},
		{"revoked", "已撤销"},
		{"recorded", "已记录"},
	},
	// SPEC section 8: government sanctions (公职人员政务处分法 art. 8), party
	// sanctions (中国共产党纪律处分条例 arts. 10–13) and organizational measures
	// (党政领导干部选拔任用工作条例 art. 24, 组织处理规定).
	Sanctions: {
		{"gov_warning", "政务警告"},
		{"demerit", "记过"},
		{"major_demerit", "记大过"},
		{"demotion", "降级"},
		{"dismissal", "撤职"},
		{"gov_expulsion", "开除公职"},
		{"party_warning", "党内警告"},
		{"party_serious_warning", "党内严重警告"},
		{"party_removal", "撤销党内职务"},
		{"party_probation_1y", "留党察看一年"},
		{"party_probation_2y", "留党察看二年"},
		{"party_expulsion", "开除党籍"},
		{"admonishment", "诫勉"},
		{"org_suspension", "停职检查"},
		{"org_adjustment", "调整职务"},
		{"org_removal", "免职/责令辞职"},
		{"org_demotion", "降职"},
	},
	// SPEC section 8 (信访工作条例: 检举控告类, 申诉求决类, 建议意见类).
	PetitionTypes: {
		{"report", "检举控告"},
		{"appeal", "申诉求决"},
		{"suggestion", "建议意见"},
	},
	// SPEC section 4.
	Roles: {
		{"admin", "系统管理员"},
		{"org_reviewer", "组织部审核人员"},
		{"evaluator", "评价人员"},
		{"auditor", "监督部门人员"},
		{"security_auditor", "安全审计员"},
	},
	// SPEC sections 1 and 4: the four source departments.
	Departments: {
		{"discipline", "纪检监察"},
		{"audit", "审计"},
		{"petition", "信访"},
		{"inspection", "巡察"},
	},
	FlagSources: {
		{"discipline", "纪检监察"},
		{"audit", "审计"},
		{"petition", "信访"},
		{"inspection", "巡察"},
		{"organization", "组织部"},
	},
	MeasureTypes: {
		{"reminder_talk", "提醒谈话"},
		{"criticism", "批评教育"},
		{"self_examination", "责令检查"},
		{"circulated_criticism", "通报批评"},
		{"other", "其他"},
	},
	Responsibilities: {{"direct", "直接责任"}, {"leadership", "领导责任"}, {"none", "无责任"}},
	AuditTypes:       {{"economic_responsibility", "经济责任审计"}, {"special", "专项审计"}, {"other", "其他审计"}},
	// 监督执纪"四种形态".
	OutcomeForms: {
		{"1", "第一种形态（批评教育、谈话提醒）"},
		{"2", "第二种形态（轻处分、组织调整）"},
		{"3", "第三种形态（重处分、重大职务调整）"},
		{"4", "第四种形态（严重违纪涉嫌违法立案审查）"},
	},
	SanctionChangeActions: {{"revoke", "撤销"}, {"modify", "变更"}},
	// SPEC section 9.
	Verdicts: {
		{"clear", "通过"},
		{"caution", "提示关注"},
		{"incomplete", "审核事项未齐"},
		{"blocked", "暂缓/不宜"},
	},
	// SPEC section 9: what each rule of the pre-promotion vetting found.
	VettingRules: {
		{"under_investigation", "正在接受立案审查调查"},
		{"open_serious_flag", "有未办结的严重问题"},
		{"sanction_influence", "处于处分/处理影响期内"},
		{"recent_low_grade", "近一年年度考核结果为基本称职以下"},
		{"unchecked_specific_report", "反映问题具体的检举控告尚未核查"},
		{"open_flag", "有未办结的问题线索或检举控告"},
		{"dossier_unreviewed", "未审核干部人事档案"},
		{"dossier_discrepancy", "干部人事档案信息不一致"},
		{"personal_matters_unchecked", "未查核个人有关事项报告"},
		{"personal_matters_concealment", "个人有关事项隐瞒不报"},
		{"personal_matters_omission", "个人有关事项漏报"},
		{"family_emigrated", "配偶子女均已移居国（境）外"},
		{"integrity_opinion_missing", "未听取党风廉政意见"},
		{"integrity_opinion_negative", "党风廉政意见为暂缓或不宜提拔"},
	},

	Genders:       {{"male", "男"}, {"female", "女"}},
	CadreStatuses: {{"active", "在职"}, {"retired", "退休"}, {"left", "调离"}},
	CycleKinds: {
		{"ordinary", "平时考核"},
		{"annual", "年度考核"},
		{"special", "专项考核"},
		{"term", "任期考核"},
	},
	RaterTypes: {{"superior", "上级"}, {"peer", "同级"}, {"subordinate", "下级"}},
	Purposes: {
		{"promotion", "提拔"},
		{"appointment", "任用"},
		{"commendation", "评优"},
		{"transfer", "交流"},
	},
	Severities: {{"info", "一般"}, {"warning", "较重"}, {"serious", "严重"}},
	GradeReasons: {
		{"sanction_in_period", "受处分（处理）影响"},
		{"under_investigation", "正在接受审查调查"},
		{"quota_tie", "优秀名额并列"},
	},
	// SPEC section 7: a cycle's states.
	CycleStatuses: {{"draft", "草稿"}, {"open", "进行中"}, {"closed", "已关闭"}, {"finalized", "已定等次"}},
	// SPEC section 5: what an import did with each row.
	ImportActions: {{"created", "新增"}, {"updated", "更新"}, {"unchanged", "无变化"}},
	// SPEC section 13: 三龄二历一身份 (干部人事档案造假问题处理办法 art. 5).
	DossierItems: {
		{"birth_date", "出生日期"},
		{"work_start", "参加工作时间"},
		{"party_join", "入党时间"},
		{"education", "学历学位"},
		{"career", "工作经历"},
		{"identity", "干部身份"},
	},
	// SPEC section 13: 组织认定 settles a discrepancy.
	DossierFindingResults: {{"consistent", "一致"}, {"determined", "组织认定"}, {"discrepancy", "不一致"}},
	DossierConclusions:    {{"pass", "审核通过"}, {"discrepancy", "存在不一致"}},
	// SPEC section 13 (领导干部个人有关事项报告查核: 漏报, 隐瞒不报).
	PersonalMattersKinds:   {{"pre_promotion", "提拔前查核"}, {"random", "随机抽查"}, {"targeted", "重点查核"}},
	PersonalMattersResults: {{"consistent", "如实报告"}, {"omission", "漏报"}, {"concealment", "隐瞒不报"}},
	// SPEC section 13: the discipline body's integrity opinion.
	OpinionConclusions: {
		{"no_issue", "无问题"},
		{"clue_closed", "线索已了结"},
		{"clue_under_verification", "有问题线索正在核查"},
		{"sanction_in_period", "处分影响期内"},
		{"not_recommended", "不宜提拔"},
	},
	OpinionStatuses: {{"pending", "待回复"}, {"replied", "已回复"}, {"withdrawn", "已撤回"}},
	// SPEC section 16: the labels of the 干部任免审批表. A nested field is
	// named by its path without the index (resume.from, family.name).
	ProfileFields: {
		{"ethnicity", "民族"},
		{"native_place", "籍贯"},
		{"birthplace", "出生地"},
		{"party_joined_on", "入党时间"},
		{"other_party", "民主党派"},
		{"work_started_on", "参加工作时间"},
		{"health", "健康状况"},
		{"professional_title", "专业技术职务"},
		{"expertise", "熟悉专业有何专长"},
		{"full_time_education", "全日制教育"},
		{"in_service_education", "在职教育"},
		{"education.level", "学历"},
		{"education.degree", "学位"},
		{"education.school", "毕业院校系及专业"},
		{"resume", "简历"},
		{"resume.from", "起始年月"},
		{"resume.to", "截止年月"},
		{"resume.text", "经历"},
		{"family", "家庭主要成员及重要社会关系"},
		{"family.relation", "称谓"},
		{"family.name", "姓名"},
		{"family.born_on", "出生年月"},
		{"family.political_status", "政治面貌"},
		{"family.work", "工作单位及职务"},
		{"photo", "照片"},
	},
	// SPEC section 16: the elements of an LRMX file, as the form labels
	// them (Item is one family member; XingMing is a name in both places).
	LRMXElements: {
		{"Person", "干部任免审批表"},
		{"XingMing", "姓名"},
		{"XingBie", "性别"},
		{"ChuShengNianYue", "出生年月"},
		{"MinZu", "民族"},
		{"JiGuan", "籍贯"},
		{"ChuShengDi", "出生地"},
		{"RuDangShiJian", "入党时间"},
		{"CanJiaGongZuoShiJian", "参加工作时间"},
		{"JianKangZhuangKuang", "健康状况"},
		{"ZhuanYeJiShuZhiWu", "专业技术职务"},
		{"ShuXiZhuanYeYouHeZhuanChang", "熟悉专业有何专长"},
		{"QuanRiZhiJiaoYu_XueLi", "全日制教育学历"},
		{"QuanRiZhiJiaoYu_XueWei", "全日制教育学位"},
		{"QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "全日制教育毕业院校系及专业（学历）"},
		{"QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "全日制教育毕业院校系及专业（学位）"},
		{"ZaiZhiJiaoYu_XueLi", "在职教育学历"},
		{"ZaiZhiJiaoYu_XueWei", "在职教育学位"},
		{"ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "在职教育毕业院校系及专业（学历）"},
		{"ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "在职教育毕业院校系及专业（学位）"},
		{"XianRenZhiWu", "现任职务"},
		{"NiRenZhiWu", "拟任职务"},
		{"NiMianZhiWu", "拟免职务"},
		{"JianLi", "简历"},
		{"JiangChengQingKuang", "奖惩情况"},
		{"NianDuKaoHeJieGuo", "年度考核结果"},
		{"RenMianLiYou", "任免理由"},
		{"JiaTingChengYuan", "家庭主要成员及重要社会关系"},
		{"ChengBaoDanWei", "呈报单位"},
		{"JiSuanNianLingShiJian", "计算年龄时间"},
		{"TianBiaoShiJian", "填表时间"},
		{"TianBiaoRen", "填表人"},
		{"ShenFenZheng", "身份证号"},
		{"ZhaoPian", "照片"},
		{"Version", "表格版本"},
		{"Item", "家庭成员"},
		{"ChengWei", "称谓"},
		{"ChuShengRiQi", "家庭成员出生年月"},
		{"ZhengZhiMianMao", "政治面貌"},
		{"GongZuoDanWeiJiZhiWu", "工作单位及职务"},
		{"DaoLingNianYue", "到龄年月"},
		{"GaiGeQianRenZhiNianLingJieXian", "改革前任职年龄界限"},
	},
	// SPEC section 14.
	AlertKinds: {
		{"appraisals_due", "待提交考核评价"},
		{"raters_missing", "考核评价未收齐"},
		{"opinion_pending", "待回复廉政意见"},
		{"opinion_overdue", "廉政意见逾期未复"},
		{"influence_ending", "处分影响期即将届满"},
		{"top_leader_tenure", "一把手任职年限较长"},
		{"petition_stale", "信访事项超期未办结"},
		{"rectification_pending", "问题整改逾期"},
	},
	// SPEC section 7: 德能勤绩廉.
	Scores: {
		{"morality", "德"},
		{"ability", "能"},
		{"diligence", "勤"},
		{"achievement", "绩"},
		{"integrity", "廉"},
	},
}
