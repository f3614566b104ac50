package migrations_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"efile/models"
	"efile/testenv"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// catalogue reads a schema from each engine's catalogue as lines: a
// table, each column with its type, nullability and default, each column of
// each index, each foreign key. Column order is left out on purpose: a
// column a migration adds to an existing table comes last, whatever its
// place in the struct.
var catalogue = map[string][]string{
	"sqlite": {
		`SELECT 'table', name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
		`SELECT 'column', m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk
		 FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
		`SELECT 'index', m.name, l.name, l."unique", l.origin, i.seqno, i.name
		 FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i WHERE m.type = 'table'`,
		`SELECT 'fk', m.name, f.seq, f."table", f."from", f."to"
		 FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
	},
	"mysql": {
		`SELECT 'table', table_name, engine, table_collation FROM information_schema.tables WHERE table_schema = DATABASE()`,
		`SELECT 'column', table_name, column_name, column_type, is_nullable, column_default, collation_name, extra
		 FROM information_schema.columns WHERE table_schema = DATABASE()`,
		`SELECT 'index', table_name, index_name, non_unique, seq_in_index, column_name
		 FROM information_schema.statistics WHERE table_schema = DATABASE()`,
		`SELECT 'fk', table_name, constraint_name, ordinal_position, column_name, referenced_table_name, referenced_column_name
		 FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL`,
	},
}

// schemaOf returns db's schema as sorted lines, without the migrations'
// own bookkeeping tables.
func schemaOf(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var out []string
	for _, q := range catalogue[db.Dialector.Name()] {
		for _, l := range lines(t, db, q) {
			if f := strings.Fields(l); !strings.HasPrefix(f[1], `"schema_migration`) {
				out = append(out, l)
			}
		}
	}
	slices.Sort(out)
	return out
}

// lines runs q and returns each row as its values joined by spaces.
func lines(t *testing.T, db *gorm.DB, q string) []string {
	t.Helper()
	_, out := query(t, db, q)
	return out
}

// query runs q and returns its columns, and each row as its values joined
// by spaces.
func query(t *testing.T, db *gorm.DB, q string) ([]string, []string) {
	t.Helper()
	rows, err := db.Raw(q).Rows()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		words := make([]string, len(vals))
		for i, v := range vals {
			words[i] = "NULL"
			if v.Valid {
				words[i] = fmt.Sprintf("%q", v.String)
			}
		}
		out = append(out, strings.Join(words, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// modelsSchema returns the schema the models describe: what gorm's
// AutoMigrate of models.Tables() makes in an empty database (utf8mb4 tables
// on MySQL), read like the migrated one.
func modelsSchema(t *testing.T) []string {
	t.Helper()
	db, driver, _ := testenv.EmptyDB(t)
	if driver == "mysql" {
		db = db.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	if err := db.AutoMigrate(models.Tables()...); err != nil {
		t.Fatal(err)
	}
	return schemaOf(t, db)
}

// requireModelsSchema fails the test when db's schema is not the one the
// models describe, naming every difference and, for what the models have
// that no migration makes, the statements a new migration needs.
func requireModelsSchema(t *testing.T, db *gorm.DB) {
	t.Helper()
	if msg := compare(schemaOf(t, db), modelsSchema(t)); msg != "" {
		t.Fatal(msg)
	}
}

// compare explains how migrated differs from want, or returns "".
func compare(migrated, want []string) string {
	missing, extra := minus(want, migrated), minus(migrated, want)
	if len(missing)+len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("the migrations do not make the schema the models describe.\n")
	if len(missing) > 0 {
		fmt.Fprintf(&b, "The models have, and no migration makes:\n  %s\n", strings.Join(missing, "\n  "))
		b.WriteString(suggest(missing))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, "The migrations make, and no model has:\n  %s\n", strings.Join(extra, "\n  "))
	}
	return b.String()
}

// minus returns the lines of a that b lacks.
func minus(a, b []string) []string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return out
}

// suggest writes, for each engine, the statements gorm runs to make what
// missing lists (a table, or a column or index of an existing table): what
// a new migration's schema(…) takes (docs/architecture.md).
func suggest(missing []string) string {
	var b strings.Builder
	b.WriteString("Add a migration (models/migrations/NNNN_name.go, docs/architecture.md) with these statements:\n")
	for _, d := range []gorm.Dialector{
		sqlite.Dialector{DriverName: "sqlite3", DSN: ":memory:"},
		mysql.New(mysql.Config{DSN: "dry@tcp(127.0.0.1:1)/dry", SkipInitializeWithVersion: true}),
	} {
		rec := &recorder{}
		db, err := gorm.Open(d, &gorm.Config{DryRun: true, DisableAutomaticPing: true, Logger: rec})
		if err != nil {
			return fmt.Sprintf("(no statements: %v)\n", err)
		}
		db = db.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
		fmt.Fprintf(&b, "-- %s\n", d.Name())
		if err := dryRun(db.Migrator(), missing); err != nil {
			fmt.Fprintf(&b, "(no statements: %v)\n", err)
		}
		for _, s := range rec.sql {
			if d.Name() == "sqlite" {
				s = strings.TrimSuffix(s, "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
			}
			fmt.Fprintf(&b, "%s;\n", s)
		}
	}
	return b.String()
}

// dryRun has m make what missing lists, table by table.
func dryRun(m gorm.Migrator, missing []string) error {
	byTable, err := modelTables()
	if err != nil {
		return err
	}
	field := func(l string, i int) string {
		f := strings.Fields(l)
		if i >= len(f) {
			return ""
		}
		return strings.Trim(f[i], `"`)
	}
	newTables := map[string]bool{}
	for _, l := range missing {
		if model, ok := byTable[field(l, 1)]; ok && field(l, 0) == "table" {
			newTables[field(l, 1)] = true
			if err := m.CreateTable(model); err != nil {
				return err
			}
		}
	}
	done := map[string]bool{}
	for _, l := range missing {
		what, tbl, name := field(l, 0), field(l, 1), field(l, 2)
		model, ok := byTable[tbl]
		if !ok || newTables[tbl] || done[what+" "+tbl+" "+name] {
			continue
		}
		done[what+" "+tbl+" "+name] = true
		var err error
		switch what {
		case "column":
			err = m.AddColumn(model, name)
		case "index":
			err = m.CreateIndex(model, name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// recorder is a gorm logger keeping the statements it is shown.
type recorder struct{ sql []string }

func (r *recorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *recorder) Info(context.Context, string, ...any)     {}
func (r *recorder) Warn(context.Context, string, ...any)     {}
func (r *recorder) Error(context.Context, string, ...any)    {}
func (r *recorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	s, _ := fc()
	r.sql = append(r.sql, s)
}
