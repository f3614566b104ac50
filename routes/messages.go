package routes

// The message catalogue: every message for people that the code writes,
// keyed by the text as written there, with its Chinese (zh) and English
// (en) wording; an empty zh or en means the key itself is that language's
// text. TestCatalogueComplete fails on a message missing here, or on a key
// the code no longer writes.
var catalogue = []struct{ key, zh, en string }{
	// The envelope and decoding.
	{key: "the request has invalid fields", zh: "请求中有不符合要求的字段"},
	{key: "the request body is too large", zh: "请求内容过大"},
	{key: "the database is not answering; try again shortly", zh: "数据库暂时无响应，请稍后重试"},
	{key: "an internal error occurred; quote the request id to the administrator", zh: "系统内部错误，请将请求编号（X-Request-ID）告知系统管理员"},
	{key: "this route does not accept this method", zh: "该地址不支持此请求方法"},
	{key: "route not found", zh: "请求的地址不存在"},
	{key: "your role may not use this route", zh: "您的角色无权使用此功能"},
	{key: "the body is not valid JSON", zh: "请求内容不是有效的 JSON"},
	{key: "the body is empty; a JSON object is required", zh: "请求内容为空，须为一个 JSON 对象"},
	{key: "the body is not complete JSON", zh: "请求内容的 JSON 不完整"},
	{key: "the body must hold exactly one JSON object", zh: "请求内容须为且仅为一个 JSON 对象"},
	{key: "malformed JSON at byte %d", zh: "JSON 格式错误，位于第 %d 个字节"},
	{key: "a JSON object is required, not %s", zh: "须为 JSON 对象，而不是 %s"},
	{key: "%s must be a JSON %s, not %s", zh: "%s 须为 JSON %s 类型，而不是 %s"},
	{key: "unknown field %q", zh: "未知字段 %q"},
	{key: "object not found", zh: "对象不存在"},
	{key: "this Idempotency-Key was used for a different request", zh: "此 Idempotency-Key 已用于另一个不同的请求"},
	{key: "this request's result shows a cadre you may no longer see", zh: "此请求的结果涉及您现已无权查看的干部"},

	// Common field rules.
	{key: "is required", zh: "为必填项"},
	{key: "must be true or false", zh: "须为 true 或 false"},
	{key: "must be a positive integer", zh: "须为正整数"},
	{key: "must be an integer from 1 to %d", zh: "须为 1 至 %d 之间的整数"},
	{key: "must be one of: %s", zh: "须为以下之一：%s"},
	{key: "must be 1 to %d characters long", zh: "长度须为 1 至 %d 个字符"},
	{key: "must be at most %d characters", zh: "最多 %d 个字符"},
	{key: "must be at most %d characters long", zh: "最多 %d 个字符"},
	{key: "must be 1 to %d characters long (leave it out when unknown)", zh: "长度须为 1 至 %d 个字符（不详时请省略此项）"},
	{key: "must be 1 to 100 characters long", zh: "长度须为 1 至 100 个字符"},
	{key: "must be 1 to 5000 characters long", zh: "长度须为 1 至 5000 个字符"},
	{key: "must be a date YYYY-MM-DD", zh: "须为日期，格式 YYYY-MM-DD"},
	{key: "must not be in the future", zh: "不能晚于今天"},
	{key: "is required: the version you last read", zh: "为必填项：填写您最近读取到的版本号（version）"},
	{key: "must be an RFC 3339 instant (2026-01-05T08:30:00Z) or a date (2026-01-05)", zh: "须为 RFC 3339 时间（如 2026-01-05T08:30:00Z）或日期（如 2026-01-05）"},

	// Accounts.
	{key: "is not your current password", zh: "与您当前的密码不符"},
	{key: "username %q is taken", zh: "用户名 %q 已被使用"},
	{key: "you may not change your own roles or disabled state", zh: "不能更改自己的角色或停用状态"},
	{key: "user not found", zh: "用户不存在"},
	{key: "is only for auditors", zh: "仅适用于监督部门人员（auditor）"},
	{key: "is required for an evaluator", zh: "评价人员（evaluator）须填写所在单位"},
	{key: "is required for an auditor: one of %s", zh: "监督部门人员（auditor）须填写所属部门，为以下之一：%s"},
	{key: "must be 1 to 64 letters, digits, '.', '_' or '-'", zh: "须为 1 至 64 个字母、数字、“.”、“_”或“-”"},
	{key: "must be 2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", zh: "须为 2 至 64 个字母、数字、“.”、“_”或“-”，并以字母或数字开头"},
	{key: "must be 12 to 64 characters long", zh: "长度须为 12 至 64 个字符"},
	{key: "must be at most 72 bytes in UTF-8 (bcrypt's limit)", zh: "UTF-8 编码后不能超过 72 个字节（bcrypt 的上限）"},
	{key: "must name at least one role", zh: "须至少指定一个角色"},
	{key: "repeats role %s", zh: "角色 %s 重复"},
	{key: "%s is an exclusive role and cannot be combined with another (separation of duties)", zh: "%s 为独立角色，不能与其他角色兼任（三员分立）"},
	{key: "must be a cadre's id (a positive integer)", zh: "须为干部编号（正整数）"},
	{key: "no cadre has id %d", zh: "没有编号为 %d 的干部"},

	// Units.
	{key: "unit not found", zh: "单位不存在"},
	{key: "unit code %q is taken", zh: "单位编码 %q 已被使用"},
	{key: "no unit has id %d", zh: "没有编号为 %d 的单位"},
	{key: "the unit tree is too deep under this parent", zh: "该上级单位下的层级过深"},

	// Cadres and the roster import.
	{key: "cadre not found", zh: "干部不存在"},
	{key: "a cadre with this ID number already exists", zh: "已有使用此身份证号的干部"},
	{key: "must be one of: active, retired, left", zh: "须为以下之一：active（在职）、retired（退休）、left（调离）"},
	{key: "you may not act on cadre %d", zh: "您无权对编号为 %d 的干部进行此操作"},
	{key: "is required: at least two characters of a name, or a whole ID number", zh: "为必填项：至少输入姓名中的两个字，或完整的身份证号"},
	{key: "upload exactly one roster file in the field \"file\" (CSV or XLSX)", zh: "请在字段“file”中上传且仅上传一个名册文件（CSV 或 XLSX）"},
	{key: "upload the roster as multipart/form-data in the field \"file\" (CSV or XLSX)", zh: "请以 multipart/form-data 方式在字段“file”中上传名册（CSV 或 XLSX）"},
	{key: "名册中没有数据行：请在表头下逐行填写干部信息", en: "the roster has no data rows: fill in one cadre per row under the header"},
	{key: "第 %d 行，%s：%s", en: "row %d, %s: %s"},
	{key: "另有 %d 处问题未列出；请先改正以上问题后重新上传", en: "%d more problems are not listed; correct the ones above and upload again"},

	// Records.
	{key: "record not found", zh: "记录不存在"},
	{key: "this record has already been amended; amend the newest version", zh: "此记录已被更正过，请对最新的版本进行更正"},
	{key: "must not be before the cadre's birth date (%s)", zh: "不能早于该干部的出生日期（%s）"},
	{key: "is required: why the record is corrected (1 to 1000 characters)", zh: "为必填项：说明更正的原因（1 至 1000 个字符）"},

	// The access log.
	{key: "must be HASH@SEQ: 64 hex characters, '@', and a positive sequence number", zh: "格式须为 HASH@SEQ：64 位十六进制字符、“@”和一个正整数序号"},
	{key: "sequence number out of range", zh: "序号超出范围"},

	// Appraisals.
	{key: "%d cadres would be graded %s, but the quota of %d%% of %d appraised cadres allows %d",
		zh: "将有 %d 名干部被评为 %s，但按参评 %[4]d 人的 %[3]d%% 计算，名额只有 %[5]d 个",
		en: "%d cadres would be graded %s, but the quota of %d%% of %d appraised cadres allows %d"},
	{key: "cadre %d cannot be graded %s: a sanction or an investigation bars it (%s)", zh: "编号为 %d 的干部不能评为 %s：受处分影响或正在立案审查（%s）"},
	{key: "cadre %d has no result in this cycle; only appraised cadres can be graded", zh: "编号为 %d 的干部在本轮考核中没有结果，只有参加了评价的干部才能确定等次"},
	{key: "cadre %d is overridden twice; give one override per cadre", zh: "编号为 %d 的干部被调整了两次，每名干部只能调整一次"},
	{key: "give the reason for the change, 1-%d characters", zh: "请填写调整的理由，1 至 %d 个字符"},
	{key: "must be one of %s for a cycle of kind %s", zh: "须为 %s 之一（考核类型 %s）"},

	// Flags and vetting.
	{key: "a flag that is %s cannot become %s", zh: "状态为 %s 的线索不能改为 %s"},
	{key: "is only for flags of kind petition", zh: "仅适用于“信访举报”类信息"},
	{key: "is only for flags of kind sanction", zh: "仅适用于“处分/处理”类信息"},
	{key: "is required for a flag of kind sanction: {type, decided_on, period_months?}", zh: "“处分/处理”类信息须填写：{type, decided_on, period_months?}"},
	{key: "is required for a petition: one of %s", zh: "信访举报须填写信访类型，为以下之一：%s"},
	{key: "must be %d to %d (calendar months)", zh: "须为 %d 至 %d（自然月）"},
	{key: "must be left out: %s has no end", zh: "不应填写：%s 没有影响期限"},
	{key: "must be one of: promotion, appointment, commendation, transfer", zh: "须为以下之一：promotion（提拔）、appointment（任用）、commendation（评优）、transfer（交流）"},
	{key: "must not be in the future: a vetting looks at what is known today", zh: "不能晚于今天：审核只依据今天已知的情况"},
}
