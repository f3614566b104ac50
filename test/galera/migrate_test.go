package galera_test

import (
	"context"
	"testing"

	"efile/models"
	"efile/models/migrations"

	"gorm.io/gorm"
)

// TestMigrateOnTwoNodes: two replicas starting together, each on its own
// node, migrate one empty database. GET_LOCK would not keep them apart
// (Galera does not replicate it); the lease row does, by certification:
// both runs succeed, one applies each migration and the other finds it
// recorded, and the third node has it all.
func TestMigrateOnTwoNodes(t *testing.T) {
	dsns, _ := freshDatabase(t, nodes(t))
	ctx := context.Background()
	open := func(dsn string) *gorm.DB {
		db, err := models.Open(ctx, "mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(db) })
		return db
	}
	dbs := []*gorm.DB{open(dsns[0]), open(dsns[1]), open(dsns[2])}
	start := make(chan struct{})
	errs := make(chan error, 2)
	for _, db := range dbs[:2] {
		go func() {
			<-start
			errs <- models.Migrate(ctx, db)
		}()
	}
	close(start)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	var n, heads int64 // reads wait (wsrep_sync_wait) until node 3 has applied every write
	if err := dbs[2].Raw("SELECT COUNT(DISTINCT id) FROM schema_migrations").Scan(&n).Error; err != nil || n != int64(len(all)) {
		t.Fatalf("node 3 records %d migrations (%v), want %d", n, err, len(all))
	}
	if err := dbs[2].Raw("SELECT COUNT(*) FROM chain_heads").Scan(&heads).Error; err != nil || heads != 1 {
		t.Fatalf("node 3: %d chain heads, %v", heads, err)
	}
}
