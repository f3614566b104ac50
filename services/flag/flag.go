package flag

import (
	"context"
	"errors"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/services/errs"
	"efile/services/sanction"

	"gorm.io/gorm"
)

// ErrNotFound is a flag that does not exist or that the viewer may not see:
// the two answer alike, so an auditor learns nothing of another
// department's flags, not even that they exist.
var ErrNotFound = authz.NotFound(authz.KindFlag)

// Service keeps flags on the database.
type Service struct {
	db     *gorm.DB
	log    *accesslog.Service
	az     *authz.Service
	cadres *cadre.Service
	keys   *datakey.Keys
	now    func() time.Time
}

// NewService builds the service (New is the body of a new flag, in rules.go).
func NewService(db *gorm.DB, log *accesslog.Service, az *authz.Service, cadres *cadre.Service, keys *datakey.Keys, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, az: az, cadres: cadres, keys: keys, now: now}
}

// View is a flag as one viewer may see it. Detail and Reporter (the case
// file) are set only for the flag's source department (authz.SeesCaseFile;
// SPEC section 8: never for other readers, exports or logs), and the
// embedded flag's Detail is then empty; History only where one flag is read.
type View struct {
	models.Flag
	Detail   *string
	Reporter *string
	History  []Event
	// SanctionChanges are a sanction's reviews, oldest first, where one
	// sanction is read.
	SanctionChanges []SanctionChange
	// Cadre names the flag's cadre for people: name and unit.
	Cadre models.CadreLabel
}

// label names the cadres of views, in one query for all of them.
func (s *Service) label(ctx context.Context, views ...*View) error {
	ids := make([]int64, len(views))
	for i, v := range views {
		ids[i] = v.CadreID
	}
	labels, err := models.CadreLabels(ctx, s.db, ids)
	for _, v := range views {
		v.Cadre = labels[v.CadreID]
	}
	return err
}

// Event is one status change in a flag's history.
type Event struct {
	ActorID int64
	Actor   string // the actor's username, as the access log names actors
	At      time.Time
	From    string
	To      string
	Note    string
}

// days are the flag's days of the cadre's life, by field (SPEC 3: none
// before the cadre's birth).
func (in *New) days() []civil.FieldDate {
	out := []civil.FieldDate{{Field: "occurred_on", Date: in.OccurredOn}}
	if in.Sanction != nil {
		out = append(out, civil.FieldDate{Field: "sanction.decided_on", Date: in.Sanction.DecidedOn})
	}
	if in.Measure != nil {
		out = append(out, civil.FieldDate{Field: "measure.decided_on", Date: in.Measure.DecidedOn})
	}
	if in.FeedbackOn != nil {
		out = append(out, civil.FieldDate{Field: "feedback_on", Date: *in.FeedbackOn})
	}
	return out
}

