package fingerprint

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// The operation names an Observer sees in CallInfo.Operation: the Client method's name.
const (
	OperationGetEvent          = "GetEvent"
	OperationSearchEvents      = "SearchEvents"
	OperationUpdateEvent       = "UpdateEvent"
	OperationDeleteVisitorData = "DeleteVisitorData"
	OperationAnalyzeRequest    = "AnalyzeRequest"
	// OperationSubmitEventFeedback is POST /events/{event_id}/feedback.
	OperationSubmitEventFeedback = "SubmitEventFeedback"
)

// Observer sees every API call a Client makes and every HTTP attempt within it, for
// tracing and metrics (package github.com/fpgo/fingerprint-go/otel adapts it to
// OpenTelemetry). Install one with WithObserver.
//
// What an Observer receives never holds the API key, event or visitor IDs, IP
// addresses, linked IDs or query values: only the operation, the path template, status
// codes, error codes and types, timings and retry decisions. Err, the error the caller
// gets, is the one field with request details: a transport error quotes the request URL
// as debug logs show it (IDs cut to 6 characters, other personal values [REDACTED]), so
// record ErrorType rather than Err.Error() in telemetry.
//
// The hooks run synchronously on the calling goroutine, and a Client may run many calls
// at once: keep them fast and safe for concurrent use. A hook must not retain the info
// structs' Err beyond the call unless it is prepared to keep the error alive.
type Observer interface {
	// CallStart runs when a call is about to send its first request, after its
	// arguments were checked (calls rejected with a *ValidationError reach no hook). The
	// context it returns, derived from ctx (for a span, say), is used for every attempt
	// and passed to the other hooks; return ctx itself to keep it.
	CallStart(ctx context.Context, call CallInfo) context.Context
	// AttemptEnd runs after each HTTP attempt, with its outcome and whether and why the
	// Client will retry.
	AttemptEnd(ctx context.Context, attempt AttemptInfo)
	// CallEnd runs once when the call returns, with what the caller gets.
	CallEnd(ctx context.Context, call CallEndInfo)
}

// CallInfo describes an API call, without any of its arguments.
type CallInfo struct {
	// Operation is the Client method, such as OperationGetEvent ("GetEvent").
	Operation string
	// Method is the HTTP method, such as "GET".
	Method string
	// PathTemplate is the path of the operation with its parameters unfilled, such as
	// "/events/{event_id}".
	PathTemplate string
	// ServerAddress and ServerPort are the host and port of the Client's base URL
	// (the port is the scheme's default when the URL has none).
	ServerAddress string
	ServerPort    int
}

// RetryReason says why the Client retries a failed attempt.
type RetryReason string

// The reasons for a retry (AttemptInfo.RetryReason).
const (
	RetryReasonRateLimited    RetryReason = "rate_limited"    // 429
	RetryReasonServerError    RetryReason = "server_error"    // 5xx
	RetryReasonRequestTimeout RetryReason = "request_timeout" // 408
	RetryReasonStateNotReady  RetryReason = "state_not_ready" // 409 state_not_ready
	RetryReasonNetwork        RetryReason = "network"         // no response: connection error, timeout, cut body
)

// AttemptInfo describes one HTTP attempt of a call.
type AttemptInfo struct {
	CallInfo
	// Attempt numbers the attempts of a call from 1; Attempt-1 is the resend count.
	Attempt int
	// Start is when the attempt started and Duration how long it took, response body
	// included (waits before it, for a retry or a rate limiter, are not included).
	Start    time.Time
	Duration time.Duration
	// StatusCode is the HTTP status of the response, 0 when there was none.
	StatusCode int
	// ErrorCode is the API error code of a non-2xx response's JSON body, if any.
	ErrorCode ErrorCode
	// ErrorType classifies a failed attempt in a few words fit for a metric attribute
	// (see CallEndInfo.ErrorType); empty for a success.
	ErrorType string
	// Err is the attempt's error, nil for a success. See Observer about its text.
	Err error
	// RetryDelay is the wait before the next attempt and RetryReason why there is one;
	// both are zero when the call ends with this attempt. RetryAfter reports that the
	// delay follows the response's Retry-After header rather than the backoff.
	RetryDelay  time.Duration
	RetryReason RetryReason
	RetryAfter  bool
}

