// Package errs holds the few kinds every domain error unwraps to, in the
// manner of Gitea's modules/util/error.go. Domains declare their own errors
// (ErrUserNotFound, ...) wrapping one of these kinds with %w; routes map the
// kind to the status and code table of SPEC section 3 in one place.
package errs

import (
	"errors"
	"fmt"
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

// Coded is a 409 (or other) error with a specific wire code such as
// "version_conflict" or "invalid_transition", still unwrapping to its kind.
type Coded struct {
	Kind    error
	Code    string
	Message string
}

func (e *Coded) Error() string { return e.Message }
func (e *Coded) Unwrap() error { return e.Kind }

// Conflict returns a 409 error with the given wire code.
func Conflict(code, format string, a ...any) error {
	return &Coded{Kind: ErrConflict, Code: code, Message: fmt.Sprintf(format, a...)}
}

// ErrVersionConflict is the error for a stale optimistic version.
var ErrVersionConflict = &Coded{Kind: ErrConflict, Code: "version_conflict", Message: "the object was changed by someone else; reload it and try again"}

// FieldError names one field and the rule it broke.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
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
	v.Details = append(v.Details, FieldError{Field: field, Message: fmt.Sprintf(format, a...)})
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
	return &Coded{Kind: ErrForbidden, Code: "forbidden", Message: fmt.Sprintf(format, a...)}
}

// NotFound returns a 404 error with a message.
func NotFound(what string) error {
	return &Coded{Kind: ErrNotFound, Code: "not_found", Message: what + " not found"}
}
