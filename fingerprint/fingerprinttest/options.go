package fingerprinttest

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// DefaultAPIKey is the secret API key a server accepts unless WithAPIKey sets another.
const DefaultAPIKey = "test_secret_key_0123456789"

// DefaultMaxBodyBytes is the default request body limit; larger bodies get 413.
const DefaultMaxBodyBytes = 64 << 10

// DefaultBodyReadTimeout is how long the server waits for a request body, as the real
// API does; a slower body gets 400 request_read_timeout.
const DefaultBodyReadTimeout = 5 * time.Second

// Option configures a Server.
type Option func(*config) error

type config struct {
	apiKey        string
	addr          string
	now           func() time.Time
	maxBody       int64
	latency       time.Duration
	updateDelay   time.Duration
	deleteEnabled bool
	bodyTimeout   time.Duration
	idleTimeout   time.Duration
	events        []fingerprint.Event
	rateLimit     rateLimit
	deleteQuota   quotaConfig
	feedbackOff   bool
	feedbackQuota quotaConfig
}

func defaultConfig() config {
	return config{
		apiKey:        DefaultAPIKey,
		addr:          "127.0.0.1:0",
		now:           time.Now,
		maxBody:       DefaultMaxBodyBytes,
		deleteEnabled: true,
		bodyTimeout:   DefaultBodyReadTimeout,
		idleTimeout:   DefaultIdleTimeout,
	}
}

// WithAPIKey sets the secret API key the server accepts. Requests with another key
// get 403 secret_api_key_not_found.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("fingerprinttest: WithAPIKey: empty key")
		}
		c.apiKey = key
		return nil
	}
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free loopback port).
func WithAddr(addr string) Option {
	return func(c *config) error {
		if addr == "" {
			return errors.New("fingerprinttest: WithAddr: empty address")
		}
		c.addr = addr
		return nil
	}
}

// WithClock replaces time.Now, which decides the default search window, the
// timestamps of edge events and whether an event is still too fresh to update.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("fingerprinttest: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithMaxBodyBytes sets the largest accepted request body; larger bodies get
// 413 payload_too_large. The default is DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return errors.New("fingerprinttest: WithMaxBodyBytes: limit must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithLatency delays every response by d (see also Server.SetLatency).
func WithLatency(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("fingerprinttest: WithLatency: negative latency")
		}
		c.latency = d
		return nil
	}
}

// WithUpdateDelay makes PATCH answer 409 state_not_ready for events whose timestamp
// is less than d before the server's clock, as the real API does right after an
// identification while the event propagates.
func WithUpdateDelay(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("fingerprinttest: WithUpdateDelay: negative delay")
		}
		c.updateDelay = d
		return nil
	}
}

// WithoutDeleteAPI makes DELETE /visitors/{id} answer 403 feature_not_enabled, as the
// real API does for workspaces without the Enterprise deletion feature.
func WithoutDeleteAPI() Option {
	return func(c *config) error {
		c.deleteEnabled = false
		return nil
	}
}

// WithoutFeedbackAPI makes POST /events/{id}/feedback answer 403 feature_not_enabled, as
// the real API does for workspaces without the feedback beta (Enterprise, on request).
func WithoutFeedbackAPI() Option {
	return func(c *config) error {
		c.feedbackOff = true
		return nil
	}
}

// WithEvents seeds the server with events, as Server.AddEvents does.
func WithEvents(events ...fingerprint.Event) Option {
	return func(c *config) error {
		c.events = append(c.events, events...)
		return nil
	}
}

// WithBodyReadTimeout sets how long the server waits for a request body to arrive
// (default DefaultBodyReadTimeout); a slower body gets 400 request_read_timeout.
func WithBodyReadTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("fingerprinttest: WithBodyReadTimeout: timeout must be positive")
		}
		c.bodyTimeout = d
		return nil
	}
}

// DefaultIdleTimeout is how long the server keeps a keep-alive connection open without a
// new request; then it closes it, so idle clients cannot hold connections forever.
const DefaultIdleTimeout = 60 * time.Second

// WithIdleTimeout sets how long an idle keep-alive connection is kept open (default
// DefaultIdleTimeout).
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("fingerprinttest: WithIdleTimeout: timeout must be positive")
		}
		c.idleTimeout = d
		return nil
	}
}

// WithRateLimit makes the server answer like the API does under pressure: a token
// bucket of burst tokens, refilled at perSecond tokens per second by the server's clock
// (WithClock), covers every authenticated request to an API operation, and a request
// that finds the bucket empty gets 429 too_many_requests ("too many search requests"
// on search, "too many requests" elsewhere) with Retry-After: the whole seconds until a
// token is available, rounded up, so a client that waits that long gets through.
// Rejected requests take no token; injected faults (FailNext) come first and take
// none either. Off by default. The API's own limits depend on the plan, so choose
// values that match your tests, e.g. WithRateLimit(5, 5).
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 1) {
			return fmt.Errorf("fingerprinttest: WithRateLimit: rate must be a positive number, got %v", perSecond)
		}
		if burst < 1 {
			return fmt.Errorf("fingerprinttest: WithRateLimit: burst must be at least 1, got %d", burst)
		}
		c.rateLimit = rateLimit{perSecond: perSecond, burst: burst}
		return nil
	}
}

// WithDeleteQuota limits DELETE /visitors/{visitor_id} to perHour requests in any
// sliding hour and perDay in any sliding 24 hours, by the server's clock (WithClock);
// 0 leaves that window unlimited. The API documents DeleteQuotaPerHour (30) and
// DeleteQuotaPerDay (500): WithDeleteQuota(DeleteQuotaPerHour, DeleteQuotaPerDay)
// behaves like it. Every well-formed DELETE counts, whether the visitor exists or not;
// one over the quota gets 429 too_many_requests with Retry-After: the whole seconds
// until the next delete is allowed, rounded up. Off by default.
func WithDeleteQuota(perHour, perDay int) Option {
	return func(c *config) error {
		if perHour < 0 || perDay < 0 {
			return fmt.Errorf("fingerprinttest: WithDeleteQuota: negative quota (%d per hour, %d per day)", perHour, perDay)
		}
		c.deleteQuota = quotaConfig{perHour: perHour, perDay: perDay}
		return nil
	}
}

// WithFeedbackQuota limits POST /events/{event_id}/feedback to perHour requests in any
// sliding hour and perDay in any sliding 24 hours, by the server's clock (WithClock);
// 0 leaves that window unlimited. The counters are the endpoint's own: deletes and
// other calls never use them up, as in the real API. The API documents
// FeedbackQuotaPerHour (30) and FeedbackQuotaPerDay (500):
// WithFeedbackQuota(FeedbackQuotaPerHour, FeedbackQuotaPerDay) behaves like it. Every
// well-formed request counts, whether the event exists or not; one over the quota gets
// 429 too_many_requests with Retry-After: the whole seconds until the next one is
// allowed, rounded up. Off by default, like WithDeleteQuota.
func WithFeedbackQuota(perHour, perDay int) Option {
	return func(c *config) error {
		if perHour < 0 || perDay < 0 {
			return fmt.Errorf("fingerprinttest: WithFeedbackQuota: negative quota (%d per hour, %d per day)", perHour, perDay)
		}
		c.feedbackQuota = quotaConfig{perHour: perHour, perDay: perDay}
		return nil
	}
}
