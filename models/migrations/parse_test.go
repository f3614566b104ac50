package migrations

import (
	"slices"
	"strings"
	"testing"
)

// A schema migration's SQL is read into what each statement creates.
func TestParse(t *testing.T) {
	got := parse("t.sql", "-- a comment\n"+
		"CREATE TABLE `a` (`id` bigint AUTO_INCREMENT,`s` varchar(9) NOT NULL DEFAULT 'x,y',`d` decimal(5,2),"+
		"PRIMARY KEY (`id`),UNIQUE INDEX `idx_a_s` (`s`),INDEX `idx_a_sd` (`s`,`d`),"+
		"CONSTRAINT `fk_a` FOREIGN KEY (`d`) REFERENCES `b`(`id`))ENGINE=InnoDB;\n"+
		"CREATE UNIQUE INDEX `idx_b` ON `b`(`x`);\n"+
		"ALTER TABLE `b` ADD `y` text NOT NULL DEFAULT \"\";\n"+
		"INSERT INTO `b` (`x`) VALUES (1) ON CONFLICT DO NOTHING;")
	var kinds []string
	for _, s := range got {
		kinds = append(kinds, s.table+"/"+s.name)
		for _, p := range s.parts {
			kinds = append(kinds, "  "+p.name)
		}
	}
	want := []string{"a/", "  id", "  s", "  d", "  ", "  idx_a_s", "  idx_a_sd", "  fk_a", "b/idx_b", "b/y", "b/"}
	if !slices.Equal(kinds, want) {
		t.Errorf("read %q, want %q", kinds, want)
	}
	if got[0].parts[1].sql != "`s` varchar(9) NOT NULL DEFAULT 'x,y'" || got[0].parts[2].what != column || got[0].parts[4].what != index {
		t.Errorf("parts %+v", got[0].parts)
	}
}

// What a schema migration cannot hold is refused when the program starts.
func TestSchemaRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"otherStatement": "-- sqlite\nDROP TABLE `a`;\n-- mysql\nCREATE TABLE `a` (`id` bigint);",
		"unknownItem":    "-- sqlite\nCREATE TABLE `a` (`id` integer, CHECK (id > 0));\n-- mysql\nCREATE TABLE `a` (`id` bigint);",
		"noMySQL":        "-- sqlite\nCREATE TABLE `a` (`id` integer);",
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "t.sql") {
					t.Errorf("accepted, or refused without naming the file: %v", r)
				}
			}()
			schema("t.sql", text)
		})
	}
}
