package flag

import (
	"slices"
	"strings"

	"efile/services/account"
	"efile/services/errs"
	"efile/services/sanction"
)

// Each department files only what it decides (SPEC 8's table): the one
// place that says which kinds and which sanction types a source may file.
// Sources: the discipline body decides clues, inquiries (函询), cases,
// party and government sanctions and 诫勉 (监督执纪工作规则 2019, not checked;
// 政务处分法 art. 3; 问责条例 art. 8, docs/regulations.md rows 16, 18); the
// audit and inspection departments report what they find (审计法 art. 52,
// 巡视工作条例); the petition department passes on petitions (信访工作条例
// arts. 29–31); the organization department decides its own organizational
// measures and 诫勉 (公务员法 art. 57, 问责条例), the sanctions an appointing
// body decides (任免机关处分: 公务员法 arts. 62, 64), and checks the reports
// it receives itself (12380, 任前公示: 任用条例 art. 31).

// filing is what one source department may file.
type filing struct {
	kinds []string
	// reportOnly: petitions of type report only (the organization's).
	reportOnly bool
	sanctions  []sanction.Type
}

var governmentByAppointingBody = []sanction.Type{sanction.GovWarning, sanction.Demerit, sanction.MajorDemerit,
	sanction.Demotion, sanction.Dismissal, sanction.GovExpulsion}

var filings = map[string]filing{
	"discipline": {kinds: []string{KindClue, KindInquiry, KindInvestigation, KindSanction, KindPetition, KindMeasure},
		sanctions: append(familyTypes(sanction.Government, sanction.Party), sanction.Admonishment)},
	"audit":      {kinds: []string{KindAuditFinding, KindClue}},
	"petition":   {kinds: []string{KindPetition, KindClue}},
	"inspection": {kinds: []string{KindInspectionFinding, KindClue}},
	SourceOrganization: {kinds: []string{KindSanction, KindMeasure, KindInquiry, KindPetition}, reportOnly: true,
		sanctions: append(familyTypes(sanction.Organizational), governmentByAppointingBody...)},
}

// familyTypes lists the sanction types of the families, in the table's order.
func familyTypes(families ...string) []sanction.Type {
	var out []sanction.Type
	for _, t := range sanction.Types() {
		if r, _ := sanction.Lookup(t); slices.Contains(families, r.Family) {
			out = append(out, t)
		}
	}
	return out
}

// MayFile lists the kinds, the sanction types and the petition types that
// source may file (nil for an unknown source), for /me (the console's flag
// form) and for the 403's message.
func MayFile(source string) (kinds, sanctions, petitions []string) {
	f, ok := filings[source]
	if !ok {
		return nil, nil, nil
	}
	for _, t := range f.sanctions {
		sanctions = append(sanctions, string(t))
	}
	petitions = slices.Clone(petitionTypes)
	if f.reportOnly {
		petitions = []string{PetitionReport}
	}
	if !slices.Contains(f.kinds, KindPetition) {
		petitions = []string{}
	}
	return slices.Clone(f.kinds), sanctions, petitions
}

// CheckFiling answers 403 forbidden, naming what source may file, when a
// valid body asks for what the department does not decide: a kind, a
// petition other than a report (the organization's), a sanction type.
func CheckFiling(source string, in *New) error {
	f, ok := filings[source]
	if !ok {
		return errs.Forbidden("only a source department or the organization department files flags")
	}
	kinds, types, _ := MayFile(source)
	what := "kinds " + strings.Join(kinds, ", ")
	if f.reportOnly {
		what += " (petitions of type report only)"
	}
	if len(types) > 0 {
		what += "; sanction types " + strings.Join(types, ", ")
	}
	switch {
	case !slices.Contains(f.kinds, in.Kind):
		return forbidden(source, in.Kind, what)
	case f.reportOnly && in.Kind == KindPetition && in.PetitionType != nil && *in.PetitionType != PetitionReport:
		return forbidden(source, "petition of type "+*in.PetitionType, what)
	case in.Kind == KindSanction && in.Sanction != nil && !slices.Contains(f.sanctions, sanction.Type(in.Sanction.Type)):
		return forbidden(source, "sanction of type "+in.Sanction.Type, what)
	}
	return nil
}

// CheckSanctionType answers 403 when source may not decide sanctions of
// type t (a modification to another type).
func CheckSanctionType(source, t string) error {
	f := filings[source]
	if slices.Contains(f.sanctions, sanction.Type(t)) {
		return nil
	}
	_, types, _ := MayFile(source)
	return forbidden(source, "sanction of type "+t, "sanction types "+strings.Join(types, ", "))
}

func forbidden(source, what, may string) error {
	return errs.Forbidden("the %s department does not decide a %s; it may file %s", source, what, may)
}

// sources lists every source: the four departments, then the organization.
func sources() []string { return append(account.Departments(), SourceOrganization) }
