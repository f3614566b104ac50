package authz

import (
	"context"

	"efile/models"
	"efile/services/account"
	"efile/services/errs"

	"gorm.io/gorm"
)

// Kind is a kind of object that scopes apply to.
type Kind string

// The kinds of object. Each has a table, an error for an id out of scope,
// and, when it belongs to a cadre, the column naming the cadre (recusal).
const (
	KindCadre      Kind = "cadre"
	KindRecord     Kind = "record"
	KindFlag       Kind = "flag"
	KindCycle      Kind = "cycle"
	KindAssignment Kind = "assignment"
	KindAppraisal  Kind = "appraisal"
	KindResult     Kind = "result"
	KindVetting    Kind = "vetting"
	KindUser       Kind = "user"
	KindUnit       Kind = "unit"
	// The four checks before a promotion (SPEC section 13): a dossier
	// review and a personal-matters check, records of the organization
	// department; an integrity-opinion request, asked by the organization
	// department and answered by the discipline one.
	KindDossierReview Kind = "dossier_review"
	KindMattersCheck  Kind = "personal_matters_check"
	KindOpinion       Kind = "integrity_opinion"
)

// NotFound is the error of an id of kind k out of scope (the kind's 404);
// domain packages use it as their own not-found error.
func NotFound(k Kind) error { return kinds[k].notFound }

type kindDef struct {
	table       string
	idColumn    string     // "": <table>.id
	model       func() any // nil: a table no model of this module declares yet
	cadreColumn string     // the column naming the object's cadre ("" for none): recusal
	notFound    error
	forbidden   func(id int64) error
}

func forbidObject(id int64) error { return errs.Forbidden("you may not act on object %d", id) }

var kinds = map[Kind]*kindDef{
	KindCadre: {table: "cadres", model: func() any { return &models.Cadre{} }, cadreColumn: "cadres.id",
		notFound: errs.NotFound("cadre"), forbidden: func(id int64) error { return errs.Forbidden("you may not act on cadre %d", id) }},
	KindRecord: {table: "records", model: func() any { return &models.Record{} }, cadreColumn: "records.cadre_id",
		notFound: errs.NotFound("record"), forbidden: forbidObject},
	KindFlag: {table: "flags", model: func() any { return &models.Flag{} }, cadreColumn: "flags.cadre_id",
		notFound: errs.NotFound("flag"), forbidden: func(id int64) error { return errs.Forbidden("you may not act on flag %d", id) }},
	KindCycle: {table: "appraisal_cycles", model: func() any { return &models.AppraisalCycle{} },
		notFound: errs.NotFound("appraisal cycle"), forbidden: forbidObject},
	KindAssignment: {table: "appraisal_assignments", model: func() any { return &models.AppraisalAssignment{} },
		cadreColumn: "appraisal_assignments.cadre_id", notFound: errs.NotFound("assignment"), forbidden: forbidObject},
	KindAppraisal: {table: "appraisals", model: func() any { return &models.Appraisal{} }, cadreColumn: "appraisals.cadre_id",
		notFound: errs.NotFound("appraisal"), forbidden: forbidObject},
	// A result is one cadre's in one cycle (no id of its own): it is named
	// by its cadre, within a cycle the caller narrows to.
	KindResult: {table: "appraisal_results", idColumn: "appraisal_results.cadre_id", model: func() any { return &models.AppraisalResult{} },
		cadreColumn: "appraisal_results.cadre_id", notFound: errs.NotFound("appraisal result"), forbidden: forbidObject},
	KindVetting: {table: "vettings", model: func() any { return &models.Vetting{} }, cadreColumn: "vettings.cadre_id",
		notFound: errs.NotFound("vetting"), forbidden: forbidObject},
	KindUser: {table: "users", model: func() any { return &models.User{} }, notFound: errs.NotFound("user"), forbidden: forbidObject},
	KindUnit: {table: "units", model: func() any { return &models.Unit{} }, notFound: errs.NotFound("unit"), forbidden: forbidObject},
	KindDossierReview: {table: "dossier_reviews", model: func() any { return &models.DossierReview{} },
		cadreColumn: "dossier_reviews.cadre_id", notFound: errs.NotFound("dossier review"), forbidden: forbidObject},
	KindMattersCheck: {table: "personal_matters_checks", model: func() any { return &models.PersonalMattersCheck{} },
		cadreColumn: "personal_matters_checks.cadre_id", notFound: errs.NotFound("personal-matters check"), forbidden: forbidObject},
	KindOpinion: {table: "integrity_opinions", model: func() any { return &models.IntegrityOpinion{} },
		cadreColumn: "integrity_opinions.cadre_id", notFound: errs.NotFound("integrity-opinion request"), forbidden: forbidObject},
}

