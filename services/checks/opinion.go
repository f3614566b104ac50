package checks

import (
	"context"
	"slices"
	"strconv"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/vocab"
)

// NewOpinion is a request for the discipline body's integrity opinion on a
// cadre (凡提必听): for what purpose, and by when the reply is due.
type NewOpinion struct {
	Purpose string
	DueOn   civil.Date
	Note    string
}

// Reply is the discipline body's answer: a conclusion for the file, its
// text, who signed it (任用条例 art. 31: the opinion is signed), and the
// department's flags on the cadre it relies on.
type Reply struct {
	Conclusion string
	Text       string
	SignedBy   string
	FlagIDs    []int64
}

// purposes are those of a vetting (SPEC 9), read from the vocabulary, whose
// test holds them equal to package vetting's (which reads this package, so
// cannot be imported here).
func purposes() []string {
	var out []string
	for _, e := range vocab.Ordered(vocab.Purposes) {
		out = append(out, e.Code)
	}
	return out
}

// RequestOpinion asks the discipline body for its integrity opinion on a
// cadre the reviewer may vet (404 otherwise). One request per cadre may be
// pending: the database's unique index on pending_cadre_id decides, so two
// concurrent requests end in one 201 and one 409 conflict.
func (s *Service) RequestOpinion(ctx context.Context, viewer *models.User, cadreID int64, in NewOpinion) (*Opinion, error) {
	v := &errs.Validation{}
	ps := purposes()
	oneOf(v, "purpose", in.Purpose, ps)
	today := s.cadres.Today()
	last := today.AddDate(0, 0, MaxDueDays)
	switch {
	case !in.DueOn.Valid():
		v.Add("due_on", "must be a date YYYY-MM-DD")
	case in.DueOn.Before(today) || in.DueOn.After(last):
		v.Add("due_on", "must be from today (%s) to %d days ahead (%s)", today.String(), MaxDueDays, last.String())
	}
	in.Note = length(v, "note", in.Note, 0, MaxNote)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Opinion
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		if err := s.az.CheckPath(ctx, viewer, authz.CadreVet, cadreID); err != nil {
			return err
		}
		pending := cadreID
		o := &models.IntegrityOpinion{CadreID: cadreID, PendingCadreID: &pending, Purpose: in.Purpose, Note: in.Note,
			DueOn: in.DueOn, Status: StatusPending, RequestedBy: viewer.ID, RequestedByName: viewer.DisplayName,
			RequestedAt: s.stamp()}
		if err := models.Get(ctx, s.db).Create(o).Error; err != nil {
			if models.IsDuplicate(err) {
				return ErrPending
			}
			return err
		}
		var err error
		out, err = s.opinion(ctx, o.ID)
		return err
	})
	return out, err
}

// checkReply validates a reply's body and cleans its text in place.
func checkReply(r *Reply) error {
	v := &errs.Validation{}
	oneOf(v, "conclusion", r.Conclusion, opinionConclusions)
	r.Text = length(v, "text", r.Text, 1, MaxText)
	r.SignedBy = length(v, "signed_by", r.SignedBy, 1, MaxSignedBy)
	if len(r.FlagIDs) > MaxFlagIDs {
		v.Add("flag_ids", "must list at most %d flags", MaxFlagIDs)
	}
	first := map[int64]int{}
	for i, id := range r.FlagIDs {
		at := "flag_ids[" + strconv.Itoa(i) + "]"
		if j, dup := first[id]; id < 1 {
			v.Add(at, "must be a flag's id (a positive integer)")
		} else if dup {
			v.Add(at, "repeats flag_ids[%d]: name each flag once", j)
		} else {
			first[id] = i
		}
	}
	return v.Err()
}

