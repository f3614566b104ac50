package routes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/account"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	ctxRequestID = "efile.request_id"
	ctxLogger    = "efile.logger"
	ctxSession   = "efile.session"

	maxBody   = 1 << 20  // 1 MiB for JSON bodies
	maxUpload = 10 << 20 // 10 MiB for uploads
)

// requestID accepts the caller's X-Request-ID (when sane) or makes one,
// echoes it, and gives the request a logger that carries it.
func requestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if id == "" || len(id) > 128 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			var b [12]byte
			rand.Read(b[:]) // never fails since Go 1.24
			id = hex.EncodeToString(b[:])
		}
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, base.With("request_id", id))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// metrics counts requests by route template and status and times them. Ids
// and names never become labels: unmatched paths are one label.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, pending func() float64) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "efile_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "efile_http_request_duration_seconds", Help: "HTTP request latency by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "efile_accesslog_pending_entries", Help: "Access-log entries written but not yet sealed into the chain.",
		}, pending))
	return m
}

func (m *metrics) handler(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
	logger(c).LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("method", c.Request.Method), slog.String("route", route), slog.Int("status", status),
		slog.Duration("duration", time.Since(start)), slog.String("client", c.ClientIP()))
}

// recovery turns a panic into 500 internal, logging the cause with the
// request id and telling the client nothing more.
func recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			abort(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// securityHeaders sets the headers of SPEC section 3 on every response,
// before anything else can answer. Everything under /api/v1 gets
// Cache-Control: no-store: nearly all of it is personal data, and the
// login's answer holds a token, which no cache should keep either.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if p := c.Request.URL.Path; p == "/api/v1" || strings.HasPrefix(p, "/api/v1/") {
		h.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// bodyLimit caps request bodies: 1 MiB, or 10 MiB on upload routes.
func bodyLimit(c *gin.Context) {
	limit := int64(maxBody)
	if strings.HasPrefix(c.GetHeader("Content-Type"), "multipart/form-data") {
		limit = maxUpload
	}
	if c.Request.ContentLength > limit {
		abort(c, &http.MaxBytesError{Limit: limit})
		return
	}
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// unlogged are the two reads SPEC section 11 leaves out of the access log.
func unlogged(method, path string) bool {
	return method == http.MethodGet && (path == "/api/v1/me" || path == "/api/v1/units")
}

var cadrePathRe = regexp.MustCompile(`^/api/v1/cadres/([0-9]+)(?:/|$)`)

// accessLog gives every request under /api/v1 one access-log entry with its
// final status. A change's entry is written by its service inside the
// change's transaction; everything else is written here, before the first
// byte of the response: if it cannot be written, the response becomes a 500
// and no data leaves unlogged.
func accessLog(svc *accesslog.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		path := c.Request.URL.Path
		if !strings.HasPrefix(path, "/api/v1/") && path != "/api/v1" || unlogged(c.Request.Method, path) {
			c.Next()
			return
		}
		wire := c.Request.RequestURI
		if wire == "" {
			wire = c.Request.URL.EscapedPath()
		}
		req := &accesslog.Req{Method: c.Request.Method, Path: accesslog.WirePath(wire), IP: accesslog.CanonicalIP(c.ClientIP())}
		// Every request on one cadre's path names that cadre, whatever
		// its outcome (refusals and bad bodies included).
		if m := cadrePathRe.FindStringSubmatch(path); m != nil {
			if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id > 0 {
				req.SetCadre(id)
			}
		}
		ctx := accesslog.WithReq(c.Request.Context(), req)
		c.Request = c.Request.WithContext(ctx)
		w := &auditWriter{ResponseWriter: c.Writer, c: c, svc: svc, req: req}
		c.Writer = w
		c.Next()
		w.WriteHeaderNow()
	}
}

// errWithheld is what a response withheld for want of its entry says
// when the database answered but the entry could not be written: a 500.
var errWithheld = errors.New("access-log entry not written")

type auditWriter struct {
	gin.ResponseWriter
	c      *gin.Context
	svc    *accesslog.Service
	req    *accesslog.Req
	failed bool
}

func (w *auditWriter) ensure() {
	if w.failed || w.req.Logged() || w.ResponseWriter.Written() {
		return
	}
	if err := w.svc.Log(w.c.Request.Context(), w.req, w.ResponseWriter.Status()); err != nil {
		w.failed = true
		logger(w.c).Error("access log unavailable; response withheld", "err", err.Error())
		h := w.Header()
		for _, k := range []string{"Content-Disposition", "Content-Length", "Content-Encoding"} {
			h.Del(k)
		}
		h.Set("Content-Type", "application/json; charset=utf-8")
		// A database that cannot be reached (its node died, a replica
		// behind a load balancer lost it) is a 503 the client may retry
		// elsewhere, as the handler's own error would have been; any other
		// failure to log is a 500.
		p := printerFor(w.c)
		status, body := classify(err, p)
		if status != http.StatusServiceUnavailable {
			status, body = classify(errWithheld, p)
		}
		b, err := json.Marshal(body)
		if err != nil {
			logger(w.c).Error("encode the withheld response", "err", err.Error())
		}
		w.ResponseWriter.WriteHeader(status)
		w.ResponseWriter.WriteHeaderNow()
		if _, err := w.ResponseWriter.Write(b); err != nil {
			logger(w.c).Error("write the withheld response", "err", err.Error())
		}
	}
}

func (w *auditWriter) WriteHeaderNow() {
	w.ensure()
	if !w.failed {
		w.ResponseWriter.WriteHeaderNow()
	}
}

func (w *auditWriter) Write(b []byte) (int, error) {
	w.ensure()
	if w.failed {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *auditWriter) WriteString(s string) (int, error) {
	w.ensure()
	if w.failed {
		return len(s), nil
	}
	return w.ResponseWriter.WriteString(s)
}

func (w *auditWriter) Flush() {
	w.ensure()
	if !w.failed {
		w.ResponseWriter.Flush()
	}
}

// authenticate answers 401 unless the bearer token is valid and its user
// enabled; the user is loaded with their current roles on every request.
func authenticate(acc *account.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(tok) == "" {
			abort(c, account.ErrBadToken)
			return
		}
		sess, err := acc.Authenticate(c.Request.Context(), strings.TrimSpace(tok))
		if err != nil {
			abort(c, err)
			return
		}
		c.Set(ctxSession, sess)
		accesslog.ReqFrom(c.Request.Context()).SetActor(sess.User.ID, sess.User.Username)
		c.Next()
	}
}

// identify names the caller in the access log when the request carries a
// valid token, without refusing it otherwise.
func identify(acc *account.Service) gin.HandlerFunc {
	return func(c *gin.Context) {
		if tok, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok {
			if sess, err := acc.Authenticate(c.Request.Context(), strings.TrimSpace(tok)); err == nil {
				accesslog.ReqFrom(c.Request.Context()).SetActor(sess.User.ID, sess.User.Username)
			}
		}
		c.Next()
	}
}

// enforcer is what authorize needs of casbin.
type enforcer interface {
	Enforce(rvals ...any) (bool, error)
}

// authorize answers 403 unless one of the user's roles may use the route.
func authorize(e enforcer) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := session(c).User
		for _, role := range u.RoleNames() {
			ok, err := e.Enforce(role, c.FullPath(), c.Request.Method)
			if err != nil {
				abort(c, fmt.Errorf("casbin enforce: %w", err))
				return
			}
			if ok {
				c.Next()
				return
			}
		}
		abort(c, errForbiddenRoute)
	}
}

func session(c *gin.Context) *account.Session {
	return c.MustGet(ctxSession).(*account.Session)
}

func me(c *gin.Context) *models.User { return session(c).User }

func ctx(c *gin.Context) context.Context { return c.Request.Context() }
