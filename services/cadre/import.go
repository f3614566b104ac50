package cadre

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/idnumber"
	"efile/services/roster"
	"efile/services/text"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm/clause"
)

// Actions of an import row.
const (
	ActionCreated   = "created"
	ActionUpdated   = "updated"
	ActionUnchanged = "unchanged"
)

// ImportReport is SPEC section 5's answer to an import: counts, and per row
// what happened. Changed lists the fields an update changed; it is empty
// for a created row (nothing was there to compare with) and an unchanged
// one. CadreID is nil for a row a dry run would create.
type ImportReport struct {
	Created   int
	Updated   int
	Unchanged int
	Rows      []ImportRow
}

// ImportRow is one row of an ImportReport.
type ImportRow struct {
	Line    int
	Action  string
	CadreID *int64
	Changed []string
}

// importBatch is the rows per INSERT or upsert statement: large enough that
// 20,000 rows are 40 statements, small enough to stay under MySQL's
// placeholder and packet limits.
const importBatch = 500

// maxRowErrors bounds the details of a refused import, so that a roster
// wrong in every cell still gets a short answer.
const maxRowErrors = 200

// ImportFile reads a roster file (CSV or XLSX, see roster.Parse) and
// imports it. It is the one entry of both POST /api/v1/cadres/import and
// `efile import`: a file-level problem is a 400 on "file" (413 past the
// size or row limit), bad rows a 400 with one detail per row and column.
func (s *Service) ImportFile(ctx context.Context, viewer *models.User, r io.Reader, filename string, dryRun bool, progress func(done, total int)) (*ImportReport, error) {
	rows, problems, err := roster.Parse(r, filename)
	if err != nil {
		var v *errs.Validation
		var cd *errs.Coded
		if errors.Is(err, errs.ErrInvalid) && !errors.As(err, &v) && errors.As(err, &cd) {
			return nil, errs.Invalid("file", "%s", cd.Msg)
		}
		return nil, err
	}
	return s.Import(ctx, viewer, rows, problems, dryRun, progress)
}

// rowErrors collects an import's row errors: one per row and column (the
// first found is the most telling), at most maxRowErrors.
type rowErrors struct {
	v     errs.Validation
	seen  map[string]bool
	extra int
}

func (e *rowErrors) add(line int, column, format string, a ...any) {
	f := rowField(line, column)
	if e.seen[f] {
		return
	}
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	e.seen[f] = true
	if len(e.v.Details) == maxRowErrors {
		e.extra++
		return
	}
	name := roster.Header(column)
	if name == "" {
		name = column
	}
	e.v.Add(f, "第 %d 行，%s：%s", line, name, errs.M(format, a...))
}

func (e *rowErrors) err() error {
	if e.extra > 0 {
		e.v.Add("rows", "另有 %d 处问题未列出；请先改正以上问题后重新上传", e.extra)
	}
	return e.v.Err()
}