// ReplyOpinion answers a pending request, once: the body (400), the request
// in the viewer's scope (404: only the discipline department answers), the
// flags named being flags of the viewer's department on the cadre (400 per
// id), then the state (409: a reply is final, a withdrawn request takes
// none). The update is conditional on the request still pending, so two
// concurrent replies end in one 200 and one 409.
func (s *Service) ReplyOpinion(ctx context.Context, viewer *models.User, id int64, r Reply) (*Opinion, error) {
	if err := checkReply(&r); err != nil {
		return nil, err
	}
	var out *Opinion
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		o, err := s.find(ctx, viewer, authz.OpinionReply, id)
		if err != nil {
			return err
		}
		if err := s.ownFlags(ctx, viewer, o.CadreID, r.FlagIDs); err != nil {
			return err
		}
		if err := stateAllowsChange(o); err != nil {
			return err
		}
		at := s.stamp()
		name := viewer.DisplayName
		db := models.Get(ctx, s.db)
		res := db.Model(&models.IntegrityOpinion{}).Where("id = ? AND status = ?", id, StatusPending).Updates(map[string]any{
			"status": StatusReplied, "pending_cadre_id": nil, "conclusion": r.Conclusion, "text": r.Text,
			"signed_by": r.SignedBy, "replied_by": viewer.ID, "replied_by_name": name, "replied_at": at,
			"late": s.dayOf(at).After(o.DueOn)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotPending // another reply or a withdrawal came first
		}
		if len(r.FlagIDs) > 0 {
			rows := make([]models.IntegrityOpinionFlag, len(r.FlagIDs))
			for i, f := range r.FlagIDs {
				rows[i] = models.IntegrityOpinionFlag{OpinionID: id, FlagID: f}
			}
			if err := db.Create(&rows).Error; err != nil {
				return err
			}
		}
		out, err = s.opinion(ctx, id)
		return err
	})
	return out, err
}

// WithdrawOpinion withdraws a pending request (a reviewer; 404 out of scope,
// 409 once replied or withdrawn).
func (s *Service) WithdrawOpinion(ctx context.Context, viewer *models.User, id int64) (*Opinion, error) {
	var out *Opinion
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		o, err := s.find(ctx, viewer, authz.OpinionWithdraw, id)
		if err != nil {
			return err
		}
		if err := stateAllowsChange(o); err != nil {
			return err
		}
		res := models.Get(ctx, s.db).Model(&models.IntegrityOpinion{}).Where("id = ? AND status = ?", id, StatusPending).
			Updates(map[string]any{"status": StatusWithdrawn, "pending_cadre_id": nil, "withdrawn_by": viewer.ID,
				"withdrawn_at": s.stamp()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotPending
		}
		out, err = s.opinion(ctx, id)
		return err
	})
	return out, err
}

// find reads request id in viewer's scope for p (authz: the kind's 404
// otherwise) and names its cadre in the access log (the path names the
// request only).
func (s *Service) find(ctx context.Context, viewer *models.User, p authz.Purpose, id int64) (*models.IntegrityOpinion, error) {
	var o models.IntegrityOpinion
	if err := s.az.Find(ctx, viewer, p, id, &o); err != nil {
		return nil, err
	}
	accesslog.SetCadre(ctx, o.CadreID)
	return &o, nil
}

// stateAllowsChange is 409 for a request no longer pending.
func stateAllowsChange(o *models.IntegrityOpinion) error {
	switch o.Status {
	case StatusReplied:
		return ErrReplied
	case StatusWithdrawn:
		return ErrWithdrawn
	}
	return nil
}

// ownFlags checks in one query that ids are flags the replier reads
// (authz.FlagRead: those of their own department, the discipline
// department's) on the request's cadre: a 400 per id that is not.
func (s *Service) ownFlags(ctx context.Context, viewer *models.User, cadreID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	q, err := s.az.Scope(ctx, viewer, authz.FlagRead)
	if err != nil {
		return err
	}
	var found []int64
	if err := q.Where("flags.id IN ? AND flags.cadre_id = ?", ids, cadreID).Pluck("flags.id", &found).Error; err != nil {
		return err
	}
	v := &errs.Validation{}
	for i, id := range ids {
		if !slices.Contains(found, id) {
			v.Add("flag_ids["+strconv.Itoa(i)+"]", "is not a flag of the discipline department on this cadre")
		}
	}
	return v.Err()
}
