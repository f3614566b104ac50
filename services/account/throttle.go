package account

import (
	"context"
	"time"
	"unicode/utf8"

	"efile/models"
	"efile/services/errs"

	"gorm.io/gorm/clause"
)

// Lockout (SPEC section 4): after five failed password checks for one
// username from one client address within 15 minutes, every further attempt
// of that pair answers 429 for 15 minutes, even with the right password. The
// check of the current password on a password change counts too.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	lockFor       = 15 * time.Minute
	// maxUsername is the longest username there can be (see usernameRe): a
	// longer one cannot succeed and is refused before anything is stored.
	maxUsername = 64
)

// ticket is a reserved password check: the n-th attempt of the pair's
// window that began at window.
type ticket struct {
	username, ip string
	window       time.Time
	n            int
}

// errLocked is the 429 answer at now, with the unlock time in the
// configured zone (EFILE_TZ), rounded up to the minute so that "after
// 15:05" is true, and Retry-After the seconds until then.
func (s *Service) errLocked(until, now time.Time) error {
	t := until.In(s.loc)
	if t.Truncate(time.Minute) != t {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	return errs.RateLimited(until.Sub(now), "登录失败次数过多，请于 %s (%s) 后再试", t.Format("2006-01-02 15:04"), zoneName(s.loc))
}

// zoneName names a zone for people: 北京时间 for China's (whatever name the
// configuration gave it), else the zone's own name.
func zoneName(loc *time.Location) any {
	switch loc.String() {
	case "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC":
		return errs.M("北京时间")
	}
	return loc.String()
}

// reserve counts one password check of the pair before it is made, in one
// transaction holding the pair's row lock (SELECT … FOR UPDATE on MySQL; on
// SQLite the transaction takes the write lock at BEGIN). Of any number of
// parallel attempts, at most maxFailures get a ticket; the others, and every
// attempt while the pair is locked, answer 429. Reading the count, checking
// the password, then writing the count back (as this code once did) let 40
// parallel guesses through and stored 6 failures out of 20.
func (s *Service) reserve(ctx context.Context, username, ip string, now time.Time) (*ticket, error) {
	var t *ticket
	err := models.WithTx(ctx, s.db, func(ctx context.Context) error {
		t = nil
		db := models.Get(ctx, s.db)
		start := now.Truncate(time.Second) // survives MySQL's datetime(3) unchanged
		fresh := models.LoginThrottle{Username: username, ClientIP: ip, WindowStart: start, ExpiresAt: start.Add(failureWindow)}
		// Two first attempts may both insert: one row wins, the other does nothing.
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil && !models.IsDuplicate(err) {
			return err
		}
		var th models.LoginThrottle
		if err := db.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("username = ? AND client_ip = ?", username, ip).First(&th).Error; err != nil {
			return err
		}
		if th.LockedUntil != nil && now.Before(*th.LockedUntil) {
			return s.errLocked(*th.LockedUntil, now)
		}
		if th.LockedUntil != nil || !now.Before(th.WindowStart.Add(failureWindow)) {
			// The lock or the window is over: a new window begins.
			th.Attempts, th.Failures, th.WindowStart, th.LockedUntil = 0, 0, start, nil
			th.ExpiresAt = start.Add(failureWindow)
		}
		th.Attempts++
		if err := db.Model(&models.LoginThrottle{}).Where("username = ? AND client_ip = ?", username, ip).
			Updates(map[string]any{"attempts": th.Attempts, "failures": th.Failures, "window_start": th.WindowStart,
				"locked_until": th.LockedUntil, "expires_at": th.ExpiresAt}).Error; err != nil {
			return err
		}
		if th.Attempts > maxFailures {
			// The window's checks are all taken by attempts still in flight
			// or failed; if those fail the lock runs to now+lockFor at most.
			return s.errLocked(now.Add(lockFor), now)
		}
		t = &ticket{username: username, ip: ip, window: th.WindowStart.UTC(), n: th.Attempts}
		return nil
	})
	return t, err
}

// failed records that the ticket's check failed; the fifth failure of the
// window locks the pair for lockFor. A failure whose window has since been
// cleared (by a success) or replaced is dropped with it.
func (s *Service) failed(ctx context.Context, t *ticket, now time.Time) error {
	return models.WithTx(ctx, s.db, func(ctx context.Context) error {
		db := models.Get(ctx, s.db)
		var th models.LoginThrottle
		err := db.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("username = ? AND client_ip = ?", t.username, t.ip).First(&th).Error
		if models.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if !th.WindowStart.Equal(t.window) {
			return nil
		}
		upd := map[string]any{"failures": th.Failures + 1}
		if th.Failures+1 >= maxFailures {
			until := now.Add(lockFor)
			upd["locked_until"] = until
			upd["expires_at"] = until
		}
		return db.Model(&models.LoginThrottle{}).Where("username = ? AND client_ip = ?", t.username, t.ip).Updates(upd).Error
	})
}

// succeeded clears the pair after a right password, when the ticket is the
// pair's latest attempt. When other attempts raced it they keep counting:
// otherwise one right guess among a burst would reopen the window to the
// rest of the burst (SPEC: at most five checks of many parallel attempts).
func (s *Service) succeeded(ctx context.Context, t *ticket) error {
	return models.Get(ctx, s.db).
		Where("username = ? AND client_ip = ? AND window_start = ? AND attempts = ?", t.username, t.ip, t.window, t.n).
		Delete(&models.LoginThrottle{}).Error
}

// tooLong tells whether a username cannot exist, so that it is refused
// without a row being written for it (a 900 KB name must not grow the
// database).
func tooLong(username string) bool { return utf8.RuneCountInString(username) > maxUsername }
