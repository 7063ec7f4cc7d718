package fingerprint

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "sk_test_0123456789abcdef"

// recordedRequest is what the test server saw.
type recordedRequest struct {
	Method   string
	Path     string // escaped path as sent
	RawQuery string
	Header   http.Header
	Body     []byte
}

// harness is an httptest server plus a client pointed at it whose retries do not sleep.
type harness struct {
	t      *testing.T
	srv    *httptest.Server
	client *Client

	mu     sync.Mutex
	reqs   []recordedRequest
	sleeps []time.Duration
}

// newHarness starts a server answering with handler and a client with opts (plus
// WithBaseURL). Retry sleeps are recorded instead of slept; jitter returns its maximum.
func newHarness(t *testing.T, handler http.HandlerFunc, opts ...Option) *harness {
	t.Helper()
	h := &harness{t: t}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readAll(t, r)
		r.Body = io.NopCloser(bytes.NewReader(body)) // handlers may read it again
		h.mu.Lock()
		h.reqs = append(h.reqs, recordedRequest{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		h.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(h.srv.Close)
	c, err := NewClient(testKey, append([]Option{WithBaseURL(h.srv.URL)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	c.jitter = func(d time.Duration) time.Duration { return d }
	c.sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.sleeps = append(h.sleeps, d)
		h.mu.Unlock()
		return ctx.Err()
	}
	h.client = c
	return h
}

func (h *harness) requests() []recordedRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]recordedRequest(nil), h.reqs...)
}

func (h *harness) recordedSleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

func readAll(_ *testing.T, r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

// respond writes status, a JSON content type when body looks like JSON, and body.
func respond(w http.ResponseWriter, status int, body string) {
	if len(body) > 0 && (body[0] == '{' || body[0] == '[') {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

const minimalEvent = `{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`

// respondOK answers every operation with a small valid success body; search pages hold
// one event and carry pagination key pk1 when more is true.
func respondOK(w http.ResponseWriter, r *http.Request, more bool) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/events":
		body := `{"events":[` + minimalEvent + `]`
		if more {
			body += `,"pagination_key":"pk1"`
		}
		respond(w, 200, body+"}")
	case r.Method == http.MethodGet:
		respond(w, 200, minimalEvent)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/feedback"):
		respond(w, 202, "")
	case r.Method == http.MethodPost:
		respond(w, 200, `{"event_id":"e1","timestamp":1,"ip_info":{}}`)
	default: // PATCH and DELETE answer 200 with an empty body
		respond(w, 200, "")
	}
}

// Shared by the internal tests (redirects) and, through export_test.go, by the harness
// of package fingerprint_test (harness_fake_test.go).
const (
	// stall is how long the slow servers hold a response: far longer than any deadline
	// in the suite, so a call that returns before it was cut by its deadline.
	stall = 30 * time.Second
	// settle bounds how long connections and goroutines may take to wind down.
	settle = 10 * time.Second
)

func asAPIError(t *testing.T, err error) *APIError {
	t.Helper()
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return apiErr
}

func testEdgeRequest() *EdgeRequest {
	return &EdgeRequest{
		Method:      http.MethodGet,
		URL:         "https://shop.example.com/login",
		Headers:     []EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		IPv4Address: Ptr("203.0.113.7"),
	}
}
