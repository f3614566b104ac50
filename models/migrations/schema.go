package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// A schema migration is one file, NNNN_what_it_does.sql: its id, its name
// (the underscores read as spaces), and under a line "-- sqlite" and a line
// "-- mysql" the statements for each engine, each ending with ";" at the
// end of a line (other lines starting with "--" are comments). The
// statements are the ones gorm's AutoMigrate runs for the model: the schema
// test prints them when a model has what no migration creates.
//
// Each statement runs only when what it creates is missing. That makes the
// migration safe to run again after a run cut short (MySQL commits each
// DDL statement on its own), and brings a database that has part of it (one
// made by an earlier release) to the whole, never touching what is there:
//
//   - CREATE TABLE `t` (…): when t is missing. When t exists, each column
//     of the statement that t lacks is added (ALTER TABLE … ADD COLUMN), and
//     on MySQL each inline index and constraint it lacks; SQLite cannot add
//     a constraint to a table without rebuilding it, so none is added there.
//   - CREATE [UNIQUE] INDEX `i` ON `t` …: when t has no index i.
//   - ALTER TABLE `t` ADD [COLUMN] `c` …: when t has no column c.
//   - INSERT INTO `t` …: always, so it must change nothing the second time
//     (ON CONFLICT DO NOTHING on SQLite, ON DUPLICATE KEY UPDATE on MySQL):
//     a new table's first rows.
//
// Any other statement panics when the program starts: a change of another
// kind (a rename, a new type, data in existing rows) is a Go migration.

//go:embed *.sql
var sqlFiles embed.FS

var reFileName = regexp.MustCompile(`^(\d{4})_(\w+)\.sql$`)

func init() {
	names, err := fs.Glob(sqlFiles, "*.sql")
	if err != nil {
		panic(err)
	}
	for _, f := range names {
		m := reFileName.FindStringSubmatch(f)
		if m == nil {
			panic(fmt.Sprintf("migrations: %s: a migration's file is named NNNN_what_it_does.sql", f))
		}
		raw, err := sqlFiles.ReadFile(f)
		if err != nil {
			panic(err)
		}
		id, err := strconv.Atoi(m[1])
		if err != nil {
			panic(err)
		}
		register(Migration{ID: id, Name: strings.ReplaceAll(m[2], "_", " "), Up: schema(f, string(raw))})
	}
}

// schema returns the Up of the schema migration in file: its statements
// for the database's engine, each run when what it creates is missing.
func schema(file, text string) func(ctx context.Context, tx *gorm.DB) error {
	byEngine := map[string][]statement{}
	engine := ""
	var section []string
	for _, l := range append(strings.Split(text, "\n"), "-- end") {
		switch strings.TrimSpace(l) {
		case "-- sqlite", "-- mysql", "-- end":
			if engine != "" {
				byEngine[engine] = parse(file, strings.Join(section, "\n"))
			}
			engine, section = strings.TrimPrefix(strings.TrimSpace(l), "-- "), nil
		default:
			section = append(section, l)
		}
	}
	if len(byEngine["sqlite"]) == 0 || len(byEngine["mysql"]) == 0 {
		panic(fmt.Sprintf("migrations: %s needs statements under a line \"-- sqlite\" and under a line \"-- mysql\"", file))
	}
	return func(ctx context.Context, tx *gorm.DB) error {
		engine := tx.Dialector.Name()
		list, ok := byEngine[engine]
		if !ok {
			return fmt.Errorf("no SQL for database %s", engine)
		}
		for _, s := range list {
			if err := s.apply(tx.WithContext(ctx), engine); err != nil {
				return fmt.Errorf("%.80s…: %w", s.sql, err)
			}
		}
		return nil
	}
}

// object is what a statement, or a part of a CREATE TABLE, creates.
type object int

const (
	table object = iota
	column
	index
	constraint
	primaryKey
	row
)

// statement is one statement of a schema migration, or one item of a
// CREATE TABLE's body, and what it creates.
type statement struct {
	sql   string
	what  object
	table string      // the table it creates or adds to
	name  string      // the column's, index's or constraint's
	parts []statement // a CREATE TABLE's columns, keys and constraints
}

// A pattern recognises one kind of statement, or of item in a CREATE
// TABLE's body, and names its table, the object's name, and a table's body.
type pattern struct {
	re   *regexp.Regexp
	what object
}

