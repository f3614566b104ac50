package flag

import (
	"slices"

	"efile/services/civil"
	"efile/services/errs"
)

// The fields of particular kinds (SPEC 8): a measure's type and day; a
// finding's responsibility, audit type and feedback day; and, on a status
// change, the 四种形态 of a closed clue or investigation and the day a
// finding was rectified.

// Measure types: 提醒谈话、批评教育、责令检查、通报批评 (公务员法 art. 57; 政务处分法
// art. 12; docs/regulations.md rows 16, 17).
const (
	MeasureReminderTalk        = "reminder_talk"
	MeasureCriticism           = "criticism"
	MeasureSelfExamination     = "self_examination"
	MeasureCirculatedCriticism = "circulated_criticism"
	MeasureOther               = "other"
)

// Responsibilities of a finding, and the types of audit.
const (
	ResponsibilityDirect     = "direct"     // 直接责任
	ResponsibilityLeadership = "leadership" // 领导责任
	ResponsibilityNone       = "none"

	AuditEconomicResponsibility = "economic_responsibility" // 经济责任审计
	AuditSpecial                = "special"                 // 专项审计
	AuditOther                  = "other"
)

// MinOutcomeForm and MaxOutcomeForm bound the 四种形态 (监督执纪"四种形态",
// 中国共产党党内监督条例 art. 7, not checked: docs/regulations.md row 63).
const (
	MinOutcomeForm = 1
	MaxOutcomeForm = 4
)

var (
	measureTypes = []string{MeasureReminderTalk, MeasureCriticism, MeasureSelfExamination,
		MeasureCirculatedCriticism, MeasureOther}
	responsibilities = []string{ResponsibilityDirect, ResponsibilityLeadership, ResponsibilityNone}
	auditTypes       = []string{AuditEconomicResponsibility, AuditSpecial, AuditOther}
)

// MeasureTypes, Responsibilities and AuditTypes list those enums.
func MeasureTypes() []string     { return slices.Clone(measureTypes) }
func Responsibilities() []string { return slices.Clone(responsibilities) }
func AuditTypes() []string       { return slices.Clone(auditTypes) }

// isFinding: an audit or inspection finding, rectified once resolved.
func isFinding(kind string) bool { return kind == KindAuditFinding || kind == KindInspectionFinding }

// closesWithForm: the kinds whose closing may state the 四种形态.
func closesWithForm(kind string) bool { return kind == KindClue || kind == KindInvestigation }

func checkKindFields(v *errs.Validation, in *New, today civil.Date) {
	switch {
	case in.Kind == KindMeasure && in.Measure == nil:
		v.Add("measure", "is required for a flag of kind measure: {type, decided_on}")
	case in.Kind == KindMeasure:
		oneOf(v, "measure.type", in.Measure.Type, measureTypes)
		date(v, "measure.decided_on", in.Measure.DecidedOn, today)
	case in.Measure != nil:
		v.Add("measure", "is only for flags of kind measure")
	}
	switch {
	case in.Responsibility != nil && !isFinding(in.Kind):
		v.Add("responsibility", "is only for audit and inspection findings")
	case in.Responsibility != nil:
		oneOf(v, "responsibility", *in.Responsibility, responsibilities)
	}
	switch {
	case in.AuditType != nil && in.Kind != KindAuditFinding:
		v.Add("audit_type", "is only for audit findings")
	case in.AuditType != nil:
		oneOf(v, "audit_type", *in.AuditType, auditTypes)
	}
	switch {
	case in.FeedbackOn != nil && !isFinding(in.Kind):
		v.Add("feedback_on", "is only for audit and inspection findings")
	case in.FeedbackOn != nil:
		date(v, "feedback_on", *in.FeedbackOn, today)
		if in.FeedbackOn.Valid() && in.OccurredOn.Valid() && in.FeedbackOn.Before(in.OccurredOn) {
			v.Add("feedback_on", "must not be before occurred_on")
		}
	}
}

// Change is the body of a status change.
type Change struct {
	Status      string
	Note        string
	Version     int
	OutcomeForm *int
	RectifiedOn *civil.Date
}

// checkChangeFields checks the fields of a change that need no flag:
// outcome_form's range, rectified_on a plausible date.
func checkChangeFields(v *errs.Validation, ch *Change, today civil.Date) {
	if ch.OutcomeForm != nil && (*ch.OutcomeForm < MinOutcomeForm || *ch.OutcomeForm > MaxOutcomeForm) {
		v.Add("outcome_form", "must be an integer from %d to %d", MinOutcomeForm, MaxOutcomeForm)
	}
	if ch.RectifiedOn != nil {
		date(v, "rectified_on", *ch.RectifiedOn, today)
	}
}

// CheckChangeFor checks a change's kind-dependent fields against the flag
// it changes (400): outcome_form only when a clue or an investigation
// closes (substantiated, unsubstantiated, resolved), rectified_on only when
// a finding is resolved, not before it was found nor fed back.
func CheckChangeFor(kind string, occurredOn civil.Date, feedbackOn *civil.Date, ch *Change) error {
	v := &errs.Validation{}
	closing := ch.Status == StatusSubstantiated || ch.Status == StatusUnsubstantiated || ch.Status == StatusResolved
	if ch.OutcomeForm != nil && (!closesWithForm(kind) || !closing) {
		v.Add("outcome_form", "is only for closing a clue or an investigation (substantiated, unsubstantiated or resolved)")
	}
	if ch.RectifiedOn != nil {
		switch {
		case !isFinding(kind) || ch.Status != StatusResolved:
			v.Add("rectified_on", "is only for resolving an audit or inspection finding")
		case ch.RectifiedOn.Before(occurredOn) || (feedbackOn != nil && ch.RectifiedOn.Before(*feedbackOn)):
			v.Add("rectified_on", "must not be before the finding's occurred_on or feedback_on")
		}
	}
	return v.Err()
}
