package migrations_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"efile/models"
	"efile/models/migrations"
	"efile/testenv"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// The ids run 1, 2, 3…, and a list that does not is refused.
func TestIDsRunWithoutGap(t *testing.T) {
	list, err := migrations.All()
	if err != nil || len(list) == 0 {
		t.Fatalf("%d migrations, %v", len(list), err)
	}
	noop := func(context.Context, *gorm.DB) error { return nil }
	for name, ids := range map[string][]int{"gap": {1, 3}, "repeat": {1, 2, 2}, "fromZero": {0, 1}} {
		t.Run(name, func(t *testing.T) {
			var l []migrations.Migration
			for _, id := range ids {
				l = append(l, migrations.Migration{ID: id, Name: "m", Up: noop})
			}
			if migrations.Check(l) == nil {
				t.Errorf("ids %v accepted", ids)
			}
		})
	}
}

// From an empty database the migrations make the schema the models
// describe, with the chain head's row, and record every migration.
func TestFromEmptyDatabase(t *testing.T) {
	db, _, _ := testenv.EmptyDB(t)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	requireModelsSchema(t, db)
	requireRecorded(t, db)
	var h models.ChainHead
	if err := db.First(&h, 1).Error; err != nil || h.Seq != 0 || h.Hash != strings.Repeat("0", 64) || h.MACFrom != 0 {
		t.Errorf("chain head %+v, %v", h, err)
	}
}

// A database made by the last release before versioned migrations is
// brought to the same schema, keeps every row, and a second run changes
// nothing.
func TestFromPreviousRelease(t *testing.T) {
	ctx := context.Background()
	db := previousRelease(t)
	before := rowsOf(t, db, nil)
	if n := len(slices.Concat(before["units"].rows, before["users"].rows, before["flags"].rows, before["chain_heads"].rows)); n < 5 {
		t.Fatalf("the previous release's database holds %d rows of units, users, flags and chain heads", n)
	}
	if err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	requireModelsSchema(t, db)
	requireRecorded(t, db)
	requireRows(t, before, rowsOf(t, db, before))

	t.Run("again", func(t *testing.T) {
		schemaBefore, recorded := schemaOf(t, db), lines(t, db, "SELECT * FROM schema_migrations")
		if err := models.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		if msg := compare(schemaOf(t, db), schemaBefore); msg != "" {
			t.Error("a second run changed the schema: " + msg)
		}
		if again := lines(t, db, "SELECT * FROM schema_migrations"); !slices.Equal(again, recorded) {
			t.Errorf("a second run changed schema_migrations: %v, was %v", again, recorded)
		}
		requireRows(t, before, rowsOf(t, db, before))
	})
}

// A database made by an earlier release still (columns, an index and a
// table added since missing), or by a baseline cut short, gets what it
// lacks and keeps its rows (the added columns take their defaults, which
// the rows had).
func TestFromEarlierRelease(t *testing.T) {
	db := previousRelease(t)
	before := rowsOf(t, db, nil)
	older := map[string][]string{
		"sqlite": {"DROP INDEX idx_access_entries_nonce", "ALTER TABLE access_entries DROP COLUMN nonce",
			"ALTER TABLE access_entries DROP COLUMN mac", "ALTER TABLE chain_heads DROP COLUMN mac_from",
			"DROP INDEX idx_flags_kind_id", "DROP TABLE vettings"},
		"mysql": {"ALTER TABLE access_entries DROP COLUMN nonce, DROP COLUMN mac", "ALTER TABLE chain_heads DROP COLUMN mac_from",
			"DROP INDEX idx_flags_kind_id ON flags", "DROP TABLE vettings"},
	}
	for _, q := range older[db.Dialector.Name()] {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	requireModelsSchema(t, db)
	requireRecorded(t, db)
	requireRows(t, before, rowsOf(t, db, before))
}

// The schema comparison is not blind: it reports a column the models lack,
// and an index and a table no migration made, with the statements to add.
func TestSchemaComparisonSeesDifferences(t *testing.T) {
	db, driver, _ := testenv.EmptyDB(t)
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	dropIndex := map[string]string{"sqlite": "DROP INDEX idx_units_path", "mysql": "DROP INDEX idx_units_path ON units"}[driver]
	for _, q := range []string{"ALTER TABLE units ADD COLUMN nickname varchar(20)", dropIndex, "DROP TABLE vettings"} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	msg := compare(schemaOf(t, db), modelsSchema(t))
	t.Log(msg)
	for _, want := range []string{"nickname", "CREATE INDEX `idx_units_path` ON `units`", "CREATE TABLE `vettings`", "-- sqlite", "-- mysql"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the comparison does not say %q", want)
		}
	}
	if n := strings.Count(msg, "CREATE TABLE `vettings`"); n != 2 {
		t.Errorf("%d CREATE TABLE statements for vettings, want one for each engine", n)
	}
}

