package cadre

import (
	"context"
	"fmt"
	"time"

	"efile/models"
	"efile/services/errs"
	"efile/services/idnumber"
	"efile/services/roster"

	"gorm.io/gorm"
)

// ImportResult counts what an import wrote.
type ImportResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// Import validates every row of a parsed roster first; if any row is bad,
// nothing is written and the error lists each bad row and column. Otherwise
// rows whose ID number matches a cadre update it and the rest create
// cadres, all in one transaction. progress, when not nil, is told how many
// rows have been written.
func (s *Service) Import(ctx context.Context, viewer *models.User, rows []roster.Row, problems []roster.Problem, progress func(done int)) (*ImportResult, error) {
	v := &errs.Validation{}
	for _, p := range problems {
		v.Add(fmt.Sprintf("rows[%d].%s", p.Line, p.Column), "row %d, %s: %s", p.Line, roster.Header(p.Column), p.Message)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errs.Invalid("file", "the roster holds no rows")
	}
	codes, err := s.unitCodes(ctx)
	if err != nil {
		return nil, err
	}
	var own string
	if viewer.CadreID != nil {
		var c models.Cadre
		if err := models.Get(ctx, s.db).Select("id_number_hash").First(&c, *viewer.CadreID).Error; err == nil {
			own = c.IDNumberHash
		}
	}
	fields := make([]Fields, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		fields[i] = s.rowFields(v, r, codes)
		hash := s.keys.Lookup(idnumber.Normalize(fields[i].IDNumber))
		if first, dup := seen[hash]; dup && fields[i].IDNumber != "" {
			v.Add(rowField(r.Line, roster.FieldIDNumber), "row %d, %s: the same ID number is on row %d", r.Line, roster.Header(roster.FieldIDNumber), first)
		}
		seen[hash] = r.Line
		if own != "" && hash == own {
			v.Add(rowField(r.Line, roster.FieldIDNumber), "row %d: this is your own cadre record, which you may not change (recusal)", r.Line)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	err = s.log.Tx(ctx, func(ctx context.Context) error {
		*res = ImportResult{}
		db := models.Get(ctx, s.db)
		existing, err := s.byHashes(ctx, fields)
		if err != nil {
			return err
		}
		var fresh []models.Cadre
		now := time.Now().UTC()
		for i := range fields {
			f := &fields[i]
			c, ok := existing[s.keys.Lookup(f.IDNumber)]
			if !ok {
				nc := models.Cadre{Status: "active", Version: 1}
				s.apply(&nc, f)
				fresh = append(fresh, nc)
				continue
			}
			s.apply(c, f)
			err := db.Model(&models.Cadre{}).Where("id = ?", c.ID).Updates(map[string]any{
				"name": c.Name, "gender": c.Gender, "birth_date": c.BirthDate, "id_number_enc": c.IDNumberEnc,
				"id_number_mask": c.IDNumberMask, "unit_id": c.UnitID, "position": c.Position, "rank": c.Rank,
				"is_top_leader": c.IsTopLeader, "appointed_on": c.AppointedOn,
				"version": gorm.Expr("version + 1"), "updated_at": now,
			}).Error
			if err != nil {
				return err
			}
			res.Updated++
			if progress != nil && res.Updated%200 == 0 {
				progress(res.Updated)
			}
		}
		for start := 0; start < len(fresh); start += 200 {
			end := min(start+200, len(fresh))
			if err := db.Create(fresh[start:end]).Error; err != nil {
				if models.IsDuplicate(err) {
					return ErrDuplicate
				}
				return err
			}
			res.Created += end - start
			if progress != nil {
				progress(res.Updated + res.Created)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func rowField(line int, f string) string { return fmt.Sprintf("rows[%d].%s", line, f) }

// rowFields turns one row's cells, as people type them, into Fields,
// adding a detail per bad cell.
func (s *Service) rowFields(v *errs.Validation, r roster.Row, codes map[string]int64) Fields {
	bad := func(f, msg string) {
		v.Add(rowField(r.Line, f), "row %d, %s: %s", r.Line, roster.Header(f), msg)
	}
	var f Fields
	val := r.Values
	f.Name, f.Position, f.Rank = val[roster.FieldName], val[roster.FieldPosition], val[roster.FieldRank]
	f.IDNumber = idnumber.Normalize(val[roster.FieldIDNumber])
	g, ok := roster.NormalizeGender(val[roster.FieldGender])
	if !ok {
		bad(roster.FieldGender, "must be 男 or 女")
	}
	f.Gender = g
	top, ok := roster.NormalizeBool(val[roster.FieldIsTopLeader])
	if !ok {
		bad(roster.FieldIsTopLeader, "must be 是 or 否")
	}
	f.IsTopLeader = top
	// Dates as people type them (2024/3/5, Excel date cells) become
	// YYYY-MM-DD; anything else is left as typed for check to report.
	f.BirthDate, f.AppointedOn = val[roster.FieldBirthDate], val[roster.FieldAppointedOn]
	if d, ok := roster.NormalizeDate(f.BirthDate); ok {
		f.BirthDate = d
	}
	if d, ok := roster.NormalizeDate(f.AppointedOn); ok {
		f.AppointedOn = d
	}
	code := val[roster.FieldUnitCode]
	if id, ok := codes[code]; ok {
		f.UnitID = id
	} else {
		bad(roster.FieldUnitCode, fmt.Sprintf("no unit has code %q", code))
	}
	// The API's rules, reported against the row's columns; gender and the
	// unit were reported above in the roster's own words.
	rv := &errs.Validation{}
	s.check(rv, &f, func(name string) string { return name })
	for _, d := range rv.Details {
		if d.Field != "unit_id" && d.Field != "gender" {
			bad(d.Field, d.Message)
		}
	}
	return f
}

func (s *Service) unitCodes(ctx context.Context) (map[string]int64, error) {
	var units []models.Unit
	if err := models.Get(ctx, s.db).Select("id", "code").Find(&units).Error; err != nil {
		return nil, err
	}
	m := make(map[string]int64, len(units))
	for _, u := range units {
		m[u.Code] = u.ID
	}
	return m, nil
}

func (s *Service) byHashes(ctx context.Context, fields []Fields) (map[string]*models.Cadre, error) {
	out := map[string]*models.Cadre{}
	for start := 0; start < len(fields); start += 500 {
		end := min(start+500, len(fields))
		hashes := make([]string, 0, end-start)
		for _, f := range fields[start:end] {
			hashes = append(hashes, s.keys.Lookup(f.IDNumber))
		}
		var found []models.Cadre
		if err := models.Get(ctx, s.db).Where("id_number_hash IN ?", hashes).Find(&found).Error; err != nil {
			return nil, err
		}
		for i := range found {
			out[found[i].IDNumberHash] = &found[i]
		}
	}
	return out, nil
}
