package efile_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"efile/services"
	"efile/services/account"
	"efile/services/cadre"
	"efile/services/checks"
	"efile/services/civil"
	"efile/services/efile"
	"efile/services/flag"
	"efile/services/unit"
	"efile/services/vetting"
	"efile/testenv"

	"golang.org/x/crypto/bcrypt"
)

// TestChecksSheet: 审核记录 lists every check of SPEC 13 (the reviews with
// their findings, the personal-matters checks, the opinion requests with
// their replies, and the flags a reply names by number, kind and status
// only) and the vettings with the records they relied on, in Chinese, on a
// landscape page. Set EFILE_SAMPLE_CHECKS_XLSX to a path to keep the
// workbook for rendering (docs/efile-workbook-checks.png).
func TestChecksSheet(t *testing.T) {
	ctx := context.Background()
	db, _, _ := testenv.DB(t)
	clk := time.Date(2025, 6, 20, 1, 30, 0, 0, time.UTC)
	now := func() time.Time { return clk }
	set, err := services.New(db, services.Config{JWTSecret: bytes.Repeat([]byte("j"), 32), DataKey: make([]byte, 32),
		Location: shanghaiZone(t), Now: now, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	u, err := set.Units.Create(ctx, unit.NewUnit{Name: "区委办", Code: "QWB"})
	if err != nil {
		t.Fatal(err)
	}
	disc := "discipline"
	rev, err := set.Accounts.CreateUser(ctx, account.NewUser{Username: "rev", Password: "correct-horse-battery",
		DisplayName: "王审核", Roles: []string{"org_reviewer"}})
	if err != nil {
		t.Fatal(err)
	}
	aud, err := set.Accounts.CreateUser(ctx, account.NewUser{Username: "aud", Password: "correct-horse-battery",
		DisplayName: "李纪检", Roles: []string{"auditor"}, Department: &disc})
	if err != nil {
		t.Fatal(err)
	}
	c, err := set.Cadres.Create(ctx, rev, cadre.Fields{Name: "张三", Gender: "male", BirthDate: civil.MustParse("1990-01-01"),
		IDNumber: "110105199001011232", UnitID: u.ID, Position: "科长", Rank: "一级主任科员", AppointedOn: civil.MustParse("2020-03-01"),
		ReportsPersonalMatters: true})
	if err != nil {
		t.Fatal(err)
	}
	fl, err := set.Flags.Create(ctx, aud, flag.New{CadreID: c.ID, Kind: "clue", Severity: "warning",
		Summary: "反映其违规收受礼金（机密线索）", Detail: "案卷详情", OccurredOn: civil.MustParse("2025-02-01")})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	findings := func(result string) []checks.Finding {
		var fs []checks.Finding
		for _, item := range checks.DossierItems() {
			fs = append(fs, checks.Finding{Item: item, Result: "consistent"})
		}
		fs[2] = checks.Finding{Item: "party_join", Result: result, Note: "入党志愿书时间与档案登记不符"}
		return fs
	}
	_, err = set.Checks.CreateReview(ctx, rev, c.ID, checks.NewReview{ReviewedOn: civil.MustParse("2025-05-06"), Findings: findings("discrepancy")})
	must(err)
	review, err := set.Checks.CreateReview(ctx, rev, c.ID, checks.NewReview{ReviewedOn: civil.MustParse("2025-06-03"),
		Findings: findings("determined"), Note: "经组织认定，入党时间以党委批复为准"})
	must(err)
	matters, err := set.Checks.CreateMattersCheck(ctx, rev, c.ID, checks.NewMattersCheck{Kind: "pre_promotion",
		CheckedOn: civil.MustParse("2025-06-05"), Result: "omission", Note: "漏报一处房产"})
	must(err)
	op, err := set.Checks.RequestOpinion(ctx, rev, c.ID, checks.NewOpinion{Purpose: "promotion", DueOn: civil.MustParse("2025-06-30"), Note: "拟提拔为副局长"})
	must(err)
	op, err = set.Checks.ReplyOpinion(ctx, aud, op.ID, checks.Reply{Conclusion: "clue_closed", SignedBy: "区纪委书记 赵明",
		Text: "经查，反映该同志收受礼金问题，经初步核实不属实，已予了结。", FlagIDs: []int64{fl.ID}})
	must(err)
	v, err := set.Vettings.Vet(ctx, rev, c.ID, vetting.Request{Purpose: "promotion"})
	must(err)
	if v.Verdict != "caution" || *v.BasisDossierReviewID != review.ID || *v.BasisPersonalMattersCheckID != matters.ID ||
		*v.BasisIntegrityOpinionID != op.ID {
		t.Fatalf("vetting %s %+v", v.Verdict, v.Reasons)
	}
	wb, err := set.EFiles.Workbook(ctx, rev, c.ID)
	must(err)
	if path := os.Getenv("EFILE_SAMPLE_CHECKS_XLSX"); path != "" {
		must(wb.SaveAs(path))
	}
	f := roundTrip(t, wb)
	pl, err := f.GetPageLayout(efile.SheetVettings)
	if err != nil || *pl.Orientation != "landscape" {
		t.Fatalf("orientation %v, %v", *pl.Orientation, err)
	}
	var lines []string
	for _, r := range rows(t, f, efile.SheetVettings) {
		lines = append(lines, strings.Join(r, "|"))
	}
	text := strings.Join(lines, "\n")
	if lines[1] != "事项|编号|日期|用途/类型|结论|内容|经办人|记录时间" {
		t.Fatalf("header %q", lines[1])
	}
	for _, want := range []string{
		"干部档案审核|2|2025-06-03|—|审核通过|出生日期：一致\n参加工作时间：一致\n入党时间：组织认定（入党志愿书时间与档案登记不符）",
		"备注：经组织认定，入党时间以党委批复为准|王审核|2025-06-20 09:30",
		"干部档案审核|1|2025-05-06|—|存在不一致|",
		"个人事项查核|1|2025-06-05|提拔前查核|漏报|配偶、子女移居国（境）外：否\n备注：漏报一处房产|王审核",
		"廉政意见|1|2025-06-20|提拔|线索已了结|回复期限：2025-06-30\n意见：经查，反映该同志收受礼金问题，经初步核实不属实，已予了结。\n签字人：区纪委书记 赵明\n回复：李纪检，2025-06-20",
		"所依据的问题线索：1号问题线索（待核查）\n备注：拟提拔为副局长|王审核",
		"资格审查|1|2025-06-20|提拔|提示关注|有未办结的问题线索或检举控告：有问题线索或反映尚在办理（待处理）\n" +
			"个人有关事项漏报：个人有关事项报告查核发现漏报（2025-06-05查核）\n依据：干部档案审核2号、个人事项查核1号、廉政意见1号|王审核",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("审核记录 lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "机密线索") || strings.Contains(text, "案卷详情") {
		t.Errorf("a flag's summary or detail in 审核记录:\n%s", text)
	}
}
