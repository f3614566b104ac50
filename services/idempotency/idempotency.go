// Package idempotency keeps the first successful response of a create
// request sent with an Idempotency-Key (SPEC section 3), so that a client's
// retry creates nothing and gets the same answer.
//
// The request's work and the row that keeps its response run in one
// transaction (accesslog.Service.Tx): they commit together, with the
// request's access-log entry. Two concurrent requests with one key meet on
// the row's unique index: the loser's transaction rolls back, its object
// with it, and it answers with the winner's response. Stored responses are
// encrypted with the data key. A replay re-checks that the caller may still
// read what the kept response shows (the objects it names, as the route
// reads them from the body: Key.Shows), with that kind's read scope in
// authz: what a user may no longer see is never shown again from the store,
// and what they may see always is, whatever purpose the request itself
// served (an auditor files a flag on a cadre they may not read, and reads
// the flag).
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/datakey"
	"efile/services/errs"

	"gorm.io/gorm"
)

// TTL is how long a key's first response is kept.
const TTL = 24 * time.Hour

// MaxKey is the longest key accepted, in bytes.
const MaxKey = 255

// ErrKeyReused answers the same key with another body.
var ErrKeyReused = errs.Conflict("conflict", "this Idempotency-Key was used for a different request")

// Key names one request: whose, on which route, the client's key and a
// fingerprint of the body; and how to tell what a kept response of the
// route shows (its body read back as the route's answer), for a replay to
// re-check.
type Key struct {
	UserID      int64
	Route       string
	Key         string
	Fingerprint string
	Shows       func(body []byte) (Shows, error)
}

// Response is what a request answered.
type Response struct {
	Status int
	Body   []byte
	// CadreID is the cadre the request's access-log entry named, if any:
	// a replay's entry names it too.
	CadreID *int64
}

// Shows is what a response shows: objects of one kind, by id (none: an
// answer that shows no stored object).
type Shows struct {
	Kind authz.Kind
	IDs  []int64
}

// Service stores and replays responses.
type Service struct {
	db   *gorm.DB
	log  *accesslog.Service
	keys *datakey.Keys
	az   *authz.Service
	now  func() time.Time
}

// New builds the service.
func New(db *gorm.DB, log *accesslog.Service, keys *datakey.Keys, az *authz.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, log: log, keys: keys, az: az, now: now}
}

// CheckKey validates a client's key.
func CheckKey(key string) error {
	if len(key) > MaxKey {
		return errs.Invalid("Idempotency-Key", "must be at most %d characters", MaxKey)
	}
	return nil
}

// hashKey stores keys as their SHA-256: fixed length, and compared byte for
// byte whatever the database's collation (K1 and k1 are two keys).
func hashKey(k string) string {
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:])
}

// Do answers the stored response for k (replayed true), or runs fn and keeps
// its response in the same transaction. fn may run more than once (a
// deadlock retries the transaction); only its last, committed run counts.
// An error of fn is returned as is and nothing is kept.
func (s *Service) Do(ctx context.Context, viewer *models.User, k Key, fn func(ctx context.Context) (Response, error)) (Response, bool, error) {
	if r, ok, err := s.replay(ctx, viewer, k); ok || err != nil {
		return r, ok, err
	}
	var out Response
	err := s.log.Tx(ctx, func(ctx context.Context) error {
		r, err := fn(ctx)
		if err != nil {
			return err
		}
		out = r
		return models.Get(ctx, s.db).Create(&models.Idempotency{UserID: k.UserID, Route: k.Route, Key: hashKey(k.Key),
			RequestHash: k.Fingerprint, Status: r.Status, Response: s.keys.SealResponseFor(r.Body, k.UserID, k.Route, hashKey(k.Key)), CadreID: r.CadreID,
			CreatedAt: s.now().UTC()}).Error
	})
	if err != nil {
		// A concurrent request with the same key may have won, and this
		// one failed because of it (on the key's row, or on the object the
		// winner created first, such as a cadre's unique ID number):
		// answer as the winner did.
		if r, ok, rerr := s.replay(ctx, viewer, k); ok || rerr != nil {
			return r, ok, rerr
		}
	}
	return out, false, err
}

// replay finds the stored response for k, if there is one that has not
// expired.
func (s *Service) replay(ctx context.Context, viewer *models.User, k Key) (Response, bool, error) {
	var row models.Idempotency
	err := models.Get(ctx, s.db).Where("user_id = ? AND route = ? AND `key` = ?", k.UserID, k.Route, hashKey(k.Key)).First(&row).Error
	if models.IsNotFound(err) {
		return Response{}, false, nil
	}
	if err != nil {
		return Response{}, false, err
	}
	if s.now().Sub(row.CreatedAt) > TTL {
		if err := models.Get(ctx, s.db).Delete(&row).Error; err != nil {
			return Response{}, false, err
		}
		return Response{}, false, nil
	}
	if row.RequestHash != k.Fingerprint {
		return Response{}, false, ErrKeyReused
	}
	// Bound to the row's user, route and key hash: a response copied from
	// another row does not open.
	body, _, err := s.keys.OpenResponseFor(row.Response, row.UserID, row.Route, row.Key)
	if err != nil {
		return Response{}, false, fmt.Errorf("decrypt stored response %d: %w", row.ID, err)
	}
	if k.Shows == nil {
		return Response{}, false, fmt.Errorf("route %s: no way to tell what its responses show", k.Route)
	}
	shows, err := k.Shows(body)
	if err != nil {
		return Response{}, false, fmt.Errorf("stored response %d: %w", row.ID, err)
	}
	if err := s.mayStillRead(ctx, viewer, shows); err != nil {
		return Response{}, false, err
	}
	return Response{Status: row.Status, Body: body, CadreID: row.CadreID}, true, nil
}

// mayStillRead checks that viewer may still read every object a response
// shows (they may have lost sight of it since: a new link that recuses
// them, a move to another unit or department), with the read scope of its
// kind.
func (s *Service) mayStillRead(ctx context.Context, viewer *models.User, sh Shows) error {
	if len(sh.IDs) == 0 {
		return nil
	}
	p, ok := authz.Read(sh.Kind)
	if !ok {
		return fmt.Errorf("stored response shows objects of an unknown kind %q", sh.Kind)
	}
	ok, err := s.az.CheckAll(ctx, viewer, p, sh.IDs)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Forbidden("this request's result shows what you may no longer see")
	}
	return nil
}
