package routes

import (
	"encoding/base64"
	"regexp"

	"efile/services/civil"
	"efile/services/errs"
	"efile/services/profile"

	"github.com/gin-gonic/gin"
)

// The profile of SPEC section 16 (干部任免审批表): the same fields are read
// and written, so what a GET answers can be sent back with a PUT.

type educationDTO struct {
	Level  string `json:"level" presence:"optional" len:",200"`  // 学历
	Degree string `json:"degree" presence:"optional" len:",200"` // 学位
	School string `json:"school" presence:"optional" len:",200"` // 毕业院校系及专业
}

type resumeLineDTO struct {
	From civil.Month  `json:"from"`
	To   *civil.Month `json:"to"` // null only on the last line
	Text string       `json:"text" len:"1,500"`
}

type familyMemberDTO struct {
	Relation        string       `json:"relation" len:"1,200"`
	Name            string       `json:"name" len:"1,200"`
	BornOn          *civil.Month `json:"born_on"` // null: unknown
	PoliticalStatus string       `json:"political_status" presence:"optional" len:",200"`
	Work            string       `json:"work" presence:"optional" len:",200"`
}

// profileFields are the fields of a profile, without its version.
type profileFields struct {
	Ethnicity          string            `json:"ethnicity" presence:"optional" len:",200"`
	NativePlace        string            `json:"native_place" presence:"optional" len:",200"`
	Birthplace         string            `json:"birthplace" presence:"optional" len:",200"`
	PartyJoinedOn      *civil.Month      `json:"party_joined_on"` // null: none or unknown
	OtherParty         string            `json:"other_party" presence:"optional" len:",200"`
	WorkStartedOn      *civil.Month      `json:"work_started_on" presence:"required"` // null only on a profile never written
	Health             string            `json:"health" presence:"optional" len:",200"`
	ProfessionalTitle  string            `json:"professional_title" presence:"optional" len:",200"`
	Expertise          string            `json:"expertise" presence:"optional" len:",200"`
	FullTimeEducation  educationDTO      `json:"full_time_education" presence:"optional"`
	InServiceEducation educationDTO      `json:"in_service_education" presence:"optional"`
	Resume             []resumeLineDTO   `json:"resume" presence:"optional" len:",60"`
	Family             []familyMemberDTO `json:"family" presence:"optional" len:",10"`
	Photo              *string           `json:"photo"` // base64 of a JPEG or PNG, at most 512 KiB decoded; null: none
}

type profileRequest struct {
	CadreID int64 `path:"id" json:"-"`
	profileFields
	Version *int `json:"version" presence:"required" min:"0"` // 0 for a profile never written
}

type profileResponse struct {
	profileFields
	Version int `json:"version"`
}

func toProfileFields(p *profile.Profile) profileFields {
	out := profileFields{Ethnicity: p.Ethnicity, NativePlace: p.NativePlace, Birthplace: p.Birthplace,
		PartyJoinedOn: p.PartyJoinedOn, OtherParty: p.OtherParty, WorkStartedOn: p.WorkStartedOn, Health: p.Health,
		ProfessionalTitle: p.ProfessionalTitle, Expertise: p.Expertise,
		FullTimeEducation:  educationDTO(p.FullTime),
		InServiceEducation: educationDTO(p.InService),
		Resume:             make([]resumeLineDTO, len(p.Resume)), Family: make([]familyMemberDTO, len(p.Family))}
	for i, r := range p.Resume {
		out.Resume[i] = resumeLineDTO(r)
	}
	for i, f := range p.Family {
		out.Family[i] = familyMemberDTO(f)
	}
	if p.Photo != nil {
		s := base64.StdEncoding.EncodeToString(p.Photo)
		out.Photo = &s
	}
	return out
}

func toProfileResponse(p *profile.Profile) profileResponse {
	return profileResponse{profileFields: toProfileFields(p), Version: p.Version}
}

var dataURLPrefix = regexp.MustCompile(`^data:image/[a-zA-Z0-9.+-]+;base64,`)

// toProfile decodes the request's fields; only the photo can be malformed
// here (base64), the service checks the rest.
func (in *profileFields) toProfile() (profile.Profile, error) {
	p := profile.Profile{Ethnicity: in.Ethnicity, NativePlace: in.NativePlace, Birthplace: in.Birthplace,
		PartyJoinedOn: in.PartyJoinedOn, OtherParty: in.OtherParty, WorkStartedOn: in.WorkStartedOn, Health: in.Health,
		ProfessionalTitle: in.ProfessionalTitle, Expertise: in.Expertise,
		FullTime: profile.Education(in.FullTimeEducation), InService: profile.Education(in.InServiceEducation),
		Resume: make([]profile.ResumeEntry, len(in.Resume)), Family: make([]profile.FamilyMember, len(in.Family))}
	for i, r := range in.Resume {
		p.Resume[i] = profile.ResumeEntry(r)
	}
	for i, f := range in.Family {
		p.Family[i] = profile.FamilyMember(f)
	}
	if in.Photo != nil && *in.Photo != "" {
		// A data URL, as a browser's FileReader makes it, is taken for its
		// base64. The body limit (1 MiB) bounds the string; what it would
		// decode to is checked before decoding.
		b64 := dataURLPrefix.ReplaceAllString(*in.Photo, "")
		if base64.StdEncoding.DecodedLen(len(b64)) > profile.MaxPhoto+3 {
			return p, errs.Invalid("photo", "must be at most 512 KiB")
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return p, errs.Invalid("photo", "must be base64 (RFC 4648) of a JPEG or PNG image")
		}
		p.Photo = b
	}
	return p, nil
}

func (h *handlers) getProfile(c *gin.Context, in *byID) (profileResponse, error) {
	return answer(toProfileResponse)(h.s.Profiles.Get(ctx(c), me(c), in.ID))
}

func (h *handlers) putProfile(c *gin.Context, in *profileRequest) (profileResponse, error) {
	p, err := in.toProfile()
	if err != nil {
		return profileResponse{}, err
	}
	return answer(toProfileResponse)(h.s.Profiles.Put(ctx(c), me(c), in.CadreID, p, in.Version))
}
