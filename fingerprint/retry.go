package fingerprint

import (
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds. Retry n (from 0) waits a random duration in [0, min(maxBackoff,
// baseBackoff*2^n)] ("full jitter"), unless the server asked for a delay with Retry-After;
// either way at least minRetryDelay.
const (
	baseBackoff = 500 * time.Millisecond
	maxBackoff  = 8 * time.Second
	// maxRetryAfter caps the Retry-After delay the client is willing to wait. A longer
	// request is not retried: the *APIError (with RetryAfter) is returned to the caller.
	maxRetryAfter = 60 * time.Second
)

// minRetryDelay is the shortest wait before any retry, whatever the server says: a
// Retry-After of 0, a negative number or a date in the past waits this long, and so does
// a backoff whose random jitter came out shorter. 200 ms is one request per slot of the
// API's default rate limit (5 requests per second per key), so a server or proxy that
// answers "Retry-After: 0" cannot turn one call, even with WithMaxRetries(1000), into a
// flood of more than 5 attempts a second; it is still short enough that a retry after a
// brief overload comes quickly.
const minRetryDelay = 200 * time.Millisecond

// retryKind says which failures an operation may retry.
type retryKind int

const (
	// retryIdempotent (GET, DELETE): 408, 429, 5xx and transport errors.
	retryIdempotent retryKind = iota
	// retryUpdate (PATCH): as retryIdempotent, plus 409 state_not_ready (notReadyRetry).
	retryUpdate
	// retryCreate (POST /edge creates an event per call): 429, and transport errors that
	// happened before the request was written.
	retryCreate
)

// attemptFailure describes a failed attempt for the retry decision.
type attemptFailure struct {
	apiErr      *APIError // non-nil for an HTTP error response
	transport   error     // non-nil for a transport or body read error
	wroteHeader bool      // whether any of the request reached the connection
	final       error     // non-nil for a failure that must not be retried
	status      int       // the HTTP status when a response arrived but failed otherwise
}

// retryDecision is the outcome of retryDelay.
type retryDecision struct {
	ok         bool          // retry
	delay      time.Duration // after this long
	reason     RetryReason   // because of this failure
	fromHeader bool          // delay follows Retry-After
}

// retryDelay decides whether the failure may be retried (retry is 0-based), how long to
// wait first and why.
func (c *Client) retryDelay(kind retryKind, f attemptFailure, retry int) retryDecision {
	if f.transport != nil {
		if isRedirectError(f.transport) {
			return retryDecision{} // the caller's CheckRedirect refused: the same redirects would repeat
		}
		if kind == retryCreate && (f.wroteHeader || !isDialError(f.transport)) {
			return retryDecision{}
		}
		return retryDecision{ok: true, delay: c.backoff(retry), reason: RetryReasonNetwork}
	}
	e := f.apiErr
	var reason RetryReason
	switch {
	case e.StatusCode == http.StatusTooManyRequests:
		reason = RetryReasonRateLimited
	case kind == retryCreate:
		return retryDecision{}
	case e.StatusCode == http.StatusRequestTimeout:
		reason = RetryReasonRequestTimeout
	case e.StatusCode >= 500:
		reason = RetryReasonServerError
	default:
		return retryDecision{}
	}
	if e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusServiceUnavailable {
		// An unparsable Retry-After is ignored (backoff applies) rather than read as "now".
		if _, valid := parseRetryAfter(e.Header.Get("Retry-After"), c.now()); valid {
			if e.RetryAfter > maxRetryAfter {
				return retryDecision{}
			}
			return retryDecision{ok: true, delay: max(e.RetryAfter, minRetryDelay), reason: reason, fromHeader: true}
		}
	}
	return retryDecision{ok: true, delay: c.backoff(retry), reason: reason}
}

// notReadyFirst and notReadyMax bound the waits between retries of 409
// state_not_ready: they start at notReadyFirst and double up to notReadyMax, each
// jittered within its upper half.
const (
	notReadyFirst = 250 * time.Millisecond
	notReadyMax   = time.Second
)

// notReadyRetry decides retry n (0-based) of a 409 state_not_ready. The API answers it
// while a fresh event propagates, which takes a few seconds, so the update is retried
// as long as the next attempt can start within c.notReady of the first one (first).
// The last wait is shortened to end with the window, so an attempt always ends later
// than c.notReady-minRetryDelay after the first: with DefaultStateNotReadyWait (5 s)
// and attempts quicker than 1.8 s, an event updatable 3 s after the first attempt is
// updated.
func (c *Client) notReadyRetry(first time.Time, n int) retryDecision {
	if c.notReady <= 0 {
		return retryDecision{}
	}
	step := notReadyMax
	if n < 3 {
		step = min(notReadyFirst<<n, notReadyMax)
	}
	delay := max(step/2+c.jitter(step/2), minRetryDelay)
	left := c.notReady - c.now().Sub(first)
	if left < minRetryDelay {
		return retryDecision{}
	}
	return retryDecision{ok: true, delay: min(delay, left), reason: RetryReasonStateNotReady}
}

// backoff returns the jittered exponential delay before retry n (0-based), never less
// than minRetryDelay.
func (c *Client) backoff(n int) time.Duration {
	d := maxBackoff
	if n < 5 {
		d = min(maxBackoff, baseBackoff<<n)
	}
	return max(c.jitter(d), minRetryDelay)
}

// fullJitter returns a random duration in [0, d].
func fullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1) //nolint:gosec // G404: backoff jitter spreads retries; nothing depends on it being unpredictable
}

// parseRetryAfter reads a Retry-After value: delay seconds (RFC 9110; a decimal fraction
// is tolerated) or an HTTP date. valid is false for an absent or unparsable value; a
// negative delay or a past date is valid and gives 0.
func parseRetryAfter(v string, now time.Time) (d time.Duration, valid bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case math.IsNaN(secs):
			return 0, false
		case secs <= 0:
			return 0, true
		case secs > float64(math.MaxInt64/int64(time.Second)):
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// isDialError reports whether err happened while establishing the connection (DNS lookup
// or dial), so that the request cannot have reached the server.
func isDialError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
