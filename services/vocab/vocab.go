// Package vocab is the one source of the Chinese labels of every enumeration
// of the SPEC (section 12): the console reads them from GET /api/v1/vocabulary
// and the workbooks print them, so a label is changed in one place.
//
// The tables are unexported and never handed out: Label reads one label,
// Labels and All return copies, so no caller can change what another sees.
//
// Labels that the SPEC leaves open were chosen as an organization department
// writes them; docs/decisions.md says why (flag statuses 待核查/核查中 as the
// discipline bodies name the checking of a clue, the two 警告 told apart as
// 政务警告 and 党内警告, 开除 of the government sanctions as 开除公职).
package vocab

import (
	"maps"
	"slices"
)

// Entry is one code and its label.
type Entry struct {
	Code, Label string
}

// Label is the Chinese label of code in the vocabulary kind, or code itself
// when there is none (a code added before its label still prints).
func Label(kind, code string) string {
	for _, e := range tables[kind] {
		if e.Code == code {
			return e.Label
		}
	}
	return code
}

// Labels is a copy of one kind's code → label table; nil for an unknown kind.
func Labels(kind string) map[string]string {
	es, ok := tables[kind]
	if !ok {
		return nil
	}
	m := make(map[string]string, len(es))
	for _, e := range es {
		m[e.Code] = e.Label
	}
	return m
}

// Ordered is a copy of one kind's entries in the order people read them
// (the SPEC's order: categories as a file lists them, grades from the top,
// sanctions by family and weight), for lists and forms.
func Ordered(kind string) []Entry { return slices.Clone(tables[kind]) }

// Kinds lists every kind, sorted.
func Kinds() []string { return slices.Sorted(maps.Keys(tables)) }

// All is a copy of every table, keyed by kind.
func All() map[string]map[string]string {
	out := make(map[string]map[string]string, len(tables))
	for k := range tables {
		out[k] = Labels(k)
	}
	return out
}
