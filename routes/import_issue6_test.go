package routes_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"efile/models"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"gorm.io/gorm"
)

// TestImportReport pins SPEC section 5's import answer and the review's
// findings (issue 6): the per-row report, unchanged rows left alone,
// dry runs, identity mismatches, spreadsheet-mangled ID numbers,
// undecodable bytes, invisible characters, gender against the ID number,
// and Chinese row messages.
func TestImportReport(t *testing.T) {
	w := newWorld(t)
	zhang, li := idFor("19800101", 1), idFor("19810203", 2)
	good := rosterHeader +
		rosterRow("张三", "男", "1980/1/1", zhang, "A", "是", "2020-03-01") +
		rosterRow("李四", "女", "1981-02-03", li, "A1", "否", "2021/7/1")
	count := func() int64 {
		var n int64
		w.db.Model(&models.Cadre{}).Count(&n)
		return n
	}
	t.Run("200_dryRunWritesNothing", func(t *testing.T) {
		before := len(w.entries())
		r := w.uploadTo("/api/v1/cadres/import?dry_run=true", w.rev, "roster.csv", []byte(good))
		want(t, r, 200)
		if !strings.Contains(string(r.Body), `"rows":[{"line":2,"action":"created","cadre_id":null,"changed":[]}`) || r.JSON()["created"].(float64) != 2 {
			t.Fatalf("body %s", r.Body)
		}
		if count() != 0 {
			t.Fatal("a dry run wrote cadres")
		}
		if n := len(w.entries()) - before; n != 1 {
			t.Fatalf("%d access-log entries for one dry run", n)
		}
	})
	var first map[string]any
	t.Run("200_createdRowsHaveTheirIDs", func(t *testing.T) {
		r := w.upload(w.rev, "roster.csv", []byte(good))
		want(t, r, 200)
		first = r.JSON()
		rows := first["rows"].([]any)
		if first["created"].(float64) != 2 || len(rows) != 2 || rows[1].(map[string]any)["cadre_id"] == nil ||
			rows[1].(map[string]any)["action"] != "created" || rows[1].(map[string]any)["line"].(float64) != 3 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200_unchangedRowsChangeNothing", func(t *testing.T) {
		var before models.Cadre
		w.db.Where("name = ?", "张三").First(&before)
		r := w.upload(w.rev, "roster.csv", []byte(good))
		want(t, r, 200)
		if r.JSON()["unchanged"].(float64) != 2 || r.JSON()["updated"].(float64) != 0 {
			t.Fatalf("body %s", r.Body)
		}
		var after models.Cadre
		w.db.Where("name = ?", "张三").First(&after)
		if after.Version != before.Version || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("version %d→%d, updated_at %v→%v", before.Version, after.Version, before.UpdatedAt, after.UpdatedAt)
		}
	})
	t.Run("200_updatedRowNamesItsChangedFields", func(t *testing.T) {
		again := strings.Replace(good, ",A,科长,一级主任科员,是,", ",A1,科长,一级主任科员,否,", 1)
		r := w.upload(w.rev, "roster.csv", []byte(again))
		want(t, r, 200)
		row := r.JSON()["rows"].([]any)[0].(map[string]any)
		if row["action"] != "updated" || fmt.Sprint(row["changed"]) != "[unit_id is_top_leader]" ||
			row["cadre_id"] != first["rows"].([]any)[0].(map[string]any)["cadre_id"] {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("400_identityMismatch", func(t *testing.T) {
		bad := rosterHeader + rosterRow("王五", "男", "1980-01-01", zhang, "A", "否", "2020-03-01")
		r := w.upload(w.rev, "roster.csv", []byte(bad))
		want(t, r, 400, "validation_failed")
		id := first["rows"].([]any)[0].(map[string]any)["cadre_id"].(float64)
		if f := r.Fields(); len(f) != 1 || f[0] != "rows[2].id_number" || !strings.Contains(string(r.Body), fmt.Sprintf("#%d", int64(id))) {
			t.Fatalf("body %s", r.Body)
		}
	})
	rowErr := func(t *testing.T, csv []byte, field, says string) {
		t.Helper()
		before := count()
		r := w.upload(w.rev, "roster.csv", csv)
		want(t, r, 400, "validation_failed")
		if f := strings.Join(r.Fields(), " "); !strings.Contains(f, field) || !strings.Contains(string(r.Body), says) {
			t.Fatalf("want %s saying %q: %s", field, says, r.Body)
		}
		if count() != before {
			t.Fatal("a refused import wrote rows")
		}
	}
	t.Run("400_idNumberInENotation", func(t *testing.T) {
		rowErr(t, []byte(rosterHeader+rosterRow("赵六", "男", "1980-10-31", "1.10101198011031E+17", "A", "否", "2020-03-01")),
			"rows[2].id_number", "第 2 行，身份证号：身份证号被表格软件存成了数字（1.10101198011031E+17）：请把“身份证号”列设置为文本格式后重新输入")
	})
	t.Run("400_undecodableGB18030", func(t *testing.T) {
		head, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(rosterHeader + rosterRow("周九", "女", "1986-05-06", idFor("19860506", 8), "B", "否", "2019-09-09")))
		tail, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("九,女,1986-05-07," + idFor("19860507", 8) + ",B,科长,一级主任科员,否,2019-09-09\n"))
		data := append(append(head, 0x81, 0x20), tail...)
		rowErr(t, data, "rows[3].name", "第 3 行，姓名：含有无法识别的字节")
	})
	t.Run("400_zeroWidthSpaceInName", func(t *testing.T) {
		rowErr(t, []byte(rosterHeader+rosterRow("张\u200b五", "男", "1982-01-01", idFor("19820101", 3), "A", "否", "2020-01-01")),
			"rows[2].name", "U+200B")
	})
	t.Run("400_genderAgainstIDNumber", func(t *testing.T) {
		rowErr(t, []byte(rosterHeader+rosterRow("钱七", "女", "1982-01-01", idFor("19820101", 3), "A", "否", "2020-01-01")),
			"rows[2].gender", "第 2 行，性别：与身份证号不符")
	})
	t.Run("400_hugeSharedStringQuotedShort", func(t *testing.T) {
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"孙八", "男", "1980-01-01", idFor("19800101", 5), "HUGEVALUE", "科长", "科员", "否", "2020-01-01"})
		var buf bytes.Buffer
		f.Write(&buf)
		data := replaceInZip(t, buf.Bytes(), "xl/sharedStrings.xml", "HUGEVALUE", strings.Repeat("U", 2<<20))
		r := w.upload(w.rev, "huge.xlsx", data)
		want(t, r, 400, "validation_failed")
		if len(r.Body) > 64<<10 || !strings.Contains(string(r.Body), "rows[2].unit_code") || !strings.Contains(string(r.Body), "…") {
			t.Fatalf("%d bytes: %.300s", len(r.Body), r.Body)
		}
	})
	t.Run("400_tooWideIsAFileError", func(t *testing.T) {
		r := w.upload(w.rev, "wide.csv", []byte(rosterHeader+"张三"+strings.Repeat(",", 70)+"x\n"))
		want(t, r, 400, "validation_failed")
		if f := r.Fields(); len(f) != 1 || f[0] != "file" || !strings.Contains(string(r.Body), "BS 列") {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("400_dryRunNotABoolean", func(t *testing.T) {
		r := w.uploadTo("/api/v1/cadres/import?dry_run=maybe", w.rev, "roster.csv", []byte(good))
		want(t, r, 400, "validation_failed")
	})
}

// TestCadreTextAndGender pins SPEC section 5's rules for text and gender on
// create and PATCH.
func TestCadreTextAndGender(t *testing.T) {
	w := newWorld(t)
	id := idFor("19800101", 1) // a man's
	tests := []struct {
		name, field string
		set         map[string]any
	}{
		{"create400_zeroWidthInName", "name", map[string]any{"name": "张\u200b三"}},
		{"create400_bidiOverrideInPosition", "position", map[string]any{"position": "科长\u202e"}},
		{"create400_controlInRank", "rank", map[string]any{"rank": "一级\a科员"}},
		{"create400_genderAgainstIDNumber", "gender", map[string]any{"gender": "female"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := cadreBody("张三", id, w.unitA)
			for k, v := range tt.set {
				b[k] = v
			}
			r := w.do("POST", "/api/v1/cadres", w.rev, b)
			want(t, r, 400, "validation_failed")
			if f := r.Fields(); len(f) != 1 || f[0] != tt.field {
				t.Fatalf("fields %v: %s", f, r.Body)
			}
		})
	}
	t.Run("create201_storedInNFC", func(t *testing.T) {
		r := w.do("POST", "/api/v1/cadres", w.rev, cadreBody("Jose\u0301", id, w.unitA))
		want(t, r, 201)
		if r.JSON()["name"] != "José" {
			t.Fatalf("name %q", r.JSON()["name"])
		}
	})
	t.Run("patch400_genderAndText", func(t *testing.T) {
		c := w.cadre("李四", idFor("19810203", 2), w.unitA)
		path := fmt.Sprintf("/api/v1/cadres/%d", c)
		r := w.do("PATCH", path, w.rev, map[string]any{"gender": "male", "version": 1})
		want(t, r, 400, "validation_failed")
		r = w.do("PATCH", path, w.rev, map[string]any{"name": "李\u2066四", "version": 1})
		want(t, r, 400, "validation_failed")
		if f := r.Fields(); len(f) != 1 || f[0] != "name" {
			t.Fatalf("fields %v", f)
		}
	})
}

// TestImportRecusal: a reviewer linked to a cadre may not import a row
// matching that cadre.
func TestImportRecusal(t *testing.T) {
	w := newWorld(t)
	id := idFor("19800101", 1)
	c := w.cadre("张三", id, w.unitA)
	uid, _ := w.user("selfrev", []string{"org_reviewer"}, nil, nil)
	if err := w.db.Model(&models.User{}).Where("id = ?", uid).Updates(map[string]any{"cadre_id": c, "version": gorm.Expr("version + 1")}).Error; err != nil {
		t.Fatal(err)
	}
	tok := w.login("selfrev", testPassword)
	r := w.upload(tok, "roster.csv", []byte(rosterHeader+rosterRow("张三", "男", "1980-01-01", id, "A", "否", "2020-01-02")))
	want(t, r, 400, "validation_failed")
	if f := r.Fields(); len(f) != 1 || f[0] != "rows[2].id_number" || !strings.Contains(string(r.Body), "回避") {
		t.Fatalf("body %s", r.Body)
	}
}

// TestImportWhileReading runs reads of the cadre list while a large import
// writes, on the same database: no read may fail (SQLite's one writer must
// not turn into 500s).
func TestImportWhileReading(t *testing.T) {
	w := newWorld(t)
	var sb strings.Builder
	sb.WriteString(rosterHeader)
	for i := 0; i < 5000; i++ {
		birth := fmt.Sprintf("19%02d%02d%02d", 60+i%40, 1+i%12, 1+i%28)
		id := idFor(birth, i)
		sb.WriteString(rosterRow(fmt.Sprintf("干部%05d", i), genderOf(id), birth[:4]+"-"+birth[4:6]+"-"+birth[6:], id, "A", "否", "2020-01-01"))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var statuses []int
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				r := w.raw("GET", "/api/v1/cadres?page_size=50", w.rev, nil, nil)
				mu.Lock()
				statuses = append(statuses, r.Status)
				mu.Unlock()
			}
		}()
	}
	r := w.upload(w.rev, "roster.csv", []byte(sb.String()))
	close(done)
	wg.Wait()
	want(t, r, 200)
	if len(statuses) == 0 {
		t.Fatal("no read ran during the import")
	}
	for _, s := range statuses {
		if s != 200 {
			t.Fatalf("a read during the import answered %d (%d reads)", s, len(statuses))
		}
	}
	t.Logf("%d reads during the import, all 200", len(statuses))
}
