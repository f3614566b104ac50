package vetting

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"efile/models"
	"efile/services/civil"
	"efile/services/errs"
	"efile/services/sanction"
)

func ptr[T any](v T) *T { return &v }

// got is a reason reduced to what the tests compare: rule and the id.
func brief(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		switch {
		case r.FlagID != nil:
			out[i] = fmt.Sprintf("%s#f%d", r.Rule, *r.FlagID)
		case r.CycleID != nil:
			out[i] = fmt.Sprintf("%s#c%d", r.Rule, *r.CycleID)
		default:
			out[i] = r.Rule + "#?"
		}
		if r.Message == "" {
			out[i] += "(no message)"
		}
	}
	return out
}

func investigation(id int64, status string) Flag {
	return Flag{ID: id, Kind: "investigation", Severity: "warning", Status: status}
}

func clue(id int64, severity, status string) Flag {
	return Flag{ID: id, Kind: "clue", Severity: severity, Status: status}
}

func petition(id int64, typ, severity, status string) Flag {
	return Flag{ID: id, Kind: "petition", Severity: severity, Status: status, PetitionType: typ}
}

// sanctioned is a sanction flag with influence_until computed by the table.
func sanctioned(id int64, t sanction.Type, decidedOn, status string) Flag {
	return Flag{ID: id, Kind: "sanction", Severity: "serious", Status: status,
		SanctionType: string(t), DecidedOn: civil.Text(decidedOn), InfluenceUntil: sanction.Until(t, civil.Text(decidedOn), nil)}
}

