package oversight

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"efile/models"
	"efile/services/civil"
	"efile/services/sheet"
	"efile/services/vocab"
)

// The sheets of the workbook.
const (
	SheetLeaders = "一把手监督"
	SheetSummary = "汇总"
)

// leaderColumns add up to the printable width of an A4 landscape page
// (sheet.LandscapeWidth), so the sheet prints at full size.
var leaderColumns = []sheet.Column{{Header: "序号", Width: 5}, {Header: "单位", Width: 15}, {Header: "姓名", Width: 8},
	{Header: "职务", Width: 13}, {Header: "任职时间", Width: 10}, {Header: "任职年限", Width: 6}, {Header: "未办结问题（按来源）", Width: 18},
	{Header: "处分影响期内", Width: 6}, {Header: "审计巡察问题", Width: 16}, {Header: "近三年年度考核", Width: 16},
	{Header: "最近个人事项查核", Width: 12}, {Header: "最近审核", Width: 10}}

// Workbook is the report as a printable workbook: a row per leader on
// 一把手监督, the summary on 汇总; A4 landscape, the titles repeated on
// every page, page numbers (services/sheet). The caller writes and closes
// the book.
func (s *Service) Workbook(ctx context.Context, viewer *models.User, q Query) (_ *sheet.Book, err error) {
	rep, err := s.Build(ctx, viewer, q)
	if err != nil {
		return nil, err
	}
	b, err := sheet.New(sheet.Doc{Title: "一把手监督情况", Who: fmt.Sprintf("%d年", rep.Year),
		Detail: "截至 " + rep.AsOf.String(), Fallback: fmt.Sprintf("top-leaders-%d", rep.Year), At: s.now().In(s.loc)})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
		}
	}()
	t, err := b.Table(SheetLeaders, sheet.Landscape, leaderColumns...)
	if err != nil {
		return nil, err
	}
	for i, l := range rep.Leaders {
		if err := t.Row(i+1, l.UnitName, l.Name, l.Position, b.Day(l.AppointedOn), l.TenureYears, openText(l.OpenFlags),
			sheet.YesNo(l.ActiveSanction), findingsText(l.Findings), gradesText(l.Grades), mattersText(l.LastMatters),
			s.vettingText(l.LastVetting)); err != nil {
			return nil, err
		}
	}
	if err := t.Close(); err != nil {
		return nil, err
	}
	if err := s.summarySheet(b, rep); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Service) summarySheet(b *sheet.Book, rep *Report) error {
	t, err := b.Table(SheetSummary, sheet.Landscape, sheet.Column{Header: "项目", Width: 60}, sheet.Column{Header: "人数", Width: 20})
	if err != nil {
		return err
	}
	sum := rep.Summary
	for _, r := range []struct {
		label string
		n     int64
	}{{"一把手总数", sum.Leaders}, {"有未办结问题线索等", sum.WithOpenFlags}, {"处分影响期内", sum.WithActiveSanction},
		{"审计巡察问题未整改", sum.WithUnrectifiedFindings}, {fmt.Sprintf("任现职满%d年", TenureYears), sum.Tenure9yOrMore}} {
		if err := t.Row(r.label, r.n); err != nil {
			return err
		}
	}
	if err := t.Section("最近一次年度考核等次"); err != nil {
		return err
	}
	for _, e := range vocab.Ordered(vocab.Grades) {
		if n, ok := sum.Grades[e.Code]; ok {
			if err := t.Row(e.Label, n); err != nil {
				return err
			}
		}
	}
	return t.Close()
}

func openText(by map[string]int64) string {
	var parts []string
	for _, e := range vocab.Ordered(vocab.FlagSources) {
		if n := by[e.Code]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", e.Label, n))
		}
	}
	return strings.Join(parts, "，")
}

func findingsText(f Findings) string {
	var parts []string
	for _, p := range []struct {
		label string
		n     int64
	}{{"直接责任", f.Direct}, {"领导责任", f.Leadership}, {"未整改", f.Unrectified}, {"经济责任审计", f.EconomicResponsibility}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p.label, p.n))
		}
	}
	return strings.Join(parts, "，")
}

func gradesText(gs []Grade) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = fmt.Sprintf("%d %s", g.Year, vocab.Label(vocab.Grades, g.Grade))
	}
	return strings.Join(parts, "，")
}

func mattersText(m *MattersCheck) string {
	if m == nil {
		return ""
	}
	return m.CheckedOn.String() + " " + vocab.Label(vocab.PersonalMattersResults, m.Result)
}

// vettingText is the day of the vetting in EFILE_TZ and its verdict.
func (s *Service) vettingText(v *Vetting) string {
	if v == nil {
		return ""
	}
	return civil.Of(v.CheckedAt, s.loc).String() + " " + vocab.Label(vocab.Verdicts, v.Verdict)
}
