package checks

import (
	"context"

	"efile/models"
	"efile/services/cadre"
	"efile/services/errs"

	"gorm.io/gorm"
)

// Opinion is a request as its readers see it: the cadre it is about (id,
// name, unit, position), Overdue computed (pending past due_on), and for a
// replied one the flags its reply names, with only their ids, kinds and
// statuses (SPEC 13: the reply is the discipline body's statement for the
// file; a flag's detail and reporter stay with the department). ValidUntil
// is the last day a reply counts for vetting, nil before a reply.
type Opinion struct {
	models.IntegrityOpinion
	CadreName  string
	UnitID     int64
	UnitName   string
	Position   string
	Overdue    bool
	Flags      []FlagRef
	ValidUntil *string
}

// FlagRef is what a reply shows of a flag it names: its current kind and
// status.
type FlagRef struct {
	ID     int64
	Kind   string
	Status string
}

// OpinionFilter selects requests. Empty Status and nil Overdue select all.
type OpinionFilter struct {
	CadreID *int64
	Status  string
	Overdue *bool // true: pending past due_on; false: the others
	Page    models.Page
}

// ErrNoInbox answers a viewer who may read no request at all (an auditor of
// another department).
var ErrNoInbox = errs.Forbidden("only the discipline department and the organization department's reviewers see integrity-opinion requests")

// ListOpinions is the inbox: the requests the viewer may read, newest first
// (403 for a viewer who may read none). The list names no cadre in the
// access log (it reads many); reading one request does.
func (s *Service) ListOpinions(ctx context.Context, viewer *models.User, f OpinionFilter) ([]Opinion, int64, error) {
	q, ok, err := s.opinionScope(ctx, viewer, opinionRead)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, ErrNoInbox
	}
	if f.Status != "" {
		v := &errs.Validation{}
		oneOf(v, "status", f.Status, opinionStatuses)
		if err := v.Err(); err != nil {
			return nil, 0, err
		}
		q = q.Where("integrity_opinions.status = ?", f.Status)
	}
	return s.list(ctx, q, f)
}

// CadreOpinions lists the requests about one cadre the reviewer may vet
// (404 otherwise), newest first.
func (s *Service) CadreOpinions(ctx context.Context, viewer *models.User, cadreID int64, p models.Page) ([]Opinion, int64, error) {
	if err := s.cadres.CheckPath(ctx, viewer, cadre.Vet, cadreID); err != nil {
		return nil, 0, err
	}
	return s.list(ctx, models.Get(ctx, s.db).Model(&models.IntegrityOpinion{}), OpinionFilter{CadreID: &cadreID, Page: p})
}

func (s *Service) list(ctx context.Context, q *gorm.DB, f OpinionFilter) ([]Opinion, int64, error) {
	if f.CadreID != nil {
		q = q.Where("integrity_opinions.cadre_id = ?", *f.CadreID)
	}
	if f.Overdue != nil {
		today := s.cadres.Today()
		if *f.Overdue {
			q = q.Where("integrity_opinions.status = ? AND integrity_opinions.due_on < ?", StatusPending, today)
		} else {
			q = q.Where("(integrity_opinions.status <> ? OR integrity_opinions.due_on >= ?)", StatusPending, today)
		}
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out, err := s.read(ctx, named(q).Order("integrity_opinions.id DESC").Offset(f.Page.Offset()).Limit(f.Page.Size))
	return out, total, err
}

// GetOpinion reads one request the viewer may read (404 otherwise), logged
// with its cadre.
func (s *Service) GetOpinion(ctx context.Context, viewer *models.User, id int64) (*Opinion, error) {
	if _, err := s.find(ctx, viewer, opinionRead, id); err != nil {
		return nil, err
	}
	return s.opinion(ctx, id)
}

// opinion reads request id whose scope the caller has checked.
func (s *Service) opinion(ctx context.Context, id int64) (*Opinion, error) {
	out, err := s.read(ctx, named(models.Get(ctx, s.db).Model(&models.IntegrityOpinion{})).
		Where("integrity_opinions.id = ?", id))
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrOpinionNotFound
	}
	return &out[0], nil
}

// named adds the cadre's name, unit and position to a query on requests.
func named(q *gorm.DB) *gorm.DB {
	return q.Select("integrity_opinions.*, cadres.name AS cadre_name, cadres.unit_id AS unit_id, " +
		"cadres.position AS position, COALESCE(units.name, '') AS unit_name").
		Joins("JOIN cadres ON cadres.id = integrity_opinions.cadre_id").
		Joins("LEFT JOIN units ON units.id = cadres.unit_id")
}

// read runs a named query and dresses its rows: Overdue, ValidUntil, and
// the flags of the replies in one more query.
func (s *Service) read(ctx context.Context, q *gorm.DB) ([]Opinion, error) {
	var rows []struct {
		models.IntegrityOpinion
		CadreName string
		UnitID    int64
		UnitName  string
		Position  string
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	today := s.cadres.Today()
	out := make([]Opinion, len(rows))
	var replied []int64
	for i, r := range rows {
		o := Opinion{IntegrityOpinion: r.IntegrityOpinion, CadreName: r.CadreName, UnitID: r.UnitID,
			UnitName: r.UnitName, Position: r.Position, Flags: []FlagRef{}}
		o.Overdue = o.Status == StatusPending && o.DueOn < today
		if o.RepliedAt != nil {
			until := addDays(s.dayOf(*o.RepliedAt), s.cfg.OpinionValidDays)
			o.ValidUntil = &until
			replied = append(replied, o.ID)
		}
		out[i] = o
	}
	if len(replied) == 0 {
		return out, nil
	}
	var refs []struct {
		OpinionID int64
		FlagRef
	}
	err := models.Get(ctx, s.db).Table("integrity_opinion_flags").
		Select("integrity_opinion_flags.opinion_id, flags.id, flags.kind, flags.status").
		Joins("JOIN flags ON flags.id = integrity_opinion_flags.flag_id").
		Where("integrity_opinion_flags.opinion_id IN ?", replied).Order("flags.id").Scan(&refs).Error
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(out))
	for i := range out {
		at[out[i].ID] = i
	}
	for _, r := range refs {
		o := &out[at[r.OpinionID]]
		o.Flags = append(o.Flags, r.FlagRef)
	}
	return out, nil
}
