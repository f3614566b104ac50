package routes_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"efile/models"
	"efile/services/lrmx/lrmxtest"
)

// form is a small LRMX file of a cadre: a name, an ID number and what the
// edit adds or replaces.
func form(name, id string, extra ...string) []byte {
	gender := "女"
	if (id[16]-'0')%2 == 1 {
		gender = "男"
	}
	fields := map[string]string{"XingMing": name, "XingBie": gender, "ShenFenZheng": id, "XianRenZhiWu": "科员",
		"CanJiaGongZuoShiJian": "200207", "MinZu": "汉族", "JianLi": "2002.07--  区财政局科员"}
	for i := 0; i+1 < len(extra); i += 2 {
		fields[extra[i]] = extra[i+1]
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Person>`)
	for k, v := range fields {
		if strings.HasPrefix(v, "<") {
			fmt.Fprintf(&b, "<%s>%s</%s>", k, v, k) // markup as given
			continue
		}
		fmt.Fprintf(&b, "<%s>%s</%s>", k, strings.NewReplacer("&", "&amp;", "<", "&lt;").Replace(v), k)
	}
	b.WriteString("</Person>")
	return []byte(b.String())
}

// TestLRMXImportRules: every file is checked before anything is written;
// each problem is a 400 naming the file and the element.
func TestLRMXImportRules(t *testing.T) {
	w := newFlagWorld(t) // 张三 (a, 1980-01-01) and 李四 (b) are on file
	unit := map[string]string{"unit_id": fmt.Sprint(w.unitA)}
	newID := idFor("19850607", 11)
	closed := models.Unit{Name: "撤并的单位", Code: "closed-1", Path: "/", Version: 1, Disabled: true}
	if err := w.db.Create(&closed).Error; err != nil {
		t.Fatal(err)
	}
	badCheck := newID[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", newID[17])+1)%11])
	cases := []struct {
		name   string
		file   string
		data   []byte
		fields map[string]string
		field  string
	}{
		{"identityClash", "x.lrmx", form("王五", idFor("19800101", 1)), nil, "files[x.lrmx].ShenFenZheng"},
		{"badCheckDigit", "x.lrmx", form("王五", badCheck), unit, "files[x.lrmx].ShenFenZheng"},
		{"noIDNumber", "x.lrmx", []byte("<Person><XingMing>王五</XingMing><XingBie>男</XingBie></Person>"), unit, "files[x.lrmx].ShenFenZheng"},
		{"badGender", "x.lrmx", form("王五", newID, "XingBie", "未知"), unit, "files[x.lrmx].XingBie"},
		{"birthMonthDisagrees", "x.lrmx", form("王五", newID, "ChuShengNianYue", "198507"), unit, "files[x.lrmx].ChuShengNianYue"},
		{"workNotAMonth", "x.lrmx", form("王五", newID, "CanJiaGongZuoShiJian", "去年"), unit, "files[x.lrmx].CanJiaGongZuoShiJian"},
		{"workMissingWithAProfile", "x.lrmx", form("王五", newID, "CanJiaGongZuoShiJian", ""), unit, "files[x.lrmx].CanJiaGongZuoShiJian"},
		{"workBefore14", "x.lrmx", form("王五", newID, "CanJiaGongZuoShiJian", "199001"), unit, "files[x.lrmx].CanJiaGongZuoShiJian"},
		{"partyBefore18", "x.lrmx", form("王五", newID, "RuDangShiJian", "200001；民盟"), unit, "files[x.lrmx].RuDangShiJian"},
		{"resumeOverlap", "x.lrmx", form("王五", newID, "JianLi", "2002.07--2010.03  甲\n2009.01--  乙"), unit, "files[x.lrmx].JianLi"},
		{"resumeNoPeriod", "x.lrmx", form("王五", newID, "JianLi", "简历：\n2002.07--  甲"), unit, "files[x.lrmx].JianLi"},
		{"familyBornNotAMonth", "x.lrmx", form("王五", newID, "JiaTingChengYuan",
			"<Item><ChengWei>父亲</ChengWei><XingMing>王大</XingMing><ChuShengRiQi>六十年代</ChuShengRiQi></Item>"), unit,
			"files[x.lrmx].JiaTingChengYuan.Item[1].ChuShengRiQi"},
		{"familyNoName", "x.lrmx", form("王五", newID, "JiaTingChengYuan",
			"<Item><ChengWei>父亲</ChengWei><XingMing>王大</XingMing></Item><Item><ChengWei>母亲</ChengWei><XingMing> </XingMing><ZhengZhiMianMao>群众</ZhengZhiMianMao></Item>"), unit,
			"files[x.lrmx].JiaTingChengYuan.Item[2].XingMing"},
		{"photoNotAnImage", "x.lrmx", form("王五", newID, "ZhaoPian", "R0lGODlhAQABAAAAACw="), unit, "files[x.lrmx].ZhaoPian"},
		{"photoNotBase64", "x.lrmx", form("王五", newID, "ZhaoPian", "!!"), unit, "files[x.lrmx].ZhaoPian"},
		{"textTooLong", "x.lrmx", form("王五", newID, "JiGuan", strings.Repeat("浙", 201)), unit, "files[x.lrmx].JiGuan"},
		{"zeroWidth", "x.lrmx", form("王\u200b五", newID), unit, "files[x.lrmx].XingMing"},
		{"newWithoutPosition", "x.lrmx", form("王五", newID, "XianRenZhiWu", ""), unit, "files[x.lrmx].XianRenZhiWu"},
		{"newWithoutUnit", "x.lrmx", form("王五", newID), nil, "unit_id"},
		{"unknownUnit", "x.lrmx", form("王五", newID), map[string]string{"unit_id": "9999"}, "unit_id"},
		{"disabledUnit", "x.lrmx", form("王五", newID), map[string]string{"unit_id": fmt.Sprint(closed.ID)}, "unit_id"},
		{"unitNotANumber", "x.lrmx", form("王五", newID), map[string]string{"unit_id": "A"}, "unit_id"},
		{"dryRunNotABoolean", "x.lrmx", form("王五", newID), map[string]string{"dry_run": "maybe"}, "dry_run"},
		{"notAnLRMXName", "x.txt", form("王五", newID), unit, "files[x.txt]"},
		{"duplicateInZip", "z.zip", lrmxtest.Zip([]string{"a.lrmx", "b.lrmx"}, map[string][]byte{
			"a.lrmx": form("王五", newID), "b.lrmx": form("王五", newID)}), unit, "files[b.lrmx].ShenFenZheng"},
		{"oneBadFileInZip", "z.zip", lrmxtest.Zip([]string{"a.lrmx", "b.lrmx", "c.lrmx"}, map[string][]byte{
			"a.lrmx": form("王五", newID), "b.lrmx": form("赵六", idFor("19860101", 21)),
			"c.lrmx": form("钱七", idFor("19870101", 31), "XingBie", "?")}), unit, "files[c.lrmx].XingBie"},
	}
	before := w.count(&models.Cadre{})
	for _, c := range cases {
		t.Run("400_"+c.name, func(t *testing.T) {
			r := w.importLRMX(w.rev, c.file, c.data, c.fields)
			want(t, r, 400, "validation_failed")
			if fs := r.Fields(); len(fs) != 1 || fs[0] != c.field {
				t.Fatalf("fields %v, want [%s]: %s", fs, c.field, r.Body)
			}
			if file, ok := strings.CutPrefix(c.field, "files["); ok && !strings.Contains(string(r.Body), "文件 "+file[:strings.Index(file, "]")]) {
				t.Fatalf("the message does not name the file: %s", r.Body)
			}
		})
	}
	if w.count(&models.Cadre{}) != before || w.count(&models.Profile{}) != 0 {
		t.Fatal("a refused import wrote")
	}
	t.Run("400_englishMessages", func(t *testing.T) {
		r := w.raw("POST", "/api/v1/cadres/import-lrmx", w.rev, nil, nil)
		want(t, r, 400)
		r = w.importLRMX(w.rev, "x.lrmx", form("王五", idFor("19800101", 1)), nil)
		en := w.importLRMXLang(w.rev, "x.lrmx", form("王五", idFor("19800101", 1)), "en")
		if !strings.Contains(string(en.Body), "belongs to cadre") || !strings.Contains(string(r.Body), "已属于干部") {
			t.Fatalf("zh %s\nen %s", r.Body, en.Body)
		}
	})
	t.Run("200_dryRunWritesNothing", func(t *testing.T) {
		z := lrmxtest.Zip([]string{"a.lrmx", "b.lrmx"}, map[string][]byte{"a.lrmx": form("王五", newID), "b.lrmx": form("赵六", idFor("19860101", 21))})
		r := w.importLRMX(w.rev, "z.zip", z, map[string]string{"unit_id": fmt.Sprint(w.unitA), "dry_run": "true"})
		want(t, r, 200)
		rows := r.JSON()["rows"].([]any)
		if r.JSON()["created"].(float64) != 2 || rows[0].(map[string]any)["cadre_id"] != nil || rows[1].(map[string]any)["line"] != "b.lrmx" {
			t.Fatalf("report %s", r.Body)
		}
		if w.count(&models.Cadre{}) != before {
			t.Fatal("a dry run wrote")
		}
	})
	t.Run("200_zipWritesEveryFile", func(t *testing.T) {
		z := lrmxtest.Zip([]string{"dir/", "dir/a.lrmx", "__MACOSX/dir/._a.lrmx", "b.LRMX"}, map[string][]byte{
			"dir/a.lrmx": form("王五", newID), "__MACOSX/dir/._a.lrmx": []byte("junk"), "b.LRMX": form("李四", idFor("19800102", 2))})
		r := w.importLRMX(w.rev, "z.zip", z, unit)
		want(t, r, 200)
		m := r.JSON()
		if m["created"].(float64) != 1 || m["updated"].(float64) != 1 || len(m["rows"].([]any)) != 2 || w.count(&models.Cadre{}) != before+1 {
			t.Fatalf("report %s", r.Body)
		}
		row := m["rows"].([]any)[1].(map[string]any)
		if row["line"] != "b.LRMX" || row["cadre_id"].(float64) != float64(w.b) || !strings.Contains(fmt.Sprint(row["changed"]), "resume") {
			t.Fatalf("row %v", row)
		}
	})
	t.Run("400_recused", func(t *testing.T) {
		r := w.importLRMX(w.selfReviewer, "a.lrmx", form("张三", idFor("19800101", 1)), nil)
		want(t, r, 400, "validation_failed")
		if !strings.Contains(string(r.Body), "回避") {
			t.Fatalf("%s", r.Body)
		}
	})
	for _, c := range []struct{ name, tok string }{{"evaluator", w.evalA}, {"auditor", w.auditor}, {"admin", w.admin}, {"securityAuditor", w.secAuditor}} {
		t.Run("403_"+c.name, func(t *testing.T) {
			want(t, w.importLRMX(c.tok, "a.lrmx", form("王五", newID), unit), 403, "forbidden")
		})
	}
	t.Run("200_idempotencyKeyReplays", func(t *testing.T) {
		data := form("孙八", idFor("19880101", 41))
		first := w.importLRMXKey(w.rev, "a.lrmx", data, unit, "k-1")
		want(t, first, 200)
		again := w.importLRMXKey(w.rev, "a.lrmx", data, unit, "k-1")
		want(t, again, 200)
		if !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("%s\n%s", first.Body, again.Body)
		}
		want(t, w.importLRMXKey(w.rev, "a.lrmx", data, map[string]string{"unit_id": fmt.Sprint(w.unitB)}, "k-1"), 409, "conflict")
	})
	// unit_id and dry_run may be query parameters too (the document lists
	// them so); a form field is read before the query parameter.
	t.Run("200_fieldsAsQueryParameters", func(t *testing.T) {
		before := w.count(&models.Cadre{})
		path := fmt.Sprintf("/api/v1/cadres/import-lrmx?dry_run=true&unit_id=%d", w.unitA)
		r := w.postFile(path, w.rev, "a.lrmx", form("吴十", idFor("19860101", 61)), nil, nil)
		want(t, r, 200)
		if r.JSON()["created"].(float64) != 1 || w.count(&models.Cadre{}) != before {
			t.Fatalf("a dry run by query: %s", r.Body)
		}
		r = w.postFile(path, w.rev, "a.lrmx", form("吴十", idFor("19860101", 61)), map[string]string{"dry_run": "false"}, nil)
		want(t, r, 200)
		if w.count(&models.Cadre{}) != before+1 {
			t.Fatalf("the form's dry_run=false did not write: %s", r.Body)
		}
		wantInvalid(t, w.postFile("/api/v1/cadres/import-lrmx?unit_id=x1", w.rev, "a.lrmx", form("吴十", idFor("19860101", 61)), nil, nil), "unit_id")
	})
	t.Run("oneFileLogsItsCadre", func(t *testing.T) {
		r := w.importLRMX(w.rev, "a.lrmx", form("周九", idFor("19850101", 51)), unit)
		want(t, r, 200)
		id := int64(r.JSON()["rows"].([]any)[0].(map[string]any)["cadre_id"].(float64))
		es := w.entries()
		last := es[len(es)-1]
		if last.Path != "/api/v1/cadres/import-lrmx" || last.CadreID == nil || *last.CadreID != id {
			t.Fatalf("entry %+v", last)
		}
	})
}
