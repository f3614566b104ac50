package migrations

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// A sanction is a decision in effect from its decided_on (SPEC 8, issue 17):
// the flags of kind sanction that an earlier release moved through open,
// verifying, substantiated and resolved become in_effect, and those found
// unsubstantiated become revoked (a decision nobody upheld counts nowhere).
// Each moved flag gets an event in its history (actor 0: the system) and its
// version goes up by one, so a client holding the old version gets 409
// version_conflict rather than moving a status that no longer exists. Run
// again, it finds no sanction left in an old status and changes nothing.
// docs/decisions.md, "Sanctions in effect from their decision".
func init() {
	register(Migration{ID: 8, Name: "sanctions in effect", Up: sanctionsInEffect})
}

// sanctionMoves maps a sanction's old statuses to the new one.
var sanctionMoves = []struct {
	to   string
	from []string
}{
	{"in_effect", []string{"open", "verifying", "substantiated", "resolved"}},
	{"revoked", []string{"unsubstantiated"}},
}

// sanctionMigrationNote is the note of the events the migration adds.
const sanctionMigrationNote = "数据迁移：处分自决定之日起生效（in_effect）；原核实为不属实的处分视为已撤销（revoked）"

func sanctionsInEffect(ctx context.Context, tx *gorm.DB) error {
	db := tx.WithContext(ctx)
	at := time.Now().UTC().Truncate(time.Microsecond)
	for _, m := range sanctionMoves {
		// The events first, while the old statuses still name the rows.
		err := db.Exec("INSERT INTO flag_events (flag_id, actor_id, at, from_status, to_status, note) "+
			"SELECT id, 0, ?, status, ?, ? FROM flags WHERE kind = 'sanction' AND status IN ?",
			at, m.to, sanctionMigrationNote, m.from).Error
		if err != nil {
			return err
		}
		err = db.Exec("UPDATE flags SET status = ?, version = version + 1 WHERE kind = 'sanction' AND status IN ?",
			m.to, m.from).Error
		if err != nil {
			return err
		}
	}
	return nil
}
