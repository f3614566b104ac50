package models_test

import (
	"context"
	"sync"
	"testing"

	"efile/models"
	"efile/testenv"
)

// TakeLock keeps transactions apart: each of many at once takes the lock,
// reads a counter and writes it back one higher, and no increment is lost
// (without the lock, two read the same value on MySQL). The lock's row
// counts how often it was taken.
func TestTakeLock(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	const n = 12
	if err := db.Create(&models.NamedLock{Name: "counter"}).Error; err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- models.WithTx(ctx, db, func(ctx context.Context) error {
				if err := models.TakeLock(ctx, db, "test"); err != nil {
					return err
				}
				var c models.NamedLock
				if err := models.Get(ctx, db).Where("name = ?", "counter").First(&c).Error; err != nil {
					return err
				}
				return models.Get(ctx, db).Model(&models.NamedLock{}).Where("name = ?", "counter").Update("taken", c.Taken+1).Error
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var locks []models.NamedLock
	if err := db.Order("name").Find(&locks).Error; err != nil {
		t.Fatal(err)
	}
	if len(locks) != 2 || locks[0].Taken != n || locks[1].Taken != n {
		t.Fatalf("rows %+v, want counter and test both at %d", locks, n)
	}
}
