package profile

import (
	"bytes"
	"fmt"

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
)

// FirstFamily is the first month a family member's born_on may be.
var FirstFamily = civil.MustParseMonth("1900-01")

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
	now := civil.MonthOf(today)
	month := func(field string, m civil.Month) bool { return civil.PastMonth(v, field, m, now) }
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
		if m.BornOn != nil && month(at+"born_on", *m.BornOn) && m.BornOn.Before(FirstFamily) {
			v.Add(at+"born_on", "must be %s or later", FirstFamily.String())
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
func checkResume(v *errs.Validation, rs []ResumeEntry, month func(string, civil.Month) bool) {
	if len(rs) > MaxResume {
		v.Add("resume", "at most %d lines", MaxResume)
	}
	var prevEnd civil.Month
	for i := range rs {
		r := &rs[i]
		at := fmt.Sprintf("resume[%d].", i)
		r.Text = text.Clean(v, at+"text", r.Text, 1, MaxResumeText, true)
		fromOK := month(at+"from", r.From)
		toOK := r.To != nil && month(at+"to", *r.To)
		switch {
		case r.To == nil && i < len(rs)-1:
			v.Add(at+"to", "is required: only the last line may be open (to null)")
		case toOK && fromOK && r.To.Before(r.From):
			v.Add(at+"to", "must not be before from (%s)", r.From.String())
		}
		if fromOK && prevEnd.Valid() && r.From.Before(prevEnd) {
			v.Add(at+"from", "starts before the previous line ends (%s): lines must be in order and must not overlap", prevEnd.String())
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
	born := civil.MonthOf(birthDate)
	if !born.Valid() {
		return
	}
	atLeast := func(field string, m civil.Month, age int) {
		if !m.Valid() {
			return
		}
		if min := born.AddYears(age); m.Before(min) {
			if age == 0 {
				v.Add(field, "must not be before the cadre's birth (%s)", born.String())
			} else {
				v.Add(field, "must not be before the cadre turned %d (%s)", age, min.String())
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
