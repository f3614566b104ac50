package routes

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"efile/models"
	"efile/services/errs"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// errorBody is the one error envelope of SPEC section 3.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Details []fieldError `json:"details,omitempty"`
}

// fieldError names one field and the rule it broke, in the caller's language.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// badJSON is a body that does not decode: malformed, wrong type, unknown field.
type badJSON struct {
	msg   errs.Msg
	field string
}

func (e *badJSON) Error() string { return e.msg.String() }

// Messages of the error envelope itself.
var (
	msgInvalidFields = errs.M("the request has invalid fields")
	msgTooLarge      = errs.M("the request body is too large")
	msgUnavailable   = errs.M("the database is not answering; try again shortly")
	msgInternal      = errs.M("an internal error occurred; quote the request id to the administrator")
	msgNoMethod      = errs.M("this route does not accept this method")
)

// abort writes the envelope for err, in the caller's language, and stops
// the chain. It is the one place where error kinds become statuses and codes.
func abort(c *gin.Context, err error) {
	status, body := classify(err, printerFor(c))
	if status >= http.StatusInternalServerError {
		logger(c).ErrorContext(c.Request.Context(), "internal error", "err", err.Error())
	}
	if status == http.StatusTooManyRequests {
		// Every 429 says when to try again (SPEC 3): rate limits and the
		// login lockout alike.
		var cd *errs.Coded
		var wait time.Duration
		if errors.As(err, &cd) {
			wait = cd.RetryAfter
		}
		c.Header("Retry-After", strconv.Itoa(retrySeconds(wait)))
	}
	c.AbortWithStatusJSON(status, body)
}

// Status is the HTTP status of err in SPEC section 3's table, for callers
// outside HTTP (the CLI's access-log entries) that answer the same way.
func Status(err error) int {
	status, _ := classify(err, printerOf(language.Chinese))
	return status
}

// kinds maps each kind to its wire code, in the order they are tried.
var kinds = []struct {
	kind error
	code string
}{
	{errs.ErrUnauthorized, "unauthenticated"},
	{errs.ErrForbidden, "forbidden"},
	{errs.ErrNotFound, "not_found"},
	{errs.ErrConflict, "conflict"},
	{errs.ErrTooLarge, "payload_too_large"},
	{errs.ErrInvalid, "validation_failed"},
	{errs.ErrRateLimited, "rate_limited"},
}

func classify(err error, p *message.Printer) (int, errorBody) {
	var (
		v  *errs.Validation
		bj *badJSON
		cd *errs.Coded
		mb *http.MaxBytesError
	)
	switch {
	case errors.As(err, &bj):
		msg := localize(p, bj.msg)
		d := errorDetail{Code: "invalid_json", Message: msg}
		if bj.field != "" {
			d.Details = []fieldError{{Field: bj.field, Message: msg}}
		}
		return 400, errorBody{d}
	case errors.As(err, &v):
		details := make([]fieldError, len(v.Details))
		for i, d := range v.Details {
			details[i] = fieldError{Field: d.Field, Message: localize(p, d.Msg)}
		}
		return 400, errorBody{errorDetail{Code: "validation_failed", Message: localize(p, msgInvalidFields), Details: details}}
	case errors.As(err, &mb):
		return 413, errorBody{errorDetail{Code: "payload_too_large", Message: localize(p, msgTooLarge)}}
	case errors.As(err, &cd):
		for _, k := range kinds {
			if errors.Is(cd.Kind, k.kind) {
				code := cd.Code
				if code == "" {
					code = k.code
				}
				var details []fieldError
				for _, d := range cd.Details {
					details = append(details, fieldError{Field: d.Field, Message: localize(p, d.Msg)})
				}
				return statusOf(k.kind), errorBody{errorDetail{Code: code, Message: localize(p, cd.Msg), Details: details}}
			}
		}
	case models.IsUnavailable(err):
		return 503, errorBody{errorDetail{Code: "unavailable", Message: localize(p, msgUnavailable)}}
	}
	for _, k := range kinds {
		if errors.Is(err, k.kind) {
			// An error made with fmt.Errorf("%w: …"): its text as written.
			msg := strings.TrimPrefix(err.Error(), k.kind.Error()+": ")
			return statusOf(k.kind), errorBody{errorDetail{Code: k.code, Message: localize(p, errs.M(msg))}}
		}
	}
	return 500, errorBody{errorDetail{Code: "internal", Message: localize(p, msgInternal)}}
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
