package sheet_test

import (
	"bytes"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"efile/services/sheet"

	"github.com/xuri/excelize/v2"
)

// TestSpans: a form row's cells merge across their columns and rows; the
// next row skips the columns a cell above still covers; a picture sits in
// its box.
func TestSpans(t *testing.T) {
	b, err := sheet.New(sheet.Doc{Title: "表", Who: "张三", Fallback: "f", At: at})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 50, 70))
	var pic bytes.Buffer
	png.Encode(&pic, img)
	if sheet.Placeable([]byte("\x89PNG\r\n\x1a\nnot really")) || !sheet.Placeable(pic.Bytes()) {
		t.Fatal("Placeable")
	}
	tb, err := b.TableWith("表", sheet.Portrait, []sheet.Picture{{Cell: "C2", Data: pic.Bytes(), Width: 60, Height: 80}},
		sheet.Column{Width: 20}, sheet.Column{Width: 20}, sheet.Column{Width: 20})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tb.Spans(30, sheet.Span{Value: sheet.Label("姓名")}, sheet.Span{Value: "张三"}, sheet.Span{Value: nil, Rows: 2}))
	must(tb.Spans(0, sheet.Span{Value: strings.Repeat("长", 30), Cols: 2}))
	must(tb.Spans(0, sheet.Span{Value: "a"}, sheet.Span{Value: "b", Cols: 2}))
	if err := tb.Spans(0, sheet.Span{Value: "a", Cols: 4}); err == nil {
		t.Fatal("a cell wider than the table was written")
	}
	must(tb.Close())
	var out bytes.Buffer
	must(b.Write(&out))
	f, err := excelize.OpenReader(&out)
	must(err)
	merges, err := f.GetMergeCells("表")
	must(err)
	var got []string
	for _, m := range merges {
		got = append(got, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	slices.Sort(got)
	if want := []string{"A1:C1", "A3:B3", "B4:C4", "C2:C3"}; !slices.Equal(got, want) {
		t.Fatalf("merges %v, want %v", got, want)
	}
	if h, _ := f.GetRowHeight("表", 2); h != 30 {
		t.Errorf("row 2 is %v high, want its minimum 30", h)
	}
	if h, _ := f.GetRowHeight("表", 3); h < 30 {
		t.Errorf("row 3 is %v high: 30 wide characters in 40 units take two lines", h)
	}
	if pics, err := f.GetPictures("表", "C2"); err != nil || len(pics) != 1 {
		t.Fatalf("%d pictures, %v", len(pics), err)
	}
}
