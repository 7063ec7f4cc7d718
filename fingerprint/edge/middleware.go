package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"time"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// DefaultTimeout bounds each Automation Intelligence call made by Middleware.
// The API usually answers in tens of milliseconds; a slow answer should not hold up
// your users.
const DefaultTimeout = 300 * time.Millisecond

// Analyzer runs one Automation Intelligence analysis. *fingerprint.Client implements it;
// tests can pass their own.
type Analyzer interface {
	AnalyzeRequest(ctx context.Context, req *fingerprint.EdgeRequest) (*fingerprint.EdgeResponse, error)
}

// MiddlewareOptions holds the optional settings of Middleware. It is passed by pointer;
// nil or the zero value analyses every request with DefaultTimeout, lets every request
// through and fails open.
type MiddlewareOptions struct {
	// Timeout bounds the whole analysis of one request, retries included: the middleware
	// moves on after Timeout even if the http.Client's transport ignores cancellation.
	// Zero or negative means DefaultTimeout.
	Timeout time.Duration
	// Request controls how the EdgeRequest is built (trusted proxy headers, extra
	// credential headers, linked ID, tags). Nil trusts only the connection.
	Request *RequestOptions
	// Skip, if set, exempts requests from analysis (health checks, static assets): each
	// analysed request creates an event. Skipped requests go straight to the next handler.
	Skip func(r *http.Request) bool
	// Decide is the policy, called only when the analysis succeeded. It returns true to
	// pass the request on, or false after writing a response itself (for example 403 for
	// bad bots). Nil passes every request on. The analysis is also in the request context
	// for later handlers: see ResultFromContext.
	Decide func(w http.ResponseWriter, r *http.Request, res *fingerprint.EdgeResponse) bool
	// OnError, if set, is told about every failed analysis (timeout, API or network
	// error, no client IP), for logging and metrics.
	OnError func(r *http.Request, err error)
	// FailClosed answers 503 Service Unavailable when the analysis fails, instead of
	// passing the request on without a result (fail open, the default).
	FailClosed bool
}

type resultKey struct{}

// ResultFromContext returns the analysis Middleware stored for this request. ok is false
// when the request was skipped or the analysis failed (fail open).
func ResultFromContext(ctx context.Context) (res *fingerprint.EdgeResponse, ok bool) {
	res, ok = ctx.Value(resultKey{}).(*fingerprint.EdgeResponse)
	return res, ok && res != nil
}

// Middleware returns net/http middleware that analyses each incoming request with
// Automation Intelligence (a.AnalyzeRequest, usually a *fingerprint.Client) before calling
// the next handler. It reads the request's metadata only, never its body. The analysis,
// retries included, never holds a request up for longer than opts.Timeout; the result
// goes into the request context (ResultFromContext) and opts.Decide chooses whether the
// request continues. When the analysis fails or times out the request continues without
// a result, unless opts.FailClosed is set. opts may be nil.
//
// It panics, as net/http does for a nil handler, on a misconfiguration that would make
// every analysis fail (and so, failing open, let every bot through without Decide ever
// being called): a nil Analyzer or a nil or zero *fingerprint.Client, a linked ID over
// fingerprint.MaxLinkedIDLength, tags that cannot be encoded as JSON; the returned
// function panics on a nil next handler.
func Middleware(a Analyzer, opts *MiddlewareOptions) func(http.Handler) http.Handler {
	if unusable(a) {
		panic("edge.Middleware: nil Analyzer, or a nil or zero *fingerprint.Client: create it with fingerprint.NewClient")
	}
	if opts == nil {
		opts = &MiddlewareOptions{}
	}
	o := *opts // later changes to the caller's struct do not affect running handlers
	opts = &o
	if err := checkRequestOptions(opts.Request); err != nil {
		panic("edge.Middleware: MiddlewareOptions.Request: " + err.Error())
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("edge.Middleware: nil next handler")
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if opts.Skip != nil && opts.Skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			res, err := analyze(a, r, opts.Request, timeout)
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
			r = r.WithContext(context.WithValue(r.Context(), resultKey{}, res))
			if opts.Decide != nil && !opts.Decide(w, r, res) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type outcome struct {
	res *fingerprint.EdgeResponse
	err error
}

// analyze builds the EdgeRequest (reading r) and then runs AnalyzeRequest on its own
// goroutine, so that even a transport that ignores the context cannot hold the request
// beyond timeout. The goroutine never touches r and ends when AnalyzeRequest returns.
func analyze(a Analyzer, r *http.Request, ropts *RequestOptions, timeout time.Duration) (*fingerprint.EdgeResponse, error) {
	er, err := RequestFromHTTP(r, ropts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	done := make(chan outcome, 1) // buffered: the goroutine never blocks on send
	go func() {
		res, err := a.AnalyzeRequest(ctx, er)
		done <- outcome{res, err}
	}()
	select {
	case out := <-done:
		return out.res, out.err
	case <-ctx.Done():
		select {
		case out := <-done: // finished at the same moment: keep the result
			return out.res, out.err
		default:
			return nil, fmt.Errorf("edge: analysis: %w", context.Cause(ctx))
		}
	}
}

// unusable reports an Analyzer that can only fail: nil, a nil pointer, or a
// *fingerprint.Client not made by NewClient.
func unusable(a Analyzer) bool {
	if a == nil {
		return true
	}
	if c, ok := a.(*fingerprint.Client); ok {
		return c == nil || c.BaseURL() == ""
	}
	v := reflect.ValueOf(a)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// checkRequestOptions reports the options that would make every request built from them
// fail validation, so Middleware can refuse them at construction.
func checkRequestOptions(o *RequestOptions) error {
	if o == nil {
		return nil
	}
	if n := utf8.RuneCountInString(o.LinkedID); n > fingerprint.MaxLinkedIDLength {
		return invalid("LinkedID", fmt.Sprintf("linked_id can't be greater than %d characters long, got %d", fingerprint.MaxLinkedIDLength, n))
	}
	if len(o.Tags) > 0 {
		if _, err := json.Marshal(o.Tags); err != nil {
			return invalid("Tags", fmt.Sprintf("cannot be encoded as JSON: %v", err))
		}
	}
	return nil
}
