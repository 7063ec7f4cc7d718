package fingerprint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/fpgo/fingerprint-go/internal/ctxsleep"
	"github.com/fpgo/fingerprint-go/internal/secret"
)

// Client calls the Fingerprint Server API v4 with a secret API key.
//
// Create it with NewClient; the zero value is not usable. A Client is safe for concurrent
// use by multiple goroutines and holds no per-request state: create it once and reuse it.
type Client struct {
	key        *secret.Value // behind a pointer so that no formatting of a Client shows it (redact.go)
	server     string        // base URL with a trailing slash, as the gen request builders need
	httpClient *http.Client
	timeout    time.Duration
	maxRetries int
	notReady   time.Duration // how long 409 state_not_ready is retried (WithStateNotReadyWait)
	logger     *slog.Logger
	observer   Observer    // nil: nothing observed (observer.go)
	limiter    RateLimiter // nil: no client-side rate limit (ratelimit.go)
	// Quota pacing of deletes and feedback (quota.go); nil without WithQuotaPacing.
	deletePacer, feedbackPacer *quotaPacer
	serverAddr                 string // host and port of the base URL, for the Observer
	serverPort                 int

	// Replaced by tests so that retries neither sleep nor depend on randomness or the clock.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(max time.Duration) time.Duration
	now    func() time.Time
}

// NewClient returns a Client that authenticates with secretAPIKey (from the dashboard's
// API keys page; never a public key). It reports an empty or malformed key and invalid or
// conflicting options as errors; it makes no network call.
func NewClient(secretAPIKey string, opts ...Option) (*Client, error) {
	if err := checkSecretKey(secretAPIKey); err != nil {
		return nil, err
	}
	cfg := config{region: RegionUS, timeout: DefaultTimeout, maxRetries: DefaultMaxRetries, notReady: DefaultStateNotReadyWait}
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("fingerprint: nil Option")
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.regionSet && cfg.baseURLSet {
		return nil, errors.New("fingerprint: WithRegion and WithBaseURL cannot be combined: a base URL already selects the host")
	}
	base, _ := cfg.region.baseURL()
	if cfg.baseURLSet {
		base = cfg.baseURL
		if err := checkPlainHTTP(base, cfg.insecureHTTP); err != nil {
			return nil, err
		}
	}
	host, port := serverHostPort(base)
	c := &Client{
		key:        secret.New(secretAPIKey),
		server:     base + "/",
		httpClient: newHTTPClient(cfg.httpClient),
		timeout:    cfg.timeout,
		maxRetries: cfg.maxRetries,
		notReady:   cfg.notReady,
		logger:     cfg.logger,
		observer:   cfg.observer,
		limiter:    cfg.limiter,
		serverAddr: host,
		serverPort: port,
		sleep:      ctxsleep.Sleep,
		jitter:     fullJitter,
		now:        time.Now,
	}
	if q := cfg.quotas; q != nil {
		c.deletePacer = newQuotaPacer(q.DeletesPerHour, q.DeletesPerDay)
		c.feedbackPacer = newQuotaPacer(q.FeedbackPerHour, q.FeedbackPerDay)
	}
	return c, nil
}

// checkSecretKey rejects keys that cannot be a valid header value. The key itself never
// appears in the error.
func checkSecretKey(key string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("fingerprint: the secret API key is empty")
	}
	for _, r := range key {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII {
			return errors.New("fingerprint: the secret API key contains spaces, control or non-ASCII characters")
		}
	}
	return nil
}

// BaseURL returns the base URL the Client sends requests to, such as "https://api.fpjs.io/v4".
func (c *Client) BaseURL() string { return strings.TrimSuffix(c.server, "/") }

// errNotConstructed is returned by the methods of a nil or zero Client.
var errNotConstructed = errors.New("fingerprint: Client must be created with NewClient")

func (c *Client) usable() error {
	if c == nil || c.httpClient == nil {
		return errNotConstructed
	}
	return nil
}

// operation identifies an API operation for errors, logs, the Observer and the retry
// policy, and carries the byte cap of its 2xx bodies (bodylimits.go).
type operation struct {
	name   string // the Client method, for the Observer
	method string
	path   string // path template, e.g. "/events/{event_id}"
	retry  retryKind
	// maxBody caps a 2xx body. A larger one is a *DecodeError, unless bodyUnused: the
	// operation never decodes its 2xx body (the write has happened), so reading just
	// stops at the cap.
	maxBody    int64
	bodyUnused bool
}