// previousRelease returns a database made by the last release without
// versioned migrations: testdata/README.md.
func previousRelease(t *testing.T) *gorm.DB {
	t.Helper()
	db, driver, _ := testenv.EmptyDB(t)
	if driver == "mysql" {
		raw, err := os.ReadFile("testdata/pre-migrations.mysql.sql")
		if err != nil {
			t.Fatal(err)
		}
		var stmts []string
		for _, l := range strings.Split(string(raw), "\n") {
			if !strings.HasPrefix(l, "--") {
				stmts = append(stmts, l)
			}
		}
		for _, s := range strings.Split(strings.Join(stmts, "\n"), ";\n") {
			if s = strings.TrimSpace(s); s != "" {
				if err := db.Exec(s).Error; err != nil {
					t.Fatalf("%.80s: %v", s, err)
				}
			}
		}
		return db
	}
	raw, err := os.ReadFile("testdata/pre-migrations.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "release.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	release, err := models.Open(context.Background(), "sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(release) })
	return release
}

// dataMigrated are what data migrations change in rows of a previous
// release, left out of the comparison of rows before and after (each data
// migration has a test of its own): the status and version of the flags
// that 0008 moves, and the events it adds (actor 0).
var dataMigrated = map[string]struct {
	skip  []string
	where string
}{
	"flags":       {skip: []string{"status", "version"}},
	"flag_events": {where: "actor_id <> 0"},
}

// tableRows are a table's rows, sorted, as read by its columns.
type tableRows struct {
	cols []string
	rows []string
}

// rowsOf reads every row of every model's table that the database has (a
// table a later migration adds is not there before it). Given what an
// earlier call read, it reads the same columns: a migration may add
// columns, and the rows keep the values of those they had.
func rowsOf(t *testing.T, db *gorm.DB, earlier map[string]tableRows) map[string]tableRows {
	t.Helper()
	tables, err := modelTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]tableRows{}
	for tbl := range tables {
		if !db.Migrator().HasTable(tbl) {
			continue // added since that release
		}
		cols := "*"
		if e, ok := earlier[tbl]; ok {
			cols = "`" + strings.Join(e.cols, "`, `") + "`"
		} else if d, ok := dataMigrated[tbl]; ok && len(d.skip) > 0 {
			all, _ := query(t, db, "SELECT * FROM "+tbl+" WHERE 1 = 0")
			all = slices.DeleteFunc(all, func(c string) bool { return slices.Contains(d.skip, c) })
			cols = "`" + strings.Join(all, "`, `") + "`"
		}
		where := ""
		if d, ok := dataMigrated[tbl]; ok && d.where != "" {
			where = " WHERE " + d.where
		}
		var r tableRows
		r.cols, r.rows = query(t, db, "SELECT "+cols+" FROM "+tbl+where)
		slices.Sort(r.rows)
		out[tbl] = r
	}
	return out
}

func requireRows(t *testing.T, want, got map[string]tableRows) {
	t.Helper()
	for tbl, w := range want {
		if g := got[tbl]; !slices.Equal(g.rows, w.rows) {
			t.Errorf("%s: rows %v, were %v", tbl, g.rows, w.rows)
		}
	}
}

// requireRecorded fails unless schema_migrations records every migration.
func requireRecorded(t *testing.T, db *gorm.DB) {
	t.Helper()
	list, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	if err := db.Raw("SELECT id FROM schema_migrations ORDER BY id").Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(list) || ids[0] != 1 || ids[len(ids)-1] != len(list) {
		t.Errorf("schema_migrations records %v, want 1…%d", ids, len(list))
	}
}

// modelTables maps each model's table name to its model.
func modelTables() (map[string]any, error) {
	out := map[string]any{}
	cache := &sync.Map{}
	for _, model := range models.Tables() {
		s, err := schema.Parse(model, cache, schema.NamingStrategy{})
		if err != nil {
			return nil, err
		}
		out[s.Table] = model
	}
	return out, nil
}