// Purpose is what a viewer wants to do with objects of one kind.
type Purpose struct {
	name    string
	kind    Kind
	cycleID int64
}

// Kind is the kind of object the purpose is about.
func (p Purpose) Kind() Kind { return p.kind }

func (p Purpose) def() *kindDef { return kinds[p.kind] }

// id is the column that names an object of the kind.
func (k *kindDef) id() string {
	if k.idColumn != "" {
		return k.idColumn
	}
	return k.table + ".id"
}

// The purposes, by kind. Their rules are in the table below; a new kind of
// object adds its kind above, its purposes here and its rules below.
var (
	// Cadres: reading and writing their file.
	CadreRead   = Purpose{name: "cadre.read", kind: KindCadre}   // a profile, its records, its e-file
	CadreRecord = Purpose{name: "cadre.record", kind: KindCadre} // write performance records
	// Cadres: what a department does with them.
	CadreFlag      = Purpose{name: "cadre.flag", kind: KindCadre}      // file a flag for one's department
	CadreReadFlags = Purpose{name: "cadre.readFlags", kind: KindCadre} // read the flags raised on a cadre
	CadreLookup    = Purpose{name: "cadre.lookup", kind: KindCadre}    // an auditor's look-up, few fields
	// Cadres: the organization department's own purposes.
	CadreVet     = Purpose{name: "cadre.vet", kind: KindCadre}     // pre-promotion vetting
	CadreAssign  = Purpose{name: "cadre.assign", kind: KindCadre}  // assign raters, read results
	CadreProfile = Purpose{name: "cadre.profile", kind: KindCadre} // the profile and appointment form (SPEC 16)

	// Records, flags and cycles.
	RecordRead, FlagRead, FlagChange, CycleRead = Purpose{name: "record.read", kind: KindRecord},
		Purpose{name: "flag.read", kind: KindFlag}, Purpose{name: "flag.change", kind: KindFlag},
		Purpose{name: "cycle.read", kind: KindCycle}

	// A cycle's rows.
	AssignmentRead, AppraisalRead = Purpose{name: "assignment.read", kind: KindAssignment},
		Purpose{name: "appraisal.read", kind: KindAppraisal}
	AppraisalRevise, ResultRead = Purpose{name: "appraisal.revise", kind: KindAppraisal},
		Purpose{name: "result.read", kind: KindResult}

	// Vettings, accounts and units.
	VettingRead, UserRead, UnitRead = Purpose{name: "vetting.read", kind: KindVetting},
		Purpose{name: "user.read", kind: KindUser}, Purpose{name: "unit.read", kind: KindUnit}

	// The check records of SPEC 13: read them (a replay of their creation).
	DossierReviewRead, MattersCheckRead = Purpose{name: "dossierReview.read", kind: KindDossierReview},
		Purpose{name: "mattersCheck.read", kind: KindMattersCheck}

	// Integrity-opinion requests: read them, answer them, withdraw them.
	OpinionRead, OpinionReply = Purpose{name: "opinion.read", kind: KindOpinion},
		Purpose{name: "opinion.reply", kind: KindOpinion}
	OpinionWithdraw = Purpose{name: "opinion.withdraw", kind: KindOpinion}
)

// CadreAppraise is appraising cadres in cycle id: the assignment, not the
// unit, gives the right (SPEC section 7).
func CadreAppraise(cycleID int64) Purpose {
	return Purpose{name: "cadre.appraise", kind: KindCadre, cycleID: cycleID}
}

// Read is the purpose of reading objects of kind k: what an idempotent
// replay re-checks before it shows them again.
func Read(k Kind) (Purpose, bool) {
	p, ok := reads[k]
	return p, ok
}

var reads = map[Kind]Purpose{
	KindCadre: CadreRead, KindRecord: RecordRead, KindFlag: FlagRead, KindCycle: CycleRead,
	KindAssignment: AssignmentRead, KindAppraisal: AppraisalRead, KindResult: ResultRead,
	KindVetting: VettingRead, KindUser: UserRead, KindUnit: UnitRead,
	KindDossierReview: DossierReviewRead, KindMattersCheck: MattersCheckRead, KindOpinion: OpinionRead,
}

// rule is a purpose's rule: who may have any scope at all, and where (nil:
// every object of the kind, recusal applied) narrows the query to theirs.
type rule struct {
	who   func(v *models.User) bool
	where func(ctx context.Context, s *Service, v *models.User, p Purpose, q *gorm.DB, few bool) (*gorm.DB, error)
}

