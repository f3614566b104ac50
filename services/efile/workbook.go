package efile

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"efile/models"
	"efile/services/sheet"
	"efile/services/vetting"
	"efile/services/vocab"

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

// Title is what the workbook is, the start of its title row and of its name.
const Title = "干部现实表现电子档案"

// Workbook writes the cadre's e-file as an Excel workbook (SPEC section 10),
// laid out to be printed and filed (package sheet): sheets 基本信息 (a form
// on A4 portrait), 现实表现 (landscape), 考核评价, 廉政情况 and 审核记录
// (the four checks and the vettings, checks_sheet.go),
// with the labels of package vocab. A cadre out of the viewer's scope is
// Build's error (404), before anything is written. Records are streamed row
// by row, so memory stays bounded whatever their number. The caller writes
// the book (its ContentDisposition names the download) and closes it.
func (s *Service) Workbook(ctx context.Context, viewer *models.User, id int64) (*sheet.Book, error) {
	ef, err := s.build(ctx, viewer, id, false)
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
	c := ef.Cadre
	b, err := sheet.New(sheet.Doc{Title: Title, Who: c.Name, Detail: joinNonEmpty("，", unitName, c.Position),
		Fallback: "efile-" + strconv.FormatInt(c.ID, 10), At: s.now().In(s.zone)})
	if err != nil {
		return nil, err
	}
	if err := s.writeWorkbook(ctx, b, ef, unitName, flags); err != nil {
		return nil, errors.Join(err, b.Close())
	}
	return b, nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// The columns of each sheet. Their widths add up to at most the printable
// width of the sheet's page (sheet.PortraitWidth, sheet.LandscapeWidth), so
// every sheet prints at full size; TestWorkbookPrints checks the sums.
var (
	recordColumns = []sheet.Column{{Header: "记录编号", Width: 10}, {Header: "发生日期", Width: 13},
		{Header: "类别", Width: 13}, {Header: "内容", Width: 40}, {Header: "记录人", Width: 9},
		{Header: "记录时间", Width: 20}, {Header: "更正原因", Width: 14}, {Header: "更正记录编号", Width: 8},
		{Header: "是否已被更正", Width: 8}}
	appraisalColumns = []sheet.Column{{Header: "考核周期", Width: 40}, {Header: "类型", Width: 12},
		{Header: "年度", Width: 8}, {Header: "得分", Width: 10}, {Header: "等次", Width: 12}}
	flagColumns = []sheet.Column{{Header: "编号", Width: 8}, {Header: "来源部门", Width: 11}, {Header: "类别", Width: 14},
		{Header: "严重程度", Width: 10}, {Header: "状态", Width: 10}, {Header: "概要", Width: 46},
		{Header: "发生日期", Width: 12}, {Header: "处分、处理或责任", Width: 24}}
)

func (s *Service) writeWorkbook(ctx context.Context, b *sheet.Book, ef *File, unitName string, flags []Flag) error {
	c := ef.Cadre
	// 基本信息: the form of form.go.
	if err := writeProfileSheet(b, ef, unitName); err != nil {
		return err
	}

	t, err := b.Table(SheetRecords, sheet.Landscape, recordColumns...)
	if err != nil {
		return err
	}
	if err := s.records.Each(ctx, c.ID, func(r *models.Record) error {
		var reason, supersedes any // nil: an empty cell
		if r.Reason != nil {
			reason = *r.Reason
		}
		if r.SupersedesID != nil {
			supersedes = *r.SupersedesID
		}
		return t.Row(r.ID, b.Day(r.OccurredOn), vocab.Label(vocab.RecordCategories, r.Category), r.Content,
			r.RecordedByName, b.Time(r.RecordedAt), reason, supersedes, sheet.YesNo(r.Superseded))
	}); err != nil {
		return err
	}
	if err := t.Close(); err != nil {
		return err
	}

	if t, err = b.Table(SheetAppraisals, sheet.Portrait, appraisalColumns...); err != nil {
		return err
	}
	for _, a := range ef.Appraisals {
		if err := t.Row(a.CycleName, vocab.Label(vocab.CycleKinds, a.Kind), a.Year, b.Score(a.Score),
			vocab.Label(vocab.Grades, a.Grade)); err != nil {
			return err
		}
	}
	if err := t.Close(); err != nil {
		return err
	}

	if t, err = b.Table(SheetFlags, sheet.Landscape, flagColumns...); err != nil {
		return err
	}
	for _, fl := range flags { // Flag has no reporter: it never reaches a workbook
		if err := t.Row(fl.ID, vocab.Label(vocab.FlagSources, fl.Source), vocab.Label(vocab.FlagKinds, fl.Kind),
			vocab.Label(vocab.Severities, fl.Severity), vocab.Label(vocab.FlagStatuses, fl.Status), fl.Summary,
			b.Day(fl.OccurredOn), decisionCell(fl)); err != nil {
			return err
		}
	}
	if err := t.Close(); err != nil {
		return err
	}

	if err := s.writeChecks(ctx, b, ef); err != nil {
		return err
	}
	b.SetActiveSheet(0)
	return nil
}

// decisionCell is what was decided on a flag, as the decision reads: a
// sanction's label, the day it was decided and the first free day (or
// 无影响期限); a measure's type and day; a finding's audit type and
// responsibility. Empty for other kinds.
func decisionCell(fl Flag) any {
	switch {
	case fl.Sanction != "":
		until := "无影响期限"
		if fl.InfluenceUntil.Valid() {
			until = "影响期至" + fl.InfluenceUntil.String()
		}
		return vocab.Label(vocab.Sanctions, fl.Sanction) + "（" + fl.DecidedOn.String() + "决定，" + until + "）"
	case fl.Measure != "":
		if !fl.MeasureDecidedOn.Valid() {
			return vocab.Label(vocab.MeasureTypes, fl.Measure)
		}
		return vocab.Label(vocab.MeasureTypes, fl.Measure) + "（" + fl.MeasureDecidedOn.String() + "）"
	case fl.Responsibility != "" || fl.AuditType != "":
		return joinNonEmpty("，", vocab.Label(vocab.AuditTypes, fl.AuditType), vocab.Label(vocab.Responsibilities, fl.Responsibility))
	}
	return nil
}

// reasonsCell lists a vetting's reasons, one a line, each with its rule's
// label; （无） when there are none.
func reasonsCell(rs []vetting.Reason) any {
	if len(rs) == 0 {
		return "（无）"
	}
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = vocab.Label(vocab.VettingRules, r.Rule) + "：" + r.Message
	}
	return strings.Join(lines, "\n")
}

// count is a number in a form's value column: left, as the text beside it.
func count(b *sheet.Book, n int64) any { return excelize.Cell{StyleID: b.Styles.Text, Value: n} }
