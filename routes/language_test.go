package routes_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestMessagesFollowAcceptLanguage pins SPEC section 12: messages are
// Chinese by default and for zh, English for en; codes, fields and enum
// values never change with the language.
func TestMessagesFollowAcceptLanguage(t *testing.T) {
	w := newWorld(t)
	send := func(lang, method, path, tok string, body any) *resp {
		j, _ := json.Marshal(body)
		hdr := map[string]string{}
		if lang != "" {
			hdr["Accept-Language"] = lang
		}
		return w.raw(method, path, tok, bytes.NewReader(j), hdr)
	}
	message := func(r *resp) string {
		m, _ := r.JSON()["error"].(map[string]any)
		s, _ := m["message"].(string)
		return s
	}
	detail := func(r *resp) string {
		m, _ := r.JSON()["error"].(map[string]any)
		ds, _ := m["details"].([]any)
		if len(ds) == 0 {
			return ""
		}
		s, _ := ds[0].(map[string]any)["message"].(string)
		return s
	}
	badLogin := map[string]string{"username": "nobody", "password": "wrong-password-1"}
	for _, c := range []struct {
		name, lang, want string
	}{
		{"defaultChinese", "", "用户名或密码错误"},
		{"zh", "zh-CN,zh;q=0.9", "用户名或密码错误"},
		{"en", "en-US,en;q=0.8", "wrong username or password"},
		{"unknownFallsBackToChinese", "fr", "用户名或密码错误"},
	} {
		t.Run("login401_"+c.name, func(t *testing.T) {
			r := send(c.lang, "POST", "/api/v1/auth/login", "", badLogin)
			want(t, r, 401, "unauthenticated")
			if message(r) != c.want {
				t.Fatalf("message %q, want %q", message(r), c.want)
			}
		})
	}
	bad := cadreBody("张三", idFor("19800101", 1), w.unitA)
	bad["birth_date"] = "1980-13-01"
	zh := send("", "POST", "/api/v1/cadres", w.rev, bad)
	en := send("en", "POST", "/api/v1/cadres", w.rev, bad)
	t.Run("validationSameCodeAndFields", func(t *testing.T) {
		want(t, zh, 400, "validation_failed")
		want(t, en, 400, "validation_failed")
		if strings.Join(zh.Fields(), ",") != strings.Join(en.Fields(), ",") || len(zh.Fields()) == 0 {
			t.Fatalf("fields differ: %v %v", zh.Fields(), en.Fields())
		}
		if message(zh) != "请求中有不符合要求的字段" || message(en) != "the request has invalid fields" {
			t.Fatalf("messages %q / %q", message(zh), message(en))
		}
		if detail(en) != "must be a date YYYY-MM-DD" || !strings.Contains(detail(zh), "日期") {
			t.Fatalf("details %q / %q", detail(zh), detail(en))
		}
	})
	t.Run("importRowErrorsInBothLanguages", func(t *testing.T) {
		row := rosterHeader + rosterRow("张三", "男", "1980-01-01", "12345", "A", "否", "2020-01-01")
		zh := w.uploadTo("/api/v1/cadres/import", w.rev, "r.csv", []byte(row))
		want(t, zh, 400, "validation_failed")
		if !strings.HasPrefix(detail(zh), "第 2 行，身份证号：") || !strings.Contains(detail(zh), "18 位") {
			t.Fatalf("zh %q", detail(zh))
		}
	})
}
