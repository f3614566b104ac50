package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/errs"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// Service manages accounts.
type Service struct {
	db     *gorm.DB
	log    *accesslog.Service
	secret []byte
	prev   []byte // the secret before a rotation, or nil
	kid    string // key id of secret, in every token's header
	kidOld string // key id of prev
	now    func() time.Time
	loc    *time.Location // EFILE_TZ, for times shown to people
	cost   int
	dummy  []byte // a hash to compare against when the user does not exist
	users  userCache
}

// Config holds what the service needs beyond the database.
type Config struct {
	JWTSecret []byte
	// JWTSecretPrevious is the secret before a rotation: tokens it signed
	// are accepted until they expire (at most TokenTTL after the rotation).
	JWTSecretPrevious []byte
	BcryptCost        int              // 0: bcrypt.DefaultCost
	Now               func() time.Time // nil: time.Now
	Location          *time.Location   // the configured zone (EFILE_TZ) for times in messages; nil: UTC
}

// New builds the service.
func New(db *gorm.DB, log *accesslog.Service, cfg Config) (*Service, error) {
	if len(cfg.JWTSecret) < 32 {
		return nil, errors.New("the JWT secret must be at least 32 bytes")
	}
	if len(cfg.JWTSecretPrevious) > 0 && len(cfg.JWTSecretPrevious) < 32 {
		return nil, errors.New("the previous JWT secret must be at least 32 bytes")
	}
	s := &Service{db: db, log: log, secret: cfg.JWTSecret, now: cfg.Now, loc: cfg.Location, cost: cfg.BcryptCost,
		kid: keyID(cfg.JWTSecret)}
	if len(cfg.JWTSecretPrevious) > 0 {
		s.prev, s.kidOld = cfg.JWTSecretPrevious, keyID(cfg.JWTSecretPrevious)
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cost == 0 {
		s.cost = bcrypt.DefaultCost
	}
	var err error
	s.dummy, err = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), s.cost)
	return s, err
}

// CheckPassword applies the password rules: 12–64 characters and at most
// 72 bytes, bcrypt's limit (a longer one would be silently truncated).
func CheckPassword(v *errs.Validation, field, pw string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < 12 || n > 64:
		v.Add(field, "must be 12 to 64 characters long")
	case len(pw) > 72:
		v.Add(field, "must be at most 72 bytes in UTF-8 (bcrypt's limit)")
	}
}

func (s *Service) hash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.cost)
	return string(h), err
}

// Login checks credentials and issues a token. The attempt is reserved
// before the password is compared, so a locked-out pair answers
// rate_limited even with the right password, and parallel attempts cannot
// overrun the lockout.
func (s *Service) Login(ctx context.Context, username, password, clientIP string) (string, time.Time, *models.User, error) {
	now := s.now().UTC()
	if tooLong(username) {
		return "", time.Time{}, nil, errBadLogin
	}
	// One lockout per user whatever the case typed (usernames ignore case).
	username = strings.ToLower(username)
	t, err := s.reserve(ctx, username, clientIP, now)
	if err != nil {
		return "", time.Time{}, nil, err
	}
	u, err := models.FindUserByName(ctx, s.db, username)
	hash := s.dummy
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if !models.IsNotFound(err) {
		return "", time.Time{}, nil, err
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && err == nil && !u.Disabled
	if !ok {
		if ferr := s.failed(ctx, t, now); ferr != nil {
			return "", time.Time{}, nil, ferr
		}
		return "", time.Time{}, nil, errBadLogin
	}
	if err := s.succeeded(ctx, t); err != nil {
		return "", time.Time{}, nil, err
	}
	tok, exp, err := s.issue(u)
	if err != nil {
		return "", time.Time{}, nil, err
	}
	accesslog.ReqFrom(ctx).SetActor(u.ID, u.Username)
	return tok, exp, u, nil
}

var errBadLogin = errs.New(errs.ErrUnauthorized, "wrong username or password")

// EnsureAdmin creates user admin with password when there are no users at
// all. With an empty password it generates one and returns it, to be printed
// once; it returns "" when nothing was created or the password was given.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (string, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&models.User{}).Count(&n).Error; err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	generated := ""
	if password == "" {
		var b [18]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		password = base64.RawURLEncoding.EncodeToString(b[:])
		generated = password
	}
	v := &errs.Validation{}
	CheckPassword(v, "EFILE_ADMIN_PASSWORD", password)
	if err := v.Err(); err != nil {
		return "", err
	}
	h, err := s.hash(password)
	if err != nil {
		return "", err
	}
	u := &models.User{Username: "admin", DisplayName: "系统管理员", PasswordHash: h, Version: 1,
		Roles: []models.UserRole{{Role: RoleAdmin}}}
	if err := s.db.WithContext(ctx).Create(u).Error; err != nil {
		if models.IsDuplicate(err) {
			return "", nil // another replica won the race
		}
		return "", err
	}
	return generated, nil
}

// ChangePassword changes the signed-in user's own password. The check of
// the current password counts toward the login lockout of the pair (the
// user's username, clientIP), and a locked pair answers 429 here too. Every
// other token of the user is revoked; the session's own stays valid.
func (s *Service) ChangePassword(ctx context.Context, sess *Session, current, next, clientIP string) error {
	me := sess.User
	v := &errs.Validation{}
	if current == "" {
		v.Add("current_password", "is required")
	}
	CheckPassword(v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	t, err := s.reserve(ctx, strings.ToLower(me.Username), clientIP, now)
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(me.PasswordHash), []byte(current)) != nil {
		if err := s.failed(ctx, t, now); err != nil {
			return err
		}
		return errs.Invalid("current_password", "is not your current password")
	}
	if err := s.succeeded(ctx, t); err != nil {
		return err
	}
	h, err := s.hash(next)
	if err != nil {
		return err
	}
	return s.log.Tx(ctx, func(ctx context.Context) error {
		res := models.Get(ctx, s.db).Model(&models.User{}).Where("id = ? AND version = ?", me.ID, me.Version).
			Updates(map[string]any{"password_hash": h, "version": gorm.Expr("version + 1"), "updated_at": now,
				"token_gen": gorm.Expr("token_gen + 1"), "kept_token_id": sess.TokenID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.ErrVersionConflict
		}
		return nil
	})
}