// Import validates every row of a parsed roster first; if any row is bad,
// nothing is written and the error lists each bad row and column.
// Otherwise rows whose ID number matches a cadre update it (or leave it
// alone when nothing differs) and the rest create cadres, all in one
// transaction; a dry run answers the same report and writes nothing.
// progress, when not nil, is told how many rows have been written.
func (s *Service) Import(ctx context.Context, viewer *models.User, rows []roster.Row, problems []roster.Problem, dryRun bool, progress func(done, total int)) (*ImportReport, error) {
	e := &rowErrors{}
	// The roster's own problems (header, undecodable or overlong cells)
	// come first; the rows are still all checked, so one answer lists
	// everything to fix.
	for _, p := range problems {
		e.add(p.Line, p.Column, "%s", p.Message)
	}
	if len(rows) == 0 {
		if err := e.err(); err != nil {
			return nil, err
		}
		return nil, errs.Invalid("file", "名册中没有数据行：请在表头下逐行填写干部信息")
	}
	codes, err := s.unitCodes(ctx)
	if err != nil {
		return nil, err
	}
	fields := make([]Fields, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		fields[i] = s.rowFields(e, r, codes)
		if fields[i].IDNumber == "" {
			continue
		}
		if first, dup := seen[fields[i].IDNumber]; dup {
			e.add(r.Line, roster.FieldIDNumber, "与第 %d 行的身份证号相同；同一人只能占一行", first)
		}
		seen[fields[i].IDNumber] = r.Line
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	var rep *ImportReport
	plan := func(ctx context.Context) error {
		var err error
		rep, err = s.importRows(ctx, viewer, rows, fields, dryRun, progress)
		return err
	}
	if dryRun {
		err = plan(ctx)
	} else {
		err = s.log.Tx(ctx, plan)
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// importRows matches the validated rows to cadres, refuses identity
// mismatches and the importer's own record, and unless dryRun writes the
// new and changed rows in batches.
func (s *Service) importRows(ctx context.Context, viewer *models.User, rows []roster.Row, fields []Fields, dryRun bool, progress func(done, total int)) (*ImportReport, error) {
	existing, err := s.byHashes(ctx, fields, !dryRun)
	if err != nil {
		return nil, err
	}
	closed, err := s.disabledUnits(ctx)
	if err != nil {
		return nil, err
	}
	e := &rowErrors{}
	rep := &ImportReport{Rows: make([]ImportRow, len(rows))}
	var fresh, changed []models.Cadre
	var freshAt []int // index in rep.Rows of each fresh cadre
	now := s.now().UTC()
	for i := range fields {
		f, line := &fields[i], rows[i].Line
		row := &rep.Rows[i]
		row.Line, row.Changed = line, []string{}
		c, ok := existing[s.keys.Lookup(f.IDNumber)]
		if (!ok || c.UnitID != f.UnitID) && closed[f.UnitID] {
			e.add(line, roster.FieldUnitCode, "编码为“%s”的单位已停用，不能再新增或调入干部", text.Cut(rows[i].Values[roster.FieldUnitCode]))
			continue
		}
		if !ok {
			nc := models.Cadre{Status: "active", Version: 1}
			s.apply(&nc, f)
			fresh, freshAt = append(fresh, nc), append(freshAt, i)
			row.Action = ActionCreated
			rep.Created++
			continue
		}
		// Recusal (回避): nobody changes their own cadre record.
		if authz.Recused(viewer, c.ID) {
			e.add(line, roster.FieldIDNumber, "这是您本人的干部档案，按回避规定不能由您导入或修改")
			continue
		}
		if diff := identityDiff(c, f); diff != "" {
			e.add(line, roster.FieldIDNumber, "该身份证号已属于干部 #%d，但%s与本行不同；请核对身份证号。若号码无误、身份信息确有变化，请在该干部页面修改", c.ID, diff)
			continue
		}
		id := c.ID
		row.CadreID = &id
		row.Changed = changes(c, f)
		if len(row.Changed) == 0 {
			row.Action = ActionUnchanged
			rep.Unchanged++
			continue
		}
		row.Action = ActionUpdated
		rep.Updated++
		c.UnitID, c.Position, c.Rank, c.IsTopLeader, c.AppointedOn = f.UnitID, f.Position, f.Rank, f.IsTopLeader, f.AppointedOn
		c.Version++
		c.UpdatedAt = now
		changed = append(changed, *c)
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	if dryRun {
		return rep, nil
	}
	total, done := len(fresh)+len(changed), 0
	db := models.Get(ctx, s.db)
	// Only the import's own fields: status, identity and the ID number
	// stay as they are. The rows were read FOR UPDATE in this
	// transaction, so version + 1 is computed on the current row.
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"unit_id", "position", "rank", "is_top_leader", "appointed_on", "version", "updated_at"})}
	for start := 0; start < len(changed); start += importBatch {
		batch := changed[start:min(start+importBatch, len(changed))]
		if err := db.Clauses(upsert).Create(&batch).Error; err != nil {
			return nil, err
		}
		done += len(batch)
		if progress != nil {
			progress(done, total)
		}
	}
	for start := 0; start < len(fresh); start += importBatch {
		batch := fresh[start:min(start+importBatch, len(fresh))]
		if err := db.Create(&batch).Error; err != nil {
			if models.IsDuplicate(err) {
				return nil, ErrDuplicate
			}
			return nil, err
		}
		for k := range batch {
			id := batch[k].ID
			rep.Rows[freshAt[start+k]].CadreID = &id
		}
		done += len(batch)
		if progress != nil {
			progress(done, total)
		}
	}
	return rep, nil
}

// identityDiff names, in Chinese, the identity fields of c that differ from
// the row; "" when the row is the same person.
func identityDiff(c *models.Cadre, f *Fields) string {
	var d []string
	if norm.NFC.String(c.Name) != f.Name {
		d = append(d, "姓名")
	}
	if c.Gender != f.Gender {
		d = append(d, "性别")
	}
	if c.BirthDate != f.BirthDate {
		d = append(d, "出生日期")
	}
	return strings.Join(d, "、")
}

// changes lists the fields an import would change on c.
func changes(c *models.Cadre, f *Fields) []string {
	out := []string{}
	if c.UnitID != f.UnitID {
		out = append(out, "unit_id")
	}
	if c.Position != f.Position {
		out = append(out, "position")
	}
	if c.Rank != f.Rank {
		out = append(out, "rank")
	}
	if c.IsTopLeader != f.IsTopLeader {
		out = append(out, "is_top_leader")
	}
	if c.AppointedOn != f.AppointedOn {
		out = append(out, "appointed_on")
	}
	return out
}

func rowField(line int, f string) string { return fmt.Sprintf("rows[%d].%s", line, f) }

// sciNumber is an ID number a spreadsheet stored as a number and wrote in
// E notation (1.10101198011031E+17), losing its last digits.
var sciNumber = regexp.MustCompile(`^\d(\.\d+)?[eE]\+?\d+$`)

// rowFields turns one row's cells, as people type them, into Fields,
// adding a detail per bad cell.
func (s *Service) rowFields(e *rowErrors, r roster.Row, codes map[string]int64) Fields {
	bad := func(f, format string, a ...any) { e.add(r.Line, f, format, a...) }
	var f Fields
	val := r.Values
	f.Name, f.Position, f.Rank = val[roster.FieldName], val[roster.FieldPosition], val[roster.FieldRank]
	id := val[roster.FieldIDNumber]
	if sciNumber.MatchString(id) {
		bad(roster.FieldIDNumber, "身份证号被表格软件存成了数字（%s）：请把“身份证号”列设置为文本格式后重新输入", text.Cut(id))
	}
	f.IDNumber = idnumber.Normalize(id)
	g, ok := roster.NormalizeGender(val[roster.FieldGender])
	if !ok {
		bad(roster.FieldGender, "须为“男”或“女”（现为“%s”）", text.Cut(val[roster.FieldGender]))
	}
	f.Gender = g
	top, ok := roster.NormalizeBool(val[roster.FieldIsTopLeader])
	if !ok {
		bad(roster.FieldIsTopLeader, "须为“是”或“否”（现为“%s”）", text.Cut(val[roster.FieldIsTopLeader]))
	}
	f.IsTopLeader = top
	// Dates as people type them (2024/3/5, Excel date cells) become
	// YYYY-MM-DD; anything else is left as typed for check to report.
	f.BirthDate, f.AppointedOn = cellDate(val[roster.FieldBirthDate]), cellDate(val[roster.FieldAppointedOn])
	code := val[roster.FieldUnitCode]
	if uid, ok := codes[code]; ok {
		f.UnitID = uid
	} else if code == "" {
		bad(roster.FieldUnitCode, "必填：填写单位的编码")
	} else {
		bad(roster.FieldUnitCode, "没有编码为“%s”的单位", text.Cut(code))
	}
	// The API's rules, against the row's columns; the unit
	// was reported above by its code.
	rv := &errs.Validation{}
	s.check(rv, &f, plain)
	for _, d := range rv.Details {
		if d.Field != "unit_id" {
			bad(d.Field, "%s", d.Msg)
		}
	}
	return f
}

// byHashes reads the cadres the rows' ID numbers match, importBatch at a
// time; lock reads them FOR UPDATE (MySQL; SQLite's write transaction
// already holds the database).
func (s *Service) byHashes(ctx context.Context, fields []Fields, lock bool) (map[string]*models.Cadre, error) {
	out := map[string]*models.Cadre{}
	for start := 0; start < len(fields); start += importBatch {
		end := min(start+importBatch, len(fields))
		hashes := make([]string, 0, end-start)
		for _, f := range fields[start:end] {
			hashes = append(hashes, s.keys.Lookup(f.IDNumber))
		}
		q := models.Get(ctx, s.db)
		if lock {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var found []models.Cadre
		if err := q.Where("id_number_hash IN ?", hashes).Find(&found).Error; err != nil {
			return nil, err
		}
		for i := range found {
			out[found[i].IDNumberHash] = &found[i]
		}
	}
	return out, nil
}

// cellDate is the date of a cell: typed as people type it, or as it was
// typed (not a date, for check to report).
func cellDate(cell string) civil.Date {
	if d, ok := roster.NormalizeDate(cell); ok {
		cell = d
	}
	return civil.Text(cell)
}
