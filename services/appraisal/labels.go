package appraisal

import (
	"context"

	"efile/models"
)

// Labelled is a row of a cycle (an assignment, an appraisal) with the
// names a person reads beside its ids: the cadre's name and unit, the
// evaluator's name.
type Labelled[T any] struct {
	Row       T
	Cadre     models.CadreLabel
	Evaluator string
}

// pair is what label needs of a row: its cadre and its evaluator.
type pair interface {
	models.AppraisalAssignment | models.Appraisal
}

func idsOf[T pair](row *T) (cadre, evaluator int64) {
	switch r := any(row).(type) {
	case *models.AppraisalAssignment:
		return r.CadreID, r.EvaluatorID
	case *models.Appraisal:
		return r.CadreID, r.EvaluatorID
	}
	return 0, 0
}

// label names rows: two queries for the whole page, whatever its size.
func label[T pair](ctx context.Context, s *Service, rows []T) ([]Labelled[T], error) {
	cadreIDs, evaluatorIDs := make([]int64, len(rows)), make([]int64, len(rows))
	for i := range rows {
		cadreIDs[i], evaluatorIDs[i] = idsOf(&rows[i])
	}
	cadres, err := models.CadreLabels(ctx, s.db, cadreIDs)
	if err != nil {
		return nil, err
	}
	names, err := models.DisplayNames(ctx, s.db, evaluatorIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Labelled[T], len(rows))
	for i := range rows {
		out[i] = Labelled[T]{Row: rows[i], Cadre: cadres[cadreIDs[i]], Evaluator: names[evaluatorIDs[i]]}
	}
	return out, nil
}

// labelOne names one row.
func labelOne[T pair](ctx context.Context, s *Service, row *T) (*Labelled[T], error) {
	out, err := label(ctx, s, []T{*row})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}