func TestEvaluateEachRuleAlone(t *testing.T) {
	cases := []struct {
		name    string
		purpose string
		asOf    string
		flags   []Flag
		grades  []Grade
		verdict string
		reasons []string
	}{
		{"clear_nothing", "promotion", "2025-06-30", nil, nil, Clear, []string{}},

		{"blocked_investigationOpen", "transfer", "2025-06-30", []Flag{investigation(1, "open")}, nil,
			Blocked, []string{"under_investigation#f1"}},
		{"blocked_investigationVerifying", "transfer", "2025-06-30", []Flag{investigation(1, "verifying")}, nil,
			Blocked, []string{"under_investigation#f1"}},
		{"blocked_investigationSeriousListedOnce", "promotion", "2025-06-30",
			[]Flag{{ID: 1, Kind: "investigation", Severity: "serious", Status: "open"}}, nil,
			Blocked, []string{"under_investigation#f1"}},
		{"clear_investigationSubstantiated", "promotion", "2025-06-30", []Flag{investigation(1, "substantiated")}, nil, Clear, []string{}},
		{"clear_investigationUnsubstantiated", "promotion", "2025-06-30", []Flag{investigation(1, "unsubstantiated")}, nil, Clear, []string{}},
		{"clear_investigationResolved", "promotion", "2025-06-30", []Flag{investigation(1, "resolved")}, nil, Clear, []string{}},

		{"blocked_seriousClueOpen", "transfer", "2025-06-30", []Flag{clue(2, "serious", "open")}, nil,
			Blocked, []string{"open_serious_flag#f2"}},
		{"blocked_seriousAuditVerifying", "transfer", "2025-06-30",
			[]Flag{{ID: 2, Kind: "audit_finding", Severity: "serious", Status: "verifying"}}, nil,
			Blocked, []string{"open_serious_flag#f2"}},
		{"blocked_seriousReportPetition", "transfer", "2025-06-30", []Flag{petition(2, "report", "serious", "open")}, nil,
			Blocked, []string{"open_serious_flag#f2"}},
		{"blocked_openSanctionFlagIsAnOpenFlag", "transfer", "2025-06-30",
			[]Flag{sanctioned(2, sanction.Demerit, "2025-06-01", "open")}, nil,
			Blocked, []string{"open_serious_flag#f2"}},
		{"clear_seriousClueSubstantiated", "promotion", "2025-06-30", []Flag{clue(2, "serious", "substantiated")}, nil, Clear, []string{}},

		{"blocked_sanctionInEffectPromotion", "promotion", "2025-06-30",
			[]Flag{sanctioned(3, sanction.GovWarning, "2025-06-01", "in_effect")}, nil,
			Blocked, []string{"sanction_influence#f3"}},
		{"blocked_sanctionAppointmentIsFurtherUse", "appointment", "2025-06-30",
			[]Flag{sanctioned(3, sanction.PartyWarning, "2025-06-01", "in_effect")}, nil,
			Blocked, []string{"sanction_influence#f3"}},
		{"blocked_sanctionCommendation", "commendation", "2025-06-30",
			[]Flag{sanctioned(3, sanction.Admonishment, "2025-06-01", "in_effect")}, nil,
			Blocked, []string{"sanction_influence#f3"}},
		{"caution_sanctionTransfer", "transfer", "2025-06-30",
			[]Flag{sanctioned(3, sanction.Dismissal, "2025-06-01", "in_effect")}, nil,
			Caution, []string{"sanction_influence#f3"}},
		{"blocked_orgRemovalTransferFirst12Months", "transfer", "2026-05-31",
			[]Flag{sanctioned(3, sanction.OrgRemoval, "2025-06-01", "in_effect")}, nil,
			Blocked, []string{"sanction_influence#f3"}},
		{"caution_orgRemovalTransferAfter12Months", "transfer", "2026-06-01",
			[]Flag{sanctioned(3, sanction.OrgRemoval, "2025-06-01", "in_effect")}, nil,
			Caution, []string{"sanction_influence#f3"}},
		{"blocked_sanctionNoEndYearsLater", "promotion", "2045-06-30",
			[]Flag{sanctioned(3, sanction.GovExpulsion, "2025-06-01", "in_effect")}, nil,
			Blocked, []string{"sanction_influence#f3"}},
		{"clear_sanctionRevoked", "promotion", "2025-06-30",
			[]Flag{sanctioned(3, sanction.GovWarning, "2025-06-01", "revoked")}, nil, Clear, []string{}},
		{"clear_sanctionDecidedAfterAsOf", "promotion", "2025-05-31",
			[]Flag{sanctioned(3, sanction.GovExpulsion, "2025-06-01", "in_effect")}, nil, Clear, []string{}},
		{"clear_sanctionPeriodOver", "promotion", "2025-12-01",
			[]Flag{sanctioned(3, sanction.GovWarning, "2025-06-01", "in_effect")}, nil, Clear, []string{}},
		{"blocked_investigationOnHold", "transfer", "2025-06-30", []Flag{investigation(1, "on_hold")}, nil,
			Blocked, []string{"under_investigation#f1"}},
		{"blocked_specificReportOnHold", "appointment", "2025-06-30",
			[]Flag{{ID: 7, Kind: "petition", Severity: "info", Status: "on_hold", PetitionType: "report", Specific: true}}, nil,
			Blocked, []string{"unchecked_specific_report#f7"}},
		{"caution_specificReportTransfer", "transfer", "2025-06-30",
			[]Flag{{ID: 7, Kind: "petition", Severity: "info", Status: "open", PetitionType: "report", Specific: true}}, nil,
			Caution, []string{"open_flag#f7"}},
		{"clear_measureRecorded", "promotion", "2025-06-30",
			[]Flag{{ID: 8, Kind: "measure", Severity: "warning", Status: "recorded"}}, nil, Clear, []string{}},

		{"blocked_incompetentTransfer", "transfer", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "incompetent"}},
			Blocked, []string{"recent_low_grade#c9"}},
		{"blocked_incompetentAppointment", "appointment", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "incompetent"}},
			Blocked, []string{"recent_low_grade#c9"}},
		{"blocked_basicCompetentPromotion", "promotion", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "basic_competent"}},
			Blocked, []string{"recent_low_grade#c9"}},
		{"blocked_basicCompetentCommendation", "commendation", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "basic_competent"}},
			Blocked, []string{"recent_low_grade#c9"}},
		{"blocked_basicCompetentAppointment", "appointment", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "basic_competent"}},
			Blocked, []string{"recent_low_grade#c9"}},
		{"caution_basicCompetentTransfer", "transfer", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "basic_competent"}},
			Caution, []string{"recent_low_grade#c9"}},
		{"clear_sameYearCycleIsNotLastYear", "promotion", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2025, Grade: "incompetent"}},
			Clear, []string{}},
		{"clear_gradeTwoYearsOld", "promotion", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2023, Grade: "incompetent"}}, Clear, []string{}},
		{"blocked_lastYearNotThisYear", "promotion", "2025-06-30", nil, []Grade{
			{CycleID: 9, Year: 2024, Grade: "incompetent"}, {CycleID: 12, Year: 2025, Grade: "competent"}},
			Blocked, []string{"recent_low_grade#c9"}},
		{"blocked_newestOfOneYearByID", "promotion", "2025-06-30", nil, []Grade{
			{CycleID: 12, Year: 2024, Grade: "basic_competent"}, {CycleID: 9, Year: 2024, Grade: "competent"}},
			Blocked, []string{"recent_low_grade#c12"}},
		{"clear_ungradedIsNotLow", "promotion", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "ungraded"}}, Clear, []string{}},
		{"clear_excellent", "promotion", "2025-06-30", nil, []Grade{{CycleID: 9, Year: 2024, Grade: "excellent"}}, Clear, []string{}},

		{"caution_clueOpen", "promotion", "2025-06-30", []Flag{clue(4, "warning", "open")}, nil,
			Caution, []string{"open_flag#f4"}},
		{"caution_infoAuditVerifying", "promotion", "2025-06-30",
			[]Flag{{ID: 4, Kind: "audit_finding", Severity: "info", Status: "verifying"}}, nil,
			Caution, []string{"open_flag#f4"}},
		{"caution_reportPetitionOpen", "promotion", "2025-06-30", []Flag{petition(4, "report", "info", "open")}, nil,
			Caution, []string{"open_flag#f4"}},
		{"clear_appealPetitionOpen", "promotion", "2025-06-30", []Flag{petition(4, "appeal", "warning", "open")}, nil, Clear, []string{}},
		{"clear_suggestionPetitionOpen", "promotion", "2025-06-30", []Flag{petition(4, "suggestion", "info", "verifying")}, nil, Clear, []string{}},
		{"clear_seriousAppealPetitionOpen", "promotion", "2025-06-30", []Flag{petition(4, "appeal", "serious", "open")}, nil, Clear, []string{}},
		{"clear_inquiryOpen", "promotion", "2025-06-30",
			[]Flag{{ID: 4, Kind: "inquiry", Severity: "serious", Status: "verifying"}}, nil, Clear, []string{}},
		{"clear_clueResolved", "promotion", "2025-06-30", []Flag{clue(4, "warning", "resolved")}, nil, Clear, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// An annual cycle of the year before as_of is finalized: the
			// fall-back to year − 2 has a test of its own.
			verdict, reasons := Evaluate(Input{Purpose: c.purpose, AsOf: civil.Text(c.asOf), Flags: c.flags, Grades: c.grades, LastYearFinalized: true})
			if verdict != c.verdict {
				t.Errorf("verdict %s, want %s", verdict, c.verdict)
			}
			if got := brief(reasons); !slices.Equal(got, c.reasons) {
				t.Errorf("reasons %v, want %v", got, c.reasons)
			}
		})
	}
}

