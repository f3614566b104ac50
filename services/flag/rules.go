// Package flag keeps the flags the source departments (discipline, audit,
// petition, inspection) raise on cadres (SPEC section 8): what a flag may
// say, and how its status moves. This file holds the pure rules; the
// database-backed service builds on them.
package flag

import (
	"slices"
	"strings"
	"unicode/utf8"

	"efile/services/civil"
	"efile/services/errs"
	"efile/services/sanction"
)

// Kinds of flags.
const (
	KindClue          = "clue"          // 问题线索
	KindInvestigation = "investigation" // 立案审查调查
	KindSanction      = "sanction"      // 处分/处理
	KindAuditFinding  = "audit_finding" // 审计发现问题
	KindPetition      = "petition"      // 信访举报
	KindInquiry       = "inquiry"       // 函询: a step in handling a clue, no effect on its own
	// KindInspectionFinding is a finding of an inspection tour (巡察发现问题).
	KindInspectionFinding = "inspection_finding"
	// KindMeasure is 提醒谈话、批评教育、责令检查、通报批评 and the like: shown,
	// never blocking, without an influence period.
	KindMeasure = "measure"
)

// SourceOrganization is the source of the flags an org_reviewer files: the
// organization department's own decisions (SPEC 8).
const SourceOrganization = "organization"

// Severities of flags.
const (
	SeverityInfo    = "info"
	SeverityWarning = "warning"
	SeveritySerious = "serious"
)

// Petition types. Only reports bear on integrity (SPEC section 9).
const (
	PetitionReport     = "report"     // 检举控告
	PetitionAppeal     = "appeal"     // 申诉求决
	PetitionSuggestion = "suggestion" // 建议意见
)

// Statuses of flags.
const (
	StatusOpen            = "open"
	StatusVerifying       = "verifying"
	StatusSubstantiated   = "substantiated"
	StatusUnsubstantiated = "unsubstantiated"
	StatusResolved        = "resolved"
	StatusOnHold          = "on_hold"   // 暂存待查: counts as open everywhere
	StatusInEffect        = "in_effect" // a sanction, from its decided_on
	StatusRevoked         = "revoked"   // a sanction a review revoked: counts nowhere
	StatusRecorded        = "recorded"  // a measure: recorded, never moves
)

// Limits of the create and update bodies, in Unicode characters.
const (
	MaxSummary  = 200
	MaxDetail   = 5000
	MaxReporter = 200
	MaxNote     = 1000
	MaxBasis    = 500
)

var (
	kinds = []string{KindClue, KindInvestigation, KindSanction, KindAuditFinding, KindInspectionFinding,
		KindPetition, KindInquiry, KindMeasure}
	severities    = []string{SeverityInfo, SeverityWarning, SeveritySerious}
	petitionTypes = []string{PetitionReport, PetitionAppeal, PetitionSuggestion}
	statuses      = []string{StatusOpen, StatusVerifying, StatusOnHold, StatusSubstantiated, StatusUnsubstantiated,
		StatusResolved, StatusInEffect, StatusRevoked, StatusRecorded}
)

// Kinds lists the flag kinds (a new slice on each call; so do the others).
func Kinds() []string { return slices.Clone(kinds) }

// Severities lists the severities, lightest first.
func Severities() []string { return slices.Clone(severities) }

// PetitionTypes lists the petition types.
func PetitionTypes() []string { return slices.Clone(petitionTypes) }

// Statuses lists the statuses in the order a flag moves through them.
func Statuses() []string { return slices.Clone(statuses) }

// Sources lists the departments that raise flags: an auditor's department
// is the source of every flag they file, an org_reviewer's is organization.
func Sources() []string { return sources() }

// IsOpen tells whether a flag in status s is still being handled; SPEC
// sections 8 and 9 count these as open.
func IsOpen(s string) bool { return slices.Contains(openStatuses, s) }

// openStatuses are those IsOpen counts; OpenStatuses gives them to queries.
// 暂存待查 (on_hold) is open everywhere (SPEC 8).
var openStatuses = []string{StatusOpen, StatusVerifying, StatusOnHold}

// OpenStatuses lists the statuses that count as open, for queries.
func OpenStatuses() []string { return slices.Clone(openStatuses) }

// InEffect tells whether a sanction flag in status s acts: a sanction is in
// effect from its decided_on the moment it is filed, until a review revokes
// it; a revoked one counts nowhere (SPEC sections 7, 8, 9).
func InEffect(s string) bool { return s == StatusInEffect }