var statements = []pattern{
	{regexp.MustCompile("(?is)^CREATE TABLE `(?P<table>\\w+)` ?\\((?P<body>.*)\\)[^)]*$"), table},
	{regexp.MustCompile("(?i)^CREATE (?:UNIQUE )?INDEX `(?P<name>\\w+)` ON `(?P<table>\\w+)`"), index},
	{regexp.MustCompile("(?i)^ALTER TABLE `(?P<table>\\w+)` ADD (?:COLUMN )?`(?P<name>\\w+)`"), column},
	{regexp.MustCompile("(?i)^INSERT INTO `(?P<table>\\w+)`"), row},
}

var tableParts = []pattern{
	{regexp.MustCompile("^`(?P<name>\\w+)`"), column},
	{regexp.MustCompile("(?i)^(?:UNIQUE )?(?:INDEX|KEY) `(?P<name>\\w+)`"), index},
	{regexp.MustCompile("(?i)^CONSTRAINT `(?P<name>\\w+)`"), constraint},
	{regexp.MustCompile("(?i)^PRIMARY KEY"), primaryKey},
}

// match reads s by the first of patterns it fits, and returns it with a
// CREATE TABLE's body.
func match(patterns []pattern, s string) (st statement, body string, ok bool) {
	for _, p := range patterns {
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		get := func(group string) string {
			if i := p.re.SubexpIndex(group); i > 0 {
				return m[i]
			}
			return ""
		}
		return statement{sql: s, what: p.what, table: get("table"), name: get("name")}, get("body"), true
	}
	return statement{}, "", false
}

// parse splits sql into its statements and reads what each creates; lines
// starting with "--" are comments. It panics on a statement of another
// kind: migrations are parsed when the program starts, so every test run
// finds the mistake.
func parse(file, sql string) []statement {
	var lines []string
	for _, l := range strings.Split(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var out []statement
	for _, s := range strings.Split(strings.Join(lines, "\n")+"\n", ";\n") {
		s = strings.TrimSuffix(strings.TrimSpace(s), ";")
		if s == "" {
			continue
		}
		st, body, ok := match(statements, s)
		if !ok {
			panic(fmt.Sprintf("migrations: %s: a schema migration creates tables, indexes, columns and a new table's rows; write this in Go: %.80s", file, s))
		}
		if st.what == table {
			for _, item := range splitTopLevel(body) {
				p, _, ok := match(tableParts, item)
				if !ok {
					panic(fmt.Sprintf("migrations: %s: unknown item %q in %.80s", file, item, s))
				}
				st.parts = append(st.parts, p)
			}
		}
		out = append(out, st)
	}
	return out
}

// splitTopLevel splits a CREATE TABLE's body at the commas outside
// parentheses and quotes.
func splitTopLevel(body string) []string {
	var out []string
	depth, start := 0, 0
	var quote rune
	for i, r := range body {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == ',' && depth == 0:
			out = append(out, strings.TrimSpace(body[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(body[start:]))
}

// apply runs s, or what of it is missing.
func (s statement) apply(tx *gorm.DB, engine string) error {
	if s.what == row {
		return tx.Exec(s.sql).Error
	}
	ok, err := has(tx, engine, s.what, s.table, s.name)
	switch {
	case err != nil:
		return err
	case !ok:
		return tx.Exec(s.sql).Error
	case s.what == table:
		return s.addMissing(tx, engine)
	}
	return nil
}

// addMissing adds to an existing table the columns of its CREATE TABLE
// that it lacks, and on MySQL the indexes and constraints.
func (s statement) addMissing(tx *gorm.DB, engine string) error {
	for _, p := range s.parts {
		if p.what == primaryKey || (p.what != column && engine != "mysql") {
			continue
		}
		ok, err := has(tx, engine, p.what, s.table, p.name)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		add := "ADD "
		if p.what == column {
			add = "ADD COLUMN "
		}
		if err := tx.Exec("ALTER TABLE `" + s.table + "` " + add + p.sql).Error; err != nil {
			return err
		}
	}
	return nil
}

// probes ask whether a table (named by the first argument) has an object
// (named by the second), from the engine's catalogue.
var probes = map[string]map[object]string{
	"sqlite": {
		table:  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
		column: "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?",
		index:  "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?",
	},
	"mysql": {
		table:      "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
		column:     "SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?",
		index:      "SELECT count(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?",
		constraint: "SELECT count(*) FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND table_name = ? AND constraint_name = ?",
	},
}

// has tells whether the table exists (what is table) or has the named
// column, index or constraint.
func has(tx *gorm.DB, engine string, what object, tableName, name string) (bool, error) {
	args := []any{tableName}
	if what != table {
		args = append(args, name)
	}
	var n int64
	err := tx.Raw(probes[engine][what], args...).Scan(&n).Error
	return n > 0, err
}
