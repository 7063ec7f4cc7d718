package fingerprinttest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// Fault describes a failure the server injects instead of (or into) a normal response.
// Queue faults with Server.FailNext. The zero Fault with only Status set answers with
// that status and the API's JSON error body for it.
type Fault struct {
	// Operation limits the fault to one operation (OpGetEvent, OpSearchEvents, ...).
	// Empty means any request that reaches a known API path.
	Operation string
	// Status is the HTTP status to answer with (ignored by Reset and Truncate).
	Status int
	// Code is the error code of the JSON error body; empty picks the code the real
	// API uses for Status.
	Code fingerprint.ErrorCode
	// Message is the message of the JSON error body; empty picks the usual one.
	Message string
	// Body, when set, is sent verbatim instead of the JSON error body, like a proxy's
	// error page.
	Body []byte
	// ContentType is the Content-Type of Body (default "text/html; charset=utf-8").
	ContentType string
	// RetryAfter is sent as the Retry-After header when non-empty: seconds ("2") or an
	// HTTP date.
	RetryAfter string
	// Header holds extra response headers.
	Header http.Header
	// Delay is added before the response, on top of the server latency.
	Delay time.Duration
	// Truncate serves the real response but closes the connection halfway through its
	// body, after announcing the full Content-Length.
	Truncate bool
	// Reset closes the connection (with a TCP reset where possible) without a response.
	Reset bool
}

// Fault constructors for the failures clients most need to survive.

// TooManyRequests is a 429 too_many_requests with Retry-After (omitted when empty).
func TooManyRequests(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// InternalError is a 500 with the API's "failed" error body.
func InternalError() Fault { return Fault{Status: http.StatusInternalServerError} }

// ServiceUnavailableHTML is a 503 with an HTML body, as a load balancer sends it.
func ServiceUnavailableHTML() Fault {
	return Fault{
		Status: http.StatusServiceUnavailable,
		Body:   []byte("<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n"),
	}
}

// BadGatewayHTML is a 502 with an HTML body, as a reverse proxy sends it.
func BadGatewayHTML() Fault {
	return Fault{
		Status: http.StatusBadGateway,
		Body:   []byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"),
	}
}

// GatewayTimeout is the 504 the real API returns when a search runs too long.
func GatewayTimeout() Fault {
	return Fault{Status: http.StatusGatewayTimeout, Code: gen.ErrorCodeFailed, Message: "gateway timeout"}
}

// StateNotReady is the 409 the real API returns when an event is updated right after
// identification. It applies to updates only.
func StateNotReady() Fault {
	return Fault{Operation: OpUpdateEvent, Status: http.StatusConflict}
}

// TruncatedBody cuts the response body short and closes the connection.
func TruncatedBody() Fault { return Fault{Truncate: true} }

// ConnectionReset closes the connection without answering.
func ConnectionReset() Fault { return Fault{Reset: true} }

// defaultErrors is what the real API sends for each status when Code is empty
// (defaultError adjusts it for the operation).
var defaultErrors = map[int]*apiError{
	http.StatusBadRequest:            badRequest("request cannot be parsed"),
	http.StatusForbidden:             errKeyNotFound,
	http.StatusNotFound:              errEventMissing,
	http.StatusConflict:              errNotReady,
	http.StatusRequestEntityTooLarge: errTooLarge,
	http.StatusTooManyRequests:       {http.StatusTooManyRequests, gen.ErrorCodeTooManyRequests, "too many requests"},
	http.StatusInternalServerError:   {http.StatusInternalServerError, gen.ErrorCodeFailed, "internal server error"},
	http.StatusServiceUnavailable:    {http.StatusServiceUnavailable, gen.ErrorCodeServiceUnavailable, "service unavailable"},
	http.StatusGatewayTimeout:        {http.StatusGatewayTimeout, gen.ErrorCodeFailed, "gateway timeout"},
}

// defaultError is the error the real API sends with status for operation op: search
// and delete have their own 404 and search its own 429 message.
func defaultError(status int, op string) *apiError {
	d, ok := defaultErrors[status]
	if !ok {
		return &apiError{status: status, code: gen.ErrorCodeFailed, message: http.StatusText(status)}
	}
	switch {
	case status == http.StatusNotFound && (op == OpSearchEvents || op == OpDeleteVisitorData):
		d = errVisitorGone
	case status == http.StatusTooManyRequests && op == OpSearchEvents:
		return &apiError{status: status, code: d.code, message: "too many search requests"}
	}
	return &apiError{status: status, code: d.code, message: d.message}
}

type queuedFault struct {
	Fault
	left int
}

// FailNext makes the next n authenticated requests that match f.Operation fail as f
// describes. Faults queue in order: a request takes the first queued fault that matches
// it. A request without the server's API key (a stray probe, a health check) is
// answered 403 as usual and takes no fault.
func (s *Server) FailNext(n int, f Fault) error {
	if n <= 0 {
		return fmt.Errorf("fingerprinttest: FailNext: n must be positive, got %d", n)
	}
	if !f.Reset && !f.Truncate && (f.Status < 100 || f.Status > 599) {
		return fmt.Errorf("fingerprinttest: FailNext: invalid status %d", f.Status)
	}
	if f.Operation != "" && !knownOperation(f.Operation) {
		return fmt.Errorf("fingerprinttest: FailNext: unknown operation %q", f.Operation)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &queuedFault{Fault: f, left: n})
	return nil
}

// MustFailNext is FailNext for tests: an invalid fault fails the test at once (t.Fatal
// on the testing.TB given to NewServer) instead of returning an error that is easy to
// ignore. Call it from the test's goroutine. On a server made by Start, which has no
// testing.TB, it panics.
func (s *Server) MustFailNext(n int, f Fault) {
	err := s.FailNext(n, f)
	if err == nil {
		return
	}
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatal(err)
		return // only reached with a testing.TB whose Fatal does not stop the goroutine
	}
	panic(err)
}