// initialStatus is a new flag's status: a sanction is a decision in effect,
// a measure is recorded and does not move, anything else is open.
func initialStatus(kind string) string {
	switch kind {
	case KindSanction:
		return StatusInEffect
	case KindMeasure:
		return StatusRecorded
	}
	return StatusOpen
}

// New is the body of a new flag; the source is the filer's department and is
// not part of it.
type New struct {
	CadreID      int64
	Kind         string
	Severity     string
	Summary      string
	Detail       string
	OccurredOn   civil.Date
	PetitionType *string
	Reporter     *string
	Sanction     *NewSanction
	// Specific: a report naming concrete facts (线索具体), checked before any
	// promotion (凡提必查, SPEC 8 and 13); report petitions only.
	Specific *bool
	Measure  *NewMeasure
	// Responsibility, AuditType and FeedbackOn are a finding's (rules_kinds.go).
	Responsibility *string
	AuditType      *string
	FeedbackOn     *civil.Date
}

// NewMeasure is what a flag of kind measure records (提醒谈话 and the like).
type NewMeasure struct {
	Type      string
	DecidedOn civil.Date
}

// NewSanction is the decision a flag of kind sanction records.
type NewSanction struct {
	Type         string
	DecidedOn    civil.Date
	PeriodMonths *int
	Basis        *string // the decision's basis (文号 and the like), optional
}

// Check validates a new flag against SPEC section 8, with today's date
// (in EFILE_TZ) for "not in the future". It trims the summary,
// the detail and the reporter in place, and returns an *errs.Validation with
// one detail per field it refuses, or nil.
func Check(in *New, today civil.Date) error {
	v := &errs.Validation{}
	if in.CadreID <= 0 {
		v.Add("cadre_id", "must be a cadre's id (a positive integer)")
	}
	oneOf(v, "kind", in.Kind, kinds)
	oneOf(v, "severity", in.Severity, severities)
	in.Summary = strings.TrimSpace(in.Summary)
	if n := utf8.RuneCountInString(in.Summary); n < 1 || n > MaxSummary {
		v.Add("summary", "must be 1 to %d characters long", MaxSummary)
	}
	in.Detail = strings.TrimSpace(in.Detail)
	if utf8.RuneCountInString(in.Detail) > MaxDetail {
		v.Add("detail", "must be at most %d characters long", MaxDetail)
	}
	date(v, "occurred_on", in.OccurredOn, today)

	// petition_type belongs to petitions only: it is what decides whether a
	// petition bears on integrity, so on another kind it would mislead.
	switch {
	case in.Kind == KindPetition && in.PetitionType == nil:
		v.Add("petition_type", "is required for a petition: one of %s", strings.Join(petitionTypes, ", "))
	case in.Kind == KindPetition:
		oneOf(v, "petition_type", *in.PetitionType, petitionTypes)
	case in.PetitionType != nil:
		v.Add("petition_type", "is only for flags of kind petition")
	}
	// 党政领导干部选拔任用工作条例 (2019) art. 31: 对反映问题线索具体、有可查性
	// 的信访举报进行核查. Only a report (检举控告) names facts to check; false
	// is the default and says nothing, so it is accepted on any flag.
	if in.Specific != nil && *in.Specific &&
		(in.Kind != KindPetition || in.PetitionType == nil || *in.PetitionType != PetitionReport) {
		v.Add("specific", "is only for petitions of type report (a report naming concrete facts to check)")
	}

	if in.Reporter != nil {
		r := strings.TrimSpace(*in.Reporter)
		in.Reporter = &r
		if n := utf8.RuneCountInString(r); n < 1 || n > MaxReporter {
			v.Add("reporter", "must be 1 to %d characters long (leave it out when unknown)", MaxReporter)
		}
	}

	switch {
	case in.Kind == KindSanction && in.Sanction == nil:
		v.Add("sanction", "is required for a flag of kind sanction: {type, decided_on, period_months?}")
	case in.Kind == KindSanction:
		checkSanction(v, in.Sanction, today)
	case in.Sanction != nil:
		v.Add("sanction", "is only for flags of kind sanction")
	}
	checkKindFields(v, in, today)
	return v.Err()
}

