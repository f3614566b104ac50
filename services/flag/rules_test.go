package flag

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"efile/services/errs"
)

const today = "2025-06-30"

func ptr[T any](v T) *T { return &v }

func validClue() New {
	return New{CadreID: 7, Kind: KindClue, Severity: SeverityWarning, Summary: "反映其违规收受礼金",
		Detail: "详情", OccurredOn: "2025-06-01"}
}

func validSanction() New {
	n := validClue()
	n.Kind = KindSanction
	n.Sanction = &NewSanction{Type: "demerit", DecidedOn: "2025-06-30"}
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
		{"ok_expulsionWithoutPeriod", func(n *New) { n.Sanction.Type = "gov_expulsion" }, validSanction, nil},
		{"ok_petitionReport", func(n *New) { n.Kind = KindPetition; n.PetitionType = ptr(PetitionReport) }, validClue, nil},
		{"ok_petitionAppealWithReporter", func(n *New) {
			n.Kind, n.PetitionType, n.Reporter = KindPetition, ptr(PetitionAppeal), ptr("张某")
		}, validClue, nil},
		{"ok_summary200Chars", func(n *New) { n.Summary = strings.Repeat("廉", 200) }, validClue, nil},
		{"ok_detail5000Chars", func(n *New) { n.Detail = strings.Repeat("廉", 5000) }, validClue, nil},
		{"ok_emptyDetail", func(n *New) { n.Detail = "" }, validClue, nil},
		{"ok_occurredToday", func(n *New) { n.OccurredOn = today }, validClue, nil},
		{"ok_inquiry", func(n *New) { n.Kind = KindInquiry }, validClue, nil},

		{"400_cadreIDZero", func(n *New) { n.CadreID = 0 }, validClue, []string{"cadre_id"}},
		{"400_unknownKind", func(n *New) { n.Kind = "rumour" }, validClue, []string{"kind"}},
		{"400_unknownSeverity", func(n *New) { n.Severity = "SERIOUS" }, validClue, []string{"severity"}},
		{"400_summaryEmpty", func(n *New) { n.Summary = "  " }, validClue, []string{"summary"}},
		{"400_summary201Chars", func(n *New) { n.Summary = strings.Repeat("廉", 201) }, validClue, []string{"summary"}},
		{"400_detail5001Chars", func(n *New) { n.Detail = strings.Repeat("廉", 5001) }, validClue, []string{"detail"}},
		{"400_occurredOnNotADate", func(n *New) { n.OccurredOn = "2025-02-30" }, validClue, []string{"occurred_on"}},
		{"400_occurredOnFuture", func(n *New) { n.OccurredOn = "2025-07-01" }, validClue, []string{"occurred_on"}},
		{"400_petitionWithoutType", func(n *New) { n.Kind = KindPetition }, validClue, []string{"petition_type"}},
		{"400_petitionUnknownType", func(n *New) { n.Kind = KindPetition; n.PetitionType = ptr("complaint") }, validClue, []string{"petition_type"}},
		{"400_petitionTypeOnClue", func(n *New) { n.PetitionType = ptr(PetitionReport) }, validClue, []string{"petition_type"}},
		{"400_reporterBlank", func(n *New) { n.Reporter = ptr(" ") }, validClue, []string{"reporter"}},
		{"400_reporter201Chars", func(n *New) { n.Reporter = ptr(strings.Repeat("张", 201)) }, validClue, []string{"reporter"}},
		{"400_sanctionMissing", func(n *New) { n.Sanction = nil }, validSanction, []string{"sanction"}},
		{"400_sanctionOnClue", func(n *New) { n.Sanction = &NewSanction{Type: "demerit", DecidedOn: today} }, validClue, []string{"sanction"}},
		{"400_sanctionUnknownType", func(n *New) { n.Sanction.Type = "warning" }, validSanction, []string{"sanction.type"}},
		{"400_sanctionDecidedOnBad", func(n *New) { n.Sanction.DecidedOn = "30/06/2025" }, validSanction, []string{"sanction.decided_on"}},
		{"400_sanctionDecidedOnFuture", func(n *New) { n.Sanction.DecidedOn = "2025-07-01" }, validSanction, []string{"sanction.decided_on"}},
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
				Sanction: &NewSanction{Type: "x", DecidedOn: "", PeriodMonths: ptr(0)}}
		}, validClue, []string{"cadre_id", "severity", "summary", "occurred_on", "petition_type", "reporter",
			"sanction.type", "sanction.decided_on", "sanction.period_months"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.base()
			c.edit(&n)
			if got := fields(t, Check(&n, today)); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestCheckTrims(t *testing.T) {
	n := validClue()
	n.Summary, n.Detail, n.Reporter = "  收受礼金 ", "\n详情\n", ptr(" 李某 ")
	if err := Check(&n, today); err != nil {
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
		"party_expulsion", "admonishment", "org_adjustment", "org_removal", "org_demotion"} {
		n := validSanction()
		n.Sanction.Type = ty
		if err := Check(&n, today); err != nil {
			t.Errorf("%s without period: %v", ty, err)
		}
		n.Sanction.PeriodMonths = ptr(9)
		var want []string
		if noEnd[ty] {
			want = []string{"sanction.period_months"}
		}
		if got := fields(t, Check(&n, today)); !slices.Equal(got, want) {
			t.Errorf("%s with period 9: fields %v, want %v", ty, got, want)
		}
	}
}

func TestCheckUpdate(t *testing.T) {
	for _, s := range Statuses() {
		note := " 已核实 "
		if err := CheckUpdate(s, &note); err != nil || note != "已核实" {
			t.Errorf("%s: %v, note %q", s, err, note)
		}
	}
	note := ""
	if got := fields(t, CheckUpdate("closed", &note)); !slices.Equal(got, []string{"status"}) {
		t.Errorf("unknown status: %v", got)
	}
	note = strings.Repeat("注", MaxNote+1)
	if got := fields(t, CheckUpdate(StatusResolved, &note)); !slices.Equal(got, []string{"note"}) {
		t.Errorf("long note: %v", got)
	}
}

// Every pair of statuses: the five moves of SPEC section 8 pass, every other
// pair (staying put included) is 409 invalid_transition.
func TestTransition(t *testing.T) {
	allowed := map[string][]string{
		StatusOpen:            {StatusVerifying, StatusUnsubstantiated},
		StatusVerifying:       {StatusSubstantiated, StatusUnsubstantiated},
		StatusSubstantiated:   {StatusResolved},
		StatusUnsubstantiated: nil,
		StatusResolved:        nil,
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
				if !strings.Contains(c.Error(), from) || !strings.Contains(c.Error(), to) {
					t.Errorf("message %q should name both statuses", c.Error())
				}
			})
		}
	}
	if n != 5 {
		t.Errorf("%d allowed moves, want 5", n)
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
	if !slices.Equal(Sources(), []string{"discipline", "audit", "petition", "inspection"}) {
		t.Errorf("sources %v", Sources())
	}
}

func TestStatusClasses(t *testing.T) {
	for _, s := range Statuses() {
		open := s == StatusOpen || s == StatusVerifying
		est := s == StatusSubstantiated || s == StatusResolved
		if IsOpen(s) != open || IsEstablished(s) != est {
			t.Errorf("%s: IsOpen %v IsEstablished %v", s, IsOpen(s), IsEstablished(s))
		}
	}
}
