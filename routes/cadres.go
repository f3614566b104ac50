package routes

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"efile/models"
	"efile/services/account"
	"efile/services/cadre"
	"efile/services/errs"
	"efile/services/roster"

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
}

// cadreLookupResponse is all an auditor learns of a cadre.
type cadreLookupResponse struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	UnitID   int64  `json:"unit_id"`
	Position string `json:"position"`
	IDNumber string `json:"id_number"`
}

func (h *handlers) toCadreResponse(viewer *models.User) func(*models.Cadre) cadreResponse {
	return func(c *models.Cadre) cadreResponse {
		return cadreResponse{ID: c.ID, Name: c.Name, Gender: c.Gender, BirthDate: c.BirthDate,
			IDNumber: h.d.Cadres.IDNumber(viewer, c), UnitID: c.UnitID, Position: c.Position, Rank: c.Rank,
			IsTopLeader: c.IsTopLeader, AppointedOn: c.AppointedOn, Status: c.Status, Version: c.Version,
			CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	}
}

func toCadreLookup(c *models.Cadre) cadreLookupResponse {
	return cadreLookupResponse{ID: c.ID, Name: c.Name, UnitID: c.UnitID, Position: c.Position, IDNumber: c.IDNumberMask}
}

func (h *handlers) createCadre(c *gin.Context) {
	var in createCadreRequest
	if err := decode(c, &in); err != nil {
		abort(c, err)
		return
	}
	cd, err := h.d.Cadres.Create(ctx(c), me(c), cadre.Fields(in))
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(201, h.toCadreResponse(me(c))(cd))
}

func (h *handlers) getCadre(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		abort(c, err)
		return
	}
	cd, err := h.d.Cadres.Get(ctx(c), me(c), id)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, h.toCadreResponse(me(c))(cd))
}

func (h *handlers) updateCadre(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		abort(c, err)
		return
	}
	var in updateCadreRequest
	if err := decode(c, &in); err != nil {
		abort(c, err)
		return
	}
	cd, err := h.d.Cadres.Update(ctx(c), me(c), id, cadre.Patch(in))
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, h.toCadreResponse(me(c))(cd))
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

func (h *handlers) listCadres(c *gin.Context) {
	u := me(c)
	if !u.HasRole(account.RoleOrgReviewer) && !u.HasRole(account.RoleEvaluator) {
		// An auditor only looks a cadre up, and learns little of it; look-ups
		// by whole ID number have a budget (SPEC section 3).
		if cadre.IsIDNumberQuery(c.Query("q")) && !h.idLookups.allow(c, byUser(c)) {
			return
		}
		rows, err := h.d.Cadres.Lookup(ctx(c), u, c.Query("q"))
		if err != nil {
			abort(c, err)
			return
		}
		c.JSON(200, newList(rows, int64(len(rows)), models.Page{Number: 1, Size: cadre.LookupLimit}, toCadreLookup))
		return
	}
	p, err := page(c)
	v := &errs.Validation{}
	f := cadre.Filter{Page: p, UnitID: queryID(c, v, "unit_id"), Q: c.Query("q"),
		IsTopLeader: queryBool(c, v, "is_top_leader"), Status: c.Query("status")}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		abort(c, err)
		return
	}
	rows, total, err := h.d.Cadres.List(ctx(c), u, f)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, newList(rows, total, p, h.toCadreResponse(u)))
}

func (h *handlers) importCadres(c *gin.Context) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			abort(c, err)
			return
		}
		abort(c, errs.Invalid("file", "upload the roster as multipart/form-data in the field \"file\" (CSV or XLSX)"))
		return
	}
	f, err := fh.Open()
	if err != nil {
		abort(c, err)
		return
	}
	defer f.Close()
	rows, problems, err := roster.Parse(f, fh.Filename)
	if err != nil {
		var v *errs.Validation
		if errors.Is(err, errs.ErrInvalid) && !errors.As(err, &v) {
			err = errs.Invalid("file", "%s", err.Error())
		}
		abort(c, err)
		return
	}
	res, err := h.d.Cadres.Import(ctx(c), me(c), rows, problems, nil)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(200, res)
}
