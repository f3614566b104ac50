package models_test

import (
	"reflect"
	"sync"
	"testing"

	"efile/models"

	"gorm.io/gorm/schema"
)

// TestEveryTableHasPrimaryKey: Galera replicates a row change by its
// primary key; a table without one is replicated slowly and can diverge
// between nodes (docs/deployment.md).
func TestEveryTableHasPrimaryKey(t *testing.T) {
	tables := models.Tables()
	if len(tables) == 0 {
		t.Fatal("models.Tables() lists no table")
	}
	cache := &sync.Map{}
	for _, m := range tables {
		name := reflect.TypeOf(m).Elem().Name()
		t.Run(name, func(t *testing.T) {
			s, err := schema.Parse(m, cache, schema.NamingStrategy{})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.PrimaryFields) == 0 {
				t.Errorf("table %s (models.%s) has no primary key: Galera needs one on every table", s.Table, name)
			}
		})
	}
}