// influence_until is the first free day: the day before is still blocked.
func TestEvaluateSanctionBoundaries(t *testing.T) {
	f := sanctioned(5, sanction.GovWarning, "2025-08-31", "in_effect") // until 2026-02-28
	if f.InfluenceUntil.String() != "2026-02-28" {
		t.Fatalf("influence_until %s", *f.InfluenceUntil)
	}
	stated := Flag{ID: 6, Kind: "sanction", Severity: "warning", Status: "in_effect", SanctionType: "admonishment",
		DecidedOn: civil.MustParse("2024-02-29"), InfluenceUntil: sanction.Until(sanction.Admonishment, civil.MustParse("2024-02-29"), ptr(12))} // 2025-02-28
	cases := []struct {
		name    string
		f       Flag
		asOf    string
		verdict string
	}{
		{"clear_dayBeforeDecision", f, "2025-08-30", Clear},
		{"blocked_decisionDay", f, "2025-08-31", Blocked},
		{"blocked_dayBeforeUntil", f, "2026-02-27", Blocked},
		{"clear_untilItself", f, "2026-02-28", Clear},
		{"blocked_statedPeriodDayBefore", stated, "2025-02-27", Blocked},
		{"clear_statedPeriodUntil", stated, "2025-02-28", Clear},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			verdict, reasons := Evaluate(Input{Purpose: "promotion", AsOf: civil.Text(c.asOf), Flags: []Flag{c.f}})
			if verdict != c.verdict || (verdict == Blocked) != (len(reasons) == 1) {
				t.Errorf("verdict %s with %v, want %s", verdict, brief(reasons), c.verdict)
			}
		})
	}
}

