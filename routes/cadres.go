package routes

import (
	"mime/multipart"
	"time"

	"efile/models"
	"efile/services/cadre"
	"efile/services/civil"

	"github.com/gin-gonic/gin"
)

type createCadreRequest struct {
	Name        string     `json:"name" len:"1,50"`
	Gender      string     `json:"gender" enum:"genders"`
	BirthDate   civil.Date `json:"birth_date" date:"birth"`
	IDNumber    string     `json:"id_number"`
	UnitID      int64      `json:"unit_id" min:"1"`
	Position    string     `json:"position" len:"1,100"`
	Rank        string     `json:"rank" len:"1,50"`
	IsTopLeader bool       `json:"is_top_leader,omitzero"` // optional, false when absent
	AppointedOn civil.Date `json:"appointed_on"`
	// Optional, false when absent (SPEC 5): omitzero marks it optional in
	// the document.
	ReportsPersonalMatters bool `json:"reports_personal_matters,omitzero"`
}

type updateCadreRequest struct {
	ID          int64       `path:"id" json:"-"`
	Name        *string     `json:"name" len:"1,50"`
	Gender      *string     `json:"gender" enum:"genders"`
	BirthDate   *civil.Date `json:"birth_date" date:"birth"`
	IDNumber    *string     `json:"id_number"`
	UnitID      *int64      `json:"unit_id" min:"1"`
	Position    *string     `json:"position" len:"1,100"`
	Rank        *string     `json:"rank" len:"1,50"`
	IsTopLeader *bool       `json:"is_top_leader"`
	AppointedOn *civil.Date `json:"appointed_on"`
	Status      *string     `json:"status" enum:"cadre_statuses"`
	Version     int         `json:"version" min:"1"`

	ReportsPersonalMatters *bool `json:"reports_personal_matters"`
}

type cadreResponse struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Gender      string     `json:"gender" enum:"genders"`
	BirthDate   civil.Date `json:"birth_date"`
	IDNumber    string     `json:"id_number"`
	UnitID      int64      `json:"unit_id"`
	Position    string     `json:"position"`
	Rank        string     `json:"rank"`
	IsTopLeader bool       `json:"is_top_leader"`
	AppointedOn civil.Date `json:"appointed_on"`
	Status      string     `json:"status" enum:"cadre_statuses"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`

	ReportsPersonalMatters bool `json:"reports_personal_matters"`
}

// cadreLookupResponse is all an auditor learns of a cadre.
type cadreLookupResponse struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	UnitID   int64  `json:"unit_id"`
	Position string `json:"position"`
	IDNumber string `json:"id_number"`
}

// toCadreResponse shows a cadre as viewer may see it (the ID number whole or
// masked).
func (h *handlers) toCadreResponse(viewer *models.User, c *models.Cadre) (cadreResponse, error) {
	idn, err := h.s.Cadres.IDNumber(viewer, c)
	if err != nil {
		return cadreResponse{}, err
	}
	return cadreResponse{ID: c.ID, Name: c.Name, Gender: c.Gender, BirthDate: c.BirthDate,
		IDNumber: idn, UnitID: c.UnitID, Position: c.Position, Rank: c.Rank,
		IsTopLeader: c.IsTopLeader, AppointedOn: c.AppointedOn, Status: c.Status, Version: c.Version,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), ReportsPersonalMatters: c.ReportsPersonalMatters}, nil
}

func toCadreLookup(c *models.Cadre) cadreLookupResponse {
	return cadreLookupResponse{ID: c.ID, Name: c.Name, UnitID: c.UnitID, Position: c.Position, IDNumber: cadre.Masked(c)}
}

func (h *handlers) createCadre(c *gin.Context, in *createCadreRequest) (cadreResponse, error) {
	cd, err := h.s.Cadres.Create(ctx(c), me(c), cadre.Fields{Name: in.Name, Gender: in.Gender,
		BirthDate: in.BirthDate, IDNumber: in.IDNumber, UnitID: in.UnitID, Position: in.Position, Rank: in.Rank,
		IsTopLeader: in.IsTopLeader, AppointedOn: in.AppointedOn, ReportsPersonalMatters: in.ReportsPersonalMatters})
	if err != nil {
		return cadreResponse{}, err
	}
	return h.toCadreResponse(me(c), cd)
}

