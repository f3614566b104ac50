package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"efile/models"
	"efile/services/errs"

	"github.com/golang-jwt/jwt/v5"
)

// TokenTTL is how long a login token lives.
const TokenTTL = 12 * time.Hour

// ErrBadToken is returned for a missing, malformed, expired or revoked token
// and for a disabled or deleted user.
var ErrBadToken = errs.New(errs.ErrUnauthorized, "the token is missing, invalid, expired or revoked")

// Session is an authenticated request's user and token.
type Session struct {
	User      *models.User
	TokenID   string
	ExpiresAt time.Time
}

// A token's claims are the registered ones (sub, jti, iat, exp) and gen,
// the generation of the user's tokens it belongs to (see
// models.User.TokenGen). A token from before generations existed reads as
// generation 0, every user's first.
const claimGen = "gen"

func (s *Service) issue(u *models.User) (string, time.Time, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	exp := now.Add(TokenTTL).Truncate(time.Second)
	c := jwt.MapClaims{
		"sub":    strconv.FormatInt(u.ID, 10),
		"jti":    hex.EncodeToString(b[:]),
		"iat":    jwt.NewNumericDate(now),
		"exp":    jwt.NewNumericDate(exp),
		claimGen: u.TokenGen,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = s.kid
	tok, err := t.SignedString(s.secret)
	return tok, exp, err
}

// keyID names a JWT secret in the tokens it signs, without revealing it: a
// short HMAC of a fixed label under the secret.
func keyID(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("efile jwt key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// key picks the secret a token names by its kid. A token without kid (from
// before key ids) tries the current secret; a kid naming neither secret is
// refused. Tokens of the previous secret were all issued before the
// rotation, so their expiry ends their acceptance within TokenTTL.
func (s *Service) key(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	switch {
	case kid == "" || kid == s.kid:
		return s.secret, nil
	case s.prev != nil && kid == s.kidOld:
		return s.prev, nil
	}
	return nil, errors.New("unknown key id")
}

// Authenticate checks a bearer token and loads its user with the user's
// current roles: a role change or a disabling holds on the very next request.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, s.key,
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.now))
	if err != nil {
		return nil, ErrBadToken
	}
	sub, err := claims.GetSubject()
	if err != nil {
		return nil, ErrBadToken
	}
	id, err := strconv.ParseInt(sub, 10, 64)
	jti, _ := claims["jti"].(string)
	if err != nil || jti == "" {
		return nil, ErrBadToken
	}
	gen := 0
	if g, ok := claims[claimGen]; ok {
		f, isNum := g.(float64)
		if !isNum || f != float64(int(f)) {
			return nil, ErrBadToken
		}
		gen = int(f)
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return nil, ErrBadToken
	}
	u, err := s.currentUser(ctx, id, jti)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrBadToken
	}
	// A password change or reset since the token was issued revokes it,
	// except the token the user changed their own password with.
	if gen != u.TokenGen && (u.KeptTokenID == "" || jti != u.KeptTokenID) {
		return nil, ErrBadToken
	}
	return &Session{User: u, TokenID: jti, ExpiresAt: exp.Time}, nil
}

// Logout revokes the session's token; revocations are rows, so they survive
// restarts and hold on every replica.
func (s *Service) Logout(ctx context.Context, sess *Session) error {
	return s.log.Tx(ctx, func(ctx context.Context) error {
		db := models.Get(ctx, s.db)
		// Forget revocations whose tokens have expired anyway.
		if err := db.Where("expires_at < ?", s.now().UTC()).Delete(&models.RevokedToken{}).Error; err != nil {
			return err
		}
		err := db.Create(&models.RevokedToken{JTI: sess.TokenID, ExpiresAt: sess.ExpiresAt.UTC()}).Error
		if models.IsDuplicate(err) {
			return nil
		}
		return err
	})
}
