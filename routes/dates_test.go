package routes_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The date rule of SPEC section 3, for every kind of date field the API
// takes: a date is YYYY-MM-DD and a real day; a birth date is from
// 1900-01-01 and at least 16 years before today; every other date is from
// 1949-10-01 (and no later than the end of next year), and not before the
// cadre's birth where a cadre is named. The decoder refuses the first
// three for every date of every body, naming the field; the services the
// last; the imports all of them, row by row.

// dateCase is one date of one route sent with one value.
type dateCase struct {
	route  string // METHOD and path template, as the document names it
	field  string // as the 400 names it
	path   string
	tok    string
	body   map[string]any
	status int // 400 (validation_failed naming field) unless 201 or 200
}

func TestDateRules(t *testing.T) {
	w := newFlagWorld(t) // 张三 (a) born 1980-01-01
	today := w.clock.Now().UTC()
	day := func(years, days int) string { return today.AddDate(years, 0, days).Format(time.DateOnly) }
	compact := func(d string) string { return strings.ReplaceAll(d, "-", "") }
	cadrePath := fmt.Sprintf("/api/v1/cadres/%d", w.a)
	records := cadrePath + "/records"
	rec := w.do("POST", records, w.rev, map[string]any{"occurred_on": "2024-01-01", "category": "duty", "content": "原记录"})
	want(t, rec, 201)
	amend := fmt.Sprintf("%s/%d/amendments", records, rec.ID())
	// A cadre born before 1949 (retired, still on file), so that only the
	// 1949-10-01 bound can refuse the dates of their life before it.
	old := w.cadre("老干部", idFor("19300101", 120), w.unitA)
	oldPath := fmt.Sprintf("/api/v1/cadres/%d", old)
	oldRec := w.do("POST", oldPath+"/records", w.rev, map[string]any{"occurred_on": "1950-01-01", "category": "duty", "content": "原记录"})
	want(t, oldRec, 201)
	oldAmend := fmt.Sprintf("%s/records/%d/amendments", oldPath, oldRec.ID())
	newCadre := func(birth string, seq int) map[string]any {
		return cadreBody("王"+fmt.Sprint(seq), idFor(compact(birth), seq), w.unitA)
	}
	sanction := func(on string) map[string]any {
		return with(clueBody(w.a), "kind", "sanction", "sanction", map[string]any{"type": "demerit", "decided_on": on})
	}
	oldSanction := func(on string) map[string]any { return with(sanction(on), "cadre_id", old) }
	review := func(on string) map[string]any { return map[string]any{"reviewed_on": on, "findings": sixFindings()} }
	matters := func(on string) map[string]any {
		return map[string]any{"kind": "random", "checked_on": on, "result": "consistent"}
	}
	const (
		createCadre = "POST /api/v1/cadres"
		patchCadre  = "PATCH /api/v1/cadres/{id}"
		addRecord   = "POST /api/v1/cadres/{id}/records"
		amendRecord = "POST /api/v1/cadres/{id}/records/{rid}/amendments"
		fileFlag    = "POST /api/v1/flags"
		newCycle    = "POST /api/v1/appraisal-cycles"
		addReview   = "POST /api/v1/cadres/{id}/dossier-reviews"
		addMatters  = "POST /api/v1/cadres/{id}/personal-matters-checks"
		askOpinion  = "POST /api/v1/cadres/{id}/integrity-opinions"
		vet         = "POST /api/v1/cadres/{id}/vettings"
		vetBatch    = "POST /api/v1/vettings/batch"
		patchFlag   = "PATCH /api/v1/flags/{id}"
		reviewFlag  = "POST /api/v1/flags/{id}/sanction-changes"
	)
	filed := w.do("POST", "/api/v1/flags", w.auditor, sanction("2020-01-01"))
	want(t, filed, 201)
	flagPath := fmt.Sprintf("/api/v1/flags/%d", filed.ID())
	measure := func(on string) map[string]any {
		return with(clueBody(w.a), "kind", "measure", "measure", map[string]any{"type": "reminder_talk", "decided_on": on})
	}
	cases := []dateCase{
		// A birth date: from 1900-01-01, at least 16 years before today.
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, with(newCadre("1985-06-07", 101), "birth_date", "0000-01-01"), 400},
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, newCadre("1899-12-31", 102), 400},
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, newCadre(day(-15, 0), 103), 400},
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, newCadre(day(-16, 1), 104), 400},
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, with(newCadre("1985-06-07", 105), "birth_date", "1985-6-7"), 400},
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, newCadre("1900-01-01", 106), 201},
		{createCadre, "birth_date", "/api/v1/cadres", w.rev, newCadre(day(-16, 0), 107), 201},
		{patchCadre, "birth_date", cadrePath, w.rev, map[string]any{"birth_date": "0001-01-01", "version": 1}, 400},
		// Every other date: from 1949-10-01.
		{createCadre, "appointed_on", "/api/v1/cadres", w.rev, with(newCadre("1930-01-01", 108), "appointed_on", "1949-09-30"), 400},
		{createCadre, "appointed_on", "/api/v1/cadres", w.rev, with(newCadre("1930-01-01", 109), "appointed_on", "1949-10-01"), 201},
		{patchCadre, "appointed_on", oldPath, w.rev, map[string]any{"appointed_on": "1949-09-30", "version": 1}, 400},
		{addRecord, "occurred_on", oldPath + "/records", w.rev, map[string]any{"occurred_on": "1949-09-30", "category": "duty", "content": "x"}, 400},
		{addRecord, "occurred_on", records, w.rev, map[string]any{"occurred_on": "2023-02-29", "category": "duty", "content": "x"}, 400},
		{amendRecord, "occurred_on", oldAmend, w.rev, map[string]any{"occurred_on": "1949-09-30", "content": "x", "reason": "更正"}, 400},
		{fileFlag, "occurred_on", "/api/v1/flags", w.auditor, with(clueBody(old), "occurred_on", "1949-09-30"), 400},
		{fileFlag, "sanction.decided_on", "/api/v1/flags", w.auditor, oldSanction("0001-01-01"), 400},
		{fileFlag, "sanction.decided_on", "/api/v1/flags", w.auditor, oldSanction("1949-09-30"), 400},
		{fileFlag, "measure.decided_on", "/api/v1/flags", w.auditor, measure("1949-09-30"), 400},
		{fileFlag, "measure.decided_on", "/api/v1/flags", w.auditor, measure("1979-12-31"), 400},
		{fileFlag, "feedback_on", "/api/v1/flags", w.auditor, with(clueBody(w.a), "feedback_on", "0001-01-01"), 400},
		{patchFlag, "rectified_on", flagPath, w.auditor, map[string]any{"status": "resolved", "version": 1, "rectified_on": "0001-01-01"}, 400},
		{reviewFlag, "decided_on", flagPath + "/sanction-changes", w.auditor, map[string]any{"action": "revoke", "decided_on": "1949-09-30", "basis": "复核"}, 400},
		{newCycle, "period_start", cycles, w.rev, with(cycleBody("annual", 20), "period_start", "0001-01-01"), 400},
		{newCycle, "period_end", cycles, w.rev, with(cycleBody("annual", 20), "period_end", "9999-12-31"), 400},
		{addReview, "reviewed_on", oldPath + "/dossier-reviews", w.rev, review("0001-01-01"), 400},
		{addMatters, "checked_on", oldPath + "/personal-matters-checks", w.rev, matters("1949-09-30"), 400},
		{askOpinion, "due_on", cadrePath + "/integrity-opinions", w.rev, map[string]any{"purpose": "promotion", "due_on": "0001-01-01"}, 400},
		{vet, "as_of", oldPath + "/vettings", w.rev, map[string]any{"purpose": "promotion", "as_of": "0001-01-01"}, 400},
		{vetBatch, "as_of", "/api/v1/vettings/batch", w.rev, map[string]any{"cadre_ids": []int64{old}, "purpose": "promotion", "as_of": "1949-09-30"}, 400},
		// Not before the cadre's birth (1980-01-01), where a cadre is named.
		{addRecord, "occurred_on", records, w.evalA, map[string]any{"occurred_on": "1979-12-31", "category": "duty", "content": "x"}, 400},
		{amendRecord, "occurred_on", amend, w.rev, map[string]any{"occurred_on": "1979-12-31", "content": "x", "reason": "更正"}, 400},
		{fileFlag, "occurred_on", "/api/v1/flags", w.auditor, with(clueBody(w.a), "occurred_on", "1979-12-31"), 400},
		{fileFlag, "sanction.decided_on", "/api/v1/flags", w.auditor, sanction("1979-12-31"), 400},
		{addReview, "reviewed_on", cadrePath + "/dossier-reviews", w.rev, review("1979-12-31"), 400},
		{addMatters, "checked_on", cadrePath + "/personal-matters-checks", w.rev, matters("1979-12-31"), 400},
		{patchCadre, "appointed_on", cadrePath, w.rev, map[string]any{"appointed_on": "1979-12-31", "version": 1}, 400},
		{fileFlag, "sanction.decided_on", "/api/v1/flags", w.auditor, sanction("1980-01-01"), 201},
		{fileFlag, "sanction.decided_on", "/api/v1/flags", w.auditor, oldSanction("1949-10-01"), 201},
		{addRecord, "occurred_on", oldPath + "/records", w.rev, map[string]any{"occurred_on": "1949-10-01", "category": "duty", "content": "x"}, 201},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s/%d_%v", c.route, c.field, c.status, dateOf(c.body, c.field)), func(t *testing.T) {
			r := w.do(strings.Fields(c.route)[0], c.path, c.tok, c.body)
			if c.status != 400 {
				want(t, r, c.status)
				return
			}
			wantFields(t, r, c.field)
		})
	}
	t.Run("messagesInChinese", func(t *testing.T) {
		r := w.do("POST", "/api/v1/flags", w.auditor, sanction("0001-01-01"))
		if msg := r.JSON()["error"].(map[string]any)["details"].([]any)[0].(map[string]any)["message"].(string); !strings.Contains(msg, "须为 1949-10-01 至 ") {
			t.Fatalf("message %q", msg)
		}
		r = w.do("POST", "/api/v1/cadres", w.rev, newCadre("1899-12-31", 110))
		if msg := r.JSON()["error"].(map[string]any)["details"].([]any)[0].(map[string]any)["message"].(string); !strings.Contains(msg, "1900-01-01 至 "+day(-16, 0)+" 之间的出生日期") {
			t.Fatalf("message %q", msg)
		}
		r = w.do("POST", records, w.rev, map[string]any{"occurred_on": "1979-12-31", "category": "duty", "content": "x"})
		if !strings.Contains(string(r.Body), "不能早于该干部的出生日期（1980-01-01）") {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("wrongJSONType", func(t *testing.T) {
		want(t, w.do("POST", records, w.rev, map[string]any{"occurred_on": 20240101, "category": "duty", "content": "x"}), 400, "invalid_json")
	})
	t.Run("everyDateFieldHasACase", func(t *testing.T) {
		covered := map[string]bool{}
		for _, c := range cases {
			covered[c.route+" "+c.field] = true
		}
		for _, f := range documentedDates(t, w) {
			if !covered[f] {
				t.Errorf("no case for the date %s: add one to TestDateRules", f)
			}
		}
	})
}

// dateOf is the value a case sends in field (sanction.decided_on included).
func dateOf(body map[string]any, field string) any {
	if sub, leaf, ok := strings.Cut(field, "."); ok {
		return body[sub].(map[string]any)[leaf]
	}
	return body[field]
}

// documentedDates lists "METHOD path field" for every request body field of
// format date in the OpenAPI document, nested objects included.
func documentedDates(t *testing.T, w *flagWorld) []string {
	t.Helper()
	r := w.do("GET", "/openapi.json", "", nil)
	want(t, r, 200)
	var doc map[string]any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	comps := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var out []string
	var walk func(route, prefix string, s map[string]any, depth int)
	walk = func(route, prefix string, s map[string]any, depth int) {
		if depth > 8 {
			return
		}
		if ref, ok := s["$ref"].(string); ok {
			walk(route, prefix, comps[ref[strings.LastIndex(ref, "/")+1:]].(map[string]any), depth+1)
			return
		}
		for _, key := range []string{"anyOf", "oneOf", "allOf"} {
			if alts, ok := s[key].([]any); ok {
				for _, a := range alts {
					walk(route, prefix, a.(map[string]any), depth+1)
				}
			}
		}
		if s["format"] == "date" {
			out = append(out, route+" "+prefix)
		}
		if items, ok := s["items"].(map[string]any); ok {
			walk(route, prefix+"[0]", items, depth+1)
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			sub := name
			if prefix != "" {
				sub = prefix + "." + name
			}
			walk(route, sub, p.(map[string]any), depth+1)
		}
	}
	for path, ops := range doc["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			body, ok := op.(map[string]any)["requestBody"].(map[string]any)
			if !ok {
				continue
			}
			js, ok := body["content"].(map[string]any)["application/json"].(map[string]any)
			if !ok {
				continue
			}
			walk(strings.ToUpper(method)+" "+path, "", js["schema"].(map[string]any), 0)
		}
	}
	sort.Strings(out)
	out = slices.Compact(out)
	if len(out) < 10 {
		t.Fatalf("only %d dates documented: %v", len(out), out)
	}
	return out
}

// TestDateRulesImports: a roster's rows and an appointment form obey the
// same bounds, each refusal a row-level detail naming the row (or file) and
// the column (or element), nothing written.
func TestDateRulesImports(t *testing.T) {
	w := newFlagWorld(t)
	young := w.clock.Now().UTC().AddDate(-15, 0, 0).Format("20060102")
	young = young[:4] + "-" + young[4:6] + "-" + young[6:]
	for _, c := range []struct {
		name, birth, appointed, field string
	}{
		{"birthBefore1900", "1899-12-31", "1990-01-01", "rows[2].birth_date"},
		{"birth15YearsAgo", young, "1990-01-01", "rows[2].birth_date"},
		{"appointedBefore1949", "1930-01-01", "1949-09-30", "rows[2].appointed_on"},
	} {
		t.Run("roster400_"+c.name, func(t *testing.T) {
			id := idFor(strings.ReplaceAll(c.birth, "-", ""), 301)
			r := w.upload(w.rev, "roster.csv", []byte(rosterHeader+rosterRow("王五", genderOf(id), c.birth, id, "A", "否", c.appointed)))
			want(t, r, 400, "validation_failed")
			if !slices.Contains(r.Fields(), c.field) {
				t.Fatalf("fields %v, want %s: %s", r.Fields(), c.field, r.Body)
			}
		})
	}
	t.Run("roster200_birth1900", func(t *testing.T) {
		id := idFor("19000101", 302)
		r := w.upload(w.rev, "roster.csv", []byte(rosterHeader+rosterRow("王六", genderOf(id), "1900-01-01", id, "A", "否", "1949-10-01")))
		want(t, r, 200)
	})
	unit := map[string]string{"unit_id": fmt.Sprint(w.unitA)}
	for _, c := range []struct {
		name  string
		data  []byte
		field string
	}{
		{"birthBefore1900", form("王七", idFor("18991231", 303), "CanJiaGongZuoShiJian", "", "JianLi", ""), "files[x.lrmx].ShenFenZheng"},
		{"birth15YearsAgo", form("王七", idFor(strings.ReplaceAll(young, "-", ""), 304), "CanJiaGongZuoShiJian", "", "JianLi", ""), "files[x.lrmx].ShenFenZheng"},
		{"appointedBefore1949", form("王七", idFor("19300101", 305), "CanJiaGongZuoShiJian", "194801", "JianLi", "1948.01--  区财政局科员"), "files[x.lrmx].JianLi"},
	} {
		t.Run("lrmx400_"+c.name, func(t *testing.T) {
			r := w.importLRMX(w.rev, "x.lrmx", c.data, unit)
			want(t, r, 400, "validation_failed")
			if !slices.Contains(r.Fields(), c.field) {
				t.Fatalf("fields %v, want %s: %s", r.Fields(), c.field, r.Body)
			}
		})
	}
}
