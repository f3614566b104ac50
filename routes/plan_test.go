package routes_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/civil"

	"gorm.io/gorm"
)

// bigTables grow with the city: a full scan of any of them in a request
// is a request whose cost grows with the data, not with its answer.
var bigTables = map[string]bool{
	"cadres": true, "records": true, "flags": true, "flag_events": true, "access_entries": true,
	"appraisal_assignments": true, "appraisals": true, "appraisal_results": true, "vettings": true,
	"idempotencies":   true,
	"dossier_reviews": true, "dossier_findings": true, "personal_matters_checks": true, "integrity_opinions": true,
	"integrity_opinion_flags": true,
}

type capturedSQL struct {
	sql  string
	vars []any
}

// sqlCapture records every SELECT the services issue while on, by a gorm
// callback on the same handle the services use, so the plans checked are
// those of the queries as written, filters and scope subqueries included.
type sqlCapture struct {
	mu  sync.Mutex
	on  bool
	got []capturedSQL
}

func (c *sqlCapture) hook(tx *gorm.DB) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// DryRun: gorm builds a subquery's SQL by running the callbacks in
	// dry-run mode; it is checked as part of the statement embedding it.
	if !c.on || tx.Error != nil || tx.DryRun {
		return
	}
	s := tx.Statement.SQL.String()
	if strings.HasPrefix(strings.TrimSpace(strings.ToUpper(s)), "SELECT") {
		c.got = append(c.got, capturedSQL{s, append([]any(nil), tx.Statement.Vars...)})
	}
}

func (c *sqlCapture) start() { c.mu.Lock(); c.on, c.got = true, nil; c.mu.Unlock() }
func (c *sqlCapture) stop() []capturedSQL {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.got
}

// fullScans explains q and returns the plan lines that read a big table
// whole: SQLite's "SCAN t" (with or without an index: an index scanned
// from end to end is still a scan), MySQL's access type ALL.
func fullScans(t *testing.T, db *gorm.DB, driver string, q capturedSQL) (bad, plan []string) {
	t.Helper()
	if driver == "sqlite" {
		rows, err := db.Raw("EXPLAIN QUERY PLAN "+q.sql, q.vars...).Rows()
		if err != nil {
			t.Fatalf("explain %s: %v", q.sql, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
			f := strings.Fields(detail)
			if len(f) >= 2 && f[0] == "SCAN" && bigTables[f[1]] {
				bad = append(bad, detail)
			}
		}
		bad = append(bad, inDriven(q.sql, plan)...)
		// A list of one cadre's rows must be found by the cadre, not by a
		// wider filter whose rows are then checked one by one.
		if byCadre.MatchString(q.sql) && !strings.Contains(strings.Join(plan, "|"), "cadre_id=?") {
			bad = append(bad, "not searched by cadre_id: "+strings.Join(plan, " | "))
		}
		return bad, plan
	}
	rows, err := db.Raw("EXPLAIN "+q.sql, q.vars...).Rows()
	if err != nil {
		t.Fatalf("explain %s: %v", q.sql, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				m[c] = string(b)
			} else if vals[i] != nil {
				m[c] = fmt.Sprint(vals[i])
			}
		}
		line := fmt.Sprintf("%s type=%s key=%s rows=%s extra=%s", m["table"], m["type"], m["key"], m["rows"], m["Extra"])
		plan = append(plan, line)
		if m["type"] == "ALL" && bigTables[m["table"]] {
			bad = append(bad, line)
		}
	}
	return bad, plan
}

var (
	inSubquery = regexp.MustCompile(`(?:\w+\.)?(\w+) IN \(SELECT`)
	inOnTable  = regexp.MustCompile(`ON TABLE (\w+) FOR IN-OPERATOR`)
	byCadre    = regexp.MustCompile(`\bcadre_id = \?`)
)

