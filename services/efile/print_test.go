package efile_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"efile/services/civil"
	"efile/services/efile"
	"efile/services/record"
	"efile/services/sheet"

	"github.com/xuri/excelize/v2"
)

// realisticRecords are fifteen records of mixed length, as an evaluator
// writes them: a line, a paragraph, and one long report.
var realisticRecords = []record.NewRecord{
	{OccurredOn: civil.MustParse("2024-01-15"), Category: "political", Content: "参加区委理论学习中心组专题学习，围绕学习贯彻党的二十届三中全会精神作交流发言，结合分管工作提出三条贯彻落实措施。"},
	{OccurredOn: civil.MustParse("2024-02-20"), Category: "duty", Content: "按时完成年度工作总结。"},
	{OccurredOn: civil.MustParse("2024-03-08"), Category: "major_task", Content: "牵头负责全区老旧小区改造项目协调工作。" + strings.Repeat("深入一线走访居民、召开协调会，推动解决加装电梯、管线迁改、停车位规划等群众反映强烈的问题；", 6) + "项目按期完工，群众满意度调查达到百分之九十六。"},
	{OccurredOn: civil.MustParse("2024-03-29"), Category: "conduct", Content: "下沉社区开展“四下基层”活动 3 次，接待群众来访 12 人次，现场解决问题 8 个。"},
	{OccurredOn: civil.MustParse("2024-04-18"), Category: "integrity", Content: "按规定报告个人有关事项，经抽查核实一致。"},
	{OccurredOn: civil.MustParse("2024-05-06"), Category: "commendation", Content: "被评为全市优秀共产党员。"},
	{OccurredOn: civil.MustParse("2024-06-12"), Category: "shortcoming", Content: "在防汛值班检查中发现值班记录不完整，已当面提醒并督促整改，整改情况已于一周内报送区委办。"},
	{OccurredOn: civil.MustParse("2024-07-03"), Category: "major_task", Content: "防汛抗洪期间连续驻守一线七昼夜，组织转移群众 460 余人，无一伤亡。"},
	{OccurredOn: civil.MustParse("2024-07-25"), Category: "duty", Content: "完成区委交办的营商环境专项调研，形成调研报告 1 篇（约 8000 字），提出的 5 条建议被采纳。"},
	{OccurredOn: civil.MustParse("2024-08-30"), Category: "political", Content: "带头落实意识形态工作责任制，组织本单位开展专题党课 2 次。"},
	{OccurredOn: civil.MustParse("2024-09-14"), Category: "duty", Content: strings.Repeat("统筹推进年度重点任务落实，建立周调度、月通报工作机制，对滞后事项逐项挂牌督办。", 15)},
	{OccurredOn: civil.MustParse("2024-10-09"), Category: "conduct", Content: "精简会议文件，全年本单位发文数量同比下降 18%。"},
	{OccurredOn: civil.MustParse("2024-11-21"), Category: "commendation", Content: "所在单位获评区级文明单位。"},
	{OccurredOn: civil.MustParse("2024-12-05"), Category: "integrity", Content: "节日期间严格落实中央八项规定精神，未发现违规情况。"},
	{OccurredOn: civil.MustParse("2024-12-27"), Category: "duty", Content: "年度述职述廉，民主测评“好”的比例为 92%。"},
}

