package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// User is an account. Its roles are rows of UserRole. Every change to a
// user, its roles, disabled state, password or tokens raises Version in the
// same transaction: authentication reads the version on every request and
// loads the user with its roles again when it is not the one the process
// holds (services/account/usercache.go), so a change holds at once on every
// replica.
type User struct {
	ID           int64   `gorm:"primaryKey"`
	Username     string  `gorm:"size:64;not null;uniqueIndex"`
	DisplayName  string  `gorm:"size:100;not null"`
	PasswordHash string  `gorm:"size:100;not null"`
	UnitID       *int64  `gorm:"index"`
	Department   *string `gorm:"size:20"`
	CadreID      *int64  `gorm:"index"`
	Disabled     bool    `gorm:"not null;default:false"`
	Version      int     `gorm:"not null;default:1"`
	// TokenGen is the generation of the user's tokens: a password change or
	// reset raises it, and a token of an older generation answers 401,
	// unless it is KeptTokenID, the token the user changed their own
	// password with.
	TokenGen    int    `gorm:"not null;default:0"`
	KeptTokenID string `gorm:"size:64;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Roles       []UserRole `gorm:"foreignKey:UserID"`
}

// UserRole assigns one role to one user.
type UserRole struct {
	UserID int64  `gorm:"primaryKey;autoIncrement:false"`
	Role   string `gorm:"primaryKey;size:32"`
}

// RoleNames lists the user's roles.
func (u *User) RoleNames() []string {
	out := make([]string, 0, len(u.Roles))
	for _, r := range u.Roles {
		out = append(out, r.Role)
	}
	return out
}

// HasRole tells whether the user holds role.
func (u *User) HasRole(role string) bool {
	for _, r := range u.Roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// RevokedToken is a logged-out token id, kept until the token would expire.
type RevokedToken struct {
	JTI       string    `gorm:"primaryKey;size:64"`
	ExpiresAt time.Time `gorm:"index"`
}

// LoginThrottle counts the password checks of one username from one
// address in one window: Attempts are reserved before a check (so parallel
// attempts cannot overrun the limit), Failures are the checks that failed.
// ExpiresAt is when the row means nothing any more (window and lock over).
type LoginThrottle struct {
	Username    string `gorm:"primaryKey;size:64"`
	ClientIP    string `gorm:"primaryKey;size:64"`
	Attempts    int    `gorm:"not null;default:0"`
	Failures    int    `gorm:"not null"`
	WindowStart time.Time
	LockedUntil *time.Time
	ExpiresAt   time.Time `gorm:"index"`
}

// FindUser loads a user with its roles.
func FindUser(ctx context.Context, db *gorm.DB, id int64) (*User, error) {
	var u User
	err := Get(ctx, db).Preload("Roles").First(&u, id).Error
	return &u, err
}

// FindUserByName loads a user with its roles by username, ignoring case:
// MySQL's collation does, so SQLite must too, or one name could be two
// users on one database and one user on the other.
func FindUserByName(ctx context.Context, db *gorm.DB, name string) (*User, error) {
	var u User
	err := Get(ctx, db).Preload("Roles").Where("LOWER(username) = ?", strings.ToLower(name)).First(&u).Error
	return &u, err
}