// All rules at once, the flags in a shuffled order: each flag and the cycle
// give one reason, in rule order then by id, and the worst verdict wins.
func TestEvaluateCombined(t *testing.T) {
	flags := []Flag{
		clue(40, "warning", "open"),
		sanctioned(31, sanction.Demerit, "2025-01-10", "in_effect"),
		investigation(20, "verifying"),
		clue(12, "serious", "open"),
		petition(41, "report", "info", "verifying"),
		investigation(3, "open"),
		petition(5, "appeal", "serious", "open"),
		sanctioned(30, sanction.PartyExpulsion, "2024-03-01", "in_effect"),
		clue(11, "serious", "verifying"),
		clue(2, "info", "unsubstantiated"),
	}
	grades := []Grade{{CycleID: 8, Year: 2024, Grade: "basic_competent"}, {CycleID: 4, Year: 2023, Grade: "incompetent"}}
	want := []string{
		"under_investigation#f3", "under_investigation#f20",
		"open_serious_flag#f11", "open_serious_flag#f12",
		"sanction_influence#f30", "sanction_influence#f31",
		"recent_low_grade#c8",
		"open_flag#f40", "open_flag#f41",
	}
	for _, purpose := range Purposes() {
		verdict, reasons := Evaluate(Input{Purpose: purpose, AsOf: civil.MustParse("2025-06-30"), Flags: flags, Grades: grades, LastYearFinalized: true})
		if verdict != Blocked {
			t.Errorf("%s: verdict %s", purpose, verdict)
		}
		if got := brief(reasons); !slices.Equal(got, want) {
			t.Errorf("%s: reasons\n%v\nwant\n%v", purpose, got, want)
		}
	}

	// The worst wins, whatever comes first: a caution and a blocked.
	for _, order := range [][]Flag{
		{clue(1, "info", "open"), investigation(2, "open")},
		{investigation(2, "open"), clue(1, "info", "open")},
	} {
		if v, _ := Evaluate(Input{Purpose: "transfer", AsOf: civil.MustParse("2025-06-30"), Flags: order}); v != Blocked {
			t.Errorf("caution + blocked gave %s", v)
		}
	}
	// Two cautions stay a caution.
	v, rs := Evaluate(Input{Purpose: "transfer", AsOf: civil.MustParse("2025-06-30"), Flags: []Flag{clue(1, "info", "open")},
		Grades: []Grade{{CycleID: 1, Year: 2024, Grade: "basic_competent"}}, LastYearFinalized: true})
	if v != Caution || !slices.Equal(brief(rs), []string{"recent_low_grade#c1", "open_flag#f1"}) {
		t.Errorf("two cautions: %s %v", v, brief(rs))
	}
}

func TestEvaluateMessages(t *testing.T) {
	_, rs := Evaluate(Input{Purpose: "promotion", AsOf: civil.MustParse("2025-06-30"), Flags: []Flag{
		sanctioned(1, sanction.GovWarning, "2025-06-01", "in_effect"),
		sanctioned(2, sanction.GovExpulsion, "2025-06-01", "in_effect"),
	}, Grades: []Grade{{CycleID: 3, Year: 2024, Grade: "basic_competent"}}, LastYearFinalized: true})
	want := []string{
		"受到警告（2025-06-01决定），影响期未满，2025-12-01起解除",
		"受到开除（2025-06-01决定），无影响期限",
		"2024年度考核结果为基本称职",
	}
	for i, r := range rs {
		if r.Message != want[i] {
			t.Errorf("message %d: %q, want %q", i, r.Message, want[i])
		}
	}
	// Stored as JSON: ids only where they apply.
	b, err := models.EncodeReasons(toStored(rs[2:3]))
	if err != nil || b != `[{"rule":"recent_low_grade","message":"2024年度考核结果为基本称职","cycle_id":3}]` {
		t.Errorf("json %s %v", b, err)
	}
}

