// Package routes is the HTTP layer: the URL table, the middleware (request
// id, metrics, access log, auth, casbin, limits) and handlers that decode a
// request DTO, call one service method and encode a response DTO.
package routes

import (
	"log/slog"
	"net/http"

	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/cadre"
	"efile/services/datakey"
	"efile/services/efile"
	"efile/services/errs"
	"efile/services/record"
	"efile/services/unit"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"
)

// Deps is everything the router needs, built once in cmd/efile (or a test).
type Deps struct {
	DB             *gorm.DB
	Logger         *slog.Logger
	Enforcer       enforcer
	Audit          *accesslog.Service
	Accounts       *account.Service
	Units          *unit.Service
	Cadres         *cadre.Service
	Records        *record.Service
	EFiles         *efile.Service
	Keys           *datakey.Keys
	TrustedProxies []string
	RateLimits     RateLimits           // zero values: the SPEC's defaults
	Registry       *prometheus.Registry // nil: a fresh one
}

var (
	errForbiddenRoute = errs.Forbidden("your role may not use this route")
	errNoRoute        = errs.NotFound("route")
)

// New builds the router.
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
	m := newMetrics(d.Registry, func() float64 {
		n, err := d.Audit.Pending(ctxBackground())
		if err != nil {
			return -1
		}
		return float64(n)
	})
	// The body limit is not here: it runs after authentication (and the
	// route's policy), so that a caller without a valid token learns 401
	// whatever the size of what they sent (SPEC section 3).
	r.Use(securityHeaders, requestID(d.Logger), m.handler, accessLog(d.Audit), recovery)
	// Unknown routes and methods answer 404 and 405 to anyone; a valid
	// token still names its user in the access log.
	r.NoRoute(identify(d.Accounts), func(c *gin.Context) { abort(c, errNoRoute) })
	r.NoMethod(identify(d.Accounts), func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{errorDetail{Code: "method_not_allowed", Message: "this route does not accept " + c.Request.Method}})
	})

	rl := d.RateLimits.withDefaults()
	h := &handlers{d: d, idLookups: newLimiter("look-up by ID number", rl.IDLookup, rl.Now)}
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	r.GET("/openapi.json", h.openapi)

	api := r.Group("/api/v1")
	// The per-address login budget comes before the per-pair lockout.
	api.POST("/auth/login", rateLimit("login", rl.Login, byClient, rl.Now), bodyLimit, h.login)

	a := api.Group("", authenticate(d.Accounts), authorize(d.Enforcer), bodyLimit)
	a.POST("/auth/logout", h.logout)
	a.GET("/me", h.me)
	a.POST("/me/password", h.changePassword)

	idem := idempotent(d.DB, d.Keys)
	a.POST("/users", idem, h.createUser)
	a.GET("/users", h.listUsers)
	a.GET("/users/:id", h.getUser)
	a.PATCH("/users/:id", h.updateUser)

	a.POST("/units", idem, h.createUnit)
	a.GET("/units", h.listUnits)
	a.GET("/units/:id", h.getUnit)

	a.POST("/cadres", idem, h.createCadre)
	a.GET("/cadres", h.listCadres)
	a.POST("/cadres/import", rateLimit("roster import", rl.Import, byUser, rl.Now), idem, h.importCadres)
	a.GET("/cadres/:id", h.getCadre)
	a.PATCH("/cadres/:id", h.updateCadre)
	a.POST("/cadres/:id/records", idem, h.createRecord)
	a.GET("/cadres/:id/records", h.listRecords)
	a.GET("/cadres/:id/records/:rid", h.getRecord)
	a.POST("/cadres/:id/records/:rid/amendments", idem, h.amendRecord)
	a.GET("/cadres/:id/efile", h.getEFile)
	// Workbook exports share one budget per user (results.xlsx joins it).
	exports := rateLimit("workbook export", rl.Export, byUser, rl.Now)
	a.GET("/cadres/:id/efile.xlsx", exports, h.getEFileXLSX)

	a.GET("/access-log", h.listAccessLog)
	a.GET("/access-log/verify", h.verifyAccessLog)
	return r, nil
}

type handlers struct {
	d         Deps
	idLookups *limiter // an auditor's look-ups by whole ID number, per user
}
