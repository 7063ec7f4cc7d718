package edge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
)

const edgeTestKey = "test-secret-api-key"

// fakeEdgeAPI serves POST /edge. It checks the request the way the API does (unknown
// fields rejected, auth required) and answers with the configured response.
type fakeEdgeAPI struct {
	t       *testing.T
	calls   atomic.Int32
	mu      sync.Mutex
	lastReq *fingerprint.EdgeRequest
	respond func(w http.ResponseWriter, r *http.Request) // nil: a "good" answer
}

func (f *fakeEdgeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.Method != http.MethodPost || r.URL.Path != "/edge" {
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+edgeTestKey {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var req fingerprint.EdgeRequest
	if err := dec.Decode(&req); err != nil {
		f.t.Errorf("bad edge request body: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.lastReq = &req
	f.mu.Unlock()
	if f.respond != nil {
		f.respond(w, r)
		return
	}
	writeEdgeResponse(w, "not_bot")
}

func (f *fakeEdgeAPI) last() *fingerprint.EdgeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastReq
}

// writeEdgeResponse answers with a minimal EdgeResponse; category "not_bot" omits bot_info.
func writeEdgeResponse(w http.ResponseWriter, category string) {
	res := map[string]any{
		"event_id":  "1760000000999.Edge01",
		"timestamp": 1760000000999,
		"source":    "edge",
		"ip_info":   map[string]any{"v4": map[string]any{"address": "192.0.2.1"}},
	}
	if category != "not_bot" {
		res["bot_info"] = map[string]any{
			"category": category, "confidence": "high", "identity": "spoofed",
			"name": "ExampleScraper", "provider": "Example Inc.",
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}

func newEdgeSetup(t *testing.T, respond func(http.ResponseWriter, *http.Request)) (*fingerprint.Client, *fakeEdgeAPI) {
	t.Helper()
	api := &fakeEdgeAPI{t: t, respond: respond}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	c, err := fingerprint.NewClient(edgeTestKey, fingerprint.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

// appHandler is the protected application: it records what it saw.
type appHandler struct {
	calls  atomic.Int32
	result atomic.Pointer[fingerprint.EdgeResponse]
	body   atomic.Value
}

func (a *appHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.calls.Add(1)
	if res, ok := edge.ResultFromContext(r.Context()); ok {
		a.result.Store(res)
	}
	b, _ := io.ReadAll(r.Body)
	a.body.Store(string(b))
	_, _ = io.WriteString(w, "app")
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, r)
	return rr
}

func TestMiddleware_PassesResultAndBody(t *testing.T) {
	t.Parallel()
	c, api := newEdgeSetup(t, nil)
	app := &appHandler{}
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		Request: &edge.RequestOptions{LinkedID: "checkout"},
	})(app)

	r := httptest.NewRequest(http.MethodPost, "https://shop.example.org/pay?x=1", strings.NewReader("card=4242"))
	r.RemoteAddr = "198.51.100.20:4000"
	r.Header.Set("Authorization", "Bearer user-token")
	rr := serve(h, r)

	if rr.Code != 200 || rr.Body.String() != "app" || app.calls.Load() != 1 {
		t.Fatalf("status %d body %q app calls %d", rr.Code, rr.Body.String(), app.calls.Load())
	}
	if got := app.body.Load(); got != "card=4242" {
		t.Errorf("app saw body %q: the middleware must not consume it", got)
	}
	res := app.result.Load()
	if res == nil || res.EventID != "1760000000999.Edge01" {
		t.Fatalf("result in context: %+v", res)
	}
	sent := api.last()
	if sent.URL != "https://shop.example.org/pay?x=1" || sent.Method != "POST" || str(sent.IPv4Address) != "198.51.100.20" || str(sent.LinkedID) != "checkout" {
		t.Errorf("sent %+v", sent)
	}
	for _, hd := range sent.Headers {
		if hd.Name == "Authorization" && hd.Value != "" {
			t.Errorf("credential sent to the API: %q", hd.Value)
		}
	}
}

func TestMiddleware_DecideBlocks(t *testing.T) {
	t.Parallel()
	c, _ := newEdgeSetup(t, func(w http.ResponseWriter, _ *http.Request) { writeEdgeResponse(w, "scraping") })
	app := &appHandler{}
	var decided atomic.Int32
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		Decide: func(w http.ResponseWriter, r *http.Request, res *fingerprint.EdgeResponse) bool {
			decided.Add(1)
			if got, ok := edge.ResultFromContext(r.Context()); !ok || got != res {
				t.Error("Decide's request does not carry the result")
			}
			if res.BotInfo != nil && res.BotInfo.Category == fingerprint.BotInfoCategoryScraping {
				http.Error(w, "forbidden", http.StatusForbidden)
				return false
			}
			return true
		},
	})(app)
	rr := serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
	if rr.Code != http.StatusForbidden || app.calls.Load() != 0 || decided.Load() != 1 {
		t.Errorf("status %d, app calls %d, decide calls %d", rr.Code, app.calls.Load(), decided.Load())
	}
}

func TestMiddleware_TimeoutFailsOpen(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c, api := newEdgeSetup(t, func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up (or the test ends)
		case <-r.Context().Done():
		case <-release:
		}
	})
	app := &appHandler{}
	var gotErr atomic.Value
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		Timeout: 50 * time.Millisecond,
		OnError: func(_ *http.Request, err error) { gotErr.Store(err) },
		Decide: func(http.ResponseWriter, *http.Request, *fingerprint.EdgeResponse) bool {
			t.Error("Decide called without a result")
			return true
		},
	})(app)

	start := time.Now()
	rr := serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
	elapsed := time.Since(start)

	if rr.Code != 200 || app.calls.Load() != 1 {
		t.Fatalf("fail-open: status %d, app calls %d", rr.Code, app.calls.Load())
	}
	if app.result.Load() != nil {
		t.Error("a result is in the context after a failure")
	}
	err, _ := gotErr.Load().(error)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("OnError got %v, want a deadline error", err)
	}
	if elapsed > 5*time.Second { // a generous bound: only catches "the timeout was ignored"
		t.Errorf("request took %v with a 50ms analysis timeout", elapsed)
	}
	if api.calls.Load() < 1 {
		t.Error("the API was never called")
	}
}

