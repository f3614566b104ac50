package lrmx

import (
	"context"
	"encoding/hex"
	"io"
	"strconv"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/profile"
	"efile/services/unit"
	"efile/services/vocab"
)

// Limits of an import (SPEC 16); the upload's 10 MiB is the router's.
const (
	MaxEntries   = 500 // entries of a zip, directories included
	maxRowErrors = 200 // details of a refused import
	maxFileName  = 100 // characters of a file's name in the report
)

// photoBudget is how many bytes of photos an import keeps in memory between
// checking and writing; the photos past it are read again from their files
// when written (real photos of 500 cadres fit; 500 photos of 512 KiB each,
// which a zip can carry when they compress well, do not). A variable for
// the test of that path.
var photoBudget = 8 << 20

// Actions of a file in the report: those of the roster import.
const (
	ActionCreated   = cadre.ActionCreated
	ActionUpdated   = cadre.ActionUpdated
	ActionUnchanged = cadre.ActionUnchanged
)

// Upload is an import as the importer sent it.
type Upload struct {
	File   io.ReaderAt
	Size   int64
	Name   string // the uploaded file's name
	UnitID *int64 // the unit of cadres not yet on file
	DryRun bool
}

// Report is the import's answer, the roster import's (SPEC 5) with a file
// a row: Line is the file's name; Unknown the elements it holds that efile
// does not know (ignored).
type Report struct {
	Created, Updated, Unchanged int
	Rows                        []Row
}

// Row is one file of a Report.
type Row struct {
	Line    string
	Action  string
	CadreID *int64
	Changed []string
	Unknown []string
}