func role(r string) func(*models.User) bool { return func(v *models.User) bool { return v.HasRole(r) } }

var (
	reviewer  = role(account.RoleOrgReviewer)
	evaluator = role(account.RoleEvaluator)
	auditor   = role(account.RoleAuditor)
	admin     = role(account.RoleAdmin)
)

func anyOf(fs ...func(*models.User) bool) func(*models.User) bool {
	return func(v *models.User) bool {
		for _, f := range fs {
			if f(v) {
				return true
			}
		}
		return false
	}
}

// hasDepartment: a viewer who acts for a department files and reads flags.
func hasDepartment(v *models.User) bool { return Department(v) != "" }

// inDepartment: a viewer acting for department d.
func inDepartment(d string) func(*models.User) bool {
	return func(v *models.User) bool { return Department(v) == d }
}

// rules is every purpose's rule: the whole of who sees what. (Set in init:
// some rules narrow by another purpose's scope, which reads this table.)
var rules map[string]rule

func init() { rules = ruleTable() }

func ruleTable() map[string]rule {
	return map[string]rule{
		// An org_reviewer sees every cadre; an evaluator the cadres of their
		// unit and every unit under it; both read and record on them.
		CadreRead.name:   {who: anyOf(reviewer, unitEvaluator), where: readCadres},
		CadreRecord.name: {who: anyOf(reviewer, unitEvaluator), where: readCadres},
		// An evaluator appraises the cadres assigned to them in the cycle.
		"cadre.appraise": {who: evaluator, where: assignedCadres},
		// Whoever acts for a department files flags on, and reads the flags
		// of, any cadre; which flags they read is the flag rule.
		CadreFlag.name:      {who: hasDepartment},
		CadreReadFlags.name: {who: hasDepartment},
		// An auditor looks any cadre up (the caller shows only a few fields).
		CadreLookup.name: {who: auditor},
		// The organization department vets, assigns, and keeps profiles.
		CadreVet.name:     {who: reviewer},
		CadreAssign.name:  {who: reviewer},
		CadreProfile.name: {who: reviewer},

		// A record is read with its cadre.
		RecordRead.name: {who: anyOf(reviewer, unitEvaluator), where: cadreIn("records.cadre_id", CadreRead)},

		// Flags: a reviewer reads every department's, anyone else acting for a
		// department only that department's; each department changes only its
		// own (SPEC section 8).
		FlagRead.name:   {who: hasDepartment, where: readFlags},
		FlagChange.name: {who: hasDepartment, where: changeFlags},

		// Cycles: a reviewer every one, an evaluator those they are assigned in.
		CycleRead.name: {who: anyOf(reviewer, evaluator), where: readCycles},

		// Assignments, appraisals and results: a reviewer every one (but their
		// own record's), an evaluator their own.
		AssignmentRead.name: {who: anyOf(reviewer, evaluator), where: ownOrAssignable("appraisal_assignments")},
		AppraisalRead.name:  {who: anyOf(reviewer, evaluator), where: ownOrAssignable("appraisals")},
		// Only its author revises an appraisal.
		AppraisalRevise.name: {who: evaluator, where: own("appraisals")},
		ResultRead.name:      {who: reviewer},

		VettingRead.name: {who: reviewer},

		// Accounts are the administrator's; units are read by every role but
		// the security auditor (they hold no personal data).
		UserRead.name: {who: admin},
		UnitRead.name: {who: anyOf(admin, reviewer, evaluator, auditor)},

		// The check records of SPEC 13 are the organization department's,
		// as vetting is: a reviewer reads every one (but their own record's).
		DossierReviewRead.name: {who: reviewer},
		MattersCheckRead.name:  {who: reviewer},

		// Integrity-opinion requests (SPEC 13): the organization department
		// reads every request and withdraws a pending one; the discipline
		// department reads every request (what it shows of the cadre is what
		// a look-up shows: id, name, unit, position) and alone answers them.
		// Any other auditor reads none: the inbox answers 403 (Grants), a
		// request's id 404.
		OpinionRead.name:     {who: anyOf(reviewer, inDepartment(Discipline))},
		OpinionReply.name:    {who: func(v *models.User) bool { return v.HasRole(account.RoleAuditor) && Department(v) == Discipline }},
		OpinionWithdraw.name: {who: reviewer},
	}
}

func unitEvaluator(v *models.User) bool { return v.HasRole(account.RoleEvaluator) && v.UnitID != nil }