func TestMiddleware_APIErrorFailsOpenWithoutRetry(t *testing.T) {
	t.Parallel()
	c, api := newEdgeSetup(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>bad gateway</html>")
	})
	app := &appHandler{}
	var gotErr atomic.Value
	h := edge.Middleware(c, &edge.MiddlewareOptions{OnError: func(_ *http.Request, err error) { gotErr.Store(err) }})(app)
	rr := serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
	if rr.Code != 200 || app.calls.Load() != 1 {
		t.Fatalf("status %d app calls %d", rr.Code, app.calls.Load())
	}
	err, _ := gotErr.Load().(error)
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Errorf("OnError got %v, want *APIError 502", err)
	}
	if n := api.calls.Load(); n != 1 {
		t.Errorf("API called %d times: each call creates an event, a 5xx must not be retried", n)
	}
}

func TestMiddleware_FailClosed(t *testing.T) {
	t.Parallel()
	c, _ := newEdgeSetup(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	app := &appHandler{}
	var onErr atomic.Int32
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		FailClosed: true,
		OnError:    func(*http.Request, error) { onErr.Add(1) },
	})(app)
	rr := serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
	if rr.Code != http.StatusServiceUnavailable || app.calls.Load() != 0 || onErr.Load() != 1 {
		t.Errorf("status %d, app calls %d, OnError calls %d", rr.Code, app.calls.Load(), onErr.Load())
	}
	if strings.Contains(rr.Body.String(), edgeTestKey) {
		t.Error("response reveals the API key")
	}
}

