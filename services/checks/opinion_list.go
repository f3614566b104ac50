package checks

import (
	"context"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"

	"gorm.io/gorm"
)

// Opinion is a request as its readers see it: the cadre it is about (id,
// name, unit, position: what a look-up shows), Overdue computed (pending
// past due_on), and for a replied one the flags its reply names, with only
// their ids, kinds and statuses (SPEC 13: the reply is the discipline
// body's statement for the file; a flag's detail and reporter stay with the
// department). ValidUntil is the last day a reply counts for vetting, nil
// before a reply.
type Opinion struct {
	models.IntegrityOpinion
	Cadre      models.CadreLabel
	Overdue    bool
	Flags      []FlagRef
	ValidUntil *civil.Date
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
	Status  string
	Overdue *bool // true: pending past due_on; false: the others
	Page    models.Page
}

// ErrNoInbox answers a viewer who may read no request at all (an auditor of
// another department).
var ErrNoInbox = errs.Forbidden("only the discipline department and the organization department's reviewers see integrity-opinion requests")

// ListOpinions is the inbox: the requests the viewer may read
// (authz.OpinionRead), newest first; 403 for a viewer who may read none.
// The list names no cadre in the access log (it reads many); reading one
// request does.
func (s *Service) ListOpinions(ctx context.Context, viewer *models.User, f OpinionFilter) ([]Opinion, int64, error) {
	if !authz.Grants(viewer, authz.OpinionRead) {
		return nil, 0, ErrNoInbox
	}
	if f.Status != "" {
		v := &errs.Validation{}
		oneOf(v, "status", f.Status, opinionStatuses)
		if err := v.Err(); err != nil {
			return nil, 0, err
		}
	}
	q, err := s.az.Scope(ctx, viewer, authz.OpinionRead)
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" {
		q = q.Where("integrity_opinions.status = ?", f.Status)
	}
	if f.Overdue != nil {
		today := s.cadres.Today()
		if *f.Overdue {
			q = q.Where("integrity_opinions.status = ? AND integrity_opinions.due_on < ?", StatusPending, today)
		} else {
			q = q.Where("(integrity_opinions.status <> ? OR integrity_opinions.due_on >= ?)", StatusPending, today)
		}
	}
	return s.page(ctx, q, f.Page)
}

// CadreOpinions lists the requests about one cadre the reviewer may vet
// (404 otherwise), newest first.
func (s *Service) CadreOpinions(ctx context.Context, viewer *models.User, cadreID int64, p models.Page) ([]Opinion, int64, error) {
	if err := s.az.CheckPath(ctx, viewer, authz.CadreVet, cadreID); err != nil {
		return nil, 0, err
	}
	return s.page(ctx, models.Get(ctx, s.db).Model(&models.IntegrityOpinion{}).Where("integrity_opinions.cadre_id = ?", cadreID), p)
}

// page reads page p of the requests of q, newest first, and dresses them.
func (s *Service) page(ctx context.Context, q *gorm.DB, p models.Page) ([]Opinion, int64, error) {
	rows, total, err := models.Paged[models.IntegrityOpinion](q, p, "integrity_opinions.id DESC")
	if err != nil {
		return nil, 0, err
	}
	out, err := s.dress(ctx, rows)
	return out, total, err
}

// GetOpinion reads one request the viewer may read (404 otherwise), logged
// with its cadre.
func (s *Service) GetOpinion(ctx context.Context, viewer *models.User, id int64) (*Opinion, error) {
	o, err := s.find(ctx, viewer, authz.OpinionRead, id)
	if err != nil {
		return nil, err
	}
	return s.one(ctx, o)
}

// opinion reads request id whose scope the caller has checked.
func (s *Service) opinion(ctx context.Context, id int64) (*Opinion, error) {
	var o models.IntegrityOpinion
	if err := models.Get(ctx, s.db).Where("id = ?", id).Take(&o).Error; err != nil {
		return nil, err
	}
	return s.one(ctx, &o)
}

// one dresses one stored request.
func (s *Service) one(ctx context.Context, o *models.IntegrityOpinion) (*Opinion, error) {
	out, err := s.dress(ctx, []models.IntegrityOpinion{*o})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// dress gives stored requests what their readers see: the cadres' names,
// units and positions (models.CadreLabels, one query for them all),
// Overdue, ValidUntil, and the flags of the replies (one more query).
func (s *Service) dress(ctx context.Context, rows []models.IntegrityOpinion) ([]Opinion, error) {
	out := make([]Opinion, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].CadreID
	}
	labels, err := models.CadreLabels(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	today := s.cadres.Today()
	var replied []int64
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		o := Opinion{IntegrityOpinion: r, Cadre: labels[r.CadreID], Flags: []FlagRef{}}
		o.Overdue = o.Status == StatusPending && o.DueOn.Before(today)
		if o.RepliedAt != nil {
			until := s.dayOf(*o.RepliedAt).AddDate(0, 0, s.cfg.OpinionValidDays)
			o.ValidUntil = &until
			replied = append(replied, o.ID)
		}
		out[i] = o
		at[o.ID] = i
	}
	if len(replied) == 0 {
		return out, nil
	}
	var refs []struct {
		OpinionID int64
		FlagRef
	}
	err = models.Get(ctx, s.db).Table("integrity_opinion_flags").
		Select("integrity_opinion_flags.opinion_id, flags.id, flags.kind, flags.status").
		Joins("JOIN flags ON flags.id = integrity_opinion_flags.flag_id").
		Where("integrity_opinion_flags.opinion_id IN ?", replied).Order("flags.id").Scan(&refs).Error
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		o := &out[at[r.OpinionID]]
		o.Flags = append(o.Flags, r.FlagRef)
	}
	return out, nil
}
