package efile

import (
	"context"
	"strconv"
	"time"

	"efile/models"
	"efile/services/record"

	"github.com/xuri/excelize/v2"
)

// The sheets of the e-file workbook (SPEC section 10), in their order.
const (
	SheetProfile    = "基本信息"
	SheetRecords    = "现实表现"
	SheetAppraisals = "考核评价"
	SheetFlags      = "廉政情况"
	SheetVettings   = "审核记录"
)

// SheetNames lists the workbook's sheets in order.
var SheetNames = []string{SheetProfile, SheetRecords, SheetAppraisals, SheetFlags, SheetVettings}

// loc is the zone that times are shown in (EFILE_TZ).
func (s *Service) loc() *time.Location { return s.zone }

// styles are the cell styles of the workbook.
type styles struct{ header, wrap, date, dateTime, score int }

func newStyles(f *excelize.File) (st styles, err error) {
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&st.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.dateTime, &excelize.Style{CustomNumFmt: &dateTimeFmt}},
		{&st.score, &excelize.Style{NumFmt: 2}}, // 0.00
	} {
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return st, err
		}
	}
	return st, nil
}

// stream writes one sheet with a stream writer: its column widths (before
// any row, as streaming requires), a frozen bold header row, the rows that
// fill adds, then Flush.
func stream(f *excelize.File, name string, st styles, widths []float64, header []string, fill func(add func(...any) error) error) error {
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
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := 0
	add := func(values ...any) error {
		row++
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, values)
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := add(cells...); err != nil {
		return err
	}
	if err := fill(add); err != nil {
		return err
	}
	return sw.Flush()
}

// day is a YYYY-MM-DD string as a date cell, or as text if it is none.
func (st styles) day(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return excelize.Cell{StyleID: st.date, Value: t}
}

// at is an instant as a date-time cell of its wall clock in loc.
func (st styles) at(t time.Time, loc *time.Location) any {
	return excelize.Cell{StyleID: st.dateTime, Value: t.In(loc)}
}

// orNil leaves a cell empty rather than writing an empty string.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// Workbook writes the cadre's e-file as an Excel workbook (SPEC section 10):
// sheets 基本信息, 现实表现, 考核评价, 廉政情况 and 审核记录, with Chinese
// labels. A cadre out of the viewer's scope is Build's error (404), before
// anything is written. Records are streamed row by row, so memory stays
// bounded whatever their number. The caller writes the file and closes it.
func (s *Service) Workbook(ctx context.Context, viewer *models.User, id int64) (*excelize.File, error) {
	ef, err := s.Build(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	var units []models.Unit
	if err := models.Get(ctx, s.db).Select("name").Where("id = ?", ef.Cadre.UnitID).Limit(1).Find(&units).Error; err != nil {
		return nil, err
	}
	unitName := strconv.FormatInt(ef.Cadre.UnitID, 10)
	if len(units) == 1 {
		unitName = units[0].Name
	}
	flags, err := s.Flags(ctx, id)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	if err := s.writeWorkbook(ctx, f, ef, unitName, flags); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func (s *Service) writeWorkbook(ctx context.Context, f *excelize.File, ef *File, unitName string, flags []Flag) error {
	if err := f.SetSheetName(f.GetSheetName(0), SheetProfile); err != nil {
		return err
	}
	for _, name := range SheetNames[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	loc := s.loc()
	c := ef.Cadre

	rows := [][]any{
		{"姓名", c.Name}, {"性别", Label(Genders, c.Gender)}, {"出生日期", st.day(c.BirthDate)},
		{"身份证号", ef.IDNumber}, {"单位", unitName}, {"职务", c.Position}, {"职级", c.Rank},
		{"是否一把手", yesNo(c.IsTopLeader)}, {"任职时间", st.day(c.AppointedOn)},
		{"状态", Label(CadreStatuses, c.Status)},
	}
	var total int64
	for _, cat := range record.Categories {
		rows = append(rows, []any{"现实表现记录数（" + Label(Categories, cat) + "）", ef.RecordCounts[cat]})
		total += ef.RecordCounts[cat]
	}
	rows = append(rows, []any{"现实表现记录数（合计）", total},
		[]any{"未办结问题", ef.FlagSummary.Open}, []any{"处分影响期内", yesNo(ef.FlagSummary.ActiveSanction)})
	if err := stream(f, SheetProfile, st, []float64{30, 40}, []string{"项目", "内容"}, func(add func(...any) error) error {
		for _, r := range rows {
			if err := add(r...); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}

	if err := stream(f, SheetRecords, st, []float64{10, 12, 18, 60, 12, 18, 30, 14, 14},
		[]string{"记录编号", "发生日期", "类别", "内容", "记录人", "记录时间", "更正原因", "更正记录编号", "是否已被更正"},
		func(add func(...any) error) error {
			return s.records.Each(ctx, c.ID, func(r *models.Record) error {
				var reason, supersedes any // nil: an empty cell
				if r.Reason != nil {
					reason = excelize.Cell{StyleID: st.wrap, Value: *r.Reason}
				}
				if r.SupersedesID != nil {
					supersedes = *r.SupersedesID
				}
				return add(r.ID, st.day(r.OccurredOn), Label(Categories, r.Category), excelize.Cell{StyleID: st.wrap, Value: r.Content},
					r.RecordedByName, st.at(r.RecordedAt, loc), reason, supersedes, yesNo(r.Superseded))
			})
		}); err != nil {
		return err
	}

	if err := stream(f, SheetAppraisals, st, []float64{30, 12, 8, 10, 12}, []string{"考核周期", "类型", "年度", "得分", "等次"},
		func(add func(...any) error) error {
			for _, a := range ef.Appraisals {
				if err := add(a.CycleName, Label(CycleKinds, a.Kind), a.Year, excelize.Cell{StyleID: st.score, Value: a.Score},
					Label(Grades, a.Grade)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
		return err
	}

	if err := stream(f, SheetFlags, st, []float64{12, 14, 10, 10, 50, 12, 16},
		[]string{"来源部门", "类别", "严重程度", "状态", "概要", "发生日期", "处分"}, func(add func(...any) error) error {
			for _, fl := range flags { // Flag has no reporter: it never reaches a workbook
				if err := add(Label(SourceLabels, fl.Source), Label(FlagKinds, fl.Kind), Label(Severities, fl.Severity),
					Label(FlagStatuses, fl.Status), excelize.Cell{StyleID: st.wrap, Value: fl.Summary}, st.day(fl.OccurredOn),
					orNil(Label(Sanctions, fl.Sanction))); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
		return err
	}

	if err := stream(f, SheetVettings, st, []float64{10, 12, 10, 14, 18}, []string{"用途", "基准日期", "结论", "审核人", "审核时间"},
		func(add func(...any) error) error {
			for _, v := range ef.Vettings {
				var checkedAt any = v.CheckedAt
				if t, err := time.Parse(time.RFC3339Nano, v.CheckedAt); err == nil {
					checkedAt = st.at(t, loc)
				}
				if err := add(Label(Purposes, v.Purpose), st.day(v.AsOf), Label(Verdicts, v.Verdict), v.CheckedBy, checkedAt); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return nil
}
