package flag

import (
	"context"
	"slices"
	"strings"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/errs"
)

// Get reads one flag the viewer may read (404 otherwise, exactly as if it
// did not exist), with its history. The read is logged with the flag's
// cadre, set here because the path names the flag, not the cadre.
func (s *Service) Get(ctx context.Context, viewer *models.User, id int64) (*View, error) {
	var f models.Flag
	if err := s.az.Find(ctx, viewer, authz.FlagRead, id, &f); err != nil {
		return nil, err
	}
	accesslog.SetCadre(ctx, f.CadreID)
	v, err := s.view(ctx, viewer, &f, true)
	if err != nil {
		return nil, err
	}
	return v, s.label(ctx, v)
}

// Filter selects flags for List. Empty strings and a nil CadreID select all.
type Filter struct {
	CadreID *int64
	Status  string
	Source  string
	Kind    string
	Page    models.Page
}

// List lists the flags the viewer may read, newest first, without their
// history. A source filter naming another department than an auditor's
// own answers an empty list, as if that department had raised nothing: an
// auditor learns nothing of other departments' flags. A list filtered by
// one cadre_id is logged with that cadre; other lists name none.
func (s *Service) List(ctx context.Context, viewer *models.User, f Filter) ([]View, int64, error) {
	v := &errs.Validation{}
	for _, e := range []struct {
		field, value string
		allowed      []string
	}{{"status", f.Status, statuses}, {"source", f.Source, Sources()}, {"kind", f.Kind, kinds}} {
		if e.value != "" && !slices.Contains(e.allowed, e.value) {
			v.Add(e.field, "must be one of: %s", strings.Join(e.allowed, ", "))
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	q, err := s.az.Scope(ctx, viewer, authz.FlagRead)
	if err != nil {
		return nil, 0, err
	}
	if f.CadreID != nil {
		accesslog.SetCadre(ctx, *f.CadreID)
		q = q.Where("flags.cadre_id = ?", *f.CadreID)
	}
	for _, w := range [][2]string{{"flags.status", f.Status}, {"flags.source", f.Source}, {"flags.kind", f.Kind}} {
		if w[1] != "" {
			q = q.Where(w[0]+" = ?", w[1])
		}
	}
	rows, total, err := models.Paged[models.Flag](q, f.Page, "flags.id DESC")
	if err != nil {
		return nil, 0, err
	}
	out := make([]View, len(rows))
	views := make([]*View, len(rows))
	for i := range rows {
		w, err := s.view(ctx, viewer, &rows[i], false)
		if err != nil {
			return nil, 0, err
		}
		out[i] = *w
		views[i] = &out[i]
	}
	return out, total, s.label(ctx, views...)
}

// Summary is what a reviewer learns of a cadre's flags: counts only.
type Summary struct {
	// Open counts the flags open, verifying or on hold.
	Open int64
	// BySource counts every flag of each source department, in any status
	// but revoked (a revoked sanction counts nowhere);
	// every department is present.
	BySource map[string]int64
	// ActiveSanction: a sanction in effect (never a revoked one) whose
	// influence period covers today.
	ActiveSanction bool
}

// Summary is the flag summary of a cadre the viewer may read (404
// otherwise): counts only, never a flag's content.
func (s *Service) Summary(ctx context.Context, viewer *models.User, cadreID int64) (*Summary, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreRead, cadreID); err != nil {
		return nil, err
	}
	return s.Counts(ctx, cadreID)
}

// Counts is the summary of a cadre whose scope the caller has checked (the
// e-file): one grouped query whatever the number of flags.
func (s *Service) Counts(ctx context.Context, cadreID int64) (*Summary, error) {
	today := s.cadres.Today()
	var rows []struct {
		Source string
		Total  int64
		Open   int64
		Active int64
	}
	// Dates are stored YYYY-MM-DD and compare as text; influence_until is the
	// first free day, so the period covers today while today < it.
	err := models.Get(ctx, s.db).Model(&models.Flag{}).Select(`source, COUNT(*) AS total,
		SUM(CASE WHEN status IN ? THEN 1 ELSE 0 END) AS open,
		MAX(CASE WHEN kind = ? AND status = ? AND decided_on <= ?
			AND (influence_until IS NULL OR influence_until > ?) THEN 1 ELSE 0 END) AS active`,
		openStatuses, KindSanction, StatusInEffect, today, today).
		Where("cadre_id = ? AND status <> ?", cadreID, StatusRevoked).Group("source").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := &Summary{BySource: make(map[string]int64, 5)}
	for _, src := range Sources() {
		out.BySource[src] = 0
	}
	for _, r := range rows {
		out.BySource[r.Source] = r.Total
		out.Open += r.Open
		out.ActiveSanction = out.ActiveSanction || r.Active > 0
	}
	return out, nil
}

// ForWorkbook lists every flag of a cadre whose scope the caller has
// checked, newest first, for the e-file's 廉政情况 sheet: one query, and
// never the reporter (the column is not even read).
func (s *Service) ForWorkbook(ctx context.Context, cadreID int64) ([]models.Flag, error) {
	var out []models.Flag
	err := models.Get(ctx, s.db).Model(&models.Flag{}).
		Select("id, cadre_id, source, kind, severity, summary, occurred_on, petition_type, sanction_type, decided_on, period_months, influence_until, measure_type, measure_decided_on, responsibility, audit_type, status, version, created_by, created_at, updated_at").
		Where("cadre_id = ?", cadreID).Order("id DESC").Find(&out).Error
	return out, err
}
