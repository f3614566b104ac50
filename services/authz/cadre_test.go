package authz_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/services/errs"
	"efile/services/unit"
	"efile/testenv"

	"gorm.io/gorm"
)

// world is a unit tree A ⊃ A1, B with one cadre in each, and one user of
// each role; "self" is a reviewer linked to cadre a (recusal).
type world struct {
	db                               *gorm.DB
	az                               *authz.Service
	svc                              *cadre.Service
	a, a1, b                         int64
	rev, evalA, evalB, aud, adm, sec *models.User
	self, selfEval                   *models.User
}

// must fails the test (by panicking, which a test reports with its stack)
// when a set-up step fails: a world that was not built tests nothing.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	log := accesslog.New(db, nil)
	keys := must(datakey.New(make([]byte, 32)))
	az := authz.New(db)
	svc := cadre.New(db, log, az, keys, nil, time.UTC)
	units := unit.New(db, log)
	ua := must(units.Create(ctx, unit.NewUnit{Name: "A", Code: "A"}))
	ua1 := must(units.Create(ctx, unit.NewUnit{Name: "A1", Code: "A1", ParentID: &ua.ID}))
	ub := must(units.Create(ctx, unit.NewUnit{Name: "B", Code: "B"}))
	rev := &models.User{ID: 1, Roles: []models.UserRole{{Role: "org_reviewer"}}}
	mk := func(name, id, birth string, u int64) int64 {
		c := must(svc.Create(ctx, rev, cadre.Fields{Name: name, Gender: "male", BirthDate: civil.Text(birth),
			IDNumber: id, UnitID: u, Position: "科长", Rank: "科级", AppointedOn: civil.MustParse("2020-01-01")}))
		return c.ID
	}
	w := &world{db: db, az: az, svc: svc, rev: rev}
	w.a = mk("张三", "110105194912310038", "1949-12-31", ua.ID)
	w.a1 = mk("张三丰", "110105198001010032", "1980-01-01", ua1.ID)
	w.b = mk("李四", "110105198001020038", "1980-01-02", ub.ID)
	w.evalA = &models.User{ID: 2, UnitID: &ua.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	w.evalB = &models.User{ID: 3, UnitID: &ub.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	w.aud = &models.User{ID: 4, Department: new("audit"), Roles: []models.UserRole{{Role: "auditor"}}}
	w.adm = &models.User{ID: 5, Roles: []models.UserRole{{Role: "admin"}}}
	w.sec = &models.User{ID: 6, Roles: []models.UserRole{{Role: "security_auditor"}}}
	w.self = &models.User{ID: 7, CadreID: &w.a, Roles: []models.UserRole{{Role: "org_reviewer"}, {Role: "auditor"}}}
	w.selfEval = &models.User{ID: 8, CadreID: &w.a, UnitID: &ua.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	return w
}

// TestVisibility pins, for each cadre purpose and each role, which cadres
// a user may use: one query, recusal always applied.
func TestVisibility(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	all := []int64{w.a, w.a1, w.b}
	// evalB is assigned cadre a (outside its unit) in cycle 1, and its own
	// unit's b in cycle 2; the self user is assigned their own record.
	for _, as := range []models.AppraisalAssignment{
		{CycleID: 1, EvaluatorID: w.evalB.ID, CadreID: w.a, RaterType: "peer"},
		{CycleID: 2, EvaluatorID: w.evalB.ID, CadreID: w.b, RaterType: "peer"},
		{CycleID: 1, EvaluatorID: w.selfEval.ID, CadreID: w.a, RaterType: "peer"},
		{CycleID: 1, EvaluatorID: w.selfEval.ID, CadreID: w.b, RaterType: "peer"},
	} {
		if err := w.db.Create(&as).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		user    *models.User
		purpose authz.Purpose
		want    []int64
	}{
		{"read_reviewerAll", w.rev, authz.CadreRead, all},
		{"read_evaluatorSubtree", w.evalA, authz.CadreRead, []int64{w.a, w.a1}},
		{"read_evaluatorOwnUnitOnly", w.evalB, authz.CadreRead, []int64{w.b}},
		{"read_auditorNone", w.aud, authz.CadreRead, nil},
		{"read_adminNone", w.adm, authz.CadreRead, nil},
		{"read_securityAuditorNone", w.sec, authz.CadreRead, nil},
		{"read_recused", w.self, authz.CadreRead, []int64{w.a1, w.b}},
		{"record_evaluatorSubtree", w.evalA, authz.CadreRecord, []int64{w.a, w.a1}},
		{"record_auditorNone", w.aud, authz.CadreRecord, nil},
		{"flag_auditorAll", w.aud, authz.CadreFlag, all},
		// The organization department files its own flags (SPEC 8): its
		// department is "organization".
		{"flag_reviewerAll", w.rev, authz.CadreFlag, all},
		{"flag_evaluatorNone", w.evalA, authz.CadreFlag, nil},
		{"flag_recused", w.self, authz.CadreFlag, []int64{w.a1, w.b}},
		{"lookup_auditorAll", w.aud, authz.CadreLookup, all},
		{"lookup_reviewerNone", w.rev, authz.CadreLookup, nil},
		{"profile_reviewerAll", w.rev, authz.CadreProfile, all},
		{"profile_evaluatorNone", w.evalA, authz.CadreProfile, nil},
		{"profile_auditorNone", w.aud, authz.CadreProfile, nil},
		{"profile_recused", w.self, authz.CadreProfile, []int64{w.a1, w.b}},
		{"vet_reviewerAll", w.rev, authz.CadreVet, all},
		{"vet_evaluatorNone", w.evalA, authz.CadreVet, nil},
		{"vet_auditorNone", w.aud, authz.CadreVet, nil},
		{"vet_recused", w.self, authz.CadreVet, []int64{w.a1, w.b}},
		{"readFlags_reviewerAll", w.rev, authz.CadreReadFlags, all},
		{"readFlags_auditorAll", w.aud, authz.CadreReadFlags, all},
		{"readFlags_evaluatorNone", w.evalA, authz.CadreReadFlags, nil},
		{"readFlags_adminNone", w.adm, authz.CadreReadFlags, nil},
		{"readFlags_securityAuditorNone", w.sec, authz.CadreReadFlags, nil},
		{"readFlags_recused", w.self, authz.CadreReadFlags, []int64{w.a1, w.b}},
		{"assign_reviewerAll", w.rev, authz.CadreAssign, all},
		{"assign_evaluatorNone", w.evalA, authz.CadreAssign, nil},
		{"assign_auditorNone", w.aud, authz.CadreAssign, nil},
		{"assign_recused", w.self, authz.CadreAssign, []int64{w.a1, w.b}},
		{"appraise_unassignedNone", w.evalA, authz.CadreAppraise(1), nil},
		{"appraise_assignedOutsideUnit", w.evalB, authz.CadreAppraise(1), []int64{w.a}},
		{"appraise_otherCycleNotCounted", w.evalB, authz.CadreAppraise(2), []int64{w.b}},
		{"appraise_recusedEvenIfAssigned", w.selfEval, authz.CadreAppraise(1), []int64{w.b}},
		{"appraise_reviewerNone", w.rev, authz.CadreAppraise(1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := must(w.az.Scope(ctx, tc.user, tc.purpose))
			var got []int64
			if err := q.Order("cadres.id").Pluck("cadres.id", &got).Error; err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("sees %v, want %v", got, tc.want)
			}
			bad := must(w.az.Unseen(ctx, tc.user, tc.purpose, append(slices.Clone(all), 9999)))
			var unseen []int64
			for _, i := range bad {
				unseen = append(unseen, append(slices.Clone(all), 9999)[i])
			}
			for _, id := range all {
				if slices.Contains(tc.want, id) == slices.Contains(unseen, id) {
					t.Fatalf("Unseen %v disagrees with Scoped %v", unseen, tc.want)
				}
			}
			if !slices.Contains(unseen, 9999) {
				t.Fatal("an unknown id is seen")
			}
		})
	}
}

// TestCheckPathAndBody pins the path-404 / body-403 split of SPEC section 3.
func TestCheckPathAndBody(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.az.CheckBody(ctx, w.evalA, authz.CadreRecord, w.a, w.a1); err != nil {
		t.Fatalf("in scope: %v", err)
	}
	for name, u := range map[string]*models.User{"otherUnit": w.evalB, "recusal": w.self} {
		if err := w.az.CheckBody(ctx, u, authz.CadreRead, w.a); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("body %s: %v, want forbidden", name, err)
		}
		if err := w.az.CheckPath(ctx, u, authz.CadreRead, w.a); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("path %s: %v, want not found", name, err)
		}
	}
	if err := w.az.CheckBody(ctx, w.rev, authz.CadreRead, w.a+100); !errors.Is(err, errs.ErrForbidden) {
		t.Fatalf("unknown id: %v, want forbidden", err)
	}
	// One bad id among many refuses the whole set.
	if err := w.az.CheckBody(ctx, w.evalA, authz.CadreRead, w.a, w.b); !errors.Is(err, errs.ErrForbidden) {
		t.Fatalf("mixed set: %v, want forbidden", err)
	}
}

// TestGetSetsNoCadreAsSideEffect: checking scope never names a cadre in
// the access log (checking 1 then 999 once logged 999).
func TestGetSetsNoCadreAsSideEffect(t *testing.T) {
	w := newWorld(t)
	req := &accesslog.Req{Method: "GET", Path: "/x"}
	ctx := accesslog.WithReq(context.Background(), req)
	_, _ = w.svc.Get(ctx, w.rev, w.a)
	_, _ = w.svc.Get(ctx, w.rev, 999)
	_ = w.az.CheckPath(ctx, w.rev, authz.CadreRead, w.b)
	if id := req.CadreID(); id != nil {
		t.Fatalf("a check named cadre %d", *id)
	}
}
