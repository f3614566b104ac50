package efile

import (
	"context"
	"fmt"
	"strings"
	"time"

	"efile/services/checks"
	"efile/services/civil"
	"efile/services/sheet"
	"efile/services/vocab"
)

// The 审核记录 sheet (SPEC 10): the four checks of SPEC 13 (every dossier
// review, personal-matters check and integrity-opinion request, newest
// first) and the newest vettings, one table printed landscape: what a row
// is, its number, its date, its purpose or kind, its conclusion, what it
// says, who made it and when.
var checkColumns = []sheet.Column{{Header: "事项", Width: 13}, {Header: "编号", Width: 7}, {Header: "日期", Width: 12},
	{Header: "用途/类型", Width: 11}, {Header: "结论", Width: 14}, {Header: "内容", Width: 44},
	{Header: "经办人", Width: 12}, {Header: "记录时间", Width: 18}}

// What each row is, as the sheet names it.
const (
	rowReview   = "干部档案审核"
	rowMatters  = "个人事项查核"
	rowOpinion  = "廉政意见"
	rowVetting  = "资格审查"
	blankMarker = "—"
)

// writeChecks writes the 审核记录 sheet: the checks read here (a few per
// cadre, in three queries), then the vettings Build read.
func (s *Service) writeChecks(ctx context.Context, b *sheet.Book, ef *File) error {
	t, err := b.Table(SheetVettings, sheet.Landscape, checkColumns...)
	if err != nil {
		return err
	}
	if s.checks != nil {
		reviews, matters, opinions, err := s.checks.All(ctx, ef.Cadre.ID)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			if err := t.Row(rowReview, r.ID, b.Day(r.ReviewedOn), blankMarker, vocab.Label(vocab.DossierConclusions, r.Conclusion),
				reviewText(&r), r.RecordedByName, b.Time(r.RecordedAt)); err != nil {
				return err
			}
		}
		for _, m := range matters {
			if err := t.Row(rowMatters, m.ID, b.Day(m.CheckedOn), vocab.Label(vocab.PersonalMattersKinds, m.Kind),
				vocab.Label(vocab.PersonalMattersResults, m.Result), mattersText(&m), m.RecordedByName, b.Time(m.RecordedAt)); err != nil {
				return err
			}
		}
		for _, o := range opinions {
			if err := t.Row(rowOpinion, o.ID, b.Day(s.day(o.RequestedAt)), vocab.Label(vocab.Purposes, o.Purpose),
				opinionConclusion(&o), s.opinionText(&o), o.RequestedByName, b.Time(o.RequestedAt)); err != nil {
				return err
			}
		}
	}
	for _, v := range ef.Vettings {
		if err := t.Row(rowVetting, v.ID, b.Day(v.AsOf), vocab.Label(vocab.Purposes, v.Purpose), vocab.Label(vocab.Verdicts, v.Verdict),
			vettingText(&v), v.CheckedByName, b.Time(v.CheckedAt)); err != nil {
			return err
		}
	}
	return t.Close()
}

// reviewText lists a review's findings, one a line, and its note.
func reviewText(r *checks.Review) string {
	lines := make([]string, 0, len(r.Findings)+1)
	for _, f := range r.Findings {
		l := vocab.Label(vocab.DossierItems, f.Item) + "：" + vocab.Label(vocab.DossierFindingResults, f.Result)
		if f.Note != "" {
			l += "（" + f.Note + "）"
		}
		lines = append(lines, l)
	}
	return withNote(lines, r.Note)
}

func mattersText(m *checks.MattersCheck) string {
	return withNote([]string{"配偶、子女移居国（境）外：" + sheet.YesNo(m.FamilyEmigrated)}, m.Note)
}

// opinionConclusion is a reply's conclusion, or the request's status.
func opinionConclusion(o *checks.Opinion) string {
	if o.Conclusion != nil {
		return vocab.Label(vocab.OpinionConclusions, *o.Conclusion)
	}
	return vocab.Label(vocab.OpinionStatuses, o.Status)
}

// opinionText says what a request asked and what its reply says: the due
// date, the reply's text, who signed it, the flags it names (their number,
// kind and status only), when and by whom it came.
func (s *Service) opinionText(o *checks.Opinion) string {
	due := "回复期限：" + o.DueOn.String()
	if o.Overdue {
		due += "（已逾期）"
	}
	lines := []string{due}
	if o.RepliedAt != nil {
		late := ""
		if o.Late {
			late = "（逾期回复）"
		}
		lines = append(lines, "意见："+o.Text, "签字人："+o.SignedBy,
			"回复："+deref(o.RepliedByName)+"，"+s.day(*o.RepliedAt).String()+late)
		if len(o.Flags) > 0 {
			refs := make([]string, len(o.Flags))
			for i, f := range o.Flags {
				refs[i] = fmt.Sprintf("%d号%s（%s）", f.ID, vocab.Label(vocab.FlagKinds, f.Kind), vocab.Label(vocab.FlagStatuses, f.Status))
			}
			lines = append(lines, "所依据的问题线索："+strings.Join(refs, "、"))
		}
	}
	if o.WithdrawnAt != nil {
		lines = append(lines, "撤回："+s.day(*o.WithdrawnAt).String())
	}
	return withNote(lines, o.Note)
}

// vettingText is a vetting's reasons, one a line led by its rule's label,
// and the check records it relied on.
func vettingText(v *Vetting) string {
	text, _ := reasonsCell(v.Reasons).(string)
	var basis []string
	for _, b := range []struct {
		what string
		id   *int64
	}{{rowReview, v.Basis.DossierReviewID}, {rowMatters, v.Basis.PersonalMattersCheckID}, {rowOpinion, v.Basis.IntegrityOpinionID}} {
		if b.id != nil {
			basis = append(basis, fmt.Sprintf("%s%d号", b.what, *b.id))
		}
	}
	if len(basis) > 0 {
		text += "\n依据：" + strings.Join(basis, "、")
	}
	return text
}

func withNote(lines []string, note string) string {
	if note != "" {
		lines = append(lines, "备注："+note)
	}
	return strings.Join(lines, "\n")
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// day is the day an instant falls on in EFILE_TZ.
func (s *Service) day(t time.Time) civil.Date { return civil.Of(t, s.zone) }
