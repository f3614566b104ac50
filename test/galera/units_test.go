package galera_test

import (
	"context"
	"errors"
	"testing"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/errs"
	"efile/services/unit"

	"gorm.io/gorm"
)

// TestUnitMovesOnTwoNodes: a move of A under B on one node and of B under A
// on another, at once. A SELECT … FOR UPDATE would not keep them apart
// (Galera does not certify reads, and each move writes only its own
// subtree); the tree's lock row does: in every round exactly one move
// succeeds, the other is refused (400), and every node has a whole tree.
func TestUnitMovesOnTwoNodes(t *testing.T) {
	dsns, _ := freshDatabase(t, nodes(t))
	ctx := context.Background()
	var dbs [3]*gorm.DB
	var svcs [2]*unit.Service
	for i := range dbs {
		db, err := models.Open(ctx, "mysql", dsns[i])
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(db) })
		dbs[i] = db
	}
	if err := models.Migrate(ctx, dbs[0]); err != nil {
		t.Fatal(err)
	}
	for i := range svcs {
		svcs[i] = unit.New(dbs[i], accesslog.New(dbs[i], nil))
	}
	actor := &models.User{ID: 1, Username: "admin"}
	mk := func(name string) int64 {
		u, err := svcs[0].Create(ctx, unit.NewUnit{Name: name, Code: name})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	a, b := mk("A"), mk("B")
	version := func(id int64) int {
		var u models.Unit // reads wait (wsrep_sync_wait) for the node to be current
		if err := dbs[2].First(&u, id).Error; err != nil {
			t.Fatal(err)
		}
		return u.Version
	}
	for round := range 12 {
		va, vb := version(a), version(b)
		start := make(chan struct{})
		res := make(chan error, 2)
		for i, m := range [][2]int64{{a, b}, {b, a}} {
			v := []int{va, vb}[i]
			go func() {
				<-start
				_, err := svcs[i].Update(ctx, actor, m[0], unit.Change{Move: true, ParentID: &m[1], Version: v})
				res <- err
			}()
		}
		close(start)
		var ok, refused int
		for range 2 {
			switch err := <-res; {
			case err == nil:
				ok++
			case errors.Is(err, errs.ErrInvalid):
				refused++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		for i, db := range dbs {
			var bad int64
			err := db.Raw(`SELECT COUNT(*) FROM units c LEFT JOIN units p ON p.id = c.parent_id
				WHERE c.path <> CONCAT(COALESCE(p.path, '/'), c.id, '/')`).Scan(&bad).Error
			if err != nil || bad != 0 {
				t.Fatalf("round %d: node %d has %d units whose path is not their parent's (%v)", round, i+1, bad, err)
			}
		}
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: %d moves succeeded and %d were refused; want one each", round, ok, refused)
		}
		for _, id := range []int64{a, b} {
			var u models.Unit
			if err := dbs[2].First(&u, id).Error; err != nil {
				t.Fatal(err)
			}
			if u.ParentID != nil {
				if _, err := svcs[0].Update(ctx, actor, id, unit.Change{Move: true, Version: u.Version}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
