package profile

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	"efile/services/civil"
	"efile/services/errs"
	"efile/services/text"
)

// Limits of SPEC section 16.
const (
	MaxText       = 200       // characters of every text field
	MaxResumeText = 500       // characters of a resume line's text
	MaxResume     = 60        // resume lines
	MaxFamily     = 10        // family members: what the form holds
	MaxPhoto      = 512 << 10 // bytes of the decoded photo
	PartyAge      = 18        // party_joined_on not before this age
	WorkAge       = 14        // work_started_on not before this age
	FirstFamily   = "1900-01" // a family member's born_on from this month
)

var monthRe = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// ValidMonth tells whether s is a month written YYYY-MM (year 0001 or later).
func ValidMonth(s string) bool { return monthRe.MatchString(s) && s[:4] != "0000" }

// MonthOf is the month YYYY-MM of date d, "" for no date.
func MonthOf(d civil.Date) string {
	if !d.Valid() {
		return ""
	}
	return d.String()[:7]
}

// addYears is month m (YYYY-MM) n years later.
func addYears(m string, n int) string {
	y, _ := strconv.Atoi(m[:4])
	return fmt.Sprintf("%04d%s", y+n, m[4:])
}

// Photo formats, told by their first bytes (never by a name or a MIME type
// the client sends).
var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)

// PhotoType is "jpeg" or "png" by b's magic bytes, "" for anything else.
func PhotoType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, jpegMagic):
		return "jpeg"
	case bytes.HasPrefix(b, pngMagic):
		return "png"
	}
	return ""
}

// Check validates a profile's form (SPEC section 16) and brings its texts to
// NFC, adding a detail per bad field, named as in the JSON body
// (resume[3].to). today is the current date (EFILE_TZ); birthDate the
// cadre's, or no date to leave the rules about it to CheckBirth.
func Check(v *errs.Validation, p *Profile, today, birthDate civil.Date) {
	txt := func(field string, dst *string, min, max int, multiline bool) {
		*dst = text.Clean(v, field, *dst, min, max, multiline)
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"ethnicity", &p.Ethnicity}, {"native_place", &p.NativePlace}, {"birthplace", &p.Birthplace},
		{"other_party", &p.OtherParty}, {"health", &p.Health}, {"professional_title", &p.ProfessionalTitle},
		{"expertise", &p.Expertise}} {
		txt(f.name, f.dst, 0, MaxText, false)
	}
	for _, e := range []struct {
		name string
		ed   *Education
	}{{"full_time_education", &p.FullTime}, {"in_service_education", &p.InService}} {
		txt(e.name+".level", &e.ed.Level, 0, MaxText, false)
		txt(e.name+".degree", &e.ed.Degree, 0, MaxText, false)
		txt(e.name+".school", &e.ed.School, 0, MaxText, false)
	}
	now := MonthOf(today)
	month := func(field string, m string) bool {
		switch {
		case !ValidMonth(m):
			v.Add(field, "must be a month YYYY-MM")
		case m > now:
			v.Add(field, "must not be in the future")
		default:
			return true
		}
		return false
	}
	if p.PartyJoinedOn != nil {
		month("party_joined_on", *p.PartyJoinedOn)
	}
	if p.WorkStartedOn == nil {
		v.Add("work_started_on", "is required: the month the cadre started work, YYYY-MM")
	} else {
		month("work_started_on", *p.WorkStartedOn)
	}
	checkResume(v, p.Resume, month)
	if len(p.Family) > MaxFamily {
		v.Add("family", "at most %d members: what the form holds", MaxFamily)
	}
	for i := range p.Family {
		m := &p.Family[i]
		at := fmt.Sprintf("family[%d].", i)
		txt(at+"relation", &m.Relation, 1, MaxText, false)
		txt(at+"name", &m.Name, 1, MaxText, false)
		txt(at+"political_status", &m.PoliticalStatus, 0, MaxText, false)
		txt(at+"work", &m.Work, 0, MaxText, false)
		if m.BornOn != nil && month(at+"born_on", *m.BornOn) && *m.BornOn < FirstFamily {
			v.Add(at+"born_on", "must be %s or later", FirstFamily)
		}
	}
	if p.Photo != nil {
		switch {
		case len(p.Photo) > MaxPhoto:
			v.Add("photo", "must be at most 512 KiB")
		case PhotoType(p.Photo) == "":
			v.Add("photo", "must be a JPEG or PNG image")
		}
	}
	if !birthDate.IsZero() {
		CheckBirth(v, p, birthDate)
	}
}

// checkResume checks the resume: at most MaxResume lines, each a period
// from ≤ to, only the last open, in order and without overlaps (two lines
// may share their boundary month: 1997.07--2010.03, 2010.03--).
func checkResume(v *errs.Validation, rs []ResumeEntry, month func(string, string) bool) {
	if len(rs) > MaxResume {
		v.Add("resume", "at most %d lines", MaxResume)
	}
	prevEnd := ""
	for i := range rs {
		r := &rs[i]
		at := fmt.Sprintf("resume[%d].", i)
		r.Text = text.Clean(v, at+"text", r.Text, 1, MaxResumeText, true)
		fromOK := month(at+"from", r.From)
		toOK := r.To != nil && month(at+"to", *r.To)
		switch {
		case r.To == nil && i < len(rs)-1:
			v.Add(at+"to", "is required: only the last line may be open (to null)")
		case toOK && fromOK && *r.To < r.From:
			v.Add(at+"to", "must not be before from (%s)", r.From)
		}
		if fromOK && prevEnd != "" && r.From < prevEnd {
			v.Add(at+"from", "starts before the previous line ends (%s): lines must be in order and must not overlap", prevEnd)
		}
		switch {
		case toOK:
			prevEnd = *r.To
		case fromOK:
			prevEnd = r.From
		}
	}
}

// CheckBirth checks the cadre's own months against their birth date:
// none before birth, joining the party not before 18, starting
// work not before 14. Months already found malformed are left alone.
func CheckBirth(v *errs.Validation, p *Profile, birthDate civil.Date) {
	born := MonthOf(birthDate)
	if !ValidMonth(born) {
		return
	}
	atLeast := func(field, m string, age int) {
		if !ValidMonth(m) {
			return
		}
		if min := addYears(born, age); m < min {
			if age == 0 {
				v.Add(field, "must not be before the cadre's birth (%s)", born)
			} else {
				v.Add(field, "must not be before the cadre turned %d (%s)", age, min)
			}
		}
	}
	if p.PartyJoinedOn != nil {
		atLeast("party_joined_on", *p.PartyJoinedOn, PartyAge)
	}
	if p.WorkStartedOn != nil {
		atLeast("work_started_on", *p.WorkStartedOn, WorkAge)
	}
	for i, r := range p.Resume {
		atLeast(fmt.Sprintf("resume[%d].from", i), r.From, 0)
		if r.To != nil {
			atLeast(fmt.Sprintf("resume[%d].to", i), *r.To, 0)
		}
	}
}

// FieldNames lists the profile's fields as the vocabulary labels them
// (profile_fields): a nested field by its path without the index.
func FieldNames() []string {
	return []string{"ethnicity", "native_place", "birthplace", "party_joined_on", "other_party", "work_started_on",
		"health", "professional_title", "expertise", "full_time_education", "in_service_education",
		"education.level", "education.degree", "education.school", "resume", "resume.from", "resume.to", "resume.text",
		"family", "family.relation", "family.name", "family.born_on", "family.political_status", "family.work", "photo"}
}
