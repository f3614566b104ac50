// Package record keeps cadres' performance records (现实表现记录). Records
// are append-only: this package has no update or delete at all. A
// correction is an amendment, a new record that supersedes the old one.
package record

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/errs"

	"gorm.io/gorm"
)

// categories of SPEC section 6, in the order a file shows them.
var categories = []string{"political", "duty", "major_task", "conduct", "integrity", "commendation", "shortcoming"}

// Categories lists the record categories in the order a file shows them (a copy).
func Categories() []string { return slices.Clone(categories) }

// Errors of this domain.
var (
	ErrNotFound        = authz.NotFound(authz.KindRecord)
	ErrAlreadyAmended  = errs.Conflict("conflict", "this record has already been amended; amend the newest version")
	ErrContentRequired = errs.Invalid("content", "must be 1 to 5000 characters long")
)

// Service manages records.
type Service struct {
	db     *gorm.DB
	log    *accesslog.Service
	az     *authz.Service
	cadres *cadre.Service
	now    func() time.Time
}

// New builds the service.
func New(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, az: az, cadres: cadres, now: now}
}

// New is a record to add.
type NewRecord struct {
	OccurredOn civil.Date
	Category   string
	Content    string
}

// Amendment corrects a record; an empty Category or a zero OccurredOn keep
// the old.
type Amendment struct {
	Content    string
	Reason     string
	Category   string
	OccurredOn civil.Date
}

func (s *Service) check(v *errs.Validation, r *NewRecord) {
	civil.Past(v, "occurred_on", r.OccurredOn, s.cadres.Today())
	if !slices.Contains(categories, r.Category) {
		v.Add("category", "must be one of: %s", strings.Join(categories, ", "))
	}
	if n := utf8.RuneCountInString(r.Content); n < 1 || n > 5000 || strings.TrimSpace(r.Content) == "" {
		v.Add("content", "must be 1 to 5000 characters long")
	}
}

// Create adds a record for a cadre in the viewer's scope (404 otherwise).
func (s *Service) Create(ctx context.Context, viewer *models.User, cadreID int64, in NewRecord) (*models.Record, error) {
	v := &errs.Validation{}
	s.check(v, &in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	rec := &models.Record{CadreID: cadreID, OccurredOn: in.OccurredOn, Category: in.Category, Content: in.Content,
		RecordedBy: viewer.ID, RecordedByName: viewer.DisplayName, RecordedAt: s.now().UTC().Truncate(time.Microsecond)}
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cadres.Find(ctx, viewer, authz.CadreRecord, cadreID)
		if err != nil {
			return err
		}
		if err := civil.NotBeforeBirth(c.BirthDate, civil.FieldDate{Field: "occurred_on", Date: in.OccurredOn}); err != nil {
			return err
		}
		rec.ID = 0
		return models.Get(ctx, s.db).Create(rec).Error
	})
	return rec, err
}

// Amend adds a record that supersedes record rid of cadre cadreID.
func (s *Service) Amend(ctx context.Context, viewer *models.User, cadreID, rid int64, a Amendment) (*models.Record, error) {
	v := &errs.Validation{}
	if n := utf8.RuneCountInString(a.Content); n < 1 || n > 5000 || strings.TrimSpace(a.Content) == "" {
		v.Add("content", "must be 1 to 5000 characters long")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(a.Reason)); n < 1 || n > 1000 {
		v.Add("reason", "is required: why the record is corrected (1 to 1000 characters)")
	}
	if a.Category != "" && !slices.Contains(categories, a.Category) {
		v.Add("category", "must be one of: %s", strings.Join(categories, ", "))
	}
	if !a.OccurredOn.IsZero() {
		s.check(v, &NewRecord{OccurredOn: a.OccurredOn, Category: categories[0], Content: "x"})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var rec *models.Record
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cadres.Find(ctx, viewer, authz.CadreRecord, cadreID)
		if err != nil {
			return err
		}
		old, err := s.get(ctx, cadreID, rid)
		if err != nil {
			return err
		}
		if !a.OccurredOn.IsZero() {
			if err := civil.NotBeforeBirth(c.BirthDate, civil.FieldDate{Field: "occurred_on", Date: a.OccurredOn}); err != nil {
				return err
			}
		}
		if old.Superseded {
			return ErrAlreadyAmended
		}
		reason := strings.TrimSpace(a.Reason)
		rec = &models.Record{CadreID: cadreID, OccurredOn: old.OccurredOn, Category: old.Category, Content: a.Content,
			Reason: &reason, SupersedesID: &old.ID, RecordedBy: viewer.ID, RecordedByName: viewer.DisplayName,
			RecordedAt: s.now().UTC().Truncate(time.Microsecond)}
		if a.Category != "" {
			rec.Category = a.Category
		}
		if !a.OccurredOn.IsZero() {
			rec.OccurredOn = a.OccurredOn
		}
		if err := models.Get(ctx, s.db).Create(rec).Error; err != nil {
			if models.IsDuplicate(err) {
				return ErrAlreadyAmended
			}
			return err
		}
		return nil
	})
	return rec, err
}

// withSuperseded selects records with their computed superseded flag.
func withSuperseded(q *gorm.DB) *gorm.DB {
	return q.Select("records.*, EXISTS (SELECT 1 FROM records n WHERE n.supersedes_id = records.id) AS superseded")
}

