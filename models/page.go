package models

// Page is a 1-based page of a list; Size is already clamped by the caller.
type Page struct {
	Number int
	Size   int
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }
