package routes_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"

	"gorm.io/gorm"
)

// rawFlag writes a flag directly, in any state (vetting reads flags as they
// are; how they got there is TestFlagTransitions' business).
func rawFlag(t testing.TB, db *gorm.DB, f models.Flag) int64 {
	t.Helper()
	if f.Source == "" {
		f.Source = "discipline"
	}
	if f.Severity == "" {
		f.Severity = "warning"
	}
	f.Summary, f.OccurredOn, f.CreatedBy, f.Version = "线索", civil.MustParse("2024-01-01"), 1, 1
	if err := db.Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	return f.ID
}

// grade writes a cycle and one cadre's final grade in it, as the appraisal
// service leaves them at finalize.
func grade(t testing.TB, db *gorm.DB, cadreID int64, kind, status string, year int, final string) int64 {
	t.Helper()
	c := models.AppraisalCycle{Name: fmt.Sprintf("%d年度考核", year), Kind: kind, Year: year,
		PeriodStart: civil.Text(fmt.Sprintf("%d-01-01", year)), PeriodEnd: civil.Text(fmt.Sprintf("%d-12-31", year)), ExcellentQuotaPct: 20,
		Status: status, CreatedBy: 1}
	if err := db.Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	r := models.AppraisalResult{CycleID: c.ID, CadreID: cadreID, Score: 7000, ProposedGrade: final, FinalGrade: final}
	if err := db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func sp(s string) *string { return &s }

// allChecked writes what a promotion needs of the four checks (SPEC 13) on
// day on: a dossier review that passed and a reply without issue (the cadre
// is no reporting subject, so no personal-matters check), so that a test of
// the other rules sees only them.
func allChecked(t testing.TB, db *gorm.DB, cadreID int64, on string) {
	t.Helper()
	at, err := time.Parse(time.DateOnly, on)
	if err != nil {
		t.Fatal(err)
	}
	at = at.Add(12 * time.Hour)
	r := models.DossierReview{CadreID: cadreID, ReviewedOn: civil.Text(on), Conclusion: "pass", RecordedBy: 1, RecordedByName: "rev", RecordedAt: at}
	o := models.IntegrityOpinion{CadreID: cadreID, Purpose: "appointment", DueOn: civil.Text(on), Status: "replied", RequestedBy: 1,
		RequestedByName: "rev", RequestedAt: at, Conclusion: sp("no_issue"), Text: "未发现问题", SignedBy: "纪委书记",
		RepliedAt: &at}
	if err := db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&o).Error; err != nil {
		t.Fatal(err)
	}
}

type vetCase struct {
	name    string
	purpose string
	seed    func(t *testing.T, db *gorm.DB, c int64) []int64 // the flag or cycle ids the reasons name, in order
	verdict string
	rules   []string
}

