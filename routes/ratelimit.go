package routes

import (
	"math"
	"strconv"
	"sync"
	"time"

	"efile/services/errs"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// RateLimits are the request budgets of SPEC section 3, per minute. Zero
// takes the SPEC's default.
type RateLimits struct {
	Login    int              // logins per client address, whatever the username (300)
	IDLookup int              // an auditor's look-ups by whole ID number, per user (30)
	Export   int              // workbook exports per user (30)
	Import   int              // roster imports, and batch vettings, per user (10)
	Now      func() time.Time // nil: time.Now; tests pass their clock
}

// withDefaults fills the SPEC's figures in for zero values.
func (r RateLimits) withDefaults() RateLimits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&r.Login, 300)
	def(&r.IDLookup, 30)
	def(&r.Export, 30)
	def(&r.Import, 10)
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

// limiter keeps one token bucket per key (a client address or a user id):
// perMinute tokens that refill evenly over a minute, so a burst of a whole
// minute's budget is allowed and then one request every 60/perMinute s.
type limiter struct {
	name      errs.Msg
	perMinute int
	now       func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleAfter is how long a bucket goes unused before it is dropped. A bucket
// refills completely within a minute, so after that it is the same as a new
// one and dropping it loses nothing; the map holds only the keys seen in
// the last two minutes, not every address that ever called.
const idleAfter = 2 * time.Minute

func newLimiter(name errs.Msg, perMinute int, now func() time.Time) *limiter {
	return &limiter{name: name, perMinute: perMinute, now: now, buckets: map[string]*bucket{}}
}

// take spends one token of key's bucket. When there is none it returns how
// long until there is one.
func (l *limiter) take(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= idleAfter {
		for k, b := range l.buckets {
			if now.Sub(b.seen) >= idleAfter {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request spends nothing
		return false, d
	}
	return true, 0
}

// size is the number of buckets held (for the test that they stay bounded).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// allow spends one token of key, or answers 429 rate_limited with
// Retry-After (whole seconds, at least 1) and tells the caller to stop.
func (l *limiter) allow(c *gin.Context, key string) bool {
	if err := l.check(c, key); err != nil {
		abort(c, err)
		return false
	}
	return true
}

// check takes one request from key's budget, or returns the rate_limited
// error (abort sets its Retry-After) for the caller to answer.
func (l *limiter) check(c *gin.Context, key string) error {
	ok, wait := l.take(key)
	if ok {
		return nil
	}
	return errs.RateLimited(wait, "too many requests of this kind (%s): at most %d a minute; try again in %d s", l.name, l.perMinute, retrySeconds(wait))
}

// retrySeconds is a wait as Retry-After says it: whole seconds, rounded up,
// at least 1.
func retrySeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// rateLimit is middleware that lets perMinute requests a minute through for
// each key(c) and answers the rest 429. Attach it after authentication when
// the key is the user. A new limited route (batch vettings) is one line:
//
//	a.POST("/vettings/batch", rateLimit("batch vetting", cfg.Import, byUser, now), h.batchVet)
func rateLimit(name errs.Msg, perMinute int, key func(*gin.Context) string, now func() time.Time) gin.HandlerFunc {
	return newLimiter(name, perMinute, now).middleware(key)
}

func (l *limiter) middleware(key func(*gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if l.allow(c, key(c)) {
			c.Next()
		}
	}
}

// byClient keys a budget by the client address (the TCP peer, or what a
// trusted proxy says).
func byClient(c *gin.Context) string { return c.ClientIP() }

// byUser keys a budget by the signed-in user; only after authenticate.
func byUser(c *gin.Context) string { return strconv.FormatInt(me(c).ID, 10) }
