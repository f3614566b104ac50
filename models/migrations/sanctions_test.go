package migrations_test

import (
	"context"
	"fmt"
	"testing"

	"efile/models"
)

// Migration 0008 moves the sanction flags of a previous release to
// in_effect, or to revoked where they were found unsubstantiated, with an
// event each and their version up by one; other kinds keep their status;
// a second run changes nothing.
func TestSanctionFlagsMigrated(t *testing.T) {
	ctx := context.Background()
	db := previousRelease(t)
	// Flag 1 (the release's own row) is an open gov_warning.
	statuses := map[int]struct{ kind, from, to string }{
		1: {"sanction", "open", "in_effect"},
		2: {"sanction", "verifying", "in_effect"},
		3: {"sanction", "substantiated", "in_effect"},
		4: {"sanction", "resolved", "in_effect"},
		5: {"sanction", "unsubstantiated", "revoked"},
		6: {"clue", "open", "open"},
		7: {"clue", "unsubstantiated", "unsubstantiated"},
	}
	for id := 2; id <= 7; id++ {
		s := statuses[id]
		sanction, decided := "NULL", "NULL"
		if s.kind == "sanction" {
			sanction, decided = "'demerit'", "'2025-03-01'"
		}
		q := fmt.Sprintf("INSERT INTO flags (id, cadre_id, source, kind, severity, summary, detail, occurred_on, sanction_type, decided_on, status, version, created_by, created_at, updated_at) "+
			"VALUES (%d, 1, 'discipline', '%s', 'serious', 's', 'd', '2025-01-01', %s, %s, '%s', 3, 2, '2025-09-01 08:30:00', '2025-09-01 08:30:00')",
			id, s.kind, sanction, decided, s.from)
		if err := db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T) {
		for id, s := range statuses {
			var f models.Flag
			if err := db.Select("status, version").Where("id = ?", id).Take(&f).Error; err != nil {
				t.Fatal(err)
			}
			wantVersion := 3
			if id == 1 {
				wantVersion = 1
			}
			var events []models.FlagEvent
			if err := db.Where("flag_id = ? AND actor_id = 0", id).Find(&events).Error; err != nil {
				t.Fatal(err)
			}
			if s.from != s.to {
				wantVersion++
				if len(events) != 1 || events[0].FromStatus != s.from || events[0].ToStatus != s.to || events[0].Note == "" {
					t.Errorf("flag %d: migration events %+v", id, events)
				}
			} else if len(events) != 0 {
				t.Errorf("flag %d (%s) got events %+v", id, s.kind, events)
			}
			if f.Status != s.to || f.Version != wantVersion {
				t.Errorf("flag %d (%s %s): status %s version %d, want %s %d", id, s.kind, s.from, f.Status, f.Version, s.to, wantVersion)
			}
		}
	}
	check(t)
	t.Run("again", func(t *testing.T) {
		if err := db.Exec("DELETE FROM schema_migrations WHERE id = 8").Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		check(t)
	})
}
