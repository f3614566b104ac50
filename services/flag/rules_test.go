package flag

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"efile/services/civil"
	"efile/services/errs"
)

const today = "2025-06-30"

func ptr[T any](v T) *T { return &v }

func validClue() New {
	return New{CadreID: 7, Kind: KindClue, Severity: SeverityWarning, Summary: "反映其违规收受礼金",
		Detail: "详情", OccurredOn: civil.MustParse("2025-06-01")}
}

func validSanction() New {
	n := validClue()
	n.Kind = KindSanction
	n.Sanction = &NewSanction{Type: "demerit", DecidedOn: civil.MustParse("2025-06-30")}
	return n
}

// fields returns the field names of a validation error, or fails the test
// when err is something else.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var v *errs.Validation
	if !errors.As(err, &v) || !errors.Is(err, errs.ErrInvalid) {
		t.Fatalf("error %v is not a validation error", err)
	}
	out := make([]string, len(v.Details))
	for i, d := range v.Details {
		if d.Message == "" {
			t.Errorf("field %s has no message", d.Field)
		}
		out[i] = d.Field
	}
	return out
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*New)
		base   func() New
		fields []string // nil: valid
	}{
		{"ok_clue", func(*New) {}, validClue, nil},
		{"ok_sanctionDefaultPeriod", func(*New) {}, validSanction, nil},
		{"ok_sanctionStatedPeriod", func(n *New) { n.Sanction.PeriodMonths = ptr(3) }, validSanction, nil},
		{"ok_periodBounds120", func(n *New) { n.Sanction.PeriodMonths = ptr(120) }, validSanction, nil},
		{"ok_periodBounds1", func(n *New) { n.Sanction.PeriodMonths = ptr(1) }, validSanction, nil},
		{"ok_suspensionWithPeriod", func(n *New) { n.Sanction.Type, n.Sanction.PeriodMonths = "org_suspension", ptr(3) }, validSanction, nil},
		{"bad_suspensionWithoutPeriod", func(n *New) { n.Sanction.Type = "org_suspension" }, validSanction, []string{"sanction.period_months"}},
		{"ok_sanctionBasis", func(n *New) { n.Sanction.Basis = ptr("区纪委〔2025〕3号") }, validSanction, nil},
		{"bad_sanctionBasisBlank", func(n *New) { n.Sanction.Basis = ptr("  ") }, validSanction, []string{"sanction.basis"}},
		{"bad_before1949", func(n *New) { n.OccurredOn = civil.MustParse("1949-09-30") }, validClue, []string{"occurred_on"}},
		{"ok_measure", func(n *New) {
			n.Kind, n.Measure = KindMeasure, &NewMeasure{Type: MeasureReminderTalk, DecidedOn: civil.MustParse("2025-06-01")}
		}, validClue, nil},
		{"bad_measureMissing", func(n *New) { n.Kind = KindMeasure }, validClue, []string{"measure"}},
		{"bad_measureFields", func(n *New) {
			n.Kind, n.Measure = KindMeasure, &NewMeasure{Type: "warning", DecidedOn: civil.MustParse("2025-07-01")}
		}, validClue, []string{"measure.type", "measure.decided_on"}},
		{"bad_measureOnClue", func(n *New) { n.Measure = &NewMeasure{Type: MeasureOther, DecidedOn: civil.MustParse("2025-06-01")} }, validClue, []string{"measure"}},
		{"ok_auditFinding", func(n *New) {
			n.Kind, n.Responsibility, n.AuditType, n.FeedbackOn = KindAuditFinding, ptr("leadership"), ptr("economic_responsibility"), ptr(civil.MustParse("2025-06-10"))
		}, validClue, nil},
		{"ok_inspectionFinding", func(n *New) {
			n.Kind, n.Responsibility, n.FeedbackOn = KindInspectionFinding, ptr("direct"), ptr(civil.MustParse("2025-06-10"))
		}, validClue, nil},
		{"bad_findingFields", func(n *New) {
			n.Kind, n.Responsibility, n.AuditType, n.FeedbackOn = KindAuditFinding, ptr("shared"), ptr("annual"), ptr(civil.MustParse("2025-05-01"))
		}, validClue, []string{"responsibility", "audit_type", "feedback_on"}},
		{"bad_auditTypeOnInspection", func(n *New) { n.Kind, n.AuditType = KindInspectionFinding, ptr("special") }, validClue, []string{"audit_type"}},
		{"bad_findingFieldsOnClue", func(n *New) {
			n.Responsibility, n.AuditType, n.FeedbackOn = ptr("direct"), ptr("special"), ptr(civil.MustParse("2025-06-10"))
		}, validClue, []string{"responsibility", "audit_type", "feedback_on"}},
		{"ok_expulsionWithoutPeriod", func(n *New) { n.Sanction.Type = "gov_expulsion" }, validSanction, nil},
		{"ok_petitionReport", func(n *New) { n.Kind = KindPetition; n.PetitionType = ptr(PetitionReport) }, validClue, nil},
		{"ok_petitionAppealWithReporter", func(n *New) {
			n.Kind, n.PetitionType, n.Reporter = KindPetition, ptr(PetitionAppeal), ptr("张某")
		}, validClue, nil},
		{"ok_summary200Chars", func(n *New) { n.Summary = strings.Repeat("廉", 200) }, validClue, nil},
		{"ok_detail5000Chars", func(n *New) { n.Detail = strings.Repeat("廉", 5000) }, validClue, nil},
		{"ok_emptyDetail", func(n *New) { n.Detail = "" }, validClue, nil},
		{"ok_occurredToday", func(n *New) { n.OccurredOn = civil.Text(today) }, validClue, nil},
		{"ok_inquiry", func(n *New) { n.Kind = KindInquiry }, validClue, nil},

		{"400_cadreIDZero", func(n *New) { n.CadreID = 0 }, validClue, []string{"cadre_id"}},
		{"400_unknownKind", func(n *New) { n.Kind = "rumour" }, validClue, []string{"kind"}},
		{"400_unknownSeverity", func(n *New) { n.Severity = "SERIOUS" }, validClue, []string{"severity"}},
		{"400_summaryEmpty", func(n *New) { n.Summary = "  " }, validClue, []string{"summary"}},
		{"400_summary201Chars", func(n *New) { n.Summary = strings.Repeat("廉", 201) }, validClue, []string{"summary"}},
		{"400_detail5001Chars", func(n *New) { n.Detail = strings.Repeat("廉", 5001) }, validClue, []string{"detail"}},
		{"400_occurredOnNotADate", func(n *New) { n.OccurredOn = civil.Text("2025-02-30") }, validClue, []string{"occurred_on"}},
		{"400_occurredOnFuture", func(n *New) { n.OccurredOn = civil.MustParse("2025-07-01") }, validClue, []string{"occurred_on"}},
		{"400_petitionWithoutType", func(n *New) { n.Kind = KindPetition }, validClue, []string{"petition_type"}},
		{"400_petitionUnknownType", func(n *New) { n.Kind = KindPetition; n.PetitionType = ptr("complaint") }, validClue, []string{"petition_type"}},
		{"400_petitionTypeOnClue", func(n *New) { n.PetitionType = ptr(PetitionReport) }, validClue, []string{"petition_type"}},
		{"400_reporterBlank", func(n *New) { n.Reporter = ptr(" ") }, validClue, []string{"reporter"}},
		{"400_reporter201Chars", func(n *New) { n.Reporter = ptr(strings.Repeat("张", 201)) }, validClue, []string{"reporter"}},
		{"400_sanctionMissing", func(n *New) { n.Sanction = nil }, validSanction, []string{"sanction"}},
		{"400_sanctionOnClue", func(n *New) { n.Sanction = &NewSanction{Type: "demerit", DecidedOn: civil.Text(today)} }, validClue, []string{"sanction"}},
		{"400_sanctionUnknownType", func(n *New) { n.Sanction.Type = "warning" }, validSanction, []string{"sanction.type"}},
		{"400_sanctionDecidedOnBad", func(n *New) { n.Sanction.DecidedOn = civil.Text("30/06/2025") }, validSanction, []string{"sanction.decided_on"}},
		{"400_sanctionDecidedOnFuture", func(n *New) { n.Sanction.DecidedOn = civil.MustParse("2025-07-01") }, validSanction, []string{"sanction.decided_on"}},
		{"400_period0", func(n *New) { n.Sanction.PeriodMonths = ptr(0) }, validSanction, []string{"sanction.period_months"}},
		{"400_period121", func(n *New) { n.Sanction.PeriodMonths = ptr(121) }, validSanction, []string{"sanction.period_months"}},
		{"400_periodNegative", func(n *New) { n.Sanction.PeriodMonths = ptr(-6) }, validSanction, []string{"sanction.period_months"}},
		{"400_periodOnGovExpulsion", func(n *New) {
			n.Sanction.Type, n.Sanction.PeriodMonths = "gov_expulsion", ptr(12)
		}, validSanction, []string{"sanction.period_months"}},
		{"400_periodOnUnknownTypeNamesOnlyType", func(n *New) {
			n.Sanction.Type, n.Sanction.PeriodMonths = "nope", ptr(12)
		}, validSanction, []string{"sanction.type"}},
		{"400_everythingAtOnce", func(n *New) {
			*n = New{Kind: KindSanction, PetitionType: ptr("report"), Reporter: ptr(""),
				Sanction: &NewSanction{Type: "x", DecidedOn: civil.Text(""), PeriodMonths: ptr(0)}}
		}, validClue, []string{"cadre_id", "severity", "summary", "occurred_on", "petition_type", "reporter",
			"sanction.type", "sanction.decided_on", "sanction.period_months"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.base()
			c.edit(&n)
			if got := fields(t, Check(&n, civil.Text(today))); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestCheckTrims(t *testing.T) {
	n := validClue()
	n.Summary, n.Detail, n.Reporter = "  收受礼金 ", "\n详情\n", ptr(" 李某 ")
	if err := Check(&n, civil.Text(today)); err != nil {
		t.Fatal(err)
	}
	if n.Summary != "收受礼金" || n.Detail != "详情" || *n.Reporter != "李某" {
		t.Errorf("not trimmed: %q %q %q", n.Summary, n.Detail, *n.Reporter)
	}
}

// Every period a decision of every type may state, and the refusal for the
// types without end.
func TestCheckPeriodEveryType(t *testing.T) {
	noEnd := map[string]bool{"gov_expulsion": true}
	for _, ty := range []string{"gov_warning", "demerit", "major_demerit", "demotion", "dismissal", "gov_expulsion",
		"party_warning", "party_serious_warning", "party_removal", "party_probation_1y", "party_probation_2y",
		"party_expulsion", "admonishment", "org_adjustment", "org_removal", "org_demotion"} { // org_suspension: TestOrgSuspension
		n := validSanction()
		n.Sanction.Type = ty
		if err := Check(&n, civil.Text(today)); err != nil {
			t.Errorf("%s without period: %v", ty, err)
		}
		n.Sanction.PeriodMonths = ptr(9)
		var want []string
		if noEnd[ty] {
			want = []string{"sanction.period_months"}
		}
		if got := fields(t, Check(&n, civil.Text(today))); !slices.Equal(got, want) {
			t.Errorf("%s with period 9: fields %v, want %v", ty, got, want)
		}
	}
}

func TestCheckUpdate(t *testing.T) {
	for _, s := range Statuses() {
		ch := Change{Status: s, Note: " 已核实 ", Version: 1}
		if err := CheckUpdate(&ch, civil.Text(today)); err != nil || ch.Note != "已核实" {
			t.Errorf("%s: %v, note %q", s, err, ch.Note)
		}
	}
	if got := fields(t, CheckUpdate(&Change{Status: "closed", Version: 1}, civil.Text(today))); !slices.Equal(got, []string{"status"}) {
		t.Errorf("unknown status: %v", got)
	}
	long := Change{Status: StatusResolved, Note: strings.Repeat("注", MaxNote+1), Version: 1}
	if got := fields(t, CheckUpdate(&long, civil.Text(today))); !slices.Equal(got, []string{"note"}) {
		t.Errorf("long note: %v", got)
	}
	bad := Change{Status: StatusResolved, Version: 0, OutcomeForm: ptr(5), RectifiedOn: new(civil.Text("2026-13-01"))}
	if got := fields(t, CheckUpdate(&bad, civil.Text(today))); !slices.Equal(got, []string{"outcome_form", "rectified_on", "version"}) {
		t.Errorf("bad fields: %v", got)
	}
}

// outcome_form only closing a clue or an investigation; rectified_on only
// resolving a finding, not before it was found or fed back.
func TestCheckChangeFor(t *testing.T) {
	cases := []struct {
		name, kind string
		ch         Change
		want       []string
	}{
		{"form_closingClue", KindClue, Change{Status: StatusUnsubstantiated, OutcomeForm: ptr(1)}, nil},
		{"form_resolvingInvestigation", KindInvestigation, Change{Status: StatusResolved, OutcomeForm: ptr(4)}, nil},
		{"form_notClosing", KindClue, Change{Status: StatusVerifying, OutcomeForm: ptr(2)}, []string{"outcome_form"}},
		{"form_onAPetition", KindPetition, Change{Status: StatusSubstantiated, OutcomeForm: ptr(2)}, []string{"outcome_form"}},
		{"rectified_resolvingFinding", KindInspectionFinding, Change{Status: StatusResolved, RectifiedOn: new(civil.MustParse("2025-06-01"))}, nil},
		{"rectified_notResolving", KindAuditFinding, Change{Status: StatusSubstantiated, RectifiedOn: new(civil.MustParse("2025-06-01"))}, []string{"rectified_on"}},
		{"rectified_onAClue", KindClue, Change{Status: StatusResolved, RectifiedOn: new(civil.MustParse("2025-06-01"))}, []string{"rectified_on"}},
		{"rectified_beforeFeedback", KindAuditFinding, Change{Status: StatusResolved, RectifiedOn: new(civil.MustParse("2025-02-01"))}, []string{"rectified_on"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fields(t, CheckChangeFor(c.kind, civil.MustParse("2025-01-01"), new(civil.MustParse("2025-03-01")), &c.ch))
			if !slices.Equal(got, c.want) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
		})
	}
}

// Every pair of statuses: the five moves of SPEC section 8 pass, every other
// pair (staying put included) is 409 invalid_transition.
func TestTransition(t *testing.T) {
	allowed := map[string][]string{
		StatusOpen:          {StatusVerifying, StatusUnsubstantiated, StatusOnHold},
		StatusVerifying:     {StatusSubstantiated, StatusUnsubstantiated, StatusOnHold},
		StatusOnHold:        {StatusVerifying, StatusUnsubstantiated},
		StatusSubstantiated: {StatusResolved},
	}
	n := 0
	for _, from := range Statuses() {
		for _, to := range Statuses() {
			ok := slices.Contains(allowed[from], to)
			name := from + "_to_" + to
			t.Run(name, func(t *testing.T) {
				err := Transition(from, to)
				if ok {
					if err != nil {
						t.Fatalf("want allowed, got %v", err)
					}
					n++
					return
				}
				var c *errs.Coded
				if !errors.As(err, &c) || c.Code != "invalid_transition" || !errors.Is(err, errs.ErrConflict) {
					t.Fatalf("want 409 invalid_transition, got %v", err)
				}
				if from == StatusInEffect || from == StatusRevoked {
					if !strings.Contains(c.Error(), "sanction-changes") {
						t.Errorf("message %q should name the review route", c.Error())
					}
					return
				}
				if !strings.Contains(c.Error(), from) || !strings.Contains(c.Error(), to) {
					t.Errorf("message %q should name both statuses", c.Error())
				}
			})
		}
	}
	if n != 9 {
		t.Errorf("%d allowed moves, want 9", n)
	}
	if Transition("", StatusOpen) == nil || Transition(StatusOpen, "bogus") == nil {
		t.Error("unknown statuses must not pass")
	}
}

func TestEnumsAreCopies(t *testing.T) {
	for name, f := range map[string]func() []string{"kinds": Kinds, "severities": Severities,
		"petition types": PetitionTypes, "statuses": Statuses, "sources": Sources} {
		a := f()
		want := a[0]
		a[0] = "changed"
		if f()[0] != want {
			t.Errorf("changing the %s returned changed the list", name)
		}
	}
	if !slices.Equal(Sources(), []string{"discipline", "audit", "petition", "inspection", "organization"}) {
		t.Errorf("sources %v", Sources())
	}
}

func TestStatusClasses(t *testing.T) {
	for _, s := range Statuses() {
		open := s == StatusOpen || s == StatusVerifying || s == StatusOnHold
		if IsOpen(s) != open || InEffect(s) != (s == StatusInEffect) {
			t.Errorf("%s: IsOpen %v InEffect %v", s, IsOpen(s), InEffect(s))
		}
	}
}

// SPEC 8's table: each department files its kinds and sanction types only;
// anything else is 403 naming what it may file.
func TestCheckFiling(t *testing.T) {
	petition := func(pt string) func(*New) {
		return func(n *New) { n.Kind, n.PetitionType = KindPetition, ptr(pt) }
	}
	kind := func(k string) func(*New) { return func(n *New) { n.Kind = k } }
	sanctionOf := func(ty string) func(*New) {
		return func(n *New) {
			n.Kind, n.Sanction = KindSanction, &NewSanction{Type: ty, DecidedOn: civil.MustParse("2025-06-01")}
		}
	}
	cases := []struct {
		source string
		edit   func(*New)
		ok     bool
	}{
		{"discipline", kind(KindClue), true}, {"discipline", kind(KindInquiry), true},
		{"discipline", kind(KindInvestigation), true}, {"discipline", petition("appeal"), true},
		{"discipline", kind(KindMeasure), true}, {"discipline", kind(KindAuditFinding), false},
		{"discipline", sanctionOf("dismissal"), true}, {"discipline", sanctionOf("party_expulsion"), true},
		{"discipline", sanctionOf("admonishment"), true}, {"discipline", sanctionOf("gov_expulsion"), true},
		{"discipline", sanctionOf("org_removal"), false}, {"discipline", sanctionOf("org_suspension"), false},
		{"audit", kind(KindAuditFinding), true}, {"audit", kind(KindClue), true},
		{"audit", kind(KindInspectionFinding), false}, {"audit", sanctionOf("demerit"), false},
		{"petition", petition("report"), true}, {"petition", kind(KindClue), true},
		{"petition", sanctionOf("dismissal"), false}, {"petition", kind(KindInvestigation), false},
		{"inspection", kind(KindInspectionFinding), true}, {"inspection", kind(KindClue), true},
		{"inspection", kind(KindAuditFinding), false}, {"inspection", kind(KindMeasure), false},
		{"organization", sanctionOf("admonishment"), true}, {"organization", sanctionOf("org_suspension"), true},
		{"organization", sanctionOf("org_removal"), true}, {"organization", sanctionOf("dismissal"), true},
		{"organization", sanctionOf("gov_expulsion"), true}, {"organization", sanctionOf("party_warning"), false},
		{"organization", kind(KindMeasure), true}, {"organization", kind(KindInquiry), true},
		{"organization", petition("report"), true}, {"organization", petition("appeal"), false},
		{"organization", kind(KindClue), false}, {"organization", kind(KindInvestigation), false},
	}
	for _, c := range cases {
		n := validClue()
		c.edit(&n)
		err := CheckFiling(c.source, &n)
		if c.ok != (err == nil) {
			t.Errorf("%s files %s %v: %v", c.source, n.Kind, n.Sanction, err)
			continue
		}
		if err != nil && (!errors.Is(err, errs.ErrForbidden) || !strings.Contains(err.Error(), "may file kinds")) {
			t.Errorf("%s: %v is not a 403 naming what it may file", c.source, err)
		}
	}
	if CheckFiling("treasury", ptr(validClue())) == nil {
		t.Error("an unknown source filed")
	}
}

func TestCheckReview(t *testing.T) {
	cases := []struct {
		name string
		r    Review
		want []string
	}{
		{"ok_revoke", Review{Action: ActionRevoke, DecidedOn: civil.MustParse("2025-06-01"), Basis: "复核决定"}, nil},
		{"ok_modifyType", Review{Action: ActionModify, Type: ptr("gov_warning"), DecidedOn: civil.MustParse("2025-06-01"), Basis: "申诉"}, nil},
		{"ok_modifyPeriod", Review{Action: ActionModify, PeriodMonths: ptr(3), DecidedOn: civil.MustParse("2025-06-01"), Basis: "申诉"}, nil},
		{"bad_action", Review{Action: "cancel", DecidedOn: civil.MustParse("2025-06-01"), Basis: "x"}, []string{"action"}},
		{"bad_noBasisFutureDay", Review{Action: ActionRevoke, DecidedOn: civil.MustParse("2025-07-01"), Basis: " "}, []string{"decided_on", "basis"}},
		{"bad_longBasis", Review{Action: ActionRevoke, DecidedOn: civil.MustParse("2025-06-01"), Basis: strings.Repeat("据", MaxBasis+1)}, []string{"basis"}},
		{"bad_revokeWithType", Review{Action: ActionRevoke, Type: ptr("demerit"), PeriodMonths: ptr(2), DecidedOn: civil.MustParse("2025-06-01"), Basis: "x"},
			[]string{"type", "period_months"}},
		{"bad_modifyNothing", Review{Action: ActionModify, DecidedOn: civil.MustParse("2025-06-01"), Basis: "x"}, []string{"type"}},
		{"bad_modifyUnknownType", Review{Action: ActionModify, Type: ptr("fine"), DecidedOn: civil.MustParse("2025-06-01"), Basis: "x"}, []string{"type"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fields(t, checkReview(&c.r, civil.Text(today))); !slices.Equal(got, c.want) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
		})
	}
}