func TestVettingRules(t *testing.T) {
	w := newFlagWorld(t)
	const asOf = "2025-06-01"
	flagOf := func(f models.Flag) func(*testing.T, *gorm.DB, int64) []int64 {
		return func(t *testing.T, db *gorm.DB, c int64) []int64 {
			f.CadreID = c
			return []int64{rawFlag(t, db, f)}
		}
	}
	sanction := func(ty, status, on string, until *string) models.Flag {
		f := models.Flag{Kind: "sanction", Status: status, SanctionType: &ty, DecidedOn: new(civil.Text(on))}
		if until != nil {
			f.InfluenceUntil = new(civil.Text(*until))
		}
		return f
	}
	gradeOf := func(kind, status string, year int, g string) func(*testing.T, *gorm.DB, int64) []int64 {
		return func(t *testing.T, db *gorm.DB, c int64) []int64 {
			return []int64{grade(t, db, c, kind, status, year, g)}
		}
	}
	none := func(*testing.T, *gorm.DB, int64) []int64 { return nil }
	cases := []vetCase{
		{"clear_nothing", "promotion", none, "clear", nil},
		{"blocked_underInvestigation", "transfer", flagOf(models.Flag{Kind: "investigation", Status: "open"}), "blocked", []string{"under_investigation"}},
		{"blocked_underInvestigationVerifyingSeriousOnce", "transfer", flagOf(models.Flag{Kind: "investigation", Severity: "serious", Status: "verifying"}), "blocked", []string{"under_investigation"}},
		{"clear_investigationUnsubstantiated", "promotion", flagOf(models.Flag{Kind: "investigation", Status: "unsubstantiated"}), "clear", nil},
		{"blocked_openSeriousFlag", "transfer", flagOf(models.Flag{Kind: "clue", Severity: "serious", Status: "open"}), "blocked", []string{"open_serious_flag"}},
		{"blocked_serousAuditFindingVerifying", "transfer", flagOf(models.Flag{Kind: "audit_finding", Source: "audit", Severity: "serious", Status: "verifying"}), "blocked", []string{"open_serious_flag"}},
		{"clear_seriousSubstantiatedClue", "promotion", flagOf(models.Flag{Kind: "clue", Severity: "serious", Status: "substantiated"}), "clear", nil},
		{"blocked_sanctionInfluence", "promotion", flagOf(sanction("demerit", "in_effect", "2025-01-01", sp("2026-01-01"))), "blocked", []string{"sanction_influence"}},
		{"blocked_sanctionAppointmentIsFurtherUse", "appointment", flagOf(sanction("party_warning", "in_effect", "2025-01-01", sp("2026-01-01"))), "blocked", []string{"sanction_influence"}},
		{"blocked_sanctionCommendation", "commendation", flagOf(sanction("admonishment", "in_effect", "2025-01-01", sp("2025-07-01"))), "blocked", []string{"sanction_influence"}},
		{"caution_sanctionTransfer", "transfer", flagOf(sanction("dismissal", "in_effect", "2025-01-01", sp("2027-01-01"))), "caution", []string{"sanction_influence"}},
		{"blocked_orgRemovalTransferFirst12Months", "transfer", flagOf(sanction("org_removal", "in_effect", "2024-06-02", sp("2026-06-02"))), "blocked", []string{"sanction_influence"}},
		{"caution_orgRemovalTransferAfter12Months", "transfer", flagOf(sanction("org_removal", "in_effect", "2024-06-01", sp("2026-06-01"))), "caution", []string{"sanction_influence"}},
		{"clear_sanctionEndsOnFirstFreeDay", "promotion", flagOf(sanction("gov_warning", "in_effect", "2024-12-01", sp(asOf))), "clear", nil},
		{"clear_sanctionDecidedAfterAsOf", "promotion", flagOf(sanction("demerit", "in_effect", "2025-07-01", sp("2026-07-01"))), "clear", nil},
		{"blocked_sanctionWithoutEnd", "appointment", flagOf(sanction("gov_expulsion", "in_effect", "2010-01-01", nil)), "blocked", []string{"sanction_influence"}},
		{"clear_sanctionRevoked", "promotion", flagOf(sanction("demerit", "revoked", "2025-01-01", sp("2026-01-01"))), "clear", nil},
		{"blocked_investigationOnHold", "transfer", flagOf(models.Flag{Kind: "investigation", Status: "on_hold"}), "blocked", []string{"under_investigation"}},
		{"caution_openSanctionIsAnOpenFlag", "transfer", flagOf(sanction("demerit", "open", "2025-01-01", sp("2026-01-01"))), "caution", []string{"open_flag"}},
		{"blocked_incompetentAnyPurpose", "transfer", gradeOf("annual", "finalized", 2024, "incompetent"), "blocked", []string{"recent_low_grade"}},
		{"blocked_basicCompetentPromotion", "promotion", gradeOf("annual", "finalized", 2024, "basic_competent"), "blocked", []string{"recent_low_grade"}},
		{"blocked_basicCompetentCommendation", "commendation", gradeOf("annual", "finalized", 2024, "basic_competent"), "blocked", []string{"recent_low_grade"}},
		{"blocked_basicCompetentAppointment", "appointment", gradeOf("annual", "finalized", 2024, "basic_competent"), "blocked", []string{"recent_low_grade"}},
		{"clear_thisYearsCycleIsNotLastYears", "promotion", gradeOf("annual", "finalized", 2025, "incompetent"), "clear", nil},
		{"caution_basicCompetentTransfer", "transfer", gradeOf("annual", "finalized", 2024, "basic_competent"), "caution", []string{"recent_low_grade"}},
		{"clear_lowGradeTwoYearsBack", "promotion", gradeOf("annual", "finalized", 2023, "incompetent"), "clear", nil},
		{"clear_lowGradeCycleNotFinalized", "promotion", gradeOf("annual", "closed", 2024, "incompetent"), "clear", nil},
		{"clear_lowGradeNotAnnual", "promotion", gradeOf("ordinary", "finalized", 2024, "incompetent"), "clear", nil},
		{"blocked_lastYearsCycleNotThisYears", "promotion", func(t *testing.T, db *gorm.DB, c int64) []int64 {
			last := grade(t, db, c, "annual", "finalized", 2024, "basic_competent")
			grade(t, db, c, "annual", "finalized", 2025, "competent")
			return []int64{last}
		}, "blocked", []string{"recent_low_grade"}},
		{"caution_openFlag", "promotion", flagOf(models.Flag{Kind: "clue", Status: "verifying"}), "caution", []string{"open_flag"}},
		{"caution_openReportPetition", "promotion", flagOf(models.Flag{Kind: "petition", Source: "petition", PetitionType: sp("report"), Status: "open"}), "caution", []string{"open_flag"}},
		{"clear_openAppealPetitionEvenSerious", "promotion", flagOf(models.Flag{Kind: "petition", Source: "petition", Severity: "serious", PetitionType: sp("appeal"), Status: "open"}), "clear", nil},
		{"clear_openSuggestionPetition", "promotion", flagOf(models.Flag{Kind: "petition", Source: "petition", PetitionType: sp("suggestion"), Status: "verifying"}), "clear", nil},
		{"clear_openInquiry", "promotion", flagOf(models.Flag{Kind: "inquiry", Status: "open"}), "clear", nil},
		{"blocked_combinedInOrder", "transfer", func(t *testing.T, db *gorm.DB, c int64) []int64 {
			open := rawFlag(t, db, models.Flag{CadreID: c, Kind: "clue", Status: "open"})
			inv := rawFlag(t, db, models.Flag{CadreID: c, Kind: "investigation", Status: "verifying"})
			s := sanction("admonishment", "in_effect", "2025-03-01", sp("2025-09-01"))
			s.CadreID = c
			san := rawFlag(t, db, s)
			cyc := grade(t, db, c, "annual", "finalized", 2024, "basic_competent")
			return []int64{inv, san, cyc, open}
		}, "blocked", []string{"under_investigation", "sanction_influence", "recent_low_grade", "open_flag"}},
		{"caution_combined", "transfer", func(t *testing.T, db *gorm.DB, c int64) []int64 {
			cyc := grade(t, db, c, "annual", "finalized", 2024, "basic_competent")
			f2 := rawFlag(t, db, models.Flag{CadreID: c, Kind: "audit_finding", Source: "audit", Status: "open"})
			f1 := rawFlag(t, db, models.Flag{CadreID: c, Kind: "clue", Status: "verifying"})
			return []int64{cyc, f2, f1}
		}, "caution", []string{"recent_low_grade", "open_flag", "open_flag"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := w.cadre("干部", idFor("19700101", 100+i), w.unitA)
			allChecked(t, w.db, id, asOf) // the four checks' own rules: checks_test.go
			named := c.seed(t, w.db, id)
			r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", id), w.rev, map[string]any{"purpose": c.purpose, "as_of": asOf})
			want(t, r, 201)
			m := r.JSON()
			if m["verdict"] != c.verdict || m["as_of"] != asOf || m["purpose"] != c.purpose || m["cadre_id"].(float64) != float64(id) {
				t.Fatalf("body %s", r.Body)
			}
			var rules []string
			var ids []int64
			for _, x := range m["reasons"].([]any) {
				rs := x.(map[string]any)
				rules = append(rules, rs["rule"].(string))
				if rs["message"] == "" {
					t.Fatalf("reason without message: %v", rs)
				}
				ref, ok := rs["flag_id"]
				if rs["rule"] == "recent_low_grade" {
					ref, ok = rs["cycle_id"]
				}
				if !ok {
					t.Fatalf("reason names neither flag nor cycle: %v", rs)
				}
				ids = append(ids, int64(ref.(float64)))
			}
			if !slices.Equal(rules, c.rules) {
				t.Fatalf("rules %v, want %v", rules, c.rules)
			}
			if len(c.rules) > 0 && !slices.Equal(ids, named) {
				t.Fatalf("reasons name %v, want %v", ids, named)
			}
		})
	}
}

