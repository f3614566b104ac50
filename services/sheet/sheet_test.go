package sheet_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"efile/services/sheet"

	"github.com/xuri/excelize/v2"
)

var at = time.Date(2025, 3, 4, 23, 30, 0, 0, time.FixedZone("CST", 8*3600))

func TestAttachment(t *testing.T) {
	for _, tc := range []struct{ name, fallback, want string }{
		{"干部现实表现电子档案-张三-20250304.xlsx", "efile-7-20250304.xlsx",
			`attachment; filename="efile-7-20250304.xlsx"; filename*=UTF-8''%E5%B9%B2%E9%83%A8%E7%8E%B0%E5%AE%9E%E8%A1%A8%E7%8E%B0%E7%94%B5%E5%AD%90%E6%A1%A3%E6%A1%88-%E5%BC%A0%E4%B8%89-20250304.xlsx`},
		// A name typed by a person never becomes a path or breaks the header.
		{`a/b\c"d e;.xlsx`, `x"y\z`, `attachment; filename="x_y_z"; filename*=UTF-8''a_b_c_d%20e%3B.xlsx`},
		{"名\r\n.xlsx", "é.xlsx", `attachment; filename="_.xlsx"; filename*=UTF-8''%E5%90%8D__.xlsx`},
	} {
		if got := sheet.Attachment(tc.name, tc.fallback); got != tc.want {
			t.Errorf("Attachment(%q, %q)\n got %s\nwant %s", tc.name, tc.fallback, got, tc.want)
		}
	}
}

func TestBookNames(t *testing.T) {
	b, err := sheet.New(sheet.Doc{Title: "考核结果", Who: "2024年度考核", Fallback: "results-3", At: at})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// The date is the export's own, in its zone: 23:30 in China is still the 4th.
	if got := b.FileName(); got != "考核结果-2024年度考核-20250304.xlsx" {
		t.Errorf("FileName = %q", got)
	}
	if got := b.Heading(); got != "考核结果 — 2024年度考核" {
		t.Errorf("Heading = %q", got)
	}
	if !strings.Contains(b.ContentDisposition(), `filename="results-3-20250304.xlsx"`) {
		t.Errorf("ContentDisposition = %s", b.ContentDisposition())
	}
}

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		text  string
		width float64
		want  int
	}{
		{"", 40, 1},
		{"按时完成任务", 40, 1},
		{strings.Repeat("字", 18), 40, 1}, // 18 × 2.1 = 37.8 of 38.5
		{strings.Repeat("字", 19), 40, 2},
		{strings.Repeat("a", 34), 40, 1}, // Latin letters take about half the room
		{strings.Repeat("a", 40), 40, 2},
		{"第一行\n第二行\n\n第四行", 40, 4},
		{strings.Repeat("字", 100), 10, 25}, // four a line in a narrow column
	} {
		if got := sheet.Lines(tc.text, tc.width, sheet.BodySize); got != tc.want {
			t.Errorf("Lines(%d runes, %v) = %d, want %d", len([]rune(tc.text)), tc.width, got, tc.want)
		}
	}
	if a, b := sheet.Lines(strings.Repeat("字", 30), 40, sheet.TitleSize), sheet.Lines(strings.Repeat("字", 30), 40, sheet.BodySize); a <= b {
		t.Errorf("larger text takes %d lines, not more than %d", a, b)
	}
}

func TestTableRefusesWhatDoesNotFit(t *testing.T) {
	b, err := sheet.New(sheet.Doc{Title: "考核结果", At: at})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Table("宽", sheet.Portrait, sheet.Column{Header: "a", Width: 60}, sheet.Column{Header: "b", Width: 31}); err == nil {
		t.Error("91 units accepted on a portrait page")
	}
	tb, err := b.Table("宽", sheet.Landscape, sheet.Column{Header: "a", Width: 60}, sheet.Column{Header: "b", Width: 31})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Row("1", "2", "3"); err == nil {
		t.Error("three values accepted for two columns")
	}
	if err := tb.Row(struct{}{}); err == nil {
		t.Error("a struct accepted as a cell")
	}
}

// TestResultsWorkbook writes the appraisal results workbook the way the
// package comment says, and reads back what a printer would use.
func TestResultsWorkbook(t *testing.T) {
	b, err := sheet.New(sheet.Doc{Title: "考核结果", Who: "2024年度考核", Fallback: "results-3", At: at})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.Table("考核结果", sheet.Landscape, sheet.Column{Header: "姓名", Width: 12},
		sheet.Column{Header: "得分", Width: 10}, sheet.Column{Header: "等次", Width: 12}, sheet.Column{Header: "说明", Width: 60})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("因受处分，按规定不确定等次。", 40) // 560 characters: more than one row holds
	for _, r := range [][]any{{"张三", b.Score(91.5), "优秀", nil}, {"李四", b.Score(58), "不定等次", long}} {
		if err := tb.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	empty, err := b.Table("未参评", sheet.Portrait, sheet.Column{Header: "姓名", Width: 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := empty.Close(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b.Close()
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	rows, err := f.GetRows("考核结果")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "考核结果 — 2024年度考核" || strings.Join(rows[1], ",") != "姓名,得分,等次,说明" ||
		rows[2][1] != "91.50" {
		t.Fatalf("rows %q", rows[:3])
	}
	// The long text goes on in rows marked （续）, and none of it is lost.
	var text string
	for _, r := range rows[3:] {
		if r[0] != "李四" && r[0] != "李四"+sheet.Continued {
			t.Errorf("continuation row named %q", r[0])
		}
		text += r[3]
	}
	if text != long || len(rows) < 5 {
		t.Errorf("%d rows hold %d of %d characters", len(rows)-3, len([]rune(text)), len([]rune(long)))
	}
	if h, _ := f.GetRowHeight("考核结果", 4); h < sheet.MaxLines*sheet.LineHeight {
		t.Errorf("a full row is %.0f points tall", h)
	}
	if rows, _ := f.GetRows("未参评"); len(rows) != 2 || rows[1][0] != sheet.None {
		t.Errorf("empty sheet %q", rows)
	}
	var titles []string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles = append(titles, d.Scope+" "+d.RefersTo)
		}
	}
	if strings.Join(titles, ";") != "考核结果 '考核结果'!$1:$2;未参评 '未参评'!$1:$1" {
		t.Errorf("print titles %q", titles)
	}
	if hf, err := f.GetHeaderFooter("考核结果"); err != nil || hf.OddFooter != "&L导出时间 2025-03-04 23:30&C第 &P 页 共 &N 页" {
		t.Errorf("footer %+v, %v", hf, err)
	}
	if p, err := f.GetDocProps(); err != nil || p.Creator != "efile" || p.Created != "2025-03-04T15:30:00Z" {
		t.Errorf("doc props %+v, %v", p, err)
	}
}

// An ampersand in a name is text in the page header, not a code.
func TestHeaderEscapesAmpersand(t *testing.T) {
	b, err := sheet.New(sheet.Doc{Title: "档案", Who: "R&D", At: at})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	tb, err := b.Table("S", sheet.Portrait, sheet.Column{Width: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	if hf, err := b.GetHeaderFooter("S"); err != nil || !strings.HasSuffix(hf.OddHeader, "&RR&&D") {
		t.Errorf("header %+v, %v", hf, err)
	}
}