// readCadres: a reviewer every cadre, an evaluator their unit's subtree.
func readCadres(ctx context.Context, s *Service, v *models.User, _ Purpose, q *gorm.DB, few bool) (*gorm.DB, error) {
	if v.HasRole(account.RoleOrgReviewer) {
		return q, nil
	}
	path, err := models.UnitPath(ctx, s.db, *v.UnitID)
	if err != nil {
		return nil, err
	}
	if few {
		// Narrowed to a few ids: probe each cadre's unit path (one
		// primary-key look-up an id) instead of gathering every unit of
		// the subtree first (5,000 for an evaluator of the whole city, on
		// every request: docs/performance.md).
		return q.Where("EXISTS (SELECT 1 FROM units WHERE units.id = cadres.unit_id AND units.path LIKE ?)", path+"%"), nil
	}
	return q.Where("cadres.unit_id IN (?)", models.UnitsUnder(ctx, s.db, path)), nil
}

// assignedCadres: the cadres the evaluator is assigned in the cycle.
func assignedCadres(ctx context.Context, s *Service, v *models.User, p Purpose, q *gorm.DB, _ bool) (*gorm.DB, error) {
	return q.Where("cadres.id IN (?)", models.Get(ctx, s.db).Model(&models.AppraisalAssignment{}).Select("cadre_id").
		Where("cycle_id = ? AND evaluator_id = ?", p.cycleID, v.ID)), nil
}

// cadreIn narrows a kind's rows to those whose cadre (column) viewer may
// use for cp.
func cadreIn(column string, cp Purpose) func(context.Context, *Service, *models.User, Purpose, *gorm.DB, bool) (*gorm.DB, error) {
	return func(ctx context.Context, s *Service, v *models.User, _ Purpose, q *gorm.DB, few bool) (*gorm.DB, error) {
		sub, err := s.scope(ctx, v, cp, few)
		if err != nil {
			return nil, err
		}
		return q.Where(column+" IN (?)", sub.Select("cadres.id")), nil
	}
}

// readFlags: the flags on cadres whose flags viewer reads; an auditor
// only their own department's (another department's are filtered out in
// the query, so they are never loaded).
func readFlags(ctx context.Context, s *Service, v *models.User, _ Purpose, q *gorm.DB, few bool) (*gorm.DB, error) {
	sub, err := s.scope(ctx, v, CadreReadFlags, few)
	if err != nil {
		return nil, err
	}
	// EXISTS, not cadre_id IN (SELECT id FROM cadres …): SQLite would use
	// the IN list to drive idx_flags_cadre_status, visiting every cadre of
	// the city for a list filtered by status alone (routes/plan_test.go).
	q = q.Where("EXISTS (?)", sub.Select("1").Where("cadres.id = flags.cadre_id"))
	if !v.HasRole(account.RoleOrgReviewer) {
		q = q.Where("flags.source = ?", Department(v))
	}
	return q, nil
}

// changeFlags: the flags of viewer's own department, on cadres they may
// flag.
func changeFlags(ctx context.Context, s *Service, v *models.User, _ Purpose, q *gorm.DB, few bool) (*gorm.DB, error) {
	sub, err := s.scope(ctx, v, CadreFlag, few)
	if err != nil {
		return nil, err
	}
	return q.Where("flags.source = ? AND flags.cadre_id IN (?)", Department(v), sub.Select("cadres.id")), nil
}

// readCycles: a reviewer every cycle, an evaluator the cycles they have
// assignments in.
func readCycles(ctx context.Context, s *Service, v *models.User, _ Purpose, q *gorm.DB, _ bool) (*gorm.DB, error) {
	if v.HasRole(account.RoleOrgReviewer) {
		return q, nil
	}
	return q.Where("appraisal_cycles.id IN (?)", models.Get(ctx, s.db).Model(&models.AppraisalAssignment{}).
		Select("cycle_id").Where("evaluator_id = ?", v.ID)), nil
}

// ownOrAssignable: a reviewer the rows of every cadre they may assign, an
// evaluator their own rows.
func ownOrAssignable(table string) func(context.Context, *Service, *models.User, Purpose, *gorm.DB, bool) (*gorm.DB, error) {
	return func(ctx context.Context, s *Service, v *models.User, p Purpose, q *gorm.DB, few bool) (*gorm.DB, error) {
		if v.HasRole(account.RoleOrgReviewer) {
			return q, nil
		}
		return q.Where(table+".evaluator_id = ?", v.ID), nil
	}
}

// own: the viewer's own rows.
func own(table string) func(context.Context, *Service, *models.User, Purpose, *gorm.DB, bool) (*gorm.DB, error) {
	return func(_ context.Context, _ *Service, v *models.User, _ Purpose, q *gorm.DB, _ bool) (*gorm.DB, error) {
		return q.Where(table+".evaluator_id = ?", v.ID), nil
	}
}
