package appraisal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"efile/models"
	"efile/services/sheet"
	"efile/services/vocab"
)

// reasonLabel is the Chinese label of a reason a result carries
// (vocabulary grade_reasons).
func reasonLabel(code string) string { return vocab.Label(vocab.GradeReasons, code) }

// The sheets of the results workbook.
const (
	SheetResults      = "考核结果"
	SheetDistribution = "等次分布"
)

// resultLine is one row of the results sheet.
type resultLine struct {
	models.AppraisalResult
	CadreName string
	Position  string
	UnitID    int64
	UnitName  string
}

// The columns of the two sheets; each adds up to the printable width of an
// A4 landscape page (sheet.LandscapeWidth), so they print at full size.
var (
	resultColumns = []sheet.Column{{Header: "序号", Width: 6}, {Header: "单位", Width: 22}, {Header: "姓名", Width: 10},
		{Header: "职务", Width: 18}, {Header: "得分", Width: 8}, {Header: "等次", Width: 10}, {Header: "拟定等次", Width: 10},
		{Header: "说明", Width: 33}, {Header: "上级评价", Width: 6}, {Header: "同级评价", Width: 6}, {Header: "下级评价", Width: 6}}
	unitWidth, countWidth, shareWidth, restWidth = 25.0, 9.0, 9.0, 10.0
)

// Workbook writes a closed or finalized cycle's results as a printable
// workbook (409 before close): the sheet 考核结果, one row per cadre (unit,
// name, position, score, grade, reasons, rater counts; the cadres never
// appraised last, marked 未参评), streamed from one query; and 等次分布,
// the grade distribution per unit (counts and shares), what the department
// reports upward. Both print as services/sheet prints: A4 landscape, the
// title, the header row repeated, page numbers. The caller writes and
// closes the book.
func (s *Service) Workbook(ctx context.Context, viewer *models.User, id int64) (_ *sheet.Book, err error) {
	c, q, err := s.withResults(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	db := models.Get(ctx, s.db)
	rows, err := q.Select("appraisal_results.*, cadres.name AS cadre_name, cadres.position AS position, units.id AS unit_id, units.name AS unit_name").
		Joins("JOIN cadres ON cadres.id = appraisal_results.cadre_id").Joins("JOIN units ON units.id = cadres.unit_id").
		Where("appraisal_results.cycle_id = ?", id).
		Order("appraisal_results.missing, appraisal_results.score DESC, appraisal_results.cadre_id").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	detail := fmt.Sprintf("%d年%s", c.Year, vocab.Label(vocab.CycleKinds, c.Kind))
	if c.Status != StatusFinalized {
		detail += "，拟定"
	}
	b, err := sheet.New(sheet.Doc{Title: "考核结果", Who: c.Name, Detail: detail,
		Fallback: fmt.Sprintf("appraisal-%d-results", c.ID), At: s.now().In(s.zone)})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
		}
	}()
	dist := newDistribution()
	final := c.Status == StatusFinalized
	t, err := b.Table(SheetResults, sheet.Landscape, resultColumns...)
	if err != nil {
		return nil, err
	}
	n := 0
	for rows.Next() {
		var l resultLine
		if err := db.ScanRows(rows, &l); err != nil {
			return nil, err
		}
		n++
		if l.Missing {
			dist.add(l.UnitID, l.UnitName, "")
			if err := t.Row(n, l.UnitName, l.CadreName, l.Position, nil, "未参评", nil, "已分配评价人，未收到评价"); err != nil {
				return nil, err
			}
			continue
		}
		grade := l.ProposedGrade
		if final {
			grade = l.FinalGrade
		}
		dist.add(l.UnitID, l.UnitName, grade)
		var notes []string
		for _, r := range strings.Split(l.Reasons, ",") {
			if r != "" {
				notes = append(notes, reasonLabel(r))
			}
		}
		if l.OverriddenBy != nil {
			notes = append(notes, "审定调整："+l.OverrideReason)
		}
		if err := t.Row(n, l.UnitName, l.CadreName, l.Position, b.Score(Score(l.Score).Float64()),
			vocab.Label(vocab.Grades, grade), vocab.Label(vocab.Grades, l.ProposedGrade), strings.Join(notes, "；"),
			l.SuperiorCount, l.PeerCount, l.SubordinateCount); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := t.Close(); err != nil {
		return nil, err
	}

	grades := Grades(c.Kind)
	cols := []sheet.Column{{Header: "单位", Width: unitWidth}}
	for _, g := range grades {
		cols = append(cols, sheet.Column{Header: vocab.Label(vocab.Grades, g), Width: countWidth},
			sheet.Column{Header: "占比", Width: shareWidth})
	}
	cols = append(cols, sheet.Column{Header: "未参评", Width: restWidth}, sheet.Column{Header: "合计", Width: restWidth})
	if t, err = b.Table(SheetDistribution, sheet.Landscape, cols...); err != nil {
		return nil, err
	}
	for _, u := range append(dist.ordered(), dist.total) {
		line := []any{u.name}
		for _, g := range grades {
			line = append(line, u.counts[g], share(u.counts[g], u.graded))
		}
		line = append(line, u.missing, u.graded+u.missing)
		if err := t.Row(line...); err != nil {
			return nil, err
		}
	}
	if err := t.Close(); err != nil {
		return nil, err
	}
	b.SetActiveSheet(0)
	return b, nil
}

// share is n of total as a percentage with one decimal (of the graded
// cadres), "—" when none was graded.
func share(n, total int) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(total))
}

// unitCounts is one unit's grade counts.
type unitCounts struct {
	id              int64
	name            string
	counts          map[string]int
	graded, missing int
}

// distribution counts grades per unit as the rows stream by (memory grows
// with the units, not the cadres).
type distribution struct {
	units map[int64]*unitCounts
	total *unitCounts
}

func newDistribution() *distribution {
	return &distribution{units: map[int64]*unitCounts{}, total: &unitCounts{name: "合计", counts: map[string]int{}}}
}

// add counts one cadre of a unit; grade "" is a cadre never appraised.
func (d *distribution) add(unitID int64, unitName, grade string) {
	u := d.units[unitID]
	if u == nil {
		u = &unitCounts{id: unitID, name: unitName, counts: map[string]int{}}
		d.units[unitID] = u
	}
	for _, c := range []*unitCounts{u, d.total} {
		if grade == "" {
			c.missing++
		} else {
			c.counts[grade]++
			c.graded++
		}
	}
}

// ordered lists the units by id.
func (d *distribution) ordered() []*unitCounts {
	out := make([]*unitCounts, 0, len(d.units))
	for _, u := range d.units {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *unitCounts) int { return cmp.Compare(a.id, b.id) })
	return out
}