// PendingFaults reports how many injected failures have not happened yet.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.left
	}
	return n
}

func knownOperation(op string) bool {
	switch op {
	case OpGetEvent, OpUpdateEvent, OpSearchEvents, OpDeleteVisitorData, OpAnalyzeRequest, OpSubmitEventFeedback:
		return true
	}
	return false
}

// nextFault takes one use of the first fault matching op if the request is
// authenticated, and reads the latency.
func (s *Server) nextFault(op string, authenticated bool) (*Fault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !authenticated {
		return nil, s.latency
	}
	for i, q := range s.faults {
		if q.Operation != "" && q.Operation != op {
			continue
		}
		q.left--
		if q.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		f := q.Fault
		return &f, s.latency
	}
	return nil, s.latency
}

func (f *Fault) delay() time.Duration {
	if f == nil {
		return 0
	}
	return f.Delay
}

func (f *Fault) kind() string {
	switch {
	case f.Reset:
		return "reset"
	case f.Truncate:
		return "truncate"
	}
	return "status " + strconv.Itoa(f.Status)
}

// write answers a request for operation op as f describes.
func (f *Fault) write(w http.ResponseWriter, op string) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body != nil {
		ct := f.ContentType
		if ct == "" {
			ct = "text/html; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		_, _ = w.Write(f.Body)
		return
	}
	e := defaultError(f.Status, op)
	if f.Code != "" {
		e.code = f.Code
	}
	if f.Message != "" {
		e.message = f.Message
	}
	writeError(w, e)
}

// serveBroken answers with a reset connection or a truncated response, calling logEntry
// with the status (0 for a reset) before the client can notice.
func (s *Server) serveBroken(w http.ResponseWriter, f *Fault, logEntry func(int), serve func(http.ResponseWriter)) {
	hj, ok := w.(http.Hijacker)
	if !ok { // not HTTP/1.x: the best we can do is an ordinary failure
		logEntry(http.StatusBadGateway)
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	var rec *httptest.ResponseRecorder
	if f.Truncate {
		rec = httptest.NewRecorder()
		serve(rec)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	// The fault is the broken connection: a close error has no one left to tell.
	defer func() { _ = conn.Close() }()
	if f.Reset {
		logEntry(0)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		return
	}
	res := rec.Result()
	logEntry(res.StatusCode)
	b := rec.Body.Bytes()
	announced := max(len(b), 1)
	res.Header.Set("Content-Length", strconv.Itoa(announced))
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", res.StatusCode, http.StatusText(res.StatusCode))
	_ = res.Header.Write(buf)
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(b[:len(b)/2])
	_ = buf.Flush()
}
