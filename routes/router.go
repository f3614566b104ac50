// Package routes is the HTTP layer: the URL table, the middleware (request
// id, metrics, access log, auth, casbin, limits) and handlers that decode a
// request DTO, call one service method and encode a response DTO.
package routes

import (
	"context"
	"fmt"
	"net/http"

	"efile/services"
	"efile/services/account"
	"efile/services/errs"
	"efile/web"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Deps is everything the router needs, built once in cmd/efile (or a test).
type Deps struct {
	Services       *services.Set
	Enforcer       enforcer
	TrustedProxies []string
	RateLimits     RateLimits           // zero values: the SPEC's defaults
	Registry       *prometheus.Registry // nil: a fresh one
}

var (
	errForbiddenRoute = errs.Forbidden("your role may not use this route")
	errNoRoute        = errs.NotFound("route")
)

// New builds the router from the route table.
func New(d Deps) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// An API answers what was asked: no redirects to a "fixed" path.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := d.Services
	m := newMetrics(d.Registry, func() float64 {
		n, err := s.Audit.Pending(context.Background())
		if err != nil {
			return -1
		}
		return float64(n)
	})
	// The body limit is not here: it runs after authentication (and the
	// route's policy), so that a caller without a valid token learns 401
	// whatever the size of what they sent (SPEC section 3).
	r.Use(securityHeaders, requestID(s.Logger), m.handler, accessLog(s.Audit), recovery)
	// Unknown routes and methods answer 404 and 405 to anyone; a valid
	// token still names its user in the access log.
	// The web console's files are served first (routes/console.go); what
	// it does not serve falls through to the API's 404.
	r.NoRoute(console(web.Dist()), identify(s.Accounts), func(c *gin.Context) { abort(c, errNoRoute) })
	r.NoMethod(identify(s.Accounts), func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{errorDetail{Code: "method_not_allowed",
			Message: localize(printerFor(c), msgNoMethod)}})
	})

	rl := d.RateLimits.withDefaults()
	h := &handlers{s: s, enforcer: d.Enforcer, registry: d.Registry,
		idLookups: newLimiter(errs.M("look-ups by ID number"), rl.IDLookup, rl.Now)}
	// One budget per kind of limit, shared by the routes that name it
	// (every workbook export draws on the one export budget).
	limits := map[limit]gin.HandlerFunc{
		limitLogin:    rateLimit(errs.M("logins"), rl.Login, byClient, rl.Now),
		limitImport:   rateLimit(errs.M("roster imports"), rl.Import, byUser, rl.Now),
		limitExport:   rateLimit(errs.M("workbook exports"), rl.Export, byUser, rl.Now),
		limitVetBatch: rateLimit(errs.M("batch vettings"), rl.Import, byUser, rl.Now),
	}
	doc, err := h.openAPIDoc()
	if err != nil {
		return nil, err
	}
	h.doc = doc
	auth := []gin.HandlerFunc{authenticate(s.Accounts), authorize(d.Enforcer)}
	tbl := h.table()
	for i := range tbl {
		rt := &tbl[i]
		if _, ok := rt.Op.response.(shower); rt.Idempotent && !ok {
			return nil, fmt.Errorf("route %s %s is idempotent, but its response %T does not say what it shows", rt.Method, rt.Path, rt.Op.response)
		}
		chain := []gin.HandlerFunc{}
		if !rt.Public {
			chain = append(chain, auth...)
		}
		if rt.Limit != limitNone {
			chain = append(chain, limits[rt.Limit])
		}
		chain = append(chain, bodyLimit, rt.Op.serve(h, rt))
		r.Handle(rt.Method, rt.Path, chain...)
	}
	return r, nil
}

type handlers struct {
	s        *services.Set
	enforcer enforcer
	registry *prometheus.Registry

	idLookups *limiter // an auditor's look-ups by whole ID number, per user

	doc []byte // the OpenAPI document, built with the router
}

func metricsHandler(h *handlers) gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(h.registry, promhttp.HandlerOpts{}))
}

// rolesOf lists the roles the policy lets use a route, for the document.
// An Enforce error is returned, never read as a deny.
func (h *handlers) rolesOf(r *route) ([]string, error) {
	var out []string
	for _, role := range account.Roles() {
		ok, err := h.enforcer.Enforce(role, r.Path, r.Method)
		if err != nil {
			return nil, fmt.Errorf("casbin enforce %s %s for %s: %w", r.Method, r.Path, role, err)
		}
		if ok {
			out = append(out, role)
		}
	}
	return out, nil
}