// inDriven finds SQLite's disguised full scan: a scope filter
// "x IN (SELECT id FROM cadres …)" chosen as the *driving* index
// constraint (SEARCH t USING INDEX … (x=?…)) when the statement has no
// equality on x of its own, so every row of the subquery's table is
// visited to probe the index once each.
func inDriven(sql string, plan []string) []string {
	var bad []string
	for _, m := range inSubquery.FindAllStringSubmatch(sql, -1) {
		col := m[1]
		if regexp.MustCompile(`\b` + col + ` = \?`).MatchString(sql) {
			continue
		}
		from := ""
		for _, line := range plan {
			if t := inOnTable.FindStringSubmatch(line); t != nil && bigTables[t[1]] {
				from = t[1]
			}
		}
		if from == "" {
			continue
		}
		for _, line := range plan {
			if strings.HasPrefix(line, "SEARCH") && strings.Contains(line, "("+col+"=?") {
				bad = append(bad, line+" (every row of "+from+" drives the search)")
			}
		}
	}
	return bad
}

// TestQueryPlans issues every list and filter of the SPEC, and the reads
// and writes of the load mix, through the real router on a database with
// enough rows for the planner to care, captures the SELECTs the services
// issue, and fails on any full scan of a table that grows with the city
// (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on MySQL).
func TestQueryPlans(t *testing.T) {
	w := newWorld(t)
	secID, sec := w.user("sec", []string{"security_auditor"}, nil, nil)
	evalID := userID(t, w.db, "evala")
	_ = secID
	// 3,000 cadres in ten units, so that one unit's list is a tenth.
	ids := seedCadres(t, w.db, w.unitA1, 300)
	for i := range 9 {
		u := w.unit(fmt.Sprintf("B%d", i), &w.unitB)
		ids = append(ids, seedCadres(t, w.db, u, 300)...)
	}
	// The cadre read is created through the API: its ID number is sealed
	// with the real key (the seeded ones are not), the rest are bulk.
	c := w.cadre("张三", idFor("19800101", 1), w.unitA1)
	ids[1234] = c
	now := time.Now().UTC()
	cats := []string{"political", "duty", "major_task", "conduct", "integrity", "commendation", "shortcoming"}
	rawInsert(t, w.db, "records", "cadre_id, occurred_on, category, content, recorded_by, recorded_by_name, recorded_at", 30_000,
		func(i int) []any {
			return []any{ids[i%len(ids)], fmt.Sprintf("20%02d-%02d-15", 10+i%15, 1+i%12), cats[i%len(cats)], "记录", w.revID, "rev", now}
		})
	kinds := []string{"clue", "investigation", "audit_finding", "petition", "inquiry", "sanction"}
	statuses := []string{"open", "verifying", "substantiated", "unsubstantiated", "resolved"}
	sources := []string{"discipline", "audit", "petition", "inspection"}
	rawInsert(t, w.db, "flags", "cadre_id, source, kind, severity, summary, detail, occurred_on, status, version, created_by, created_at, updated_at",
		6000, func(i int) []any {
			return []any{ids[(i*7)%len(ids)], sources[i%len(sources)], kinds[i%len(kinds)], "warning", "线索", "", "2024-01-01",
				statuses[(i/len(kinds))%len(statuses)], 1, 1, now, now}
		})
	rawInsert(t, w.db, "access_entries", "at, actor_id, actor, ip, method, path, cadre_id, status", 30_000, func(i int) []any {
		return []any{now.Add(-time.Duration(i) * time.Minute), w.revID + int64(i%5), "rev", "127.0.0.1", "GET", "/api/v1/cadres", ids[i%len(ids)], 200}
	})
	rawInsert(t, w.db, "vettings", "cadre_id, purpose, as_of, verdict, reasons, checked_by, checked_at", 6000, func(i int) []any {
		return []any{ids[i%len(ids)], "promotion", "2025-01-01", "clear", "[]", w.revID, now}
	})
	seedChecks(t, w.db, ids, now)
	var cycles []int64
	for y := 2020; y < 2024; y++ {
		status := "finalized"
		if y == 2023 {
			status = "open"
		}
		c := models.AppraisalCycle{Name: fmt.Sprintf("%d年度考核", y), Kind: "annual", Year: y, PeriodStart: civil.Text(fmt.Sprintf("%d-01-01", y)),
			PeriodEnd: civil.Text(fmt.Sprintf("%d-12-31", y)), ExcellentQuotaPct: 20, Status: status, CreatedBy: w.revID}
		if err := w.db.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
		cycles = append(cycles, c.ID)
		if status == "finalized" {
			rawInsert(t, w.db, "appraisal_results", "cycle_id, cadre_id, score, proposed_grade, final_grade, reasons, superior_count, peer_count, subordinate_count, missing, override_reason",
				len(ids), func(i int) []any { return []any{c.ID, ids[i], 8000, "competent", "competent", "", 1, 1, 1, false, ""} })
		}
	}
	open, done := cycles[len(cycles)-1], cycles[0]
	// Assignments: evaluator A to 300 cadres in every cycle, and 29 other
	// evaluators' worth of rows, so one evaluator's list is a small part.
	rawInsert(t, w.db, "appraisal_assignments", "cycle_id, evaluator_id, cadre_id, rater_type, created_by, created_at", 4*3000, func(i int) []any {
		ev := evalID
		if i%3000 >= 300 {
			ev = 100_000 + int64(i%3000/100)
		}
		return []any{cycles[i/3000], ev, ids[i%3000], "peer", w.revID, now}
	})
	var asg []models.AppraisalAssignment
	w.db.Where("cycle_id IN ?", cycles).Order("id").Find(&asg)
	rawInsert(t, w.db, "appraisals", "cycle_id, assignment_id, evaluator_id, cadre_id, rater_type, morality, ability, diligence, achievement, integrity, comment, version, submitted_at, updated_at",
		len(asg), func(i int) []any {
			a := asg[i]
			return []any{a.CycleID, a.ID, a.EvaluatorID, a.CadreID, a.RaterType, 80, 80, 80, 80, 80, "", 1, now, now}
		})
	// A tenth of the cadres are top leaders (SPEC 15's oversight, SPEC 14's
	// tenure alert), appointed over the years.
	if err := w.db.Exec("UPDATE cadres SET is_top_leader = ?, appointed_on = CASE WHEN id % 20 = 0 THEN '2012-05-01' ELSE '2020-01-02' END WHERE id % 10 = 0",
		true).Error; err != nil {
		t.Fatal(err)
	}
	_, audAudit := w.user("aud_audit", []string{"auditor"}, nil, ptr("audit"))
	_, audPetition := w.user("aud_pet", []string{"auditor"}, nil, ptr("petition"))
	if w.driver == "mysql" {
		for tb := range bigTables {
			if err := w.db.Exec("ANALYZE TABLE " + tb).Error; err != nil {
				t.Fatal(err)
			}
		}
	}

	from, to := now.Add(-48*time.Hour).Format(time.RFC3339), now.Format(time.RFC3339)
	cases := []struct {
		name, token, method, path string
		body                      any
	}{
		{"cadre", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d", c), nil},
		{"cadresByUnit", w.evalA, "GET", fmt.Sprintf("/api/v1/cadres?unit_id=%d", w.unitA1), nil},
		{"cadresEvaluator", w.evalA, "GET", "/api/v1/cadres", nil},
		{"records", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/records", c), nil},
		{"recordsByCategory", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/records?category=duty", c), nil},
		{"recordsByDate", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/records?from=2015-01-01&to=2020-12-31", c), nil},
		{"recordsWithSuperseded", w.evalA, "GET", fmt.Sprintf("/api/v1/cadres/%d/records?include_superseded=true", c), nil},
		{"appendRecord", w.rev, "POST", fmt.Sprintf("/api/v1/cadres/%d/records", c),
			map[string]any{"occurred_on": "2024-03-01", "category": "duty", "content": "完成任务"}},
		{"efile", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/efile", c), nil},
		{"flagSummary", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/flag-summary", c), nil},
		{"flagsByCadre", w.rev, "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d", c), nil},
		{"flagsBySource", w.rev, "GET", "/api/v1/flags?source=audit", nil},
		{"flagsByStatus", w.rev, "GET", "/api/v1/flags?status=verifying", nil},
		{"flagsByKind", w.rev, "GET", "/api/v1/flags?kind=sanction", nil},
		{"flagsAuditor", w.auditor, "GET", "/api/v1/flags?status=open", nil},
		{"flagsAuditorByCadre", w.auditor, "GET", fmt.Sprintf("/api/v1/flags?cadre_id=%d", c), nil},
		{"vet", w.rev, "POST", fmt.Sprintf("/api/v1/cadres/%d/vettings", c), map[string]any{"purpose": "promotion"}},
		{"vettings", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/vettings", c), nil},
		{"accessLogByCadre", sec, "GET", fmt.Sprintf("/api/v1/access-log?cadre_id=%d", c), nil},
		{"accessLogByCadreAndTime", sec, "GET", fmt.Sprintf("/api/v1/access-log?cadre_id=%d&from=%s&to=%s", c, from, to), nil},
		{"accessLogByActor", sec, "GET", fmt.Sprintf("/api/v1/access-log?actor_id=%d", w.revID), nil},
		{"accessLogByActorAndTime", sec, "GET", fmt.Sprintf("/api/v1/access-log?actor_id=%d&from=%s&to=%s", w.revID, from, to), nil},
		{"accessLogByTime", sec, "GET", fmt.Sprintf("/api/v1/access-log?from=%s&to=%s", from, to), nil},
		{"assignmentsEvaluator", w.evalA, "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/assignments", open), nil},
		{"assignmentsByEvaluator", w.rev, "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/assignments?evaluator_id=%d", open, evalID), nil},
		{"appraisalsEvaluator", w.evalA, "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/appraisals", open), nil},
		{"results", w.rev, "GET", fmt.Sprintf("/api/v1/appraisal-cycles/%d/results", done), nil},
		{"dossierReviews", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/dossier-reviews", c), nil},
		{"mattersChecks", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/personal-matters-checks", c), nil},
		{"cadreOpinions", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/integrity-opinions", c), nil},
		{"checklist", w.rev, "GET", fmt.Sprintf("/api/v1/cadres/%d/checks", c), nil},
		// The inbox by the statuses that stay few (pending, overdue); the
		// replied requests are most of the table, and counting them reads
		// it whatever the index.
		{"inboxPending", w.auditor, "GET", "/api/v1/integrity-opinions?status=pending", nil},
		{"inboxOverdue", w.rev, "GET", "/api/v1/integrity-opinions?overdue=true", nil},
		// SPEC 14 and 15: the alerts of each role, the oversight of top leaders.
		{"alertsReviewer", w.rev, "GET", "/api/v1/alerts", nil},
		{"alertsEvaluator", w.evalA, "GET", "/api/v1/alerts", nil},
		{"alertsDiscipline", w.auditor, "GET", "/api/v1/alerts", nil},
		{"alertsAudit", audAudit, "GET", "/api/v1/alerts", nil},
		{"alertsPetition", audPetition, "GET", "/api/v1/alerts", nil},
		{"oversight", w.rev, "GET", "/api/v1/oversight/top-leaders", nil},
		{"oversightUnit", w.rev, "GET", fmt.Sprintf("/api/v1/oversight/top-leaders?unit_id=%d&year=2024", w.unitB), nil},
	}
	capture := &sqlCapture{}
	if err := w.db.Callback().Query().After("gorm:query").Register("plan:capture", capture.hook); err != nil {
		t.Fatal(err)
	}
	if err := w.db.Callback().Row().After("gorm:row").Register("plan:capture", capture.hook); err != nil {
		t.Fatal(err)
	}
	t.Run("seal", func(t *testing.T) { planSeal(t, w, capture, now) })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			capture.start()
			r := w.do(tc.method, tc.path, tc.token, tc.body)
			got := capture.stop()
			if r.Status >= 300 {
				t.Fatalf("%s %s: %d %s\n%s", tc.method, tc.path, r.Status, r.Body, w.logs.String())
			}
			if len(got) == 0 {
				t.Fatal("no SELECT captured: the capture is broken")
			}
			for _, q := range got {
				bad, plan := fullScans(t, w.db, w.driver, q)
				if len(bad) > 0 {
					t.Errorf("full scan %v\n  sql: %s\n  plan: %s", bad, q.sql, strings.Join(plan, " | "))
				} else if testing.Verbose() {
					t.Logf("%s\n  plan: %s", q.sql, strings.Join(plan, " | "))
				}
			}
		})
	}
}

// planSeal: the sealer finds the pending entries (the newest few) by the
// seq index, not by walking every sealed entry from the oldest, which
// MariaDB chose once the log was long (docs/performance.md).
func planSeal(t *testing.T, w *world, capture *sqlCapture, now time.Time) {
	ctx := context.Background()
	// The list plans' 30,000 raw entries were written without MACs; the
	// sealer would rightly refuse them as forged, so they go first.
	if err := w.db.Exec("DELETE FROM access_entries WHERE seq IS NULL AND mac IS NULL").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := w.audit.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	// Pending entries as efile writes them (with their MACs: raw rows
	// would be refused by the sealer as forged).
	for range 200 {
		r := &accesslog.Req{Method: "GET", Path: "/api/v1/cadres", IP: "127.0.0.1"}
		r.SetActor(w.revID, "rev")
		if err := w.audit.Log(ctx, r, 200); err != nil {
			t.Fatal(err)
		}
	}
	if w.driver == "mysql" {
		if err := w.db.Exec("ANALYZE TABLE access_entries").Error; err != nil {
			t.Fatal(err)
		}
	}
	capture.start()
	n, err := w.audit.Seal(ctx)
	got := capture.stop()
	if err != nil || n != 200 {
		t.Fatalf("sealed %d, %v", n, err)
	}
	found := false
	for _, q := range got {
		if !strings.Contains(q.sql, "seq IS NULL") || !strings.Contains(q.sql, "ORDER BY") {
			continue
		}
		found = true
		bad, plan := fullScans(t, w.db, w.driver, q)
		if len(bad) > 0 || !strings.Contains(strings.Join(plan, "|"), "idx_access_entries_seq") {
			t.Errorf("the sealer's search is not by the seq index:\n  sql: %s\n  plan: %s", q.sql, strings.Join(plan, " | "))
		}
	}
	if !found {
		t.Fatal("the sealer's search for pending entries was not captured")
	}
}

func userID(t *testing.T, db *gorm.DB, username string) int64 {
	t.Helper()
	var u models.User
	if err := db.Where("username = ?", username).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// seedChecks writes the four checks of SPEC 13 for the plan test: two
// dossier reviews with their findings and a personal-matters check for
// every cadre, and 6,000 integrity-opinion requests (a pending one for a
// third of the cadres, the rest replied or withdrawn) with the flags the
// replies name.
func seedChecks(t *testing.T, db *gorm.DB, ids []int64, now time.Time) {
	t.Helper()
	rawInsert(t, db, "dossier_reviews", "cadre_id, reviewed_on, conclusion, note, recorded_by, recorded_by_name, recorded_at",
		2*len(ids), func(i int) []any { return []any{ids[i%len(ids)], "2025-05-01", "pass", "", 1, "rev", now} })
	var first int64
	db.Model(&models.DossierReview{}).Select("MIN(id)").Scan(&first)
	items := []string{"birth_date", "work_start", "party_join", "education", "career", "identity"}
	rawInsert(t, db, "dossier_findings", "review_id, item, result, note", 6*2*len(ids), func(i int) []any {
		return []any{first + int64(i/6), items[i%6], "consistent", ""}
	})
	rawInsert(t, db, "personal_matters_checks", "cadre_id, kind, checked_on, result, family_emigrated, note, recorded_by, recorded_by_name, recorded_at",
		len(ids), func(i int) []any {
			return []any{ids[i], "random", "2025-05-01", "consistent", false, "", 1, "rev", now}
		})
	rawInsert(t, db, "integrity_opinions", "cadre_id, pending_cadre_id, purpose, note, due_on, status, requested_by, requested_by_name, requested_at, conclusion, replied_at, late, text, signed_by",
		6000, func(i int) []any {
			c := ids[i%len(ids)]
			switch {
			case i < len(ids) && i%3 == 0:
				return []any{c, c, "promotion", "", "2025-06-01", "pending", 1, "rev", now, nil, nil, false, "", ""}
			case i%2 == 0:
				return []any{c, nil, "promotion", "", "2025-06-01", "replied", 1, "rev", now, "no_issue", now, false, "无问题", "纪委书记"}
			}
			return []any{c, nil, "promotion", "", "2025-06-01", "withdrawn", 1, "rev", now, nil, nil, false, "", ""}
		})
	var replied []int64
	db.Model(&models.IntegrityOpinion{}).Where("status = ?", "replied").Limit(2000).Pluck("id", &replied)
	rawInsert(t, db, "integrity_opinion_flags", "opinion_id, flag_id", len(replied), func(i int) []any { return []any{replied[i], 1 + i} })
}
