package routes_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// A tiny valid PNG (a grey square) and the first bytes of a JPEG: the
// profile tells photos by their magic bytes.
func pngPhoto(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 30, 40))
	for x := range 30 {
		for y := range 40 {
			img.SetGray(x, y, color.Gray{Y: uint8(100 + x*2 + y)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var jpegHead = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}

// profileBody is a whole profile of a cadre born 1980-01-01.
func profileBody(version int) map[string]any {
	return map[string]any{
		"ethnicity": "汉族", "native_place": "浙江宁波", "birthplace": "浙江宁波", "party_joined_on": "2001-06",
		"other_party": "", "work_started_on": "2002-07", "health": "健康", "professional_title": "高级经济师",
		"expertise":            "财政管理",
		"full_time_education":  map[string]any{"level": "大学", "degree": "经济学学士", "school": "浙江大学经济学院财政学专业"},
		"in_service_education": map[string]any{"level": "研究生", "degree": "经济学硕士", "school": "中央党校经济学专业"},
		"resume": []map[string]any{
			{"from": "1998-09", "to": "2002-07", "text": "浙江大学经济学院财政学专业学习"},
			{"from": "2002-07", "to": "2010-03", "text": "区财政局科员、副科长"},
			{"from": "2010-03", "to": nil, "text": "区财政局副局长"},
		},
		"family": []map[string]any{
			{"relation": "妻子", "name": "王芳", "born_on": "1981-03", "political_status": "中共党员", "work": "区第一中学教师"},
			{"relation": "父亲", "name": "张大山", "born_on": nil, "political_status": "群众", "work": "已退休"},
		},
		"photo":   base64.StdEncoding.EncodeToString(jpegHead),
		"version": version,
	}
}

func TestProfile(t *testing.T) {
	w := newFlagWorld(t)
	path := fmt.Sprintf("/api/v1/cadres/%d/profile", w.a)
	t.Run("200_neverWrittenReadsEmpty", func(t *testing.T) {
		r := w.do("GET", path, w.rev, nil)
		want(t, r, 200)
		m := r.JSON()
		if m["version"].(float64) != 0 || m["ethnicity"] != "" || m["work_started_on"] != nil || m["party_joined_on"] != nil ||
			m["photo"] != nil || len(m["resume"].([]any)) != 0 || len(m["family"].([]any)) != 0 ||
			m["full_time_education"].(map[string]any)["level"] != "" {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("200_firstWriteWithVersion0", func(t *testing.T) {
		r := w.do("PUT", path, w.rev, profileBody(0))
		want(t, r, 200)
		if r.JSON()["version"].(float64) != 1 {
			t.Fatalf("body %s", r.Body)
		}
		got := w.do("GET", path, w.rev, nil)
		want(t, got, 200)
		if !bytes.Equal(got.Body, r.Body) {
			t.Fatalf("GET %s\nPUT %s", got.Body, r.Body)
		}
		m := got.JSON()
		res := m["resume"].([]any)
		if len(res) != 3 || res[2].(map[string]any)["to"] != nil || res[1].(map[string]any)["from"] != "2002-07" ||
			m["family"].([]any)[1].(map[string]any)["born_on"] != nil || m["photo"] != base64.StdEncoding.EncodeToString(jpegHead) {
			t.Fatalf("body %s", got.Body)
		}
	})
	t.Run("200_whatGETAnswersCanBeSentBack", func(t *testing.T) {
		got := w.do("GET", path, w.rev, nil)
		r := w.raw("PUT", path, w.rev, bytes.NewReader(got.Body), nil)
		want(t, r, 200)
		if r.JSON()["version"].(float64) != 2 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("409_staleVersion", func(t *testing.T) {
		want(t, w.do("PUT", path, w.rev, profileBody(1)), 409, "version_conflict")
	})
	t.Run("409_version0AfterTheFirstWrite", func(t *testing.T) {
		want(t, w.do("PUT", path, w.rev, profileBody(0)), 409, "version_conflict")
	})
	t.Run("200_pngPhotoAndNoPhoto", func(t *testing.T) {
		b := profileBody(2)
		b["photo"] = base64.StdEncoding.EncodeToString(pngPhoto(t))
		want(t, w.do("PUT", path, w.rev, b), 200)
		b = profileBody(3)
		b["photo"] = nil
		r := w.do("PUT", path, w.rev, b)
		want(t, r, 200)
		if r.JSON()["photo"] != nil {
			t.Fatalf("photo not removed: %s", r.Body)
		}
	})
	t.Run("200_photoAsADataURL", func(t *testing.T) {
		b := profileBody(4)
		b["photo"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngPhoto(t))
		r := w.do("PUT", path, w.rev, b)
		want(t, r, 200)
		if r.JSON()["photo"] != base64.StdEncoding.EncodeToString(pngPhoto(t)) {
			t.Fatalf("photo %v", r.JSON()["photo"])
		}
		want(t, w.do("PUT", path, w.rev, profileBody(5)), 200)
	})
	t.Run("200_sharedBoundaryMonth", func(t *testing.T) {
		// 1997.07--2010.03 and 2010.03--: the boundary month is shared, not an overlap.
		b := profileBody(6)
		b["resume"] = []map[string]any{{"from": "2002-07", "to": "2010-03", "text": "a"}, {"from": "2010-03", "to": nil, "text": "b"}}
		want(t, w.do("PUT", path, w.rev, b), 200)
	})
	t.Run("200_eFileCarriesTheProfile", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/efile", w.a), w.rev, nil)
		want(t, r, 200)
		p := r.JSON()["profile"].(map[string]any)
		if p["version"].(float64) != 7 || p["ethnicity"] != "汉族" || len(p["resume"].([]any)) != 2 {
			t.Fatalf("profile %v", p)
		}
	})
	t.Run("readsLoggedWithCadre", func(t *testing.T) {
		n := 0
		for _, e := range w.entries() {
			if e.Path == path && e.Method == "GET" {
				if e.CadreID == nil || *e.CadreID != w.a {
					t.Fatalf("profile read logged without its cadre: %+v", e)
				}
				n++
			}
		}
		if n < 3 {
			t.Fatalf("%d profile reads logged", n)
		}
	})
}

// TestProfileValidation: every rule of SPEC 16, each a 400 naming the field.
func TestProfileValidation(t *testing.T) {
	w := newFlagWorld(t) // cadre a was born 1980-01-01
	path := fmt.Sprintf("/api/v1/cadres/%d/profile", w.a)
	future := w.clock.Now().AddDate(0, 2, 0).Format("2006-01")
	long := func(n int) string { return strings.Repeat("字", n) }
	with := func(edit func(b map[string]any)) map[string]any {
		b := profileBody(0)
		edit(b)
		return b
	}
	resume := func(lines ...map[string]any) func(b map[string]any) {
		return func(b map[string]any) { b["resume"] = lines }
	}
	line := func(from string, to any, text string) map[string]any {
		return map[string]any{"from": from, "to": to, "text": text}
	}
	member := func(k string, v any) func(b map[string]any) {
		return func(b map[string]any) {
			m := map[string]any{"relation": "父亲", "name": "张大山", "born_on": "1950-01", "political_status": "群众", "work": "农民"}
			m[k] = v
			b["family"] = []map[string]any{m}
		}
	}
	set := func(k string, v any) func(b map[string]any) { return func(b map[string]any) { b[k] = v } }
	edu := func(k string, v any) func(b map[string]any) {
		return func(b map[string]any) { b["full_time_education"].(map[string]any)[k] = v }
	}
	sixtyOne := make([]map[string]any, 61)
	for i := range sixtyOne {
		sixtyOne[i] = line(fmt.Sprintf("%d-01", 2000+i/12), fmt.Sprintf("%d-01", 2000+i/12), "x")
	}
	eleven := make([]map[string]any, 11)
	for i := range eleven {
		eleven[i] = map[string]any{"relation": "子女", "name": fmt.Sprint("孩子", i)}
	}
	bigPhoto := append(append([]byte{}, jpegHead...), make([]byte, 512<<10)...)
	for _, c := range []struct {
		name, field string
		edit        func(b map[string]any)
	}{
		{"versionMissing", "version", func(b map[string]any) { delete(b, "version") }},
		{"versionNegative", "version", set("version", -1)},
		{"ethnicityTooLong", "ethnicity", set("ethnicity", long(201))},
		{"nativePlaceControlChar", "native_place", set("native_place", "浙江\u0007宁波")},
		{"birthplaceZeroWidth", "birthplace", set("birthplace", "宁\u200b波")},
		{"otherPartyTooLong", "other_party", set("other_party", long(201))},
		{"healthTooLong", "health", set("health", long(201))},
		{"titleTooLong", "professional_title", set("professional_title", long(201))},
		{"expertiseTooLong", "expertise", set("expertise", long(201))},
		{"educationLevelTooLong", "full_time_education.level", edu("level", long(201))},
		{"educationDegreeBidi", "full_time_education.degree", edu("degree", "学士\u202e")},
		{"educationSchoolTooLong", "full_time_education.school", edu("school", long(201))},
		{"inServiceSchoolTooLong", "in_service_education.school", func(b map[string]any) {
			b["in_service_education"].(map[string]any)["school"] = long(201)
		}},
		{"partyNotAMonth", "party_joined_on", set("party_joined_on", "2001-6")},
		{"partyADate", "party_joined_on", set("party_joined_on", "2001-06-01")},
		{"partyMonth13", "party_joined_on", set("party_joined_on", "2001-13")},
		{"partyInFuture", "party_joined_on", set("party_joined_on", future)},
		{"partyBefore18", "party_joined_on", set("party_joined_on", "1997-12")},
		{"workMissing", "work_started_on", set("work_started_on", nil)},
		{"workEmpty", "work_started_on", set("work_started_on", "")},
		{"workInFuture", "work_started_on", set("work_started_on", future)},
		{"workBefore14", "work_started_on", set("work_started_on", "1993-12")},
		{"resumeTooLong", "resume", resume(sixtyOne...)},
		{"resumeFromMissing", "resume[0].from", resume(line("", nil, "x"))},
		{"resumeToNotAMonth", "resume[0].to", resume(line("2002-07", "2003/01", "x"), line("2003-01", nil, "y"))},
		{"resumeOpenNotLast", "resume[0].to", resume(line("2002-07", nil, "x"), line("2003-01", nil, "y"))},
		{"resumeToBeforeFrom", "resume[0].to", resume(line("2003-07", "2002-01", "x"))},
		{"resumeOverlap", "resume[1].from", resume(line("2002-07", "2010-03", "x"), line("2010-02", nil, "y"))},
		{"resumeOutOfOrder", "resume[2].from", resume(line("2002-07", "2004-01", "x"), line("2005-01", "2006-01", "y"), line("2003-01", nil, "z"))},
		{"resumeBeforeBirth", "resume[0].from", resume(line("1979-12", "1985-01", "x"))},
		{"resumeInFuture", "resume[0].from", resume(line(future, nil, "x"))},
		{"resumeTextEmpty", "resume[0].text", resume(line("2002-07", nil, " "))},
		{"resumeTextTooLong", "resume[0].text", resume(line("2002-07", nil, long(501)))},
		{"familyTooMany", "family", set("family", eleven)},
		{"familyRelationMissing", "family[0].relation", member("relation", "")},
		{"familyNameMissing", "family[0].name", member("name", " ")},
		{"familyBornBefore1900", "family[0].born_on", member("born_on", "1899-12")},
		{"familyBornInFuture", "family[0].born_on", member("born_on", future)},
		{"familyBornNotAMonth", "family[0].born_on", member("born_on", "1950")},
		{"familyWorkTooLong", "family[0].work", member("work", long(201))},
		{"familyStatusTooLong", "family[0].political_status", member("political_status", long(201))},
		{"photoNotBase64", "photo", set("photo", "not base64!")},
		{"photoGIF", "photo", set("photo", base64.StdEncoding.EncodeToString([]byte("GIF89a....")))},
		{"photoTooBig", "photo", set("photo", base64.StdEncoding.EncodeToString(bigPhoto))},
	} {
		t.Run("400_"+c.name, func(t *testing.T) {
			r := w.do("PUT", path, w.rev, with(c.edit))
			want(t, r, 400, "validation_failed")
			if fs := r.Fields(); len(fs) == 0 || fs[0] != c.field {
				t.Fatalf("fields %v, want %s first: %s", fs, c.field, r.Body)
			}
			if len(r.Body) > 4000 {
				t.Fatalf("the answer echoes the input: %d bytes", len(r.Body))
			}
		})
	}
	t.Run("400_unknownField", func(t *testing.T) {
		want(t, w.do("PUT", path, w.rev, with(set("cadre_id", 5))), 400, "invalid_json")
	})
	t.Run("400_textNormalizedToNFC", func(t *testing.T) {
		r := w.do("PUT", path, w.rev, with(set("native_place", "Cafe\u0301")))
		want(t, r, 200)
		if r.JSON()["native_place"] != "Caf\u00e9" {
			t.Fatalf("not NFC: %s", r.Body)
		}
	})
	t.Run("nothingWrittenByABadPut", func(t *testing.T) {
		r := w.do("GET", path, w.rev, nil)
		if r.JSON()["version"].(float64) != 1 {
			t.Fatalf("body %s", r.Body)
		}
	})
}

// TestProfileAccess: only reviewers read or write a profile; a cadre out of
// scope (unknown, or one's own record) is 404 and shows nothing; a bad body
// is 400 before the scope is looked at.
func TestProfileAccess(t *testing.T) {
	w := newFlagWorld(t)
	want(t, w.do("PUT", fmt.Sprintf("/api/v1/cadres/%d/profile", w.a), w.rev, profileBody(0)), 200)
	path := fmt.Sprintf("/api/v1/cadres/%d/profile", w.a)
	for _, c := range []struct {
		name   string
		tok    string
		method string
		path   string
		body   any
		status int
	}{
		{"403_evaluatorInScopeReads", w.evalA, "GET", path, nil, 403},
		{"403_evaluatorWrites", w.evalA, "PUT", path, profileBody(1), 403},
		{"403_auditorReads", w.auditor, "GET", path, nil, 403},
		{"403_adminReads", w.admin, "GET", path, nil, 403},
		{"403_securityAuditorReads", w.secAuditor, "GET", path, nil, 403},
		{"404_unknownCadre", w.rev, "GET", "/api/v1/cadres/9999/profile", nil, 404},
		{"404_unknownCadreWrite", w.rev, "PUT", "/api/v1/cadres/9999/profile", profileBody(0), 404},
		{"400_badBodyBeforeScope", w.rev, "PUT", "/api/v1/cadres/9999/profile", map[string]any{"version": 0}, 400},
		{"404_recusedReads", w.selfReviewer, "GET", path, nil, 404},
		{"404_recusedWrites", w.selfReviewer, "PUT", path, profileBody(1), 404},
		{"401_noToken", "", "GET", path, nil, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.do(c.method, c.path, c.tok, c.body)
			want(t, r, c.status)
			if strings.Contains(string(r.Body), "浙江宁波") {
				t.Fatalf("the answer shows the profile: %s", r.Body)
			}
		})
	}
	if r := w.do("GET", path, w.rev, nil); r.JSON()["version"].(float64) != 1 {
		t.Fatalf("a refused write changed the profile: %s", r.Body)
	}
}
