package models

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// Labels are the names a person reads beside the ids of a list (the
// cadre's name and unit, the evaluator's name), looked up for a whole page
// in one query each, never one per row.

// CadreLabel is what a list shows of a cadre beside its id (the position
// for those that show it: an integrity-opinion request).
type CadreLabel struct {
	ID       int64
	Name     string
	UnitID   int64
	UnitName string
	Position string
}

// labelChunk bounds the ids of one look-up: the largest set a request
// names (a batch vetting's 1,000 cadres; a page holds 200), so any request
// takes one query. A list of unbounded size joins the names in its own
// query instead (appraisal results: with 3,000 ids MariaDB scanned every
// cadre rather than probe each).
const labelChunk = 1000

// CadreLabels looks up the cadres of ids, with their units' names, in one
// query for up to 1,000 ids. The caller has scoped the rows the ids come
// from.
func CadreLabels(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]CadreLabel, error) {
	out := map[int64]CadreLabel{}
	ids = distinct(ids)
	for len(ids) > 0 {
		n := min(len(ids), labelChunk)
		var rows []CadreLabel
		err := Get(ctx, db).Table("cadres").Select("cadres.id, cadres.name, cadres.unit_id, COALESCE(units.name, '') AS unit_name, cadres.position").
			Joins("LEFT JOIN units ON units.id = cadres.unit_id").Where("cadres.id IN ?", ids[:n]).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r
		}
		ids = ids[n:]
	}
	return out, nil
}

// DisplayNames looks up the display names of the users of ids, in chunks
// as CadreLabels does.
func DisplayNames(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	ids = distinct(ids)
	for len(ids) > 0 {
		n := min(len(ids), labelChunk)
		var rows []struct {
			ID          int64
			DisplayName string
		}
		if err := Get(ctx, db).Model(&User{}).Select("id, display_name").Where("id IN ?", ids[:n]).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r.DisplayName
		}
		ids = ids[n:]
	}
	return out, nil
}

func distinct(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