var (
	opGetEvent      = operation{OperationGetEvent, http.MethodGet, "/events/{event_id}", retryIdempotent, maxEventResponseBytes, false}
	opUpdateEvent   = operation{OperationUpdateEvent, http.MethodPatch, "/events/{event_id}", retryUpdate, maxErrorBody, true}
	opDeleteVisitor = operation{OperationDeleteVisitorData, http.MethodDelete, "/visitors/{visitor_id}", retryIdempotent, maxErrorBody, true}
	opAnalyze       = operation{OperationAnalyzeRequest, http.MethodPost, "/edge", retryCreate, maxEdgeResponseBytes, false}
	// Feedback is retried like an update: the latest submission for an event wins.
	opSubmitFeedback = operation{OperationSubmitEventFeedback, http.MethodPost, "/events/{event_id}/feedback", retryUpdate, maxErrorBody, true}
)

// opSearchEvents is the search operation for pages of at most limit events: its cap
// grows with the page size the call asks for.
func opSearchEvents(limit int) operation {
	return operation{OperationSearchEvents, http.MethodGet, "/events", retryIdempotent, searchBodyLimit(limit), false}
}

// response is a fully read 2xx response.
type response struct {
	status int
	header http.Header
	body   []byte
	key    *secret.Value // to redact the body copy a DecodeError keeps
}

// do sends req with retries and hands the 2xx response to decode (nil when the body is
// not used). It returns nil, decode's error (a *DecodeError), an *APIError, a transport
// error or a context error. req must be replayable (GetBody set when it has a body).
// The caller has checked c.usable() once, at the start of the public method.
func (c *Client) do(ctx context.Context, op operation, req *http.Request, decode func(*response) error) error {
	ctx, obs := c.startCall(ctx, op)
	err := c.send(ctx, op, req, obs, decode)
	if obs != nil {
		obs.end(c.now(), err)
	}
	return err
}

