package appraisal

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"efile/models"
	"efile/services/cadre"

	"github.com/xuri/excelize/v2"
)

// Chinese labels of the results workbook. (The e-file keeps the same grade
// names in services/efile/labels.go; both belong in the shared vocabulary
// once it lands.)
var (
	GradeLabels = map[string]string{
		GradeExcellent: "优秀", GradeCompetent: "称职", GradeBasicCompetent: "基本称职", GradeIncompetent: "不称职",
		GradeUngraded: "不定等次",
		GradeGood:     "好", GradeFairlyGood: "较好", GradeAverage: "一般", GradePoor: "较差",
	}
	ReasonLabels = map[string]string{
		ReasonSanctionInPeriod:   "受处分（处理）影响",
		ReasonUnderInvestigation: "正在接受审查调查",
		ReasonQuotaTie:           "优秀名额并列",
	}
	KindLabels = map[string]string{
		KindOrdinary: "平时考核", KindAnnual: "年度考核", KindSpecial: "专项考核", KindTerm: "任期考核",
	}
)

func label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	return code
}

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

// Workbook writes a closed or finalized cycle's results as a workbook (409
// before close): the sheet 考核结果, one row per cadre (unit, name,
// position, score, grade, reasons, rater counts; the cadres never appraised
// last, marked 未参评), streamed from one query; and 等次分布, the grade
// distribution per unit (counts and shares), what the department reports
// upward. Both print A4 landscape, one page wide, with a title, the header
// row repeated on every page and page numbers in the footer.
func (s *Service) Workbook(ctx context.Context, viewer *models.User, id int64) (*excelize.File, error) {
	c, err := s.GetCycle(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusClosed && c.Status != StatusFinalized {
		return nil, ErrResultsNotReady
	}
	vis, err := s.cadres.Visible(ctx, viewer, cadre.Assign)
	if err != nil {
		return nil, err
	}
	db := models.Get(ctx, s.db)
	rows, err := db.Table("appraisal_results AS r").
		Select("r.*, cadres.name AS cadre_name, cadres.position AS position, units.id AS unit_id, units.name AS unit_name").
		Joins("JOIN cadres ON cadres.id = r.cadre_id").Joins("JOIN units ON units.id = cadres.unit_id").
		Where("r.cycle_id = ? AND r.cadre_id IN (?)", id, vis).
		Order("r.missing, r.score DESC, r.cadre_id").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := excelize.NewFile()
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
		}
	}()
	title := fmt.Sprintf("%s 考核结果（%s，%d年）", c.Name, label(KindLabels, c.Kind), c.Year)
	if c.Status != StatusFinalized {
		title += "（拟定）"
	}
	grades := Grades(c.Kind)
	dist := newDistribution()
	final := c.Status == StatusFinalized
	err = s.sheet(f, SheetResults, title, []float64{6, 24, 12, 22, 9, 11, 11, 30, 7, 7, 7},
		[]string{"序号", "单位", "姓名", "职务", "得分", "等次", "拟定等次", "说明", "上级", "同级", "下级"},
		func(add func(...any) error) error {
			n := 0
			for rows.Next() {
				var l resultLine
				if err := db.ScanRows(rows, &l); err != nil {
					return err
				}
				n++
				if l.Missing {
					dist.add(l.UnitID, l.UnitName, "")
					if err := add(n, l.UnitName, l.CadreName, l.Position, nil, "未参评", nil, "已分配评价人，未收到评价"); err != nil {
						return err
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
						notes = append(notes, label(ReasonLabels, r))
					}
				}
				if l.OverriddenBy != nil {
					notes = append(notes, "审定调整："+l.OverrideReason)
				}
				if err := add(n, l.UnitName, l.CadreName, l.Position, Score(l.Score).Float64(), label(GradeLabels, grade),
					label(GradeLabels, l.ProposedGrade), strings.Join(notes, "；"), l.SuperiorCount, l.PeerCount, l.SubordinateCount); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	if err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(SheetDistribution); err != nil {
		return nil, err
	}
	header := []string{"单位"}
	widths := []float64{24}
	for _, g := range grades {
		header = append(header, label(GradeLabels, g)+"（人）", "占比")
		widths = append(widths, 10, 8)
	}
	header = append(header, "未参评（人）", "合计（人）")
	widths = append(widths, 12, 10)
	err = s.sheet(f, SheetDistribution, c.Name+" 等次分布", widths, header, func(add func(...any) error) error {
		for _, u := range append(dist.ordered(), dist.total) {
			line := []any{u.name}
			for _, g := range grades {
				line = append(line, u.counts[g], share(u.counts[g], u.graded))
			}
			line = append(line, u.missing, u.graded+u.missing)
			if err := add(line...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	ok = true
	return f, nil
}

// share is n of total as a percentage with one decimal, "—" for none.
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
	slices.SortFunc(out, func(a, b *unitCounts) int { return int(a.id - b.id) })
	return out
}

// sheet writes one printable sheet with a stream writer: print setup
// first (A4 landscape, one page wide, page numbers in the footer, title and
// header rows repeated on every page), then the column widths, a merged
// title row, a frozen bold header row, and the rows that fill adds.
func (s *Service) sheet(f *excelize.File, name, title string, widths []float64, header []string, fill func(add func(...any) error) error) error {
	if f.GetSheetName(0) == "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	}
	size, orient, one, zero := 9, "landscape", 1, 0 // 9: A4
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient,
		FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(name, &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页，共 &N 页"}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: name,
		RefersTo: fmt.Sprintf("'%s'!$1:$2", name)}); err != nil {
		return err
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border: []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1},
			{Type: "top", Style: 1}, {Type: "bottom", Style: 1}}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	// Last column first: excelize puts each new <col> in front of the
	// others, and Excel wants them in ascending order.
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(header), 1)
	if err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}, excelize.RowOpts{Height: 28}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: headStyle, Value: h}
	}
	if err := sw.SetRow("A2", cells); err != nil {
		return err
	}
	row := 2
	add := func(values ...any) error {
		row++
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, values)
	}
	if err := fill(add); err != nil {
		return err
	}
	return sw.Flush()
}