func checkSanction(v *errs.Validation, s *NewSanction, today civil.Date) {
	known := sanction.Valid(s.Type)
	if !known {
		names := make([]string, 0, 16)
		for _, t := range sanction.Types() {
			names = append(names, string(t))
		}
		v.Add("sanction.type", "must be one of: %s", strings.Join(names, ", "))
	}
	date(v, "sanction.decided_on", s.DecidedOn, today)
	if s.Basis != nil {
		b := strings.TrimSpace(*s.Basis)
		s.Basis = &b
		if n := utf8.RuneCountInString(b); n < 1 || n > MaxBasis {
			v.Add("sanction.basis", "must be 1 to %d characters long (leave it out when unknown)", MaxBasis)
		}
	}
	checkPeriod(v, "sanction.period_months", s.Type, s.PeriodMonths)
}

// checkPeriod checks a sanction's period_months against its type: required
// where the type has no default (停职检查), refused where it has no end.
func checkPeriod(v *errs.Validation, field, t string, months *int) {
	known := sanction.Valid(t)
	if months == nil {
		if known && sanction.MustStatePeriod(sanction.Type(t)) {
			v.Add(field, "is required for %s: the decision states its period (%d to %d calendar months)", t, sanction.MinPeriodMonths, sanction.MaxPeriodMonths)
		}
		return
	}
	switch {
	case known && !sanction.MayStatePeriod(sanction.Type(t)):
		v.Add(field, "must be left out: %s has no end", t)
	case *months < sanction.MinPeriodMonths || *months > sanction.MaxPeriodMonths:
		v.Add(field, "must be %d to %d (calendar months)", sanction.MinPeriodMonths, sanction.MaxPeriodMonths)
	}
}

// CheckUpdate validates the body of a status change (PATCH) as far as it
// can without the flag: a known status, a note of at most MaxNote
// characters (trimmed in place), outcome_form 1–4, rectified_on a date.
// Whether the move is allowed is Transition's question, answered after
// scope, and the kind's fields CheckChangeFor's.
func CheckUpdate(ch *Change, today civil.Date) error {
	v := &errs.Validation{}
	oneOf(v, "status", ch.Status, statuses)
	ch.Note = strings.TrimSpace(ch.Note)
	if utf8.RuneCountInString(ch.Note) > MaxNote {
		v.Add("note", "must be at most %d characters long", MaxNote)
	}
	checkChangeFields(v, ch, today)
	if ch.Version < 1 {
		v.Add("version", "is required: the version of the flag you read (a positive integer)")
	}
	return v.Err()
}

// moves are the allowed status changes of SPEC section 8. A sanction
// (in_effect, revoked) changes only through a review (sanction-changes); a
// measure is recorded and does not move.
var moves = map[[2]string]bool{
	{StatusOpen, StatusVerifying}:            true,
	{StatusOpen, StatusUnsubstantiated}:      true,
	{StatusOpen, StatusOnHold}:               true,
	{StatusVerifying, StatusOnHold}:          true,
	{StatusOnHold, StatusVerifying}:          true,
	{StatusOnHold, StatusUnsubstantiated}:    true,
	{StatusVerifying, StatusSubstantiated}:   true,
	{StatusVerifying, StatusUnsubstantiated}: true,
	{StatusSubstantiated, StatusResolved}:    true,
}

// Next lists the statuses a flag in status from may move to, in the order
// a flag moves through them (the console offers these, and no others).
func Next(from string) []string {
	out := []string{}
	for _, to := range statuses {
		if moves[[2]string{from, to}] {
			out = append(out, to)
		}
	}
	return out
}

// Transition allows a move from one status to another, or answers 409
// invalid_transition (also for staying put: a change that changes nothing
// would only add noise to the history).
func Transition(from, to string) error {
	if moves[[2]string{from, to}] {
		return nil
	}
	if from == StatusInEffect || from == StatusRevoked {
		return errs.Conflict("invalid_transition", "a sanction changes only through a review (POST /api/v1/flags/{id}/sanction-changes)")
	}
	return errs.Conflict("invalid_transition", "a flag that is %s cannot become %s", from, to)
}

func oneOf(v *errs.Validation, field, s string, allowed []string) {
	if !slices.Contains(allowed, s) {
		v.Add(field, "must be one of: %s", strings.Join(allowed, ", "))
	}
}

// date checks a day of a flag: a date, not in the future, not before the
// first plausible day (civil.Founding, SPEC 3).
func date(v *errs.Validation, field string, d, today civil.Date) {
	if civil.Past(v, field, d, today) && d.Before(civil.Founding) {
		v.Add(field, "must not be before %s", civil.Founding.String())
	}
}
