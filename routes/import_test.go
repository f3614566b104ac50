package routes_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/services/roster/rostertest"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func (a *app) upload(tok, filename string, data []byte) *resp {
	a.t.Helper()
	return a.uploadTo("/api/v1/cadres/import", tok, filename, data)
}

const rosterHeader = "姓名,性别,出生日期,身份证号,单位编码,职务,职级,是否一把手,任职时间\n"

func rosterRow(name, gender, birth, id, unit, top, appointed string) string {
	return strings.Join([]string{name, gender, birth, id, unit, "科长", "一级主任科员", top, appointed}, ",") + "\n"
}

func TestImport(t *testing.T) {
	w := newWorld(t)
	countCadres := func() int64 {
		var n int64
		w.db.Model(&models.Cadre{}).Count(&n)
		return n
	}
	good := rosterHeader +
		rosterRow("张三", "男", "1980/1/1", idFor("19800101", 1), "A", "是", "2020-03-01") +
		rosterRow("李四", "女", "1981-02-03", idFor("19810203", 2), "A1", "否", "2021/7/1")
	t.Run("200_csv", func(t *testing.T) {
		r := w.upload(w.rev, "roster.csv", []byte(good))
		want(t, r, 200)
		if r.JSON()["created"].(float64) != 2 || r.JSON()["updated"].(float64) != 0 {
			t.Fatalf("body %s", r.Body)
		}
		lr := w.do("GET", "/api/v1/cadres?q=张三", w.rev, nil)
		item := lr.JSON()["items"].([]any)[0].(map[string]any)
		if item["gender"] != "male" || item["birth_date"] != "1980-01-01" || item["is_top_leader"] != true || item["unit_id"].(float64) != float64(w.unitA) {
			t.Fatalf("imported %v", item)
		}
	})
	t.Run("200_reimportUpdatesByIDNumber", func(t *testing.T) {
		again := strings.Replace(good, "一级主任科员", "二级调研员", 1)
		r := w.upload(w.rev, "roster.csv", []byte(again))
		want(t, r, 200)
		// Only 张三's rank changed; 李四's row is the same as before.
		if r.JSON()["created"].(float64) != 0 || r.JSON()["updated"].(float64) != 1 || r.JSON()["unchanged"].(float64) != 1 || countCadres() != 2 {
			t.Fatalf("body %s", r.Body)
		}
		lr := w.do("GET", "/api/v1/cadres?q=张三", w.rev, nil)
		item := lr.JSON()["items"].([]any)[0].(map[string]any)
		if item["rank"] != "二级调研员" || item["version"].(float64) != 2 {
			t.Fatalf("updated %v", item)
		}
	})
	t.Run("400_mixedRowsWriteNothing", func(t *testing.T) {
		before := countCadres()
		bad := rosterHeader +
			rosterRow("王五", "男", "1982-01-01", idFor("19820101", 3), "A", "否", "2020-01-01") +
			rosterRow("赵六", "未知", "1983-01-01", idFor("19830101", 4), "A", "否", "2020-01-01") +
			rosterRow("钱七", "女", "1984-01-01", idFor("19840101", 5)[:17]+"0", "NOPE", "否", "2020-01-01") +
			rosterRow("孙八", "女", "1985-01-01", idFor("19850101", 6), "A", "也许", "2020-13-01") +
			rosterRow("王五", "男", "1982-01-01", idFor("19820101", 3), "A", "否", "2020-01-01")
		r := w.upload(w.rev, "bad.csv", []byte(bad))
		want(t, r, 400, "validation_failed")
		fields := strings.Join(r.Fields(), " ")
		for _, f := range []string{"rows[3].gender", "rows[4].unit_code", "rows[5].is_top_leader", "rows[5].appointed_on", "rows[6].id_number"} {
			if !strings.Contains(fields, f) {
				t.Errorf("no detail %s in %s", f, fields)
			}
		}
		if strings.Contains(fields, "rows[2].") {
			t.Errorf("good row reported: %s", fields)
		}
		if !strings.Contains(string(r.Body), "身份证号") {
			t.Errorf("messages should name the column as the roster does: %s", r.Body)
		}
		if countCadres() != before {
			t.Fatal("a bad import wrote rows")
		}
	})
	t.Run("200_gb18030", func(t *testing.T) {
		csv := rosterHeader + rosterRow("周九", "女", "1986-05-06", idFor("19860506", 8), "B", "否", "2019-09-09")
		enc, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		r := w.upload(w.rev, "wps.csv", enc)
		want(t, r, 200)
		lr := w.do("GET", "/api/v1/cadres?q=周九", w.rev, nil)
		if lr.JSON()["total"].(float64) != 1 {
			t.Fatalf("GB18030 name not matched: %s", lr.Body)
		}
	})
	t.Run("200_xlsx", func(t *testing.T) {
		f := excelize.NewFile()
		hdr := strings.Split(strings.TrimSpace(rosterHeader), ",")
		for i, h := range hdr {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			f.SetCellValue("Sheet1", cell, h)
		}
		vals := []any{"吴十", "男", "1987-08-09", idFor("19870809", 9), "A", "科员", "四级主任科员", "否", "2022-02-02"}
		for i, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(i+1, 2)
			f.SetCellValue("Sheet1", cell, v)
		}
		var buf bytes.Buffer
		f.Write(&buf)
		r := w.upload(w.rev, "roster.xlsx", buf.Bytes())
		want(t, r, 200)
		if r.JSON()["created"].(float64) != 1 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("400_missingColumn", func(t *testing.T) {
		r := w.upload(w.rev, "x.csv", []byte("姓名,性别\n张三,男\n"))
		want(t, r, 400, "validation_failed")
	})
	t.Run("400_noFile", func(t *testing.T) {
		r := w.do("POST", "/api/v1/cadres/import", w.rev, `{}`)
		want(t, r, 400, "validation_failed")
		if r.Fields()[0] != "file" {
			t.Fatal(r.Fields())
		}
	})
	t.Run("413_over10MiB", func(t *testing.T) {
		big := good + strings.Repeat("#"+strings.Repeat("x", 99)+"\n", 110000)
		r := w.upload(w.rev, "big.csv", []byte(big))
		want(t, r, 413, "payload_too_large")
	})
	t.Run("policy_evaluator", func(t *testing.T) {
		wantPolicy(t, w.upload(w.evalA, "roster.csv", []byte(good)), "POST /api/v1/cadres/import", "evaluator")
	})
	t.Run("importLogged", func(t *testing.T) {
		n := 0
		for _, e := range w.entries() {
			if e.Path == "/api/v1/cadres/import" {
				n++
			}
		}
		if n != 9 {
			t.Fatalf("%d import entries", n)
		}
	})
	_ = fmt.Sprint
}

func TestImportIdempotent(t *testing.T) {
	w := newWorld(t)
	csv := []byte(rosterHeader + rosterRow("张三", "男", "1980-01-01", idFor("19800101", 1), "A", "是", "2020-03-01"))
	send := func(key string, data []byte) *resp {
		// A new random boundary each time: still one body.
		return w.postFile("/api/v1/cadres/import", w.rev, "roster.csv", data, nil, map[string]string{"Idempotency-Key": key})
	}
	r1 := send("imp-1", csv)
	want(t, r1, 200)
	r2 := send("imp-1", csv)
	want(t, r2, 200)
	if string(r1.Body) != string(r2.Body) || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s vs %s", r1.Body, r2.Body)
	}
	want(t, send("imp-1", append(csv, []byte(rosterRow("李四", "女", "1981-01-01", idFor("19810101", 2), "A", "否", "2020-03-01"))...)), 409, "conflict")
}