// recent_low_grade reads year − 2 while no annual cycle of year − 1 is
// finalized, and year − 1 once one is (for any cadre): SPEC 9, a 2024
// 基本称职 on 2026-01-15.
func TestVettingRecentGradeFallback(t *testing.T) {
	w := newFlagWorld(t)
	const asOf = "2026-01-15"
	allChecked(t, w.db, w.a, asOf)
	vet := func() map[string]any {
		r := w.do("POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", w.a), w.rev, map[string]any{"purpose": "promotion", "as_of": asOf})
		want(t, r, 201)
		return r.JSON()
	}
	cyc := grade(t, w.db, w.a, "annual", "finalized", 2024, "basic_competent")
	m := vet()
	rs := m["reasons"].([]any)
	if m["verdict"] != "blocked" || len(rs) != 1 || rs[0].(map[string]any)["cycle_id"].(float64) != float64(cyc) {
		t.Fatalf("while 2025 has no finalized cycle: %v", m)
	}
	// A 2025 cycle of another cadre, still closed: 2024 still counts.
	grade(t, w.db, w.b, "annual", "closed", 2025, "competent")
	if m := vet(); m["verdict"] != "blocked" {
		t.Fatalf("with 2025 only closed: %v", m)
	}
	// Finalized, even without this cadre: 2025 is "last year", 2024 no more.
	grade(t, w.db, w.b, "annual", "finalized", 2025, "competent")
	if m := vet(); m["verdict"] != "clear" {
		t.Fatalf("once 2025 is finalized: %v", m)
	}
}

