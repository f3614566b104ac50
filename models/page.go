package models

import "gorm.io/gorm"

// Page is a 1-based page of a list; Size is already clamped by the caller.
type Page struct {
	Number int
	Size   int
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Of narrows q to the page, in order: what every list reads.
func (p Page) Of(q *gorm.DB, order string) *gorm.DB {
	return q.Order(order).Offset(p.Offset()).Limit(p.Size)
}

// Paged is the one read of a list page: it counts the rows of q (filters
// and scope applied, no order) and reads page p of them in order. find,
// when given, adds to the read only (a Preload, a Select), not the count.
// The rows are never nil, so an empty page encodes as [].
func Paged[T any](q *gorm.DB, p Page, order string, find ...func(*gorm.DB) *gorm.DB) ([]T, int64, error) {
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	rows := p.Of(q, order)
	for _, f := range find {
		rows = f(rows)
	}
	out := []T{}
	if err := rows.Find(&out).Error; err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