// Import reads an .lrmx file or a zip of up to MaxEntries of them and
// creates or updates a cadre and their profile per file, matched by
// ShenFenZheng, all or nothing: every file is read and checked first (a 400
// with a detail per file and element if any is bad), then all are written in
// one transaction. A dry run answers the same report and writes nothing.
// NianDuKaoHeJieGuo and JiangChengQingKuang are never taken: efile's own
// records are the facts.
func (s *Service) Import(ctx context.Context, viewer *models.User, up Upload) (*Report, error) {
	ents, people, err := s.check(up, s.cadres.Today())
	if err != nil {
		return nil, err
	}
	if up.UnitID != nil {
		// The unit of cadres not yet on file: it must exist and take new
		// cadres (SPEC 5), the one rule for every new member of a unit.
		v := &errs.Validation{}
		if err := unit.Admits(ctx, s.db, v, "unit_id", *up.UnitID); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	run := s.log.Tx
	if up.DryRun { // nothing is written: no transaction, no row locked
		run = func(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }
	}
	var rep *Report
	err = run(ctx, func(ctx context.Context) (err error) {
		rep, err = s.apply(ctx, viewer, up, ents, people)
		return err
	})
	return rep, err
}

// check reads and checks every file of an upload, one at a time: the
// entries, and a person per file, or the 400 that lists every problem.
// Nothing of a file but what it says of its cadre is kept.
func (s *Service) check(up Upload, today civil.Date) ([]entry, []*person, error) {
	ents, err := entries(up)
	if err != nil {
		return nil, nil, err
	}
	if len(ents) == 0 {
		return nil, nil, errs.Invalid("file", "the upload holds no .lrmx file")
	}
	e := &fileErrors{}
	people := make([]*person, len(ents))
	kept := 0 // bytes of photos kept
	for i, en := range ents {
		f, probs := readEntry(en)
		if f == nil {
			e.add(en.name, probs...)
			continue
		}
		p, probs := s.read(en.name, &f.Form, today)
		p.unknown = f.Unknown
		if kept += len(p.photo); kept > photoBudget {
			p.photo = nil
		}
		people[i] = p
		e.add(en.name, probs...)
	}
	seen := map[string]string{}
	for _, p := range people {
		if p == nil || p.cadre.IDNumber == "" {
			continue
		}
		if first, dup := seen[p.cadre.IDNumber]; dup {
			e.add(p.file, problem{ShenFenZheng, 0, errs.M("与文件 %s 的身份证号相同；同一人只能有一个文件", first)})
		}
		seen[p.cadre.IDNumber] = p.file
	}
	return ents, people, e.err()
}

// fileErrors collects an import's problems: one detail per file and
// element, at most maxRowErrors, named files[NAME].ELEMENT.
type fileErrors struct {
	v     errs.Validation
	seen  map[string]bool
	extra int
}

func (e *fileErrors) add(file string, probs ...problem) {
	for _, p := range probs {
		field, label := "files["+file+"]", ""
		switch {
		case p.item > 0:
			field += "." + JiaTingChengYuan + "." + Item + "[" + itoa(p.item) + "]." + p.element
			label = vocab.Label(vocab.LRMXElements, p.element) + "（第 " + itoa(p.item) + " 人）"
		case p.element != "":
			field += "." + p.element
			label = vocab.Label(vocab.LRMXElements, p.element)
		}
		if e.seen[field] {
			continue
		}
		if e.seen == nil {
			e.seen = map[string]bool{}
		}
		e.seen[field] = true
		switch {
		case len(e.v.Details) == maxRowErrors:
			e.extra++
		case label == "":
			e.v.Add(field, "文件 %s：%s", file, p.msg)
		default:
			e.v.Add(field, "文件 %s，%s：%s", file, label, p.msg)
		}
	}
}

func (e *fileErrors) err() error {
	if e.extra > 0 {
		e.v.Add("files", "另有 %d 处问题未列出；请先改正以上问题后重新上传", e.extra)
	}
	return e.v.Err()
}

// apply matches the checked files to cadres (FOR UPDATE unless a dry run),
// refuses identity clashes, the importer's own record and new cadres the
// form cannot register, and unless a dry run writes every file.
func (s *Service) apply(ctx context.Context, viewer *models.User, up Upload, ents []entry, people []*person) (*Report, error) {
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = p.cadre.IDNumber
	}
	existing, err := s.cadres.ByIDNumbers(ctx, ids, !up.DryRun)
	if err != nil {
		return nil, err
	}
	var cadreIDs []int64
	for _, c := range existing {
		cadreIDs = append(cadreIDs, c.ID)
	}
	// Scope: the files of cadres whose profiles the viewer may not keep
	// (authz.CadreProfile), in one query for every file. Only reviewers
	// import (route policy), so for them that is recusal (回避): nobody
	// imports over their own cadre record.
	unseen, err := s.az.Unseen(ctx, viewer, authz.CadreProfile, cadreIDs)
	if err != nil {
		return nil, err
	}
	refused := make(map[int64]bool, len(unseen))
	for _, i := range unseen {
		refused[cadreIDs[i]] = true
	}
	stored, err := s.profiles.LoadMany(ctx, cadreIDs)
	if err != nil {
		return nil, err
	}
	e := &fileErrors{}
	rep := &Report{Rows: make([]Row, len(people))}
	needUnit := false
	for i, p := range people {
		row := &rep.Rows[i]
		row.Line, row.Changed, row.Unknown = p.file, []string{}, p.unknown
		if row.Unknown == nil {
			row.Unknown = []string{}
		}
		c, ok := existing[p.cadre.IDNumber]
		if !ok {
			if !p.hasPosition {
				e.add(p.file, problem{XianRenZhiWu, 0, errs.M("必填：此人尚未登记，登记需要现任职务")})
			}
			needUnit = needUnit || up.UnitID == nil
			row.Action = ActionCreated
			rep.Created++
			continue
		}
		if refused[c.ID] {
			e.add(p.file, problem{ShenFenZheng, 0, errs.M("这是您本人的干部档案，按回避规定不能由您导入或修改")})
			continue
		}
		if diff := cadre.IdentityDiff(c, &p.cadre); diff != "" {
			e.add(p.file, problem{ShenFenZheng, 0, errs.M("该身份证号已属于干部 #%d，但%s与本文件不同；请核对身份证号。若号码无误、身份信息确有变化，请在该干部页面修改", c.ID, diff)})
			continue
		}
		id := c.ID
		row.CadreID = &id
		row.Changed = changes(c, stored[c.ID], p)
		if len(row.Changed) == 0 {
			row.Action = ActionUnchanged
			rep.Unchanged++
		} else {
			row.Action = ActionUpdated
			rep.Updated++
		}
	}
	if needUnit {
		e.v.Add("unit_id", "is required: some files are of cadres not yet on file, who are registered in this unit")
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	if up.DryRun {
		named(ctx, rep)
		return rep, nil
	}
	for i, p := range people {
		if err := s.write(ctx, viewer, &rep.Rows[i], ents[i], p, existing[p.cadre.IDNumber], stored, up.UnitID); err != nil {
			return nil, err
		}
	}
	named(ctx, rep)
	return rep, nil
}

// changes lists what a file would change of cadre c and their profile
// (stored, nil when never written), named as the API names it.
func changes(c *models.Cadre, stored *profile.Stored, p *person) []string {
	out := []string{}
	if p.hasPosition && p.cadre.Position != c.Position {
		out = append(out, "position")
	}
	if !p.written {
		return out
	}
	old, oldSum := profile.Empty(), ""
	if stored != nil {
		old, oldSum = &stored.Profile, stored.PhotoSum
	}
	newSum := ""
	if p.hasPhoto {
		newSum = hexSum(p.photoSum)
	}
	out = append(out, profile.Changes(old, &p.profile)...) // both without photo bytes
	if oldSum != newSum {
		out = append(out, "photo")
	}
	return out
}

// write writes one file: the cadre created or its position changed, and
// its profile saved over the version read, with its photo (read again from
// the file when it was not kept: photoBudget).
func (s *Service) write(ctx context.Context, viewer *models.User, row *Row, en entry, p *person,
	c *models.Cadre, stored map[int64]*profile.Stored, unitID *int64) error {
	if row.Action == ActionUnchanged {
		return nil
	}
	version := 0
	if c == nil {
		f := p.cadre
		f.UnitID = *unitID
		nc, err := s.cadres.Insert(ctx, &f)
		if err != nil {
			return err
		}
		id := nc.ID
		row.CadreID = &id
	} else {
		if st := stored[c.ID]; st != nil {
			version = st.Version
		}
		if p.hasPosition && p.cadre.Position != c.Position {
			if err := s.cadres.SetPosition(ctx, c.ID, p.cadre.Position, c.Version); err != nil {
				return err
			}
		}
	}
	if !p.written {
		return nil
	}
	pr := p.profile
	if pr.Photo = p.photo; p.hasPhoto && pr.Photo == nil {
		photo, err := s.photoOf(en, p.photoSum)
		if err != nil {
			return err
		}
		pr.Photo = photo
	}
	return s.profiles.Save(ctx, viewer.ID, *row.CadreID, &pr, version)
}

func itoa(n int) string { return strconv.Itoa(n) }

func hexSum(s [32]byte) string { return hex.EncodeToString(s[:]) }

// named names the cadre of a one-file import in the access log, inside the
// transaction whose last statement writes the entry.
func named(ctx context.Context, rep *Report) {
	if len(rep.Rows) == 1 && rep.Rows[0].CadreID != nil {
		accesslog.SetCadre(ctx, *rep.Rows[0].CadreID)
	}
}