// send runs the attempts of a call (see do). Retries of 409 state_not_ready follow
// their own clock (notReadyRetry) and do not count against maxRetries.
func (c *Client) send(ctx context.Context, op operation, req *http.Request, obs *callObservation, decode func(*response) error) error {
	var last error
	var first time.Time       // start of the first attempt, for the state_not_ready window
	retries, notReady := 0, 0 // retries of everything else, and of state_not_ready
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return contextError(err, last)
		}
		if err := c.waitQuota(ctx, op, last); err != nil {
			return err
		}
		if err := c.waitLimiter(ctx, op, last); err != nil {
			return err
		}
		var start time.Time
		if obs != nil || attempt == 0 {
			start = c.now()
		}
		if attempt == 0 {
			first = start
		}
		res, fail := c.attempt(ctx, op, req, attempt)
		if fail == nil {
			var err error
			if decode != nil {
				err = decode(res)
			}
			if obs != nil {
				obs.attemptEnd(AttemptInfo{Start: start, Duration: c.now().Sub(start), StatusCode: res.status, Err: err})
			}
			return err
		}
		if fail.final != nil {
			obs.failedAttempt(c, start, fail, fail.final, retryDecision{})
			return fail.final
		}
		if fail.transport != nil && ctx.Err() != nil {
			err := contextError(ctx.Err(), last)
			obs.failedAttempt(c, start, fail, err, retryDecision{})
			return err
		}
		if fail.apiErr != nil {
			last = fail.apiErr
		} else {
			last = fmt.Errorf("fingerprint: %s %s: %w", op.method, op.path, fail.transport)
		}
		var retry retryDecision
		if op.retry == retryUpdate && fail.apiErr != nil && fail.apiErr.Is(ErrStateNotReady) {
			retry = c.notReadyRetry(first, notReady)
			notReady += btoi(retry.ok)
		} else if retries < c.maxRetries {
			retry = c.retryDelay(op.retry, *fail, retries)
			retries += btoi(retry.ok)
		}
		if !retry.ok {
			obs.failedAttempt(c, start, fail, last, retryDecision{})
			return last
		}
		if deadline, ok := ctx.Deadline(); ok && c.now().Add(retry.delay).After(deadline) {
			// Waiting would outlive the caller's deadline: report what we know now.
			obs.failedAttempt(c, start, fail, last, retryDecision{})
			return last
		}
		obs.failedAttempt(c, start, fail, last, retry)
		c.logRetry(ctx, op, attempt, retry.delay, last)
		if err := c.sleep(ctx, retry.delay); err != nil {
			return contextError(err, last)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// failedAttempt reports a failed attempt whose error is err and the retry decision.
func (o *callObservation) failedAttempt(c *Client, start time.Time, fail *attemptFailure, err error, r retryDecision) {
	if o == nil {
		return
	}
	a := AttemptInfo{Start: start, Duration: c.now().Sub(start), Err: err}
	if fail.apiErr != nil {
		a.StatusCode, a.ErrorCode = fail.apiErr.StatusCode, fail.apiErr.Code
	} else if fail.status != 0 {
		a.StatusCode = fail.status
	}
	if r.ok {
		a.RetryDelay, a.RetryReason, a.RetryAfter = r.delay, r.reason, r.fromHeader
	}
	o.attemptEnd(a)
}

// contextError wraps a context error together with the last attempt's error, so both
// errors.Is(err, context.DeadlineExceeded) and errors.As(err, &apiErr) work.
func contextError(ctxErr, last error) error {
	if last == nil {
		return fmt.Errorf("fingerprint: %w", ctxErr)
	}
	return fmt.Errorf("fingerprint: %w; last attempt: %w", ctxErr, last)
}

// attempt sends one copy of req and reads the whole response under the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, op operation, req *http.Request, attempt int) (*response, *attemptFailure) {
	actx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var wroteHeader atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteHeaderField: func(string, []string) { wroteHeader.Store(true) },
		WroteHeaders:     func() { wroteHeader.Store(true) },
	})
	r := req.Clone(actx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, &attemptFailure{transport: err}
		}
		r.Body = body
	}
	r.Header.Set("Authorization", "Bearer "+c.key.Reveal())

	start := c.now()
	resp, err := c.httpClient.Do(r) //nolint:gosec // G704: the request goes to the API base URL the caller chose (region or WithBaseURL); redirects are checked in redirect.go
	if err != nil {
		redactURLError(err, op.path)
		c.logAttempt(ctx, op, r, attempt, 0, c.now().Sub(start), err)
		return nil, &attemptFailure{transport: err, wroteHeader: wroteHeader.Load()}
	}
	defer resp.Body.Close() //nolint:errcheck // closing a response body reports nothing the caller can act on

	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxErrorBody)
	if ok {
		limit = op.maxBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	c.logAttempt(ctx, op, r, attempt, resp.StatusCode, c.now().Sub(start), err)
	if err != nil && ok {
		// The response was cut short: for GET this is worth a retry, never for POST /edge.
		return nil, &attemptFailure{status: resp.StatusCode, transport: fmt.Errorf("reading response body: %w", err), wroteHeader: true}
	}
	if int64(len(body)) > limit && ok {
		if !op.bodyUnused {
			return nil, &attemptFailure{status: resp.StatusCode, final: newDecodeError(op, resp.StatusCode, body[:limit], true, c.key,
				fmt.Errorf("body larger than %d bytes", limit))}
		}
		body = body[:limit]
	}
	if !ok {
		return nil, &attemptFailure{apiErr: c.newAPIError(op, resp, body), wroteHeader: true}
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body, key: c.key}, nil
}

// newAPIError builds the *APIError of a non-2xx response from up to maxErrorBody+1 bytes
// of its body (more than maxErrorBody means it was cut). The body is kept even when it
// is not a JSON error document; a secret key echoed by a proxy is redacted from the body,
// the headers and the decoded message (redact.go).
func (c *Client) newAPIError(op operation, resp *http.Response, body []byte) *APIError {
	retryAfter, _ := parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	e := &APIError{
		StatusCode: resp.StatusCode,
		Header:     redactHeader(resp.Header, c.key),
		Body:       keptBody(body, len(body) > maxErrorBody, c.key),
		Method:     op.method,
		Path:       op.path,
		RetryAfter: retryAfter,
	}
	var doc gen.ErrorResponse
	if json.Unmarshal(body[:min(len(body), maxErrorBody)], &doc) == nil {
		// Redacted after decoding: an escaped key (\u0041...) decodes to the key itself.
		e.Code = ErrorCode(redactString(string(doc.Error.Code), c.key))
		e.Message = redactString(doc.Error.Message, c.key)
	}
	return e
}

// decodeJSON decodes a 2xx body into a new T; failures become *DecodeError.
func decodeJSON[T any](op operation, res *response) (*T, error) {
	fail := func(err error) error {
		return newDecodeError(op, res.status, res.body, false, res.key, err)
	}
	trimmed := bytes.TrimSpace(res.body)
	if len(trimmed) == 0 {
		return nil, fail(errors.New("empty body"))
	}
	if bytes.Equal(trimmed, []byte("null")) {
		return nil, fail(errors.New("null document"))
	}
	v := new(T)
	if err := json.Unmarshal(trimmed, v); err != nil {
		return nil, fail(err)
	}
	return v, nil
}
