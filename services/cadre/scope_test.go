package cadre_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/cadre"
	"efile/services/datakey"
	"efile/services/errs"
	"efile/services/unit"
	"efile/testenv"
)

// TestMayActOn pins the body-id rule of SPEC section 3: a cadre id in a body
// that the caller may not act on is 403, not 404, and recusal applies.
func TestMayActOn(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	log := accesslog.New(db, nil)
	keys, _ := datakey.New(make([]byte, 32))
	svc := cadre.New(db, log, keys, nil, time.UTC)
	ua, _ := unit.New(db, log).Create(ctx, unit.NewUnit{Name: "A", Code: "A"})
	ub, _ := unit.New(db, log).Create(ctx, unit.NewUnit{Name: "B", Code: "B"})
	rev := &models.User{ID: 1, Roles: []models.UserRole{{Role: "org_reviewer"}}}
	c, err := svc.Create(ctx, rev, cadre.Fields{Name: "张三", Gender: "female", BirthDate: "1949-12-31",
		IDNumber: "11010519491231002X", UnitID: ua.ID, Position: "科长", Rank: "科级", AppointedOn: "2020-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	evalA := &models.User{ID: 2, UnitID: &ua.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	evalB := &models.User{ID: 3, UnitID: &ub.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	self := &models.User{ID: 4, CadreID: &c.ID, Roles: []models.UserRole{{Role: "org_reviewer"}}}
	if err := svc.MayActOn(ctx, evalA, c.ID); err != nil {
		t.Fatalf("in scope: %v", err)
	}
	for name, u := range map[string]*models.User{"otherUnit": evalB, "recusal": self} {
		if err := svc.MayActOn(ctx, u, c.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("%s: %v, want forbidden", name, err)
		}
	}
	if err := svc.MayActOn(ctx, rev, c.ID+100); !errors.Is(err, errs.ErrForbidden) {
		t.Fatalf("unknown id: %v, want forbidden", err)
	}
}