// CallEndInfo describes how a call ended.
type CallEndInfo struct {
	CallInfo
	// Attempts is the number of HTTP attempts made (0 when the call ended before the
	// first, for instance with a cancelled context).
	Attempts int
	// Duration is the whole call, waits and retries included.
	Duration time.Duration
	// StatusCode is the HTTP status of the last response, 0 when there was none.
	StatusCode int
	// ErrorCode is the API error code of the last non-2xx response, if any.
	ErrorCode ErrorCode
	// ErrorType is empty for a success; otherwise the HTTP status as a string ("404",
	// "503") for an *APIError, or one of "timeout", "canceled", "network", "redirect",
	// "decode", "rate_limiter", "quota" and "_OTHER" (the OpenTelemetry semantic
	// conventions' error.type).
	ErrorType string
	// Err is what the call returns, nil for a success. See Observer about its text.
	Err error
}

// WithObserver makes the Client report every call and attempt to o (see Observer). A
// nil o removes the observer (the default); without one, nothing is measured or
// allocated for it.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		c.observer = o
		return nil
	}
}

// callObservation follows one observed call; nil when the Client has no Observer, and
// every method is then a no-op.
type callObservation struct {
	obs      Observer
	ctx      context.Context
	info     CallInfo
	start    time.Time
	attempts int
	status   int
	code     ErrorCode
}

// startCall tells the observer, if any, that a call starts, and returns the context
// for the call.
func (c *Client) startCall(ctx context.Context, op operation) (context.Context, *callObservation) {
	if c.observer == nil {
		return ctx, nil
	}
	o := &callObservation{obs: c.observer, info: CallInfo{
		Operation: op.name, Method: op.method, PathTemplate: op.path,
		ServerAddress: c.serverAddr, ServerPort: c.serverPort,
	}, start: c.now()}
	if octx := o.obs.CallStart(ctx, o.info); octx != nil {
		ctx = octx
	}
	o.ctx = ctx
	return ctx, o
}

// attemptEnd reports one attempt; delay and reason are zero when no retry follows.
func (o *callObservation) attemptEnd(a AttemptInfo) {
	if o == nil {
		return
	}
	o.attempts++
	o.status, o.code = a.StatusCode, a.ErrorCode
	a.CallInfo, a.Attempt = o.info, o.attempts
	a.ErrorType = errorType(a.Err)
	o.obs.AttemptEnd(o.ctx, a)
}

// end reports the end of the call with its result err.
func (o *callObservation) end(now time.Time, err error) {
	if o == nil {
		return
	}
	info := CallEndInfo{CallInfo: o.info, Attempts: o.attempts, Duration: now.Sub(o.start),
		StatusCode: o.status, ErrorCode: o.code, Err: err, ErrorType: errorType(err)}
	if err == nil {
		info.ErrorCode = ""
	}
	o.obs.CallEnd(o.ctx, info)
}

// errorType is the low-cardinality class of err for ErrorType fields.
func errorType(err error) string {
	if err == nil {
		return ""
	}
	var apiErr *APIError
	var decodeErr *DecodeError
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case errors.As(err, &apiErr):
		return strconv.Itoa(apiErr.StatusCode)
	case errors.As(err, &decodeErr):
		return "decode"
	case errors.Is(err, errLimiterWait):
		return "rate_limiter"
	case errors.Is(err, errQuotaWait):
		return "quota"
	case isRedirectError(err):
		return "redirect"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &netErr), errors.As(err, &urlErr), errors.Is(err, io.ErrUnexpectedEOF):
		return "network"
	}
	return "_OTHER"
}

// serverHostPort splits a base URL's host and port for CallInfo.
func serverHostPort(base string) (string, int) {
	u, err := url.Parse(base)
	if err != nil {
		return "", 0
	}
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return u.Hostname(), port
}