func (h *handlers) getCadre(c *gin.Context, in *byID) (cadreResponse, error) {
	cd, err := h.s.Cadres.Get(ctx(c), me(c), in.ID)
	if err != nil {
		return cadreResponse{}, err
	}
	return h.toCadreResponse(me(c), cd)
}

func (h *handlers) updateCadre(c *gin.Context, in *updateCadreRequest) (cadreResponse, error) {
	cd, err := h.s.Cadres.Update(ctx(c), me(c), in.ID, cadre.Patch{Name: in.Name, Gender: in.Gender, BirthDate: in.BirthDate,
		IDNumber: in.IDNumber, UnitID: in.UnitID, Position: in.Position, Rank: in.Rank, IsTopLeader: in.IsTopLeader,
		AppointedOn: in.AppointedOn, Status: in.Status, Version: in.Version, ReportsPersonalMatters: in.ReportsPersonalMatters})
	if err != nil {
		return cadreResponse{}, err
	}
	return h.toCadreResponse(me(c), cd)
}

type listCadresQuery struct {
	paging
	UnitID      *int64 `query:"unit_id" doc:"cadres of this unit and its sub-units"`
	Q           string `query:"q" doc:"part of a name, or a whole ID number; required for auditors (at least two characters)"`
	IsTopLeader *bool  `query:"is_top_leader" doc:"only top leaders (一把手), or only the others"`
	Status      string `query:"status" doc:"active, retired or left" enum:"cadre_statuses"`
}

// listCadres answers a page of cadres, or an auditor's look-up with its few
// fields: the service decides which (Listing.Limited).
func (h *handlers) listCadres(c *gin.Context, in *listCadresQuery) (any, error) {
	f := cadre.Filter{Page: in.page(), UnitID: in.UnitID, Q: in.Q, IsTopLeader: in.IsTopLeader, Status: in.Status}
	if cadre.LooksUpOnly(me(c)) && cadre.IsWholeIDNumber(f.Q) {
		// An auditor's look-ups by whole ID number have a budget (SPEC
		// section 3): a run of them would rebuild a number digit by digit.
		if err := h.idLookups.check(c, byUser(c)); err != nil {
			return nil, err
		}
	}
	l, err := h.s.Cadres.List(ctx(c), me(c), f)
	if err != nil {
		return nil, err
	}
	if l.Limited {
		return newList(l.Cadres, l.Total, l.Page, toCadreLookup), nil
	}
	out := list[cadreResponse]{Items: make([]cadreResponse, 0, len(l.Cadres)), Total: l.Total, Page: l.Page.Number, PageSize: l.Page.Size}
	for i := range l.Cadres {
		r, err := h.toCadreResponse(me(c), &l.Cadres[i])
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, r)
	}
	return out, nil
}

// importResponse is SPEC section 5's answer to an import: counts, and per
// row what happened. Changed lists the fields an update changed; it is
// empty for a created row and an unchanged one. CadreID is null for a row
// a dry run would create.
type importResponse struct {
	Created   int                 `json:"created"`
	Updated   int                 `json:"updated"`
	Unchanged int                 `json:"unchanged"`
	Rows      []importRowResponse `json:"rows"`
}

type importRowResponse struct {
	Line    int      `json:"line"`
	Action  string   `json:"action" enum:"import_actions"`
	CadreID *int64   `json:"cadre_id"`
	Changed []string `json:"changed"`
}

func toImportResponse(r *cadre.ImportReport) importResponse {
	out := importResponse{Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Rows: make([]importRowResponse, len(r.Rows))}
	for i, row := range r.Rows {
		out.Rows[i] = importRowResponse(row)
	}
	return out
}

type importQuery struct {
	DryRun *bool `query:"dry_run" doc:"true: validate and answer the report without writing anything"`
}

func (h *handlers) importCadres(c *gin.Context, in *importQuery, fh *multipart.FileHeader) (importResponse, error) {
	f, err := fh.Open()
	if err != nil {
		return importResponse{}, err
	}
	defer f.Close()
	return answer(toImportResponse)(h.s.Cadres.ImportFile(ctx(c), me(c), f, fh.Filename, in.DryRun != nil && *in.DryRun, nil))
}
