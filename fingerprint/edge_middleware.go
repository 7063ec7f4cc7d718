package fingerprint

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DefaultEdgeTimeout bounds each Automation Intelligence call made by EdgeMiddleware.
// The API usually answers in tens of milliseconds; a slow answer should not hold up
// your users.
const DefaultEdgeTimeout = 300 * time.Millisecond

// EdgeMiddlewareOptions holds the optional settings of Client.EdgeMiddleware. It is
// passed by pointer; nil or the zero value analyses every request with
// DefaultEdgeTimeout, lets every request through and fails open.
type EdgeMiddlewareOptions struct {
	// Timeout bounds the whole analysis of one request, retries included: the middleware
	// moves on after Timeout even if the http.Client's transport ignores cancellation.
	// Zero or negative means DefaultEdgeTimeout.
	Timeout time.Duration
	// Request controls how the EdgeRequest is built (trusted proxy headers, extra
	// credential headers, linked ID, tags). Nil trusts only the connection.
	Request *EdgeRequestOptions
	// Skip, if set, exempts requests from analysis (health checks, static assets): each
	// analysed request creates an event. Skipped requests go straight to the next handler.
	Skip func(r *http.Request) bool
	// Decide is the policy, called only when the analysis succeeded. It returns true to
	// pass the request on, or false after writing a response itself (for example 403 for
	// bad bots). Nil passes every request on. The analysis is also in the request context
	// for later handlers: see EdgeResultFromContext.
	Decide func(w http.ResponseWriter, r *http.Request, res *EdgeResponse) bool
	// OnError, if set, is told about every failed analysis (timeout, API or network
	// error, no client IP), for logging and metrics.
	OnError func(r *http.Request, err error)
	// FailClosed answers 503 Service Unavailable when the analysis fails, instead of
	// passing the request on without a result (fail open, the default).
	FailClosed bool
}

type edgeResultKey struct{}

// EdgeResultFromContext returns the analysis EdgeMiddleware stored for this request.
// ok is false when the request was skipped or the analysis failed (fail open).
func EdgeResultFromContext(ctx context.Context) (res *EdgeResponse, ok bool) {
	res, ok = ctx.Value(edgeResultKey{}).(*EdgeResponse)
	return res, ok && res != nil
}

// EdgeMiddleware returns net/http middleware that analyses each incoming request with
// Automation Intelligence (AnalyzeRequest) before calling the next handler. It reads the
// request's metadata only, never its body. The analysis, retries included, never holds a
// request up for longer than opts.Timeout; the result goes into the request context
// (EdgeResultFromContext) and opts.Decide chooses whether the request continues. When the
// analysis fails or times out the request continues without a result, unless
// opts.FailClosed is set. opts may be nil.
//
// It panics, as net/http does for a nil handler, on a misconfiguration that would make
// every analysis fail (and so, failing open, let every bot through without Decide ever
// being called): a nil or zero Client, a linked ID over MaxLinkedIDLength, tags that
// cannot be encoded as JSON; the returned function panics on a nil next handler.
func (c *Client) EdgeMiddleware(opts *EdgeMiddlewareOptions) func(http.Handler) http.Handler {
	if c.usable() != nil {
		panic("fingerprint: EdgeMiddleware on a nil or zero *Client: create it with NewClient")
	}
	if opts == nil {
		opts = &EdgeMiddlewareOptions{}
	}
	o := *opts // later changes to the caller's struct do not affect running handlers
	opts = &o
	if err := checkEdgeRequestOptions(opts.Request); err != nil {
		panic("fingerprint: EdgeMiddleware: EdgeMiddlewareOptions.Request: " + err.Error())
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultEdgeTimeout
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("fingerprint: EdgeMiddleware: nil next handler")
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if opts.Skip != nil && opts.Skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			res, err := c.analyzeIncoming(r, opts.Request, timeout)
			if err != nil {
				if opts.OnError != nil {
					opts.OnError(r, err)
				}
				if opts.FailClosed {
					http.Error(w, "service unavailable", http.StatusServiceUnavailable)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), edgeResultKey{}, res))
			if opts.Decide != nil && !opts.Decide(w, r, res) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

var errNilClient = errors.New("fingerprint: EdgeMiddleware on a nil *Client")

type edgeOutcome struct {
	res *EdgeResponse
	err error
}

// analyzeIncoming builds the EdgeRequest (reading r) and then runs AnalyzeRequest on its
// own goroutine, so that even a transport that ignores the context cannot hold the request
// beyond timeout. The goroutine never touches r and ends when AnalyzeRequest returns.
func (c *Client) analyzeIncoming(r *http.Request, ropts *EdgeRequestOptions, timeout time.Duration) (*EdgeResponse, error) {
	if c == nil {
		return nil, errNilClient
	}
	er, err := EdgeRequestFromHTTP(r, ropts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	done := make(chan edgeOutcome, 1) // buffered: the goroutine never blocks on send
	go func() {
		res, err := c.AnalyzeRequest(ctx, er)
		done <- edgeOutcome{res, err}
	}()
	select {
	case out := <-done:
		return out.res, out.err
	case <-ctx.Done():
		select {
		case out := <-done: // finished at the same moment: keep the result
			return out.res, out.err
		default:
			return nil, fmt.Errorf("fingerprint: edge analysis: %w", context.Cause(ctx))
		}
	}
}
