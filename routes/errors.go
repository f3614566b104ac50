package routes

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"efile/services/errs"

	"github.com/gin-gonic/gin"
	mysqldriver "github.com/go-sql-driver/mysql"
)

// errorBody is the one error envelope of SPEC section 3.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Details []errs.FieldError `json:"details,omitempty"`
}

// badJSON is a body that does not decode: malformed, wrong type, unknown field.
type badJSON struct {
	msg   string
	field string
}

func (e *badJSON) Error() string { return e.msg }

// abort writes the envelope for err and stops the chain. It is the one place
// where error kinds become statuses and codes.
func abort(c *gin.Context, err error) {
	status, body := classify(err)
	if status >= http.StatusInternalServerError {
		logger(c).ErrorContext(c.Request.Context(), "internal error", "err", err.Error())
	}
	c.AbortWithStatusJSON(status, body)
}

// Status is the HTTP status of err in SPEC section 3's table, for callers
// outside HTTP (the CLI's access-log entries) that answer the same way.
func Status(err error) int {
	status, _ := classify(err)
	return status
}

func classify(err error) (int, errorBody) {
	var (
		v  *errs.Validation
		bj *badJSON
		cd *errs.Coded
		mb *http.MaxBytesError
	)
	switch {
	case errors.As(err, &bj):
		d := errorDetail{Code: "invalid_json", Message: bj.msg}
		if bj.field != "" {
			d.Details = []errs.FieldError{{Field: bj.field, Message: bj.msg}}
		}
		return 400, errorBody{d}
	case errors.As(err, &v):
		return 400, errorBody{errorDetail{Code: "validation_failed", Message: "the request has invalid fields", Details: v.Details}}
	case errors.As(err, &mb), errors.Is(err, errs.ErrTooLarge):
		return 413, errorBody{errorDetail{Code: "payload_too_large", Message: "the request body is too large"}}
	case errors.As(err, &cd):
		return statusOf(cd.Kind), errorBody{errorDetail{Code: cd.Code, Message: cd.Message}}
	case unavailable(err):
		return 503, errorBody{errorDetail{Code: "unavailable", Message: "the database is not answering; try again shortly"}}
	}
	for _, k := range []struct {
		kind error
		code string
	}{
		{errs.ErrUnauthorized, "unauthenticated"},
		{errs.ErrForbidden, "forbidden"},
		{errs.ErrNotFound, "not_found"},
		{errs.ErrConflict, "conflict"},
		{errs.ErrInvalid, "validation_failed"},
		{errs.ErrRateLimited, "rate_limited"},
	} {
		if errors.Is(err, k.kind) {
			msg := strings.TrimPrefix(err.Error(), k.kind.Error()+": ")
			return statusOf(k.kind), errorBody{errorDetail{Code: k.code, Message: msg}}
		}
	}
	return 500, errorBody{errorDetail{Code: "internal", Message: "an internal error occurred; quote the request id to the administrator"}}
}

// unavailable tells whether err means the database cannot be reached or
// did not answer in time (a query deadline, a dropped or refused
// connection): the client may retry, so 503, not 500.
func unavailable(err error) bool {
	var ne net.Error
	var me *mysqldriver.MySQLError
	// 1047: a Galera node cut off from the primary component refuses
	// queries ("WSREP has not yet prepared node for application use").
	if errors.As(err, &me) && me.Number == 1047 {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, mysqldriver.ErrInvalidConn) || errors.Is(err, sql.ErrConnDone) || errors.As(err, &ne)
}

func statusOf(kind error) int {
	switch kind {
	case errs.ErrUnauthorized:
		return 401
	case errs.ErrForbidden:
		return 403
	case errs.ErrNotFound:
		return 404
	case errs.ErrConflict:
		return 409
	case errs.ErrInvalid:
		return 400
	case errs.ErrRateLimited:
		return 429
	case errs.ErrTooLarge:
		return 413
	}
	return 500
}

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}
