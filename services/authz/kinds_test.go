package authz_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
)

// kindWorld adds to the cadre world one object of every kind: flags of
// three departments, two cycles with assignments, appraisals and results,
// a vetting and a record per cadre, and the users to see them.
type kindWorld struct {
	*world
	disc                         *models.User // an auditor of the discipline department
	both                         *models.User // a reviewer who is also an audit auditor
	flagAudA, flagDiscB, flagOrg int64
	cycle1, cycle2               int64
	asgBa, asgBb, asgAa1         int64 // assignments: evalB→a (cycle 1), evalB→b (cycle 2), evalA→a1 (cycle 1)
	appBa, appAa1                int64
	vetA, vetB                   int64
	recA, recB                   int64
	revA, revB, pmA, pmB         int64 // dossier reviews, personal-matters checks
	opA, opB                     int64
}

func newKindWorld(t *testing.T) *kindWorld {
	t.Helper()
	w := &kindWorld{world: newWorld(t)}
	w.disc = &models.User{ID: 9, Department: new("discipline"), Roles: []models.UserRole{{Role: "auditor"}}}
	w.both = &models.User{ID: 10, Department: new("audit"), Roles: []models.UserRole{{Role: "org_reviewer"}, {Role: "auditor"}}}
	db := w.db
	create := func(v any) {
		t.Helper()
		if err := db.Create(v).Error; err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	flag := func(cadreID int64, source string) int64 {
		f := &models.Flag{CadreID: cadreID, Source: source, Kind: "clue", Severity: "info", Summary: "s", Detail: "d",
			OccurredOn: civil.MustParse("2024-01-01"), Status: "open", Version: 1, CreatedAt: now, UpdatedAt: now}
		create(f)
		return f.ID
	}
	w.flagAudA, w.flagDiscB, w.flagOrg = flag(w.a, "audit"), flag(w.b, "discipline"), flag(w.a1, authz.Organization)
	cycle := func() int64 {
		c := &models.AppraisalCycle{Name: "c", Kind: "annual", Year: 2024, PeriodStart: civil.MustParse("2024-01-01"), PeriodEnd: civil.MustParse("2024-12-31"), Status: "open", Version: 1}
		create(c)
		return c.ID
	}
	w.cycle1, w.cycle2 = cycle(), cycle()
	assign := func(cycleID, evaluatorID, cadreID int64) int64 {
		a := &models.AppraisalAssignment{CycleID: cycleID, EvaluatorID: evaluatorID, CadreID: cadreID, RaterType: "peer"}
		create(a)
		return a.ID
	}
	w.asgBa, w.asgBb, w.asgAa1 = assign(w.cycle1, w.evalB.ID, w.a), assign(w.cycle2, w.evalB.ID, w.b), assign(w.cycle1, w.evalA.ID, w.a1)
	appraise := func(asg, cycleID, evaluatorID, cadreID int64) int64 {
		a := &models.Appraisal{CycleID: cycleID, AssignmentID: asg, EvaluatorID: evaluatorID, CadreID: cadreID, RaterType: "peer",
			Version: 1, SubmittedAt: now, UpdatedAt: now}
		create(a)
		return a.ID
	}
	w.appBa, w.appAa1 = appraise(w.asgBa, w.cycle1, w.evalB.ID, w.a), appraise(w.asgAa1, w.cycle1, w.evalA.ID, w.a1)
	for _, c := range []int64{w.a, w.a1, w.b} {
		create(&models.AppraisalResult{CycleID: w.cycle1, CadreID: c, ProposedGrade: "competent", FinalGrade: ""})
	}
	vet := func(cadreID int64) int64 {
		v := &models.Vetting{CadreID: cadreID, Purpose: "promotion", AsOf: civil.MustParse("2025-01-01"), Verdict: "clear", Reasons: "[]", CheckedAt: now}
		create(v)
		return v.ID
	}
	w.vetA, w.vetB = vet(w.a), vet(w.b)
	record := func(cadreID int64) int64 {
		r := &models.Record{CadreID: cadreID, OccurredOn: civil.MustParse("2024-01-01"), Category: "duty", Content: "x", RecordedAt: now}
		create(r)
		return r.ID
	}
	w.recA, w.recB = record(w.a), record(w.b)
	// The four checks of SPEC 13: a dossier review, a personal-matters
	// check and an integrity-opinion request per cadre.
	check := func(cadreID int64) (review, matters, opinion int64) {
		r := &models.DossierReview{CadreID: cadreID, ReviewedOn: civil.MustParse("2025-01-01"), Conclusion: "pass", RecordedBy: 1, RecordedByName: "r", RecordedAt: now}
		create(r)
		m := &models.PersonalMattersCheck{CadreID: cadreID, Kind: "random", CheckedOn: civil.MustParse("2025-01-01"), Result: "consistent",
			RecordedBy: 1, RecordedByName: "r", RecordedAt: now}
		create(m)
		o := &models.IntegrityOpinion{CadreID: cadreID, Purpose: "promotion", DueOn: civil.MustParse("2025-02-01"), Status: "pending",
			RequestedBy: 1, RequestedByName: "r", RequestedAt: now}
		create(o)
		return r.ID, m.ID, o.ID
	}
	w.revA, w.pmA, w.opA = check(w.a)
	w.revB, w.pmB, w.opB = check(w.b)
	return w
}

// seen lists the ids of p's kind that u may use, by Scope, and checks that
// Unseen and CheckPath agree with it.
func (w *kindWorld) seen(t *testing.T, u *models.User, p authz.Purpose, candidates []int64) []int64 {
	t.Helper()
	ctx := context.Background()
	q, err := w.az.IDs(ctx, u, p)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	if err := q.Pluck("*", &got).Error; err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	got = slices.Compact(got)
	bad, err := w.az.Unseen(ctx, u, p, append(slices.Clone(candidates), 999999))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range candidates {
		if slices.Contains(bad, i) == slices.Contains(got, id) {
			t.Fatalf("Unseen %v disagrees with Scope %v on %d", bad, got, id)
		}
		err := w.az.CheckPath(ctx, u, p, id)
		if slices.Contains(got, id) != (err == nil) {
			t.Fatalf("CheckPath(%d) = %v, Scope sees %v", id, err, got)
		}
	}
	if !slices.Contains(bad, len(candidates)) {
		t.Fatal("an unknown id is seen")
	}
	return got
}

// TestScopesByKind pins, for every purpose of every kind but the cadre's
// (TestVisibility), which objects each kind of user may use.
func TestScopesByKind(t *testing.T) {
	w := newKindWorld(t)
	flags := []int64{w.flagAudA, w.flagDiscB, w.flagOrg}
	cycles := []int64{w.cycle1, w.cycle2}
	asgs := []int64{w.asgBa, w.asgBb, w.asgAa1}
	apps := []int64{w.appBa, w.appAa1}
	vets := []int64{w.vetA, w.vetB}
	recs := []int64{w.recA, w.recB}
	ops := []int64{w.opA, w.opB}
	reviews, pms := []int64{w.revA, w.revB}, []int64{w.pmA, w.pmB}
	results := []int64{w.a, w.a1, w.b} // named by their cadre
	users := []int64{1}
	for _, tc := range []struct {
		name       string
		user       *models.User
		purpose    authz.Purpose
		candidates []int64
		want       []int64
	}{
		{"flagRead_reviewerEveryDepartment", w.rev, authz.FlagRead, flags, flags},
		{"flagRead_auditorOwnDepartment", w.aud, authz.FlagRead, flags, []int64{w.flagAudA}},
		{"flagRead_disciplineOwnDepartment", w.disc, authz.FlagRead, flags, []int64{w.flagDiscB}},
		{"flagRead_reviewerAndAuditorEveryDepartment", w.both, authz.FlagRead, flags, flags},
		{"flagRead_recused", w.self, authz.FlagRead, flags, []int64{w.flagDiscB, w.flagOrg}},
		{"flagRead_evaluatorNone", w.evalA, authz.FlagRead, flags, nil},
		{"flagRead_adminNone", w.adm, authz.FlagRead, flags, nil},
		{"flagChange_auditorOwnDepartment", w.aud, authz.FlagChange, flags, []int64{w.flagAudA}},
		{"flagChange_reviewerOrganizationOnly", w.rev, authz.FlagChange, flags, []int64{w.flagOrg}},
		{"flagChange_reviewerAndAuditorTheirAuditDepartment", w.both, authz.FlagChange, flags, []int64{w.flagAudA}},
		{"flagChange_evaluatorNone", w.evalA, authz.FlagChange, flags, nil},
		{"cycleRead_reviewerAll", w.rev, authz.CycleRead, cycles, cycles},
		{"cycleRead_evaluatorAssigned", w.evalA, authz.CycleRead, cycles, []int64{w.cycle1}},
		{"cycleRead_evaluatorBBoth", w.evalB, authz.CycleRead, cycles, cycles},
		{"cycleRead_auditorNone", w.aud, authz.CycleRead, cycles, nil},
		{"assignmentRead_reviewerAll", w.rev, authz.AssignmentRead, asgs, asgs},
		{"assignmentRead_reviewerRecused", w.self, authz.AssignmentRead, asgs, []int64{w.asgBb, w.asgAa1}},
		{"assignmentRead_evaluatorOwn", w.evalB, authz.AssignmentRead, asgs, []int64{w.asgBa, w.asgBb}},
		{"assignmentRead_auditorNone", w.aud, authz.AssignmentRead, asgs, nil},
		{"appraisalRead_reviewerAll", w.rev, authz.AppraisalRead, apps, apps},
		{"appraisalRead_evaluatorOwn", w.evalA, authz.AppraisalRead, apps, []int64{w.appAa1}},
		{"appraisalRevise_authorOnly", w.evalB, authz.AppraisalRevise, apps, []int64{w.appBa}},
		{"appraisalRevise_reviewerNone", w.rev, authz.AppraisalRevise, apps, nil},
		{"resultRead_reviewerAll", w.rev, authz.ResultRead, results, results},
		{"resultRead_recused", w.self, authz.ResultRead, results, []int64{w.a1, w.b}},
		{"resultRead_evaluatorNone", w.evalB, authz.ResultRead, results, nil},
		{"vettingRead_reviewerAll", w.rev, authz.VettingRead, vets, vets},
		{"vettingRead_recused", w.self, authz.VettingRead, vets, []int64{w.vetB}},
		{"vettingRead_auditorNone", w.aud, authz.VettingRead, vets, nil},
		{"recordRead_reviewerAll", w.rev, authz.RecordRead, recs, recs},
		{"recordRead_evaluatorOwnUnit", w.evalB, authz.RecordRead, recs, []int64{w.recB}},
		{"recordRead_recused", w.self, authz.RecordRead, recs, []int64{w.recB}},
		{"recordRead_auditorNone", w.aud, authz.RecordRead, recs, nil},
		{"userRead_admin", w.adm, authz.UserRead, users, users},
		{"userRead_reviewerNone", w.rev, authz.UserRead, users, nil},
		{"opinionRead_reviewer", w.rev, authz.OpinionRead, ops, ops},
		{"opinionRead_discipline", w.disc, authz.OpinionRead, ops, ops},
		{"opinionRead_otherDepartmentNone", w.aud, authz.OpinionRead, ops, nil},
		{"opinionRead_recused", w.self, authz.OpinionRead, ops, []int64{w.opB}},
		{"opinionReply_discipline", w.disc, authz.OpinionReply, ops, ops},
		{"opinionReply_reviewerNone", w.rev, authz.OpinionReply, ops, nil},
		{"opinionReply_reviewerAndAuditNone", w.both, authz.OpinionReply, ops, nil},
		{"opinionWithdraw_reviewer", w.rev, authz.OpinionWithdraw, ops, ops},
		{"opinionWithdraw_recused", w.self, authz.OpinionWithdraw, ops, []int64{w.opB}},
		{"opinionWithdraw_disciplineNone", w.disc, authz.OpinionWithdraw, ops, nil},
		{"dossierReviewRead_reviewer", w.rev, authz.DossierReviewRead, reviews, reviews},
		{"dossierReviewRead_recused", w.self, authz.DossierReviewRead, reviews, []int64{w.revB}},
		{"dossierReviewRead_disciplineNone", w.disc, authz.DossierReviewRead, reviews, nil},
		{"dossierReviewRead_evaluatorNone", w.evalA, authz.DossierReviewRead, reviews, nil},
		{"mattersCheckRead_reviewer", w.rev, authz.MattersCheckRead, pms, pms},
		{"mattersCheckRead_recused", w.self, authz.MattersCheckRead, pms, []int64{w.pmB}},
		{"mattersCheckRead_auditorNone", w.aud, authz.MattersCheckRead, pms, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.purpose.Kind() == authz.KindUser {
				// A user row for the scope to find.
				if err := w.db.Create(&models.User{ID: 1, Username: "u1", DisplayName: "u", PasswordHash: "x", Version: 1}).Error; err != nil && !models.IsDuplicate(err) {
					t.Fatal(err)
				}
			}
			if got := w.seen(t, tc.user, tc.purpose, tc.candidates); !slices.Equal(got, tc.want) {
				t.Fatalf("sees %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPathErrorsByKind: an id out of scope answers each kind's own 404
// in the path and 403 in the body.
func TestPathErrorsByKind(t *testing.T) {
	w := newKindWorld(t)
	ctx := context.Background()
	for _, c := range []struct {
		p    authz.Purpose
		id   int64
		want error
	}{
		{authz.FlagRead, w.flagDiscB, authz.NotFound(authz.KindFlag)},
		{authz.CycleRead, w.cycle2, authz.NotFound(authz.KindCycle)},
		{authz.AppraisalRead, w.appBa, authz.NotFound(authz.KindAppraisal)},
		{authz.AssignmentRead, w.asgBa, authz.NotFound(authz.KindAssignment)},
		{authz.OpinionRead, w.opA, authz.NotFound(authz.KindOpinion)},
		{authz.DossierReviewRead, w.revA, authz.NotFound(authz.KindDossierReview)},
		{authz.MattersCheckRead, w.pmA, authz.NotFound(authz.KindMattersCheck)},
	} {
		if err := w.az.CheckPath(ctx, w.evalA, c.p, c.id); !errors.Is(err, c.want) {
			t.Errorf("%v: %v, want %v", c.p, err, c.want)
		}
		if err := w.az.CheckBody(ctx, w.evalA, c.p, c.id); err == nil || errors.Is(err, c.want) {
			t.Errorf("%v in the body: %v, want 403", c.p, err)
		}
	}
	var f models.Flag
	if err := w.az.Find(ctx, w.aud, authz.FlagRead, w.flagAudA, &f); err != nil || f.ID != w.flagAudA {
		t.Fatalf("find own flag: %v", err)
	}
	if err := w.az.Find(ctx, w.aud, authz.FlagRead, w.flagDiscB, &f); !errors.Is(err, authz.NotFound(authz.KindFlag)) {
		t.Fatalf("find another department's flag: %v", err)
	}
	if ok, err := w.az.CheckAll(ctx, w.rev, authz.VettingRead, []int64{w.vetA, w.vetB}); !ok || err != nil {
		t.Fatalf("CheckAll in scope: %v %v", ok, err)
	}
	if ok, err := w.az.CheckAll(ctx, w.self, authz.VettingRead, []int64{w.vetB, w.vetA}); ok || err != nil {
		t.Fatalf("CheckAll with a recused one: %v %v", ok, err)
	}
}

// TestDepartmentAndRedaction pins the department attribute and the field
// rules decided from it.
func TestDepartmentAndRedaction(t *testing.T) {
	w := newKindWorld(t)
	for _, c := range []struct {
		name string
		u    *models.User
		dept string
	}{
		{"auditor", w.aud, "audit"}, {"discipline", w.disc, "discipline"}, {"reviewer", w.rev, authz.Organization},
		{"reviewerAndAuditor", w.both, "audit"}, {"evaluator", w.evalA, ""}, {"admin", w.adm, ""}, {"securityAuditor", w.sec, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := authz.Department(c.u); got != c.dept {
				t.Fatalf("department %q, want %q", got, c.dept)
			}
			for _, src := range []string{"audit", "discipline", authz.Organization} {
				if got := authz.SeesCaseFile(c.u, src); got != (c.dept == src) {
					t.Fatalf("sees the case file of a %s flag: %v", src, got)
				}
			}
			if got := authz.SeesWholeIDNumber(c.u); got != c.u.HasRole("org_reviewer") {
				t.Fatalf("sees whole ID numbers: %v", got)
			}
		})
	}
	if authz.Grants(w.aud, authz.CadreRead) || !authz.Grants(w.aud, authz.CadreLookup) || !authz.Grants(w.rev, authz.CadreRead) {
		t.Fatal("Grants: an auditor looks up, a reviewer reads")
	}
}