func TestMiddleware_SkipAndNoClientIP(t *testing.T) {
	t.Parallel()
	c, api := newEdgeSetup(t, nil)
	app := &appHandler{}
	var gotErr atomic.Value
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		Skip:    func(r *http.Request) bool { return r.URL.Path == "/healthz" },
		OnError: func(_ *http.Request, err error) { gotErr.Store(err) },
	})(app)

	serve(h, newIncoming(http.MethodGet, "http://a.example/healthz", "192.0.2.1:1"))
	if api.calls.Load() != 0 || app.calls.Load() != 1 {
		t.Errorf("skip: api calls %d app calls %d", api.calls.Load(), app.calls.Load())
	}

	serve(h, newIncoming(http.MethodGet, "http://a.example/", "")) // no RemoteAddr
	var ve *fingerprint.ValidationError
	if err, _ := gotErr.Load().(error); !errors.As(err, &ve) {
		t.Errorf("OnError got %v, want *ValidationError", err)
	}
	if api.calls.Load() != 0 || app.calls.Load() != 2 {
		t.Errorf("no IP: api calls %d app calls %d", api.calls.Load(), app.calls.Load())
	}
}

// TestMiddleware_BodyUntouchedUntilHandler streams a request body through a real
// server: the application must be the first and only reader.
func TestMiddleware_BodyUntouchedUntilHandler(t *testing.T) {
	t.Parallel()
	c, _ := newEdgeSetup(t, nil)
	var inApp atomic.Bool
	var readBeforeApp atomic.Bool
	var got bytes.Buffer
	h := edge.Middleware(c, &edge.MiddlewareOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inApp.Store(true)
		_, _ = io.Copy(&got, r.Body)
	}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = &watchedBody{ReadCloser: r.Body, inApp: &inApp, early: &readBeforeApp}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	payload := strings.Repeat("z", 64<<10)
	res, err := srv.Client().Post(srv.URL+"/upload", "text/plain", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if readBeforeApp.Load() {
		t.Error("the body was read before the application handler ran")
	}
	if got.String() != payload {
		t.Errorf("application got %d bytes, want %d", got.Len(), len(payload))
	}
}

type watchedBody struct {
	io.ReadCloser
	inApp, early *atomic.Bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	if !b.inApp.Load() {
		b.early.Store(true)
	}
	return b.ReadCloser.Read(p)
}

func TestMiddleware_Concurrent(t *testing.T) {
	t.Parallel()
	c, api := newEdgeSetup(t, nil)
	app := &appHandler{}
	h := edge.Middleware(c, &edge.MiddlewareOptions{})(app)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
		})
	}
	wg.Wait()
	if api.calls.Load() != 20 || app.calls.Load() != 20 {
		t.Errorf("api calls %d, app calls %d", api.calls.Load(), app.calls.Load())
	}
}

func TestResultFromContext_Empty(t *testing.T) {
	t.Parallel()
	if res, ok := edge.ResultFromContext(t.Context()); ok || res != nil {
		t.Errorf("got %v %v from an empty context", res, ok)
	}
}