// TestImportRealisticWorkbook imports a roster as an organization
// department keeps one in Excel: a merged title row, a 序号 column, real
// date cells, ID numbers typed as text, 是/否, and 200 rows.
func TestImportRealisticWorkbook(t *testing.T) {
	w := newWorld(t)
	f := excelize.NewFile()
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", "XX区干部花名册（2026年11月）")
	f.MergeCell(sh, "A1", "J1")
	hdr := []string{"序号", "姓名", "性别", "出生日期", "身份证号", "单位编码", "职务", "职级", "是否一把手", "任职时间"}
	for i, h := range hdr {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue(sh, cell, h)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	textStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	units := []string{"A", "A1", "B"}
	for i := 0; i < 200; i++ {
		row := i + 3
		birth := time.Date(1970+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		id := idFor(birth.Format("20060102"), i)
		vals := []any{i + 1, fmt.Sprintf("干部%03d", i), genderOf(id), birth, id, units[i%3],
			"科长", "一级主任科员", []string{"否", "是"}[btoi(i%10 == 0)], time.Date(2018+i%5, 3, 1, 0, 0, 0, 0, time.UTC)}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+1, row)
			f.SetCellValue(sh, cell, v)
			switch j {
			case 3, 9:
				f.SetCellStyle(sh, cell, cell, dateStyle)
			case 4:
				f.SetCellStyle(sh, cell, cell, textStyle)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r := w.upload(w.rev, "花名册.xlsx", buf.Bytes())
	want(t, r, 200)
	if r.JSON()["created"].(float64) != 200 {
		t.Fatalf("body %s", r.Body)
	}
	lr := w.do("GET", "/api/v1/cadres?q=干部010", w.rev, nil)
	item := lr.JSON()["items"].([]any)[0].(map[string]any)
	if item["birth_date"] != "1980-11-11" || item["appointed_on"] != "2018-03-01" || item["is_top_leader"] != true ||
		item["gender"] != "female" || item["id_number"] != idFor("19801111", 10) {
		t.Fatalf("imported %v", item)
	}
	lr = w.do("GET", fmt.Sprintf("/api/v1/cadres?unit_id=%d&is_top_leader=true", w.unitA), w.rev, nil)
	if lr.JSON()["total"].(float64) < 1 {
		t.Fatalf("filters after import: %s", lr.Body)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// uploadTo posts a roster to path (with a query).
func (a *app) uploadTo(path, tok, filename string, data []byte) *resp {
	a.t.Helper()
	// Tests of the import's rules, not of its rate limit (10 a minute):
	// each upload comes 6 s after the last, within the budget.
	a.clock.Add(6 * time.Second)
	return a.postFile(path, tok, filename, data, nil, nil)
}

// postFile posts data as the file of a multipart form (a new random
// boundary each time), with the form fields fields and the headers
// headers.
func (a *app) postFile(path, tok, filename string, data []byte, fields, headers map[string]string) *resp {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		a.t.Fatal(err)
	}
	fw.Write(data)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	hdr := map[string]string{"Content-Type": mw.FormDataContentType()}
	for k, v := range headers {
		hdr[k] = v
	}
	return a.raw("POST", path, tok, &body, hdr)
}

// replaceInZip rebuilds an .xlsx archive with old replaced by new in one part.
func replaceInZip(t *testing.T, data []byte, part, old, new string) []byte {
	t.Helper()
	return rostertest.Rewrite(t, data, part, func(w io.Writer, body []byte) {
		w.Write(bytes.Replace(body, []byte(old), []byte(new), 1))
	})
}
