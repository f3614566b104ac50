package efile

import (
	"strings"

	"efile/services/civil"
	"efile/services/profile"
	"efile/services/record"
	"efile/services/sheet"
	"efile/services/vocab"
)

// 基本信息 is a form laid out as the printed 干部任免审批表 is: the registry
// and the profile in label | value cells beside the photo, the two
// educations, then the resume (简历) a line per entry, the family
// (家庭主要成员及重要社会关系) a row per member, and the e-file's own counts.
// Seven columns fill an A4 page's width, the label columns wide enough for
// labels of six characters on one line; a usual profile (seven resume
// lines, four relatives) prints on one page.
var profileColumns = []sheet.Column{{Width: 14.5}, {Width: 12}, {Width: 14.5}, {Width: 11.5}, {Width: 12}, {Width: 12}, {Width: photoColumn}}

// The photo's box: the last column over the form's first four rows (rows
// 2–5, under the title), each at least photoRow points high. In pixels: a
// column unit is 7 px and 5 px of padding; a point is 4/3 px.
const (
	photoColumn = 13
	photoRow    = 24.0
	photoCell   = "G2"
	photoWidth  = photoColumn*7 + 5
	photoHeight = 4 * photoRow * 4 / 3
)

// profileLabel is a profile field's label, from the vocabulary.
func profileLabel(field string) sheet.Label {
	return sheet.Label(vocab.Label(vocab.ProfileFields, field))
}

func writeProfileSheet(b *sheet.Book, ef *File, unitName string) error {
	c, p := ef.Cadre, ef.Profile
	// A photo whose size cannot be read (it passed the magic-byte check
	// only) is left out rather than failing the export.
	var pics []sheet.Picture
	if p.Photo != nil && sheet.Placeable(p.Photo) {
		pics = append(pics, sheet.Picture{Cell: photoCell, Data: p.Photo, Width: photoWidth, Height: photoHeight, AltText: "照片"})
	}
	t, err := b.TableWith(SheetProfile, sheet.Portrait, pics, profileColumns...)
	if err != nil {
		return err
	}
	span := func(v any, cols int) sheet.Span { return sheet.Span{Value: v, Cols: cols} }
	one := func(v any) sheet.Span { return sheet.Span{Value: v} }
	var photo any = "照片"
	if pics != nil {
		photo = nil
	}
	rows := [][]sheet.Span{
		{one(sheet.Label("姓名")), one(c.Name), one(sheet.Label("性别")), one(vocab.Label(vocab.Genders, c.Gender)),
			one(sheet.Label("出生日期")), one(b.Day(c.BirthDate)), {Value: photo, Rows: 4}},
		{one(profileLabel("ethnicity")), one(p.Ethnicity), one(profileLabel("native_place")), one(p.NativePlace),
			one(profileLabel("birthplace")), one(p.Birthplace)},
		{one(profileLabel("party_joined_on")), one(partyCell(p)), one(profileLabel("work_started_on")), one(month(p.WorkStartedOn)),
			one(profileLabel("health")), one(p.Health)},
		{one(profileLabel("professional_title")), span(p.ProfessionalTitle, 2), one(profileLabel("expertise")), span(p.Expertise, 2)},
	}
	for _, r := range rows {
		if err := t.Spans(photoRow, r...); err != nil {
			return err
		}
	}
	for _, e := range []struct {
		field string
		ed    profile.Education
	}{{"full_time_education", p.FullTime}, {"in_service_education", p.InService}} {
		if err := t.Spans(0, one(profileLabel(e.field)), span(joinNonEmpty(" ", e.ed.Level, e.ed.Degree), 2),
			one(profileLabel("education.school")), span(e.ed.School, 3)); err != nil {
			return err
		}
	}
	for _, r := range [][]sheet.Span{
		{one(sheet.Label("身份证号")), span(ef.IDNumber, 2), one(sheet.Label("单位")), span(unitName, 3)},
		{one(sheet.Label("职务")), span(c.Position, 2), one(sheet.Label("职级")), span(c.Rank, 3)},
		{one(sheet.Label("任职时间")), one(b.Day(c.AppointedOn)), one(sheet.Label("是否一把手")), one(sheet.YesNo(c.IsTopLeader)),
			one(sheet.Label("状态")), span(vocab.Label(vocab.CadreStatuses, c.Status), 2)},
	} {
		if err := t.Spans(0, r...); err != nil {
			return err
		}
	}
	if err := writeResume(t, p); err != nil {
		return err
	}
	if err := writeFamily(t, p); err != nil {
		return err
	}
	if err := writeCounts(b, t, ef); err != nil {
		return err
	}
	return t.Close()
}