// TestMiddleware_TimeoutCoversRetries: the API answers 429 with Retry-After: 0 forever
// and the client may retry 10,000 times. A timeout that bounds only single attempts would
// let all of them run; one that covers retries stops after a handful (at most one per
// MinRetryDelay).
func TestMiddleware_TimeoutCoversRetries(t *testing.T) {
	t.Parallel()
	const maxRetries = 10_000
	api := &fakeEdgeAPI{t: t, respond: func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	}}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	c, err := fingerprint.NewClient(edgeTestKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(maxRetries))
	if err != nil {
		t.Fatal(err)
	}
	app := &appHandler{}
	var gotErr atomic.Value
	const timeout = 2 * time.Second // room for a few retries spaced by MinRetryDelay
	// minRetryDelay is the client's floor between retries (fingerprint/retry.go), which the
	// package documents but does not export.
	const minRetryDelay = 200 * time.Millisecond
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		Timeout: timeout,
		OnError: func(_ *http.Request, err error) { gotErr.Store(err) },
	})(app)

	rr := serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
	if rr.Code != 200 || app.calls.Load() != 1 {
		t.Fatalf("fail-open: status %d, app calls %d", rr.Code, app.calls.Load())
	}
	n := api.calls.Load()
	if n < 2 {
		t.Errorf("API called %d times: the test needs retries to happen", n)
	}
	// Retry-After: 0 still waits MinRetryDelay, so the timeout fits at most this many.
	if most := int32(timeout/minRetryDelay) + 1; n > most {
		t.Errorf("API called %d times in %v: more than %d, retries came faster than MinRetryDelay or past the timeout", n, timeout, most)
	}
	// At the deadline the error is either the context's or, when an attempt had just
	// finished, the last 429 (the client does not wait past a deadline).
	err, _ = gotErr.Load().(error)
	var apiErr *fingerprint.APIError
	if !errors.Is(err, context.DeadlineExceeded) && !(errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests) {
		t.Errorf("OnError got %v, want a deadline error or the last 429", err)
	}
}

// blockingTransport ignores the request context and blocks until released.
type blockingTransport struct {
	entered, release, returned chan struct{}
}

func (b *blockingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	close(b.entered)
	<-b.release
	defer close(b.returned)
	return nil, errors.New("released")
}

// TestMiddleware_TimeoutWithTransportIgnoringContext: fail-open must not wait for a
// transport that never looks at the context, and the analysis goroutine must end once the
// transport returns.
func TestMiddleware_TimeoutWithTransportIgnoringContext(t *testing.T) {
	t.Parallel()
	bt := &blockingTransport{entered: make(chan struct{}), release: make(chan struct{}), returned: make(chan struct{})}
	c, err := fingerprint.NewClient(edgeTestKey, fingerprint.WithBaseURL("https://api.invalid"),
		fingerprint.WithHTTPClient(&http.Client{Transport: bt}), fingerprint.WithTimeout(0))
	if err != nil {
		t.Fatal(err)
	}
	app := &appHandler{}
	var gotErr atomic.Value
	h := edge.Middleware(c, &edge.MiddlewareOptions{
		Timeout: 50 * time.Millisecond,
		OnError: func(_ *http.Request, err error) { gotErr.Store(err) },
	})(app)

	served := make(chan *httptest.ResponseRecorder, 1)
	go func() { served <- serve(h, newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1")) }()
	var rr *httptest.ResponseRecorder
	select {
	case rr = <-served:
	case <-time.After(10 * time.Second): // only reached when the timeout is not enforced
		close(bt.release)
		t.Fatal("the middleware waited for a transport that ignores the context")
	}
	if rr.Code != 200 || app.calls.Load() != 1 {
		t.Errorf("fail-open: status %d, app calls %d", rr.Code, app.calls.Load())
	}
	if err, _ := gotErr.Load().(error); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("OnError got %v, want a deadline error", err)
	}
	close(bt.release)
	select {
	case <-bt.entered: // the usual case: the analysis was stuck in the transport
		<-bt.returned // nothing outlives the test
	default:
	}
}

func TestMiddleware_NilOptions(t *testing.T) {
	t.Parallel()
	c, api := newEdgeSetup(t, nil)
	app := &appHandler{}
	rr := serve(edge.Middleware(c, nil)(app), newIncoming(http.MethodGet, "http://a.example/", "192.0.2.1:1"))
	if rr.Code != 200 || app.calls.Load() != 1 || api.calls.Load() != 1 || app.result.Load() == nil {
		t.Errorf("status %d, app calls %d, api calls %d, result %v", rr.Code, app.calls.Load(), api.calls.Load(), app.result.Load())
	}
}