// Create files a flag whose source is the viewer's department (never the
// body's). The order of checks is SPEC section 3's: the body (400), then the
// cadre in the body (403, recusal included).
func (s *Service) Create(ctx context.Context, viewer *models.User, in New) (*View, error) {
	dept := authz.Department(viewer)
	if dept == "" {
		return nil, errs.Forbidden("only a source department or the organization department files flags")
	}
	if err := Check(&in, s.cadres.Today()); err != nil {
		return nil, err
	}
	if err := CheckFiling(dept, &in); err != nil {
		return nil, err
	}
	var out *View
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		if err := s.az.CheckBody(ctx, viewer, authz.CadreFlag, in.CadreID); err != nil {
			return err
		}
		accesslog.SetCadre(ctx, in.CadreID)
		if err := s.cadres.NotBeforeBirth(ctx, in.CadreID, in.days()...); err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		f := &models.Flag{CadreID: in.CadreID, Source: dept, Kind: in.Kind, Severity: in.Severity,
			Summary: in.Summary, Detail: in.Detail, OccurredOn: in.OccurredOn, PetitionType: in.PetitionType,
			Status: initialStatus(in.Kind), Version: 1, CreatedBy: viewer.ID, CreatedAt: now, UpdatedAt: now,
			Specific: in.Specific != nil && *in.Specific, Responsibility: in.Responsibility, AuditType: in.AuditType,
			FeedbackOn: in.FeedbackOn}
		if m := in.Measure; m != nil {
			t, d := m.Type, m.DecidedOn
			f.MeasureType, f.MeasureDecidedOn = &t, &d
		}
		if sn := in.Sanction; sn != nil {
			t, d := sn.Type, sn.DecidedOn
			f.SanctionType, f.DecidedOn, f.PeriodMonths, f.SanctionBasis = &t, &d, sn.PeriodMonths, sn.Basis
			// Computed once and stored: a later change of the table does
			// not move old decisions (docs/decisions.md).
			f.InfluenceUntil = sanction.Until(sanction.Type(t), d, sn.PeriodMonths)
		}
		if err := models.Get(ctx, s.db).Create(f).Error; err != nil {
			return err
		}
		if in.Reporter != nil {
			// The reporter is sealed bound to its flag's id (so its
			// ciphertext cannot be moved to another flag), hence after the
			// insert, in the same transaction.
			f.ReporterEnc = s.keys.SealReporterFor([]byte(*in.Reporter), f.ID)
			if err := models.Get(ctx, s.db).Model(f).Update("reporter_enc", f.ReporterEnc).Error; err != nil {
				return err
			}
		}
		var err error
		if out, err = s.view(ctx, viewer, f, false); err != nil {
			return err
		}
		out.History = []Event{}
		return s.label(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Update moves a flag of the viewer's own department to another status:
// the body (400), the flag in the department's scope (404), its version
// (409 version_conflict), the move (409 invalid_transition); the new status
// and its history event commit together with the access-log entry.
func (s *Service) Update(ctx context.Context, viewer *models.User, id int64, ch Change) (*View, error) {
	if err := CheckUpdate(&ch, s.cadres.Today()); err != nil {
		return nil, err
	}
	return s.change(ctx, viewer, id, func(ctx context.Context, f *models.Flag, now time.Time) (string, string, map[string]any, error) {
		if f.Version != ch.Version {
			return "", "", nil, errs.ErrVersionConflict
		}
		if err := Transition(f.Status, ch.Status); err != nil {
			return "", "", nil, err
		}
		if err := CheckChangeFor(f.Kind, f.OccurredOn, f.FeedbackOn, &ch); err != nil {
			return "", "", nil, err
		}
		set := map[string]any{}
		if ch.OutcomeForm != nil {
			set["outcome_form"], f.OutcomeForm = *ch.OutcomeForm, ch.OutcomeForm
		}
		if isFinding(f.Kind) && ch.Status == StatusResolved {
			// Resolving a finding records when it was rectified: the day
			// stated, else today.
			day := s.cadres.Today()
			if ch.RectifiedOn != nil {
				day = *ch.RectifiedOn
			}
			set["rectified_on"], f.RectifiedOn = day, &day
		}
		return ch.Status, ch.Note, set, nil
	})
}

// change applies a change to a flag of the viewer's own department (404
// otherwise): apply checks it against the flag (and sets the flag's changed
// fields) and returns the new status, the note of its history event and the
// columns to set besides; the update (on the version read, so two
// concurrent changes end in one success and one version_conflict), the
// event and the access-log entry commit together.
func (s *Service) change(ctx context.Context, viewer *models.User, id int64,
	apply func(ctx context.Context, f *models.Flag, now time.Time) (to, note string, set map[string]any, err error)) (*View, error) {
	var out *View
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		var f models.Flag
		if err := s.az.Find(ctx, viewer, authz.FlagChange, id, &f); err != nil {
			return err
		}
		accesslog.SetCadre(ctx, f.CadreID)
		now := s.now().UTC().Truncate(time.Microsecond)
		to, note, set, err := apply(ctx, &f, now)
		if err != nil {
			return err
		}
		set["status"], set["version"], set["updated_at"] = to, gorm.Expr("version + 1"), now
		db := models.Get(ctx, s.db)
		res := db.Model(&models.Flag{}).Where("id = ? AND version = ?", f.ID, f.Version).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		ev := &models.FlagEvent{FlagID: f.ID, ActorID: viewer.ID, At: now, FromStatus: f.Status, ToStatus: to, Note: note}
		if err := db.Create(ev).Error; err != nil {
			return err
		}
		f.Status, f.Version, f.UpdatedAt = to, f.Version+1, now
		if out, err = s.view(ctx, viewer, &f, true); err != nil {
			return err
		}
		return s.label(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// view dresses a flag for viewer: the case file (detail, and the reporter
// opened) only for its source department, and its history when asked for.
func (s *Service) view(ctx context.Context, viewer *models.User, f *models.Flag, history bool) (*View, error) {
	out := &View{Flag: *f}
	out.Flag.Detail, out.Flag.ReporterEnc = "", nil
	if !authz.SeesCaseFile(viewer, f.Source) {
		return out, s.history(ctx, out, history)
	}
	detail := f.Detail
	out.Detail = &detail
	if len(f.ReporterEnc) > 0 {
		plain, _, err := s.keys.OpenReporterFor(f.ReporterEnc, f.ID)
		if err != nil {
			// Never the sealed bytes or the text in the error.
			return nil, errors.New("flag: the reporter cannot be opened with this data key")
		}
		r := string(plain)
		out.Reporter = &r
	}
	return out, s.history(ctx, out, history)
}

// history reads a flag's status changes into out, oldest first, when want.
func (s *Service) history(ctx context.Context, out *View, want bool) error {
	if !want {
		return nil
	}
	var rows []struct {
		models.FlagEvent
		Actor string
	}
	err := models.Get(ctx, s.db).Model(&models.FlagEvent{}).
		Select("flag_events.*, COALESCE(users.username, '') AS actor").
		Joins("LEFT JOIN users ON users.id = flag_events.actor_id").
		Where("flag_events.flag_id = ?", out.ID).Order("flag_events.id").Scan(&rows).Error
	if err != nil {
		return err
	}
	out.History = make([]Event, len(rows))
	for i, r := range rows {
		out.History[i] = Event{ActorID: r.ActorID, Actor: r.Actor, At: r.At, From: r.FromStatus, To: r.ToStatus, Note: r.Note}
	}
	if out.Kind != KindSanction {
		return nil
	}
	return s.changes(ctx, out)
}