// recent_low_grade reads year − 1, or year − 2 while no annual cycle of
// year − 1 is finalized (SPEC 9: a 2024 基本称职 counts on 2026-01-15 until
// the 2025 cycle is finalized).
func TestRecentLowGradeFallback(t *testing.T) {
	grades := []Grade{{CycleID: 4, Year: 2024, Grade: "basic_competent"}}
	cases := []struct {
		name      string
		lastYear  bool
		grades    []Grade
		want      string
		wantCycle []string
	}{
		{"blocked_yearMinus2_whileNoneFinalized", false, grades, Blocked, []string{"recent_low_grade#c4"}},
		{"clear_yearMinus2_onceLastYearFinalized", true, grades, Clear, []string{}},
		{"clear_lastYearCompetent", true, append(slices.Clone(grades), Grade{CycleID: 7, Year: 2025, Grade: "competent"}), Clear, []string{}},
		{"clear_yearMinus3", false, []Grade{{CycleID: 2, Year: 2023, Grade: "incompetent"}}, Clear, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, rs := Evaluate(Input{Purpose: "promotion", AsOf: civil.MustParse("2026-01-15"), Grades: c.grades, LastYearFinalized: c.lastYear})
			if v != c.want || !slices.Equal(brief(rs), c.wantCycle) {
				t.Errorf("%s %v, want %s %v", v, brief(rs), c.want, c.wantCycle)
			}
		})
	}
}

func TestCheckRequest(t *testing.T) {
	cases := []struct {
		name, purpose, asOf string
		fields              []string
	}{
		{"ok_today", "promotion", "2025-06-30", nil},
		{"ok_past", "transfer", "2020-01-01", nil},
		{"400_unknownPurpose", "election", "2025-06-30", []string{"purpose"}},
		{"400_future", "promotion", "2025-07-01", []string{"as_of"}},
		{"400_notADate", "promotion", "2025-13-01", []string{"as_of"}},
		{"400_both", "", "", []string{"purpose", "as_of"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckRequest(c.purpose, civil.Text(c.asOf), civil.MustParse("2025-06-30"))
			var got []string
			if err != nil {
				var v *errs.Validation
				if !errors.As(err, &v) {
					t.Fatalf("not a validation error: %v", err)
				}
				for _, d := range v.Details {
					got = append(got, d.Field)
				}
			}
			if !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestListsAreCopies(t *testing.T) {
	p := Purposes()
	p[0] = "x"
	r := Rules()
	r[0] = "x"
	if Purposes()[0] != PurposePromotion || Rules()[0] != RuleUnderInvestigation {
		t.Fatal("a returned list changed the package's")
	}
}

// BenchmarkEvaluate: a cadre with a long history (200 flags of every kind
// and status, 10 annual cycles).
func BenchmarkEvaluate(b *testing.B) {
	kinds := []string{"clue", "investigation", "sanction", "audit_finding", "petition", "inquiry"}
	statuses := []string{"open", "verifying", "substantiated", "unsubstantiated", "resolved"}
	severities := []string{"info", "warning", "serious"}
	in := Input{Purpose: "promotion", AsOf: civil.MustParse("2025-06-30")}
	for i := range 200 {
		f := Flag{ID: int64(1000 - i), Kind: kinds[i%len(kinds)], Status: statuses[i%len(statuses)],
			Severity: severities[i%len(severities)], PetitionType: []string{"report", "appeal", "suggestion"}[i%3]}
		if f.Kind == "sanction" {
			t := sanction.Types()[i%len(sanction.Types())]
			f.SanctionType, f.DecidedOn = string(t), civil.Text(fmt.Sprintf("20%02d-03-31", 10+i%16))
			f.InfluenceUntil = sanction.Until(t, f.DecidedOn, nil)
		}
		in.Flags = append(in.Flags, f)
	}
	for y := range 10 {
		in.Grades = append(in.Grades, Grade{CycleID: int64(y + 1), Year: 2016 + y, Grade: "basic_competent"})
	}
	if v, rs := Evaluate(in); v != Blocked || len(rs) == 0 || !strings.HasPrefix(rs[0].Rule, "under_") {
		b.Fatalf("unexpected %s %v", v, brief(rs))
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(in)
	}
}