// Get reads one record of a cadre the viewer may read.
func (s *Service) Get(ctx context.Context, viewer *models.User, cadreID, rid int64) (*models.Record, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreRead, cadreID); err != nil {
		return nil, err
	}
	return s.get(ctx, cadreID, rid)
}

func (s *Service) get(ctx context.Context, cadreID, rid int64) (*models.Record, error) {
	var r models.Record
	err := withSuperseded(models.Get(ctx, s.db).Model(&models.Record{})).
		Where("records.id = ? AND records.cadre_id = ?", rid, cadreID).First(&r).Error
	if models.IsNotFound(err) {
		return nil, ErrNotFound
	}
	return &r, err
}

// Filter selects records for List.
type Filter struct {
	Category          string
	From, To          civil.Date // zero: no bound
	IncludeSuperseded bool
	Page              models.Page
}

// List lists a cadre's records: newest occurred_on first, then newest id.
// Superseded records are left out unless asked for.
func (s *Service) List(ctx context.Context, viewer *models.User, cadreID int64, f Filter) ([]models.Record, int64, error) {
	v := &errs.Validation{}
	if f.Category != "" && !slices.Contains(categories, f.Category) {
		v.Add("category", "must be one of: %s", strings.Join(categories, ", "))
	}
	for _, d := range []civil.FieldDate{{Field: "from", Date: f.From}, {Field: "to", Date: f.To}} {
		if !d.Date.IsZero() && !d.Date.Valid() {
			v.Add(d.Field, "must be a date YYYY-MM-DD")
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if err := s.az.CheckPath(ctx, viewer, authz.CadreRead, cadreID); err != nil {
		return nil, 0, err
	}
	db := models.Get(ctx, s.db)
	filter := func(q *gorm.DB, t string) *gorm.DB {
		if f.Category != "" {
			q = q.Where(t+".category = ?", f.Category)
		}
		if !f.From.IsZero() {
			q = q.Where(t+".occurred_on >= ?", f.From)
		}
		if !f.To.IsZero() {
			q = q.Where(t+".occurred_on <= ?", f.To)
		}
		return q
	}
	// The total counts from the indexes alone: every record that passes the
	// filters, less (unless asked for) those of them an amendment of the
	// cadre supersedes; asking "is it superseded?" of every record cost a
	// probe each (docs/performance.md).
	var total, gone int64
	if err := filter(db.Table("records AS r").Where("r.cadre_id = ?", cadreID), "r").Count(&total).Error; err != nil {
		return nil, 0, err
	}
	if !f.IncludeSuperseded {
		err := filter(db.Table("records AS a").Joins("JOIN records o ON o.id = a.supersedes_id").
			Where("a.cadre_id = ?", cadreID), "o").Count(&gone).Error
		if err != nil {
			return nil, 0, err
		}
	}
	q := filter(db.Model(&models.Record{}).Where("records.cadre_id = ?", cadreID), "records")
	if !f.IncludeSuperseded {
		// Current records only: their superseded flag is false by the filter.
		q = q.Where("NOT EXISTS (SELECT 1 FROM records n WHERE n.supersedes_id = records.id)").Select("records.*, 0 AS superseded")
	} else {
		q = withSuperseded(q)
	}
	var out []models.Record
	err := f.Page.Of(q, "records.occurred_on DESC, records.id DESC").Find(&out).Error
	return out, total - gone, err
}

// Recent returns the newest n current records of a cadre whose scope the
// caller has already checked: one query, no count.
func (s *Service) Recent(ctx context.Context, cadreID int64, n int) ([]models.Record, error) {
	var out []models.Record
	err := models.Get(ctx, s.db).Model(&models.Record{}).Select("records.*, 0 AS superseded").
		Where("records.cadre_id = ? AND NOT EXISTS (SELECT 1 FROM records n WHERE n.supersedes_id = records.id)", cadreID).
		Order("records.occurred_on DESC, records.id DESC").Limit(n).Find(&out).Error
	return out, err
}

// Counts returns the number of current (not superseded) records per
// category: one query whatever the count. It counts every record of the
// cadre, less those an amendment of the cadre supersedes (an amendment is
// always of the same cadre), both from idx_records_cadre_category alone:
// asking "is this one superseded?" of each record cost a probe per record
// and was 30 % of the server's CPU under e-file reads at city scale.
func (s *Service) Counts(ctx context.Context, cadreID int64) (map[string]int64, error) {
	var rows []struct {
		Category string
		N        int64
	}
	err := models.Get(ctx, s.db).Raw(`SELECT category, COUNT(*) AS n FROM records WHERE cadre_id = ? GROUP BY category
		UNION ALL
		SELECT o.category, -COUNT(*) FROM records a JOIN records o ON o.id = a.supersedes_id
		WHERE a.cadre_id = ? GROUP BY o.category`, cadreID, cadreID).Scan(&rows).Error
	out := make(map[string]int64, len(categories))
	for _, c := range categories {
		out[c] = 0
	}
	for _, r := range rows {
		out[r.Category] += r.N
	}
	return out, err
}

// Each calls fn for every record of a cadre (superseded ones included),
// newest first, streaming one query's rows: exports of any size run in
// bounded memory and a fixed number of queries.
func (s *Service) Each(ctx context.Context, cadreID int64, fn func(*models.Record) error) error {
	db := models.Get(ctx, s.db)
	rows, err := withSuperseded(db.Model(&models.Record{})).Where("records.cadre_id = ?", cadreID).
		Order("records.occurred_on DESC, records.id DESC").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r models.Record
		if err := db.ScanRows(rows, &r); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}