// TestWorkbookPrints pins the print set-up of every sheet: A4 in its
// orientation, fitted to the page width, the title and header rows
// repeated, page numbers and the export time in the footer, the title row,
// （无） for an empty section, columns that fit the printable width, and
// rows tall enough for their text. Set EFILE_SAMPLE_XLSX to a path to keep
// the workbook for rendering (docs/efile-workbook-records.png).
func TestWorkbookPrints(t *testing.T) {
	fx := setup(t)
	ctx := context.Background()
	var long string
	for _, in := range realisticRecords {
		r, err := fx.rec.Create(ctx, fx.viewer, fx.cadre.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if len([]rune(in.Content)) > 500 {
			long = r.Content
		}
	}
	wb, err := fx.svc.Workbook(ctx, fx.viewer, fx.cadre.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := wb.FileName(), "干部现实表现电子档案-张三-20250304.xlsx"; got != want {
		t.Errorf("file name = %q, want %q", got, want)
	}
	if path := os.Getenv("EFILE_SAMPLE_XLSX"); path != "" {
		if err := wb.SaveAs(path); err != nil {
			t.Fatal(err)
		}
	}
	f := roundTrip(t, wb)

	props, err := f.GetDocProps()
	if err != nil || props.Creator != "efile" || props.Created != "2025-03-04T02:00:00Z" || props.Title != heading {
		t.Errorf("doc props = %+v, %v", props, err)
	}
	titles := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	for _, tc := range []struct {
		sheet       string
		orientation sheet.Orientation
		titles      string
	}{
		{efile.SheetProfile, sheet.Portrait, "'基本信息'!$1:$1"},
		{efile.SheetRecords, sheet.Landscape, "'现实表现'!$1:$2"}, // the title and the header row
		{efile.SheetAppraisals, sheet.Portrait, "'考核评价'!$1:$1"},
		{efile.SheetFlags, sheet.Landscape, "'廉政情况'!$1:$1"},
		{efile.SheetVettings, sheet.Landscape, "'审核记录'!$1:$1"},
	} {
		t.Run(tc.sheet, func(t *testing.T) {
			pl, err := f.GetPageLayout(tc.sheet)
			if err != nil || *pl.Size != 9 || *pl.Orientation != string(tc.orientation) || *pl.FitToWidth != 1 || *pl.FitToHeight != 0 {
				t.Errorf("page layout = size %v, %v, fit %v×%v, %v", *pl.Size, *pl.Orientation, *pl.FitToWidth, *pl.FitToHeight, err)
			}
			if props, err := f.GetSheetProps(tc.sheet); err != nil || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("fitToPage not set: %v", err)
			}
			if titles[tc.sheet] != tc.titles {
				t.Errorf("print titles = %q, want %q", titles[tc.sheet], tc.titles)
			}
			hf, err := f.GetHeaderFooter(tc.sheet)
			if err != nil || hf == nil || !strings.Contains(hf.OddFooter, "第 &P 页 共 &N 页") ||
				!strings.Contains(hf.OddFooter, "导出时间 2025-03-04 10:00") || !strings.Contains(hf.OddHeader, "张三（区委办，科长）") {
				t.Fatalf("header and footer = %+v, %v", hf, err)
			}
			// The title spans the sheet; its columns fit the printable width.
			merged, err := f.GetMergeCells(tc.sheet)
			if err != nil || len(merged) == 0 || merged[0].GetStartAxis() != "A1" || merged[0].GetCellValue() != heading {
				t.Fatalf("title row not merged across the sheet: %v", err)
			}
			last, _, err := excelize.CellNameToCoordinates(merged[0].GetEndAxis())
			if err != nil {
				t.Fatal(err)
			}
			var width float64
			for col := 1; col <= last; col++ {
				name, _ := excelize.ColumnNumberToName(col)
				w, err := f.GetColWidth(tc.sheet, name)
				if err != nil {
					t.Fatal(err)
				}
				width += w
			}
			if max := sheet.PrintableWidth(tc.orientation); width > max {
				t.Errorf("columns are %.1f wide, an A4 %s page holds %.0f", width, tc.orientation, max)
			}
		})
	}

	// Rows are as tall as their text; the long report goes on over several
	// rows, and together they hold every character of it.
	rs := rows(t, f, efile.SheetRecords)
	var pieces []string
	var tallest float64
	for i, r := range rs[2:] {
		h, err := f.GetRowHeight(efile.SheetRecords, i+3)
		if err != nil {
			t.Fatal(err)
		}
		if len(r) > 3 && r[3] != "" && strings.HasPrefix(long, strings.Join(append(pieces, r[3]), "")) {
			pieces = append(pieces, r[3])
		}
		if len(r) > 3 && len([]rune(r[3])) < 30 && h > 2*sheet.LineHeight+4 {
			t.Errorf("row %d (%q) is %.0f points tall for a short text", i+3, r[3], h)
		}
		if len(r) > 3 && sheet.Lines(r[3], 40, sheet.BodySize) > 1 && h < float64(sheet.Lines(r[3], 40, sheet.BodySize))*sheet.LineHeight {
			t.Errorf("row %d is %.0f points tall for %d lines", i+3, h, sheet.Lines(r[3], 40, sheet.BodySize))
		}
		tallest = max(tallest, h)
	}
	if got := strings.Join(pieces, ""); got != long || len(pieces) < 2 {
		t.Errorf("the long record is in %d pieces holding %d of its %d characters", len(pieces), len([]rune(got)), len([]rune(long)))
	}
	if tallest > 409 {
		t.Errorf("a row is %.0f points tall, more than Excel shows", tallest)
	}
}
