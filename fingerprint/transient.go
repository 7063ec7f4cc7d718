package fingerprint

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
)

// IsTransient reports whether the call that returned err may succeed if made again
// later, so that a service can answer "try again" (or requeue a job) instead of failing
// for good. The Client has already retried what it could within its limits; this is
// the decision for the caller's next step.
//
// True: a 5xx, 429 (ErrRateLimited, also when WithRateLimiter's limiter or
// WithQuotaPacing refused to wait that long), 408, 409 state_not_ready
// (ErrStateNotReady), a timeout (an attempt's WithTimeout, or the caller's context
// deadline), a connection or network error, a response cut short.
//
// False: nil, any other 4xx or 3xx (a wrong key, a missing event, bad input the API
// refused), a *ValidationError, a *DecodeError (a 2xx whose body is not what the API
// sends), a cancelled caller context (context.Canceled: the caller gave up), a redirect
// refused by the caller's CheckRedirect, and errors this package does not know.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch s := apiErr.StatusCode; {
		case s >= 500, s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
			return true
		case s == http.StatusConflict:
			return apiErr.Code == ErrorCodeStateNotReady
		}
		return false
	}
	var valErr *ValidationError
	var decErr *DecodeError
	if errors.As(err, &valErr) || errors.As(err, &decErr) || isRedirectError(err) {
		return false
	}
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case errors.Is(err, ErrRateLimited), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &netErr), errors.As(err, &urlErr):
		return true
	}
	return false
}
