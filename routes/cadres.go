package routes

import (
	"mime/multipart"
	"strconv"
	"time"

	"efile/models"
	"efile/services/cadre"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
)

type createCadreRequest struct {
	Name        string `json:"name"`
	Gender      string `json:"gender"`
	BirthDate   string `json:"birth_date"`
	IDNumber    string `json:"id_number"`
	UnitID      int64  `json:"unit_id"`
	Position    string `json:"position"`
	Rank        string `json:"rank"`
	IsTopLeader bool   `json:"is_top_leader"`
	AppointedOn string `json:"appointed_on"`
	// Optional, false when absent (SPEC 5).
	ReportsPersonalMatters bool `json:"reports_personal_matters"`
}

type updateCadreRequest struct {
	Name        *string `json:"name"`
	Gender      *string `json:"gender"`
	BirthDate   *string `json:"birth_date"`
	IDNumber    *string `json:"id_number"`
	UnitID      *int64  `json:"unit_id"`
	Position    *string `json:"position"`
	Rank        *string `json:"rank"`
	IsTopLeader *bool   `json:"is_top_leader"`
	AppointedOn *string `json:"appointed_on"`
	Status      *string `json:"status"`
	Version     int     `json:"version"`

	ReportsPersonalMatters *bool `json:"reports_personal_matters"`
}

type cadreResponse struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Gender      string    `json:"gender"`
	BirthDate   string    `json:"birth_date"`
	IDNumber    string    `json:"id_number"`
	UnitID      int64     `json:"unit_id"`
	Position    string    `json:"position"`
	Rank        string    `json:"rank"`
	IsTopLeader bool      `json:"is_top_leader"`
	AppointedOn string    `json:"appointed_on"`
	Status      string    `json:"status"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

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
	cd, err := h.s.Cadres.Create(ctx(c), me(c), cadre.Fields(*in))
	if err != nil {
		return cadreResponse{}, err
	}
	return h.toCadreResponse(me(c), cd)
}

func (h *handlers) getCadre(c *gin.Context) (cadreResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return cadreResponse{}, err
	}
	cd, err := h.s.Cadres.Get(ctx(c), me(c), id)
	if err != nil {
		return cadreResponse{}, err
	}
	return h.toCadreResponse(me(c), cd)
}

func (h *handlers) updateCadre(c *gin.Context, in *updateCadreRequest) (cadreResponse, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return cadreResponse{}, err
	}
	cd, err := h.s.Cadres.Update(ctx(c), me(c), id, cadre.Patch(*in))
	if err != nil {
		return cadreResponse{}, err
	}
	return h.toCadreResponse(me(c), cd)
}

func queryBool(c *gin.Context, v *errs.Validation, name string) *bool {
	s := c.Query(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		v.Add(name, "must be true or false")
		return nil
	}
	return &b
}

// listCadres answers a page of cadres, or an auditor's look-up with its few
// fields: the service decides which (Listing.Limited).
// listCadres answers a page of cadres, or an auditor's look-up with its few
// fields: the service decides which (Listing.Limited).
func (h *handlers) listCadres(c *gin.Context) (any, error) {
	p, err := page(c)
	v := &errs.Validation{}
	f := cadre.Filter{Page: p, UnitID: queryID(c, v, "unit_id"), Q: c.Query("q"),
		IsTopLeader: queryBool(c, v, "is_top_leader"), Status: c.Query("status")}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		return nil, err
	}
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

func (h *handlers) importCadres(c *gin.Context, fh *multipart.FileHeader) (*cadre.ImportReport, error) {
	v := &errs.Validation{}
	dryRun := queryBool(c, v, "dry_run")
	if err := v.Err(); err != nil {
		return nil, err
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return h.s.Cadres.ImportFile(ctx(c), me(c), f, fh.Filename, dryRun != nil && *dryRun, nil)
}
