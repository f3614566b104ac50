package account

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"efile/models"
)

// Authentication reads, on every request, one row: the user's version and
// whether the token was revoked (a primary-key look-up and a unique-key
// probe, one statement). The user with its roles is loaded only when its
// version is not the one this process holds. Every change to a user, its
// roles, disabled state, password or tokens raises users.version in the
// same transaction (users.go, service.go), so a change made through any
// replica holds on the next request to every replica, as reading the
// user and its roles on every request did (SPEC 4); a logout is its row in
// revoked_tokens, read on every request as before (issue 21).

// maxCachedUsers bounds the cache; past it the cache starts over.
const maxCachedUsers = 10_000

type userCache struct {
	mu sync.RWMutex
	m  map[int64]*models.User
}

// get is a copy of the user cached at version, or nil.
func (c *userCache) get(id int64, version int) *models.User {
	c.mu.RLock()
	u := c.m[id]
	c.mu.RUnlock()
	if u == nil || u.Version != version {
		return nil
	}
	return cloneUser(u)
}

func (c *userCache) put(u *models.User) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedUsers {
		c.m = make(map[int64]*models.User)
	}
	if old := c.m[u.ID]; old == nil || old.Version <= u.Version {
		c.m[u.ID] = cloneUser(u)
	}
	c.mu.Unlock()
}

// cloneUser copies u so that no request shares what another may change.
func cloneUser(u *models.User) *models.User {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	return &c
}

const versionAndRevoked = "SELECT version, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?) FROM users WHERE id = ?"

// currentUser is user id with its roles as they are now, unless jti is
// revoked or the user does not exist (ErrBadToken).
func (s *Service) currentUser(ctx context.Context, id int64, jti string) (*models.User, error) {
	var version, revoked int64
	err := s.db.WithContext(ctx).Raw(versionAndRevoked, jti, id).Row().Scan(&version, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, err
	}
	if revoked != 0 {
		return nil, ErrBadToken
	}
	if u := s.users.get(id, int(version)); u != nil {
		return u, nil
	}
	u, err := models.FindUser(ctx, s.db, id)
	if err != nil {
		if models.IsNotFound(err) {
			return nil, ErrBadToken
		}
		return nil, err
	}
	s.users.put(u)
	return u, nil
}