// writeResume writes 简历: a line per entry, its period and its text.
func writeResume(t *sheet.Table, p *profile.Profile) error {
	if err := t.Section(vocab.Label(vocab.ProfileFields, "resume")); err != nil {
		return err
	}
	if len(p.Resume) == 0 {
		return t.Spans(0, sheet.Span{Value: sheet.None, Cols: len(profileColumns)})
	}
	for _, r := range p.Resume {
		period := dotted(r.From) + "--" + month(r.To)
		if err := t.Spans(0, sheet.Span{Value: period, Cols: 2}, sheet.Span{Value: r.Text, Cols: 5}); err != nil {
			return err
		}
	}
	return nil
}

// writeFamily writes 家庭主要成员及重要社会关系: a header, a row per member.
func writeFamily(t *sheet.Table, p *profile.Profile) error {
	if err := t.Section(vocab.Label(vocab.ProfileFields, "family")); err != nil {
		return err
	}
	if len(p.Family) == 0 {
		return t.Spans(0, sheet.Span{Value: sheet.None, Cols: len(profileColumns)})
	}
	head := []sheet.Span{{Value: profileLabel("family.relation")}, {Value: profileLabel("family.name")},
		{Value: profileLabel("family.born_on")}, {Value: profileLabel("family.political_status")},
		{Value: profileLabel("family.work"), Cols: 3}}
	if err := t.Spans(0, head...); err != nil {
		return err
	}
	for _, m := range p.Family {
		if err := t.Spans(0, sheet.Span{Value: m.Relation}, sheet.Span{Value: m.Name}, sheet.Span{Value: month(m.BornOn)},
			sheet.Span{Value: m.PoliticalStatus}, sheet.Span{Value: m.Work, Cols: 3}); err != nil {
			return err
		}
	}
	return nil
}

// writeCounts writes the e-file's own summary: records per category, and
// the integrity counts.
func writeCounts(b *sheet.Book, t *sheet.Table, ef *File) error {
	if err := t.Section("现实表现记录数"); err != nil {
		return err
	}
	var cells []sheet.Span
	var total int64
	for _, cat := range record.Categories() {
		cells = append(cells, sheet.Span{Value: sheet.Label(vocab.Label(vocab.RecordCategories, cat))},
			sheet.Span{Value: count(b, ef.RecordCounts[cat])})
		total += ef.RecordCounts[cat]
	}
	cells = append(cells, sheet.Span{Value: sheet.Label("合计")}, sheet.Span{Value: count(b, total)})
	// Three label–value pairs a row; the last value of a row takes the
	// seventh column too.
	for i := 0; i < len(cells); i += 6 {
		row := cells[i:min(i+6, len(cells))]
		row[len(row)-1].Cols = len(profileColumns) - len(row) + 1
		if err := t.Spans(0, row...); err != nil {
			return err
		}
	}
	if err := t.Section("廉政情况"); err != nil {
		return err
	}
	return t.Spans(0, sheet.Span{Value: sheet.Label("未办结问题")}, sheet.Span{Value: count(b, ef.FlagSummary.Open)},
		sheet.Span{Value: sheet.Label("处分影响期内")}, sheet.Span{Value: sheet.YesNo(ef.FlagSummary.ActiveSanction), Cols: 4})
}

// month is a month YYYY-MM as the form writes it, 2001.06; "" for none.
func month(m *civil.Month) string {
	if m == nil {
		return ""
	}
	return dotted(*m)
}

func dotted(m civil.Month) string { return strings.ReplaceAll(m.String(), "-", ".") }

// partyCell is 入党时间 as the form writes it: the month, and a democratic
// party's name (2001.06；民盟).
func partyCell(p *profile.Profile) string {
	return joinNonEmpty("；", month(p.PartyJoinedOn), p.OtherParty)
}
