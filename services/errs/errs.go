// Package errs holds the few kinds every domain error unwraps to, in the
// manner of Gitea's modules/util/error.go. Domains declare their own errors
// (ErrUserNotFound, ...) wrapping one of these kinds; routes map the kind to
// the status and code table of SPEC section 3 in one place.
//
// Messages for people are kept as a format and its arguments (Msg), so that
// routes can say them in the caller's language (SPEC section 12): the
// format, as written in the code, is the key of the message catalogue.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Kinds. Each maps to one HTTP status; some 409s carry a more specific code.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrInvalid      = errors.New("validation failed")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthenticated")
	ErrRateLimited  = errors.New("rate limited")
	ErrTooLarge     = errors.New("payload too large")
)

// Msg is a message for people: a format, which is its key in the message
// catalogue, and the arguments that fill it.
type Msg struct {
	Format string
	Args   []any
}

// M makes a Msg.
func M(format string, a ...any) Msg { return Msg{Format: format, Args: a} }

// String is the message as written in the code.
func (m Msg) String() string {
	if len(m.Args) == 0 {
		return m.Format
	}
	return fmt.Sprintf(m.Format, m.Args...)
}

// Coded is an error of one kind with a wire code (empty: the kind's own
// code, such as "not_found") and a message, still unwrapping to its kind.
type Coded struct {
	Kind error
	Code string
	Msg  Msg
	// RetryAfter is, for a rate_limited error, how long until the caller
	// may try again (the Retry-After header every 429 carries, SPEC 3).
	RetryAfter time.Duration
	// Details name what a 409 is about (grade_forced: the flag_id).
	Details []FieldError
}

func (e *Coded) Error() string { return e.Msg.String() }
func (e *Coded) Unwrap() error { return e.Kind }

// New returns an error of kind (one of the kinds above, or an error that
// wraps one) with a message for people.
func New(kind error, format string, a ...any) error {
	return &Coded{Kind: kind, Msg: M(format, a...)}
}

// RateLimited returns a 429 error: the caller may try again after retry.
func RateLimited(retry time.Duration, format string, a ...any) error {
	return &Coded{Kind: ErrRateLimited, Code: "rate_limited", Msg: M(format, a...), RetryAfter: retry}
}

// Conflict returns a 409 error with the given wire code.
func Conflict(code, format string, a ...any) error {
	return &Coded{Kind: ErrConflict, Code: code, Msg: M(format, a...)}
}

// ConflictAbout returns a 409 error with the given wire code and one
// detail naming what it is about: field, and a message saying why.
func ConflictAbout(code, field string, detail Msg, format string, a ...any) error {
	return &Coded{Kind: ErrConflict, Code: code, Msg: M(format, a...),
		Details: []FieldError{{Field: field, Message: detail.String(), Msg: detail}}}
}

// ErrVersionConflict is the error for a stale optimistic version.
var ErrVersionConflict = &Coded{Kind: ErrConflict, Code: "version_conflict", Msg: M("the object was changed by someone else; reload it and try again")}

// FieldError names one field and the rule it broke.
type FieldError struct {
	Field   string
	Message string
	Msg     Msg
}

// Validation is a 400 validation_failed error with one detail per field.
type Validation struct {
	Details []FieldError
}

func (v *Validation) Error() string {
	if len(v.Details) == 0 {
		return "validation failed"
	}
	return fmt.Sprintf("%s: %s", v.Details[0].Field, v.Details[0].Message)
}
func (v *Validation) Unwrap() error { return ErrInvalid }

// Add appends a field detail.
func (v *Validation) Add(field, format string, a ...any) {
	m := M(format, a...)
	v.Details = append(v.Details, FieldError{Field: field, Message: m.String(), Msg: m})
}

// Err returns v as an error when it holds any detail, else nil.
func (v *Validation) Err() error {
	if v == nil || len(v.Details) == 0 {
		return nil
	}
	return v
}

// Invalid returns a validation error about one field.
func Invalid(field, format string, a ...any) error {
	v := &Validation{}
	v.Add(field, format, a...)
	return v
}

// Forbidden returns a 403 error with a message.
func Forbidden(format string, a ...any) error {
	return &Coded{Kind: ErrForbidden, Code: "forbidden", Msg: M(format, a...)}
}

// NotFound returns a 404 error saying what was not found; what names a
// kind of object ("cadre"), and the whole message is the catalogue key.
func NotFound(what string) error {
	return &Coded{Kind: ErrNotFound, Code: "not_found", Msg: M(what + " not found")}
}