func TestVetting(t *testing.T) {
	w := newFlagWorld(t)
	path := fmt.Sprintf("/api/v1/cadres/%d/vettings", w.a)
	today := w.clock.Now().UTC().Format(time.DateOnly)
	tomorrow := w.clock.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	allChecked(t, w.db, w.a, today)
	t.Run("201_asOfDefaultsToToday", func(t *testing.T) {
		r := w.do("POST", path, w.rev, map[string]any{"purpose": "promotion"})
		want(t, r, 201)
		m := r.JSON()
		if m["as_of"] != today || m["verdict"] != "clear" || len(m["reasons"].([]any)) != 0 ||
			m["checked_by"].(float64) != float64(w.revID) || m["checked_at"] == "" || r.ID() == 0 {
			t.Fatalf("body %s", r.Body)
		}
		want(t, w.do("POST", path, w.rev, map[string]any{"purpose": "promotion", "as_of": nil}), 201)
		want(t, w.do("POST", path, w.rev, map[string]any{"purpose": "transfer", "as_of": today}), 201)
	})
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"400_asOfFuture", map[string]any{"purpose": "promotion", "as_of": tomorrow}, "as_of"},
		{"400_asOfNotADate", map[string]any{"purpose": "promotion", "as_of": "2025-02-30"}, "as_of"},
		{"400_asOfEmpty", map[string]any{"purpose": "promotion", "as_of": ""}, "as_of"},
		{"400_unknownPurpose", map[string]any{"purpose": "secondment"}, "purpose"},
		{"400_purposeMissing", map[string]any{}, "purpose"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.do("POST", path, w.rev, c.body)
			want(t, r, 400, "validation_failed")
			if !slices.Equal(r.Fields(), []string{c.field}) {
				t.Fatalf("fields %v", r.Fields())
			}
		})
	}
	t.Run("400_serverOwnedField", func(t *testing.T) {
		want(t, w.do("POST", path, w.rev, map[string]any{"purpose": "promotion", "verdict": "clear"}), 400, "invalid_json")
	})
	t.Run("scope", func(t *testing.T) {
		body := map[string]any{"purpose": "promotion"}
		want(t, w.do("POST", "/api/v1/cadres/99999/vettings", w.rev, body), 404, "not_found")
		want(t, w.do("POST", path, w.selfReviewer, body), 404, "not_found")
		want(t, w.do("GET", path, w.selfReviewer, nil), 404, "not_found")
		for role, tok := range map[string]string{"auditor": w.auditor, "evaluator": w.evalA, "admin": w.admin, "security_auditor": w.secAuditor} {
			wantPolicy(t, w.do("POST", path, tok, body), "POST /api/v1/cadres/:id/vettings", role)
			wantPolicy(t, w.do("GET", path, tok, nil), "GET /api/v1/cadres/:id/vettings", role)
		}
	})
	t.Run("listNewestFirstAndStoredAsAnswered", func(t *testing.T) {
		rawFlag(t, w.db, models.Flag{CadreID: w.a, Kind: "clue", Status: "open"})
		last := w.do("POST", path, w.rev, map[string]any{"purpose": "appointment", "as_of": "2025-01-02"})
		want(t, last, 201)
		r := w.do("GET", path, w.rev, nil)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		if r.JSON()["total"].(float64) != 4 || len(items) != 4 {
			t.Fatalf("list %s", r.Body)
		}
		first := items[0].(map[string]any)
		// Caution for the open clue, and incomplete: the checks of today
		// came after as_of.
		if int64(first["id"].(float64)) != last.ID() || first["verdict"] != "incomplete" || first["as_of"] != "2025-01-02" ||
			first["reasons"].([]any)[0].(map[string]any)["rule"] != "open_flag" {
			t.Fatalf("newest %v", first)
		}
		// Earlier vettings are not re-evaluated: the flag filed since leaves them clear.
		if items[3].(map[string]any)["verdict"] != "clear" {
			t.Fatalf("oldest %v", items[3])
		}
		for _, m := range []string{"PATCH", "DELETE", "PUT"} {
			if r := w.do(m, path, w.rev, "{}"); r.Status != 405 {
				t.Fatalf("%s on vettings: %d", m, r.Status)
			}
		}
	})
}

