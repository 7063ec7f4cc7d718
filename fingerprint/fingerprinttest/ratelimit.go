package fingerprinttest

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The DELETE quota the API documents for DELETE /visitors/{visitor_id}. Pass them to
// WithDeleteQuota to make the fake enforce it; it is off by default.
const (
	DeleteQuotaPerHour = 30
	DeleteQuotaPerDay  = 500
)

// The feedback quota the API documents for POST /events/{event_id}/feedback, counted
// apart from every other endpoint (deletes included). Pass them to WithFeedbackQuota to
// make the fake enforce it; it is off by default.
const (
	FeedbackQuotaPerHour = 30
	FeedbackQuotaPerDay  = 500
)

// rateLimit is the WithRateLimit setting; perSecond 0 means off.
type rateLimit struct {
	perSecond float64
	burst     int
}

// tokenBucket is the WithRateLimit limiter: it holds up to burst tokens, refilled at
// perSecond by the server's clock, and every request takes one.
type tokenBucket struct {
	mu     sync.Mutex
	cfg    rateLimit
	tokens float64
	last   time.Time
}

func newTokenBucket(cfg rateLimit, now time.Time) *tokenBucket {
	if cfg.perSecond <= 0 {
		return nil
	}
	return &tokenBucket{cfg: cfg, tokens: float64(cfg.burst), last: now}
}

// take spends a token, or reports how long until one is available. A nil bucket
// never limits.
func (b *tokenBucket) take(now time.Time) (wait time.Duration, limited bool) {
	if b == nil {
		return 0, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if elapsed := now.Sub(b.last); elapsed > 0 { // a clock going back refills nothing
		b.tokens = min(float64(b.cfg.burst), b.tokens+elapsed.Seconds()*b.cfg.perSecond)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, false
	}
	secs := (1 - b.tokens) / b.cfg.perSecond
	return time.Duration(math.Ceil(secs * float64(time.Second))), true
}

// quotaConfig is a WithDeleteQuota or WithFeedbackQuota setting; 0 means no limit for
// that window.
type quotaConfig struct {
	perHour, perDay int
}

// quota counts the requests of one endpoint (deletes, feedback) in sliding windows of
// one hour and one day, by the server's clock. It keeps only the times that can still
// matter, so at most max(perHour, perDay) of them.
type quota struct {
	mu    sync.Mutex
	cfg   quotaConfig
	times []time.Time // of counted requests, oldest first
}

func newQuota(cfg quotaConfig) *quota {
	if cfg.perHour <= 0 && cfg.perDay <= 0 {
		return nil
	}
	return &quota{cfg: cfg}
}

// take counts a request at now, or reports how long until the next one is allowed.
// A nil quota never limits.
func (q *quota) take(now time.Time) (wait time.Duration, limited bool) {
	if q == nil {
		return 0, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	keep := time.Hour
	if q.cfg.perDay > 0 {
		keep = 24 * time.Hour
	}
	i := 0
	for i < len(q.times) && !q.times[i].After(now.Add(-keep)) {
		i++
	}
	q.times = q.times[i:]

	var next time.Time // when the next request is allowed, if a window is full
	for _, w := range []struct {
		limit  int
		length time.Duration
	}{{q.cfg.perHour, time.Hour}, {q.cfg.perDay, 24 * time.Hour}} {
		if w.limit <= 0 {
			continue
		}
		var in []time.Time // the window's requests, oldest first
		for j, t := range q.times {
			if t.After(now.Add(-w.length)) {
				in = q.times[j:]
				break
			}
		}
		if len(in) >= w.limit {
			// The window frees up when its limit-th most recent request leaves it.
			if at := in[len(in)-w.limit].Add(w.length); at.After(next) {
				next = at
			}
		}
	}
	if !next.IsZero() {
		return next.Sub(now), true
	}
	q.times = append(q.times, now)
	return 0, false
}

// writeTooManyRequests answers 429 with the API's body for op and Retry-After in whole
// seconds, rounded up (at least 1), so a client that waits that long is let through.
func writeTooManyRequests(w http.ResponseWriter, op string, wait time.Duration) {
	secs := max(int64(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	writeError(w, defaultError(http.StatusTooManyRequests, op))
}
