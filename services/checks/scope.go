package checks

import (
	"context"

	"efile/models"
	"efile/services/account"
	"efile/services/cadre"

	"gorm.io/gorm"
)

// opinionAction is what a viewer wants to do with integrity-opinion requests.
type opinionAction int

const (
	opinionRead     opinionAction = iota + 1 // the inbox, one request
	opinionReply                             // answer a pending request
	opinionWithdraw                          // withdraw a pending request
)

// disciplineDept is the department the integrity opinion is asked of: the
// discipline-inspection and supervision body (纪检监察机关, 任用条例 art. 31).
const disciplineDept = "discipline"

// opinionScope is the object-kind scope of integrity-opinion requests (SPEC
// 13): the one place that decides who sees the discipline department's inbox
// and who answers it, written to move as it stands into the authorization
// package (issue 16) beside the cadre purposes. Handlers and the rest of
// this package hold no role switch of their own.
//
//   - read: an org_reviewer every request (the cadres of cadre.Vet); an
//     auditor of the discipline department every request (the cadres of
//     cadre.Lookup: a request names the cadre's id, name, unit and position,
//     what a look-up shows); any other auditor none.
//   - reply: an auditor of the discipline department (cadre.Flag: the reply
//     names their department's flags on the cadre).
//   - withdraw: an org_reviewer (cadre.Vet).
//
// Recusal (nobody acts on their own cadre record) comes with the purposes.
// It returns a query on integrity_opinions narrowed to what viewer may use
// for act, or ok false when viewer may use none at all: the inbox then
// answers 403, and an id in a path 404, as if the request did not exist.
func (s *Service) opinionScope(ctx context.Context, viewer *models.User, act opinionAction) (q *gorm.DB, ok bool, err error) {
	reviewer := viewer.HasRole(account.RoleOrgReviewer)
	discipline := viewer.HasRole(account.RoleAuditor) && viewer.Department != nil && *viewer.Department == disciplineDept
	var p cadre.Purpose
	switch {
	case act == opinionRead && reviewer, act == opinionWithdraw && reviewer:
		p = cadre.Vet
	case act == opinionRead && discipline:
		p = cadre.Lookup
	case act == opinionReply && discipline:
		p = cadre.Flag
	default:
		return nil, false, nil
	}
	sub, err := s.cadres.Scoped(ctx, viewer, p)
	if err != nil {
		return nil, false, err
	}
	// EXISTS rather than cadre_id IN (SELECT …), as the flag lists do: the
	// inbox is read newest first, not cadre by cadre.
	return models.Get(ctx, s.db).Model(&models.IntegrityOpinion{}).
		Where("EXISTS (?)", sub.Select("1").Where("cadres.id = integrity_opinions.cadre_id")), true, nil
}
