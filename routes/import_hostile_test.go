package routes_test

import (
	"strings"
	"testing"

	"efile/services/roster/rostertest"
)

// TestImportHostileWorkbooks: each hostile workbook of issue 22 (a small
// file that unzips or parses into far more than it weighs) is refused with
// a 400 on "file" whose message, in Chinese, names the part and the bound.
// services/roster's TestParseHostileWorkbooks measures the memory each takes.
func TestImportHostileWorkbooks(t *testing.T) {
	w := newWorld(t)
	says := map[string]string{
		"sharedStrings": "工作簿的共享字符串多于 1,280,000 个",
		"sharedText":    "工作簿的共享字符串合计超过 8 MiB",
		"cellXfs":       "xl/styles.xml 的 cellXfs 列表多于 65,536 项",
		"numFmts":       "xl/styles.xml 的 numFmts 列表多于 65,536 项",
		"sheets":        "工作簿中的工作表多于 10,000 个",
		"rels":          "xl/_rels/workbook.xml.rels 列出的关系多于 10,000 个",
		"attributes":    "xl/worksheets/sheet1.xml 中有一个标记超过 64 KiB",
		"bomb":          "xl/worksheets/sheet1.xml 中有一段文本超过 4 MiB",
		"bombUnread":    "xl/media/image1.png 解压后为 200 MiB",
		"deep":          "xl/worksheets/sheet1.xml 中元素嵌套超过 64 层",
		"entries":       "部件多于 10,000 个",
		"liar":          "xl/worksheets/sheet1.xml 解压后超过其文件头声明的 1,000 字节",
	}
	for _, s := range rostertest.Shapes {
		t.Run("400_"+s.Name, func(t *testing.T) {
			r := w.upload(w.rev, s.Name+".xlsx", s.Build(t, s.Size))
			want(t, r, 400, "validation_failed")
			e, _ := r.JSON()["error"].(map[string]any)
			details, _ := e["details"].([]any)
			d, _ := details[0].(map[string]any)
			if len(details) != 1 || d["field"] != "file" || !strings.Contains(d["message"].(string), says[s.Name]) {
				t.Fatalf("%s (n = %d): details %v, want one on file saying %q", s.About, s.Size, details, says[s.Name])
			}
		})
	}
}