// countStatements counts every statement run on db from now on: reads and
// writes.
func countStatements(t testing.TB, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	n := &atomic.Int64{}
	inc := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("test:stmt_query", inc),
		"row":    cb.Row().After("gorm:row").Register("test:stmt_row", inc),
		"create": cb.Create().After("gorm:create").Register("test:stmt_create", inc),
		"update": cb.Update().After("gorm:update").Register("test:stmt_update", inc),
		"raw":    cb.Raw().After("gorm:raw").Register("test:stmt_raw", inc),
	} {
		if err != nil {
			t.Fatal(name, err)
		}
	}
	return n
}

// seedCadres writes n active cadres of unit with batched raw inserts (the
// API would take minutes at benchmark sizes) and returns their ids; their
// ID numbers are placeholders.
func seedCadres(t testing.TB, db *gorm.DB, unitID int64, n int) []int64 {
	t.Helper()
	const batch = 500
	var max int64
	db.Model(&models.Cadre{}).Select("COALESCE(MAX(id), 0)").Scan(&max)
	now := time.Now().UTC()
	err := db.Transaction(func(tx *gorm.DB) error {
		for start := 0; start < n; start += batch {
			end := min(start+batch, n)
			var sb strings.Builder
			sb.WriteString("INSERT INTO cadres (id, name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, unit_id, position, `rank`, is_top_leader, appointed_on, status, version, created_at, updated_at) VALUES ")
			args := make([]any, 0, (end-start)*7)
			for i := start; i < end; i++ {
				if i > start {
					sb.WriteString(",")
				}
				sb.WriteString("(?, ?, 'male', '1980-01-01', ?, ?, '110105********0011', ?, '科员', '科级', false, '2020-01-01', 'active', 1, ?, ?)")
				id := max + int64(i) + 1
				args = append(args, id, fmt.Sprintf("干部%d", id), []byte{1}, fmt.Sprintf("%064d", id), unitID, now, now)
			}
			if err := tx.Exec(sb.String(), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = max + int64(i) + 1
	}
	return ids
}

func TestVettingBatch(t *testing.T) {
	w := newFlagWorld(t)
	ids := seedCadres(t, w.db, w.unitA, 1000)
	// Cadre ids[1] under investigation, ids[2] with an open clue.
	rawFlag(t, w.db, models.Flag{CadreID: ids[1], Kind: "investigation", Status: "open"})
	rawFlag(t, w.db, models.Flag{CadreID: ids[2], Kind: "clue", Status: "open"})
	for _, id := range append(slices.Clone(ids), w.a) {
		allChecked(t, w.db, id, "2025-06-01")
	}
	stored := func() int64 {
		var n int64
		w.db.Model(&models.Vetting{}).Count(&n)
		return n
	}
	batch := func(tok string, ids []int64, extra ...any) *resp {
		body := map[string]any{"cadre_ids": ids, "purpose": "promotion", "as_of": "2025-06-01"}
		for i := 0; i < len(extra); i += 2 {
			body[extra[i].(string)] = extra[i+1]
		}
		return w.do("POST", "/api/v1/vettings/batch", tok, body)
	}
	t.Run("200_inTheOrderAsked", func(t *testing.T) {
		asked := []int64{ids[2], ids[0], ids[1], w.a}
		r := batch(w.rev, asked)
		want(t, r, 200)
		items := r.JSON()["items"].([]any)
		verdicts := []string{"caution", "clear", "blocked", "clear"}
		if len(items) != len(asked) {
			t.Fatalf("items %d", len(items))
		}
		for i, it := range items {
			m := it.(map[string]any)
			if int64(m["cadre_id"].(float64)) != asked[i] || m["verdict"] != verdicts[i] || m["id"].(float64) == 0 ||
				m["as_of"] != "2025-06-01" || m["purpose"] != "promotion" {
				t.Fatalf("item %d: %v", i, m)
			}
		}
		if stored() != 4 {
			t.Fatalf("%d stored", stored())
		}
		l := w.do("GET", fmt.Sprintf("/api/v1/cadres/%d/vettings", ids[1]), w.rev, nil)
		if l.JSON()["total"].(float64) != 1 || l.JSON()["items"].([]any)[0].(map[string]any)["verdict"] != "blocked" {
			t.Fatalf("stored %s", l.Body)
		}
	})
	t.Run("200_thousand", func(t *testing.T) {
		before := stored()
		r := batch(w.rev, ids)
		want(t, r, 200)
		if n := len(r.JSON()["items"].([]any)); n != 1000 || stored() != before+1000 {
			t.Fatalf("%d items, %d stored", n, stored()-before)
		}
	})
	for _, c := range []struct {
		name   string
		tok    string
		ids    []int64
		extra  []any
		fields []string
	}{
		{"400_1001", w.rev, append(slices.Clone(ids), w.a), nil, []string{"cadre_ids"}},
		{"400_empty", w.rev, []int64{}, nil, []string{"cadre_ids"}},
		{"400_unknownIds", w.rev, []int64{ids[0], 999999, ids[1], 888888}, nil, []string{"cadre_ids[1]", "cadre_ids[3]"}},
		{"400_ownRecordRecusal", w.selfReviewer, []int64{w.b, w.a}, nil, []string{"cadre_ids[1]"}},
		{"400_duplicates", w.rev, []int64{ids[0], ids[1], ids[0], ids[0]}, nil, []string{"cadre_ids[2]", "cadre_ids[3]"}},
		{"400_notPositive", w.rev, []int64{ids[0], 0, -3}, nil, []string{"cadre_ids[1]", "cadre_ids[2]"}},
		// A date in the future, but within the plausible range that the
		// decoder checks first (TestDateRules), is the service's fault,
		// reported beside purpose's.
		{"400_purposeAndAsOf", w.rev, []int64{ids[0]}, []any{"purpose", "x", "as_of", w.clock.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)}, []string{"purpose", "as_of"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := stored()
			r := batch(c.tok, c.ids, c.extra...)
			want(t, r, 400, "validation_failed")
			if !slices.Equal(r.Fields(), c.fields) {
				t.Fatalf("fields %v, want %v", r.Fields(), c.fields)
			}
			if stored() != before {
				t.Fatal("a refused batch stored vettings")
			}
		})
	}
	t.Run("policy_roles", func(t *testing.T) {
		for role, tok := range map[string]string{"auditor": w.auditor, "evaluator": w.evalA, "admin": w.admin, "security_auditor": w.secAuditor} {
			wantPolicy(t, batch(tok, ids[:1]), "POST /api/v1/vettings/batch", role)
		}
	})
	t.Run("fixedQueryCount", func(t *testing.T) {
		// Every cadre of the big batch has flags and grades to read.
		for i := 0; i < 1000; i += 3 {
			rawFlag(t, w.db, models.Flag{CadreID: ids[i], Kind: "clue", Status: "verifying"})
		}
		grade(t, w.db, ids[0], "annual", "finalized", 2024, "basic_competent")
		// And checks of SPEC 13 (every cadre has a review and a reply):
		// personal-matters checks, reporting subjects.
		rawInsert(t, w.db, "personal_matters_checks", "cadre_id, kind, checked_on, result, family_emigrated, note, recorded_by, recorded_by_name, recorded_at",
			500, func(i int) []any {
				return []any{ids[i*2], "random", "2025-05-01", []string{"consistent", "omission", "concealment"}[i%3], i%7 == 0, "", 1, "rev", time.Now().UTC()}
			})
		w.db.Model(&models.Cadre{}).Where("id IN ?", ids[:500]).Update("reports_personal_matters", true)
		n := countStatements(t, w.db)
		want(t, batch(w.rev, ids[:3]), 200)
		few := n.Swap(0)
		r := batch(w.rev, ids, "becomes_reporting_subject", true)
		want(t, r, 200)
		many := n.Swap(0)
		// 16: main's 12, and the four reads of the checks of SPEC 13 for a
		// promotion (services/checks.Evidence: reporting subjects, reviews,
		// personal-matters checks, replies).
		if few != many || many > 16 {
			t.Fatalf("statements: %d for 3 cadres, %d for 1,000", few, many)
		}
		blocked := 0
		for _, it := range r.JSON()["items"].([]any) {
			if m := it.(map[string]any); m["becomes_reporting_subject"] != true || m["basis"].(map[string]any)["dossier_review_id"] == nil {
				t.Fatalf("item %v", m)
			} else if m["verdict"] == "blocked" {
				blocked++
			}
		}
		if blocked < 100 {
			t.Fatalf("%d blocked: the checks were not read", blocked)
		}
		t.Logf("batch vetting: %d statements whatever the size (authentication included)", many)
	})
}
