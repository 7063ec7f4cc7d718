package fingerprint

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sequence answers the i-th request with steps[i] (the last step repeats).
func sequence(steps ...func(w http.ResponseWriter)) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w)
	}, &n
}

func status(code int, body string, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		respond(w, code, body)
	}
}

const (
	notReady  = `{"error":{"code":"state_not_ready","message":"state not ready"}}`
	tooMany   = `{"error":{"code":"too_many_requests","message":"too many requests"}}`
	edgeOK    = `{"event_id":"e1","timestamp":1,"ip_info":{}}`
	updateOK  = ""
	searchOK  = `{"events":[]}`
	serverErr = `{"error":{"code":"failed","message":"internal"}}`
	// unavailable is the API's own 503 body (GET /events/{event_id} and GET /events).
	unavailable = `{"error":{"code":"service_unavailable","message":"service unavailable"}}`
)

func analyzeOnce(c *Client, ctx context.Context) error { //nolint:revive // the shape of every operation in the retry tables
	_, err := c.AnalyzeRequest(ctx, &EdgeRequest{Headers: []EdgeRequestHeader{{Name: "a", Value: "b"}}, Method: "GET",
		URL: "https://x.example/", IPv4Address: Ptr("192.0.2.1")})
	return err
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	get := func(c *Client, ctx context.Context) error { _, err := c.GetEvent(ctx, "e1", nil); return err }
	search := func(c *Client, ctx context.Context) error { _, err := c.SearchEvents(ctx, nil); return err }
	patch := func(c *Client, ctx context.Context) error {
		return c.UpdateEvent(ctx, "e1", EventUpdate{Suspect: Ptr(true)})
	}
	del := func(c *Client, ctx context.Context) error { return c.DeleteVisitorData(ctx, "v1") }
	feedback := func(c *Client, ctx context.Context) error {
		return c.SubmitEventFeedback(ctx, "e1", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)})
	}
	cases := []struct {
		name       string
		call       func(*Client, context.Context) error
		steps      []func(http.ResponseWriter)
		opts       []Option
		wantCalls  int
		wantStatus int // 0: success
		wantSleeps []time.Duration
	}{
		{name: "GET 503 then 200", call: get, steps: []func(http.ResponseWriter){status(503, ""), status(502, "<html>"), status(200, minimalEvent)}, opts: nil,
			wantCalls: 3, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "GET 500 exhausts retries", call: get, steps: []func(http.ResponseWriter){status(500, serverErr)}, opts: nil,
			wantCalls: 3, wantStatus: 500, wantSleeps: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "GET 504 with 5 retries", call: search, steps: []func(http.ResponseWriter){status(504, serverErr)}, opts: []Option{WithMaxRetries(5)},
			wantCalls: 6, wantStatus: 504, wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}},
		{name: "GET retries off", call: get, steps: []func(http.ResponseWriter){status(503, "")}, opts: []Option{WithMaxRetries(0)}, wantCalls: 1, wantStatus: 503, wantSleeps: nil},
		{name: "GET 404 not retried", call: get, steps: []func(http.ResponseWriter){status(404, `{"error":{"code":"event_not_found","message":"m"}}`)}, opts: nil, wantCalls: 1, wantStatus: 404, wantSleeps: nil},
		{name: "GET 400 not retried", call: search, steps: []func(http.ResponseWriter){status(400, "")}, opts: nil, wantCalls: 1, wantStatus: 400, wantSleeps: nil},
		{name: "GET 408 retried", call: get, steps: []func(http.ResponseWriter){status(408, ""), status(200, minimalEvent)}, opts: nil, wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "GET 409 not retried", call: get, steps: []func(http.ResponseWriter){status(409, notReady)}, opts: nil, wantCalls: 1, wantStatus: 409, wantSleeps: nil},
		{name: "GET 429 Retry-After seconds", call: search, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "3"), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{3 * time.Second}},
		{name: "GET 429 Retry-After zero waits the floor", call: search, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "0"), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{minRetryDelay}},
		{name: "GET 429 negative Retry-After waits the floor", call: search, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "-5"), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{minRetryDelay}},
		{name: "GET 429 Retry-After below the floor waits the floor", call: search, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "0.05"), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{minRetryDelay}},
		{name: "GET 429 without Retry-After backs off", call: search, steps: []func(http.ResponseWriter){status(429, tooMany), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "GET 429 unparsable Retry-After backs off", call: search, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "soon"), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "GET 503 past Retry-After date waits the floor", call: get, steps: []func(http.ResponseWriter){status(503, "", "Retry-After", "Sun, 01 Mar 2020 11:00:00 GMT"), status(200, minimalEvent)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{minRetryDelay}},
		{name: "GET 429 Retry-After beyond cap not retried", call: search, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "120")}, opts: nil,
			wantCalls: 1, wantStatus: 429, wantSleeps: nil},
		{name: "GET /events 503 service_unavailable Retry-After honoured", call: search, steps: []func(http.ResponseWriter){status(503, unavailable, "Retry-After", "3"), status(503, unavailable, "Retry-After", "1"), status(200, searchOK)}, opts: nil,
			wantCalls: 3, wantStatus: 0, wantSleeps: []time.Duration{3 * time.Second, time.Second}},
		{name: "GET /events 503 service_unavailable without Retry-After backs off", call: search, steps: []func(http.ResponseWriter){status(503, unavailable), status(200, searchOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "GET 503 service_unavailable Retry-After beyond cap not retried", call: get, steps: []func(http.ResponseWriter){status(503, unavailable, "Retry-After", "120")}, opts: nil,
			wantCalls: 1, wantStatus: 503, wantSleeps: nil},
		{name: "GET 503 Retry-After honoured", call: get, steps: []func(http.ResponseWriter){status(503, "", "Retry-After", "2"), status(200, minimalEvent)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{2 * time.Second}},
		{name: "PATCH 409 state_not_ready retried", call: patch, steps: []func(http.ResponseWriter){status(409, notReady), status(409, notReady), status(200, updateOK)}, opts: nil,
			wantCalls: 3, wantStatus: 0, wantSleeps: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{name: "PATCH 409 other code not retried", call: patch, steps: []func(http.ResponseWriter){status(409, `{"error":{"code":"failed","message":"x"}}`)}, opts: nil, wantCalls: 1, wantStatus: 409, wantSleeps: nil},
		{name: "PATCH 500 retried", call: patch, steps: []func(http.ResponseWriter){status(500, ""), status(200, updateOK)}, opts: nil, wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		// Feedback follows the update rules: the latest submission wins, so a retry is safe.
		{name: "POST feedback 409 state_not_ready retried", call: feedback, steps: []func(http.ResponseWriter){status(409, notReady), status(202, "")}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{250 * time.Millisecond}}, // WithStateNotReadyWait's schedule
		{name: "POST feedback 409 other code not retried", call: feedback, steps: []func(http.ResponseWriter){status(409, `{"error":{"code":"failed","message":"x"}}`)}, opts: nil, wantCalls: 1, wantStatus: 409, wantSleeps: nil},
		{name: "POST feedback 500 retried", call: feedback, steps: []func(http.ResponseWriter){status(500, serverErr), status(202, "")}, opts: nil, wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "POST feedback 503 Retry-After honoured", call: feedback, steps: []func(http.ResponseWriter){status(503, unavailable, "Retry-After", "4"), status(202, "")}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{4 * time.Second}},
		{name: "POST feedback 429 quota Retry-After honoured", call: feedback, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "30"), status(202, "")}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{30 * time.Second}},
		{name: "POST feedback 429 quota beyond cap not retried", call: feedback, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "3600")}, opts: nil, wantCalls: 1, wantStatus: 429, wantSleeps: nil},
		{name: "POST feedback 400 not retried", call: feedback, steps: []func(http.ResponseWriter){status(400, `{"error":{"code":"request_cannot_be_parsed","message":"request body is not valid"}}`)}, opts: nil, wantCalls: 1, wantStatus: 400, wantSleeps: nil},
		{name: "POST feedback 404 not retried", call: feedback, steps: []func(http.ResponseWriter){status(404, `{"error":{"code":"event_not_found","message":"event id not found"}}`)}, opts: nil, wantCalls: 1, wantStatus: 404, wantSleeps: nil},
		{name: "DELETE 429 retried", call: del, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "1"), status(200, "")}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{time.Second}},
		{name: "DELETE 502 retried", call: del, steps: []func(http.ResponseWriter){status(502, ""), status(200, "")}, opts: nil, wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "POST 500 not retried", call: analyzeOnce, steps: []func(http.ResponseWriter){status(500, serverErr)}, opts: nil, wantCalls: 1, wantStatus: 500, wantSleeps: nil},
		{name: "POST 503 not retried", call: analyzeOnce, steps: []func(http.ResponseWriter){status(503, "", "Retry-After", "1")}, opts: nil, wantCalls: 1, wantStatus: 503, wantSleeps: nil},
		{name: "POST 429 retried", call: analyzeOnce, steps: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "1"), status(200, edgeOK)}, opts: nil,
			wantCalls: 2, wantStatus: 0, wantSleeps: []time.Duration{time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			handler, calls := sequence(tc.steps...)
			h := newHarness(t, handler, tc.opts...)
			err := tc.call(h.client, t.Context())
			if got := int(calls.Load()); got != tc.wantCalls {
				t.Errorf("server saw %d requests, want %d", got, tc.wantCalls)
			}
			if tc.wantStatus == 0 && err != nil {
				t.Errorf("err = %v, want success", err)
			}
			if tc.wantStatus != 0 {
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.wantStatus {
					t.Errorf("err = %v, want *APIError %d", err, tc.wantStatus)
				}
			}
			if got := h.recordedSleeps(); !equalDurations(got, tc.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", got, tc.wantSleeps)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] { //nolint:gosec // G602: i < len(b), checked above
			return false
		}
	}
	return true
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	handler, _ := sequence(status(429, tooMany, "Retry-After", now.Add(5*time.Second).Format(http.TimeFormat)), status(200, searchOK))
	h := newHarness(t, handler)
	h.client.now = func() time.Time { return now }
	if _, err := h.client.SearchEvents(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if got := h.recordedSleeps(); !equalDurations(got, []time.Duration{5 * time.Second}) {
		t.Errorf("sleeps = %v, want [5s]", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	type result struct {
		d     time.Duration
		valid bool
	}
	cases := map[string]result{
		"":                               {0, false},
		"5":                              {5 * time.Second, true},
		" 12 ":                           {12 * time.Second, true},
		"1.5":                            {1500 * time.Millisecond, true},
		"0":                              {0, true},
		"-3":                             {0, true},
		"NaN":                            {0, false},
		"soon":                           {0, false},
		"Sun, 01 Mar 2026 12:00:30 GMT":  {30 * time.Second, true},
		"Sunday, 01-Mar-26 12:00:10 GMT": {10 * time.Second, true},
		"Sun, 01 Mar 2026 11:00:00 GMT":  {0, true}, // in the past
		"99999999999999999999":           {time.Duration(1<<63 - 1), true},
	}
	for in, want := range cases {
		if d, valid := parseRetryAfter(in, now); d != want.d || valid != want.valid {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", in, d, valid, want.d, want.valid)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	t.Parallel()
	c, _ := NewClient(testKey)
	c.jitter = func(d time.Duration) time.Duration { return d }
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for n, w := range want {
		if got := c.backoff(n); got != w {
			t.Errorf("backoff(%d) = %v, want %v", n, got, w)
		}
	}
	if got := c.backoff(1000); got != maxBackoff {
		t.Errorf("backoff(1000) = %v", got)
	}
	for range 1000 {
		if d := fullJitter(time.Second); d < 0 || d > time.Second {
			t.Fatalf("fullJitter = %v out of [0, 1s]", d)
		}
	}
}

func TestRequestBodyReplayedOnRetry(t *testing.T) {
	t.Parallel()
	handler, _ := sequence(status(503, ""), status(409, notReady), status(200, ""))
	h := newHarness(t, handler)
	tags := map[string]any{"order": "o-1"}
	if err := h.client.UpdateEvent(t.Context(), "e1", EventUpdate{Tags: &tags, Suspect: Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	reqs := h.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, r := range reqs {
		if string(r.Body) != `{"suspect":false,"tags":{"order":"o-1"}}` {
			t.Errorf("attempt %d body = %q", i, r.Body)
		}
	}
}

func TestRetryNeverOutlivesDeadline(t *testing.T) {
	t.Parallel()
	handler, calls := sequence(status(429, tooMany, "Retry-After", "30"))
	h := newHarness(t, handler)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := h.client.SearchEvents(ctx, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfter != 30*time.Second {
		t.Fatalf("err = %v, want the 429 *APIError", err)
	}
	if calls.Load() != 1 || len(h.recordedSleeps()) != 0 {
		t.Errorf("calls=%d sleeps=%v, want 1 call and no sleep", calls.Load(), h.recordedSleeps())
	}
}

func TestCancelDuringBackoffKeepsBothErrors(t *testing.T) {
	t.Parallel()
	handler, calls := sequence(status(503, `{"error":{"code":"service_unavailable","message":"down"}}`))
	h := newHarness(t, handler)
	ctx, cancel := context.WithCancel(t.Context())
	h.client.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := h.client.GetEvent(ctx, "e1", nil)
	var apiErr *APIError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want context.Canceled wrapping the 503", err)
	}
	if want := "fingerprint: context canceled; last attempt: fingerprint: GET /events/{event_id}: 503 service_unavailable: down"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d", calls.Load())
	}
}

// hijackClose returns a handler that reads the request and drops the connection without
// answering for the first n requests, then answers ok.
func hijackClose(n int32, ok func(http.ResponseWriter)) (http.HandlerFunc, *atomic.Int32) {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			_, _ = io.Copy(io.Discard, r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		ok(w)
	}, &calls
}

func TestConnectionErrorsRetriedForGETNotForPOST(t *testing.T) {
	t.Parallel()
	handler, calls := hijackClose(1, status(200, minimalEvent))
	h := newHarness(t, handler)
	if _, err := h.client.GetEvent(t.Context(), "e1", nil); err != nil {
		t.Fatalf("GET after a dropped connection: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("GET calls = %d, want 2", calls.Load())
	}

	handler, calls = hijackClose(1, status(200, edgeOK))
	h = newHarness(t, handler)
	err := analyzeOnce(h.client, t.Context())
	if err == nil {
		t.Fatal("POST /edge succeeded; the dropped request must not be retried")
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) || !strings.HasPrefix(err.Error(), "fingerprint: POST /edge: ") {
		t.Errorf("err = %v, want a wrapped transport error", err)
	}
	if calls.Load() != 1 {
		t.Errorf("POST calls = %d, want 1", calls.Load())
	}
}

func TestPOSTRetriedAfterDialError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { respond(w, 200, edgeOK) }))
	defer srv.Close()
	var dials atomic.Int32
	d := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return d.DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	if err := analyzeOnce(c, t.Context()); err != nil {
		t.Fatalf("POST after a dial error: %v", err)
	}
	if dials.Load() != 2 {
		t.Errorf("dials = %d, want 2", dials.Load())
	}
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // hang until the client gives up
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		respond(w, 200, minimalEvent)
	}, WithTimeout(100*time.Millisecond))
	if _, err := h.client.GetEvent(t.Context(), "e1", nil); err != nil {
		t.Fatalf("GetEvent: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("calls = %d, want 2", calls.Load())
	}
}

// closeTracker wraps response bodies and records whether each was closed.
type closeTracker struct {
	mu     sync.Mutex
	bodies []*trackedBody
}

type trackedBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackedBody) Close() error { b.closed.Store(true); return nil }

func (ct *closeTracker) transport(status []int, body string) http.RoundTripper {
	var n atomic.Int32
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		b := &trackedBody{Reader: strings.NewReader(body)}
		ct.mu.Lock()
		ct.bodies = append(ct.bodies, b)
		ct.mu.Unlock()
		return &http.Response{StatusCode: status[min(i, len(status)-1)], Header: http.Header{}, Body: b, Request: r}, nil
	})
}

func TestResponseBodiesAreAlwaysClosed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status []int
		body   string
	}{
		{"success", []int{200}, minimalEvent},
		{"retried 503s", []int{503, 503, 503}, "<html>"},
		{"404", []int{404}, `{"error":{"code":"event_not_found","message":"m"}}`},
		{"bad JSON 200", []int{200}, "{"},
	}
	for _, tc := range cases {
		ct := &closeTracker{}
		c, err := NewClient(testKey, WithHTTPClient(&http.Client{Transport: ct.transport(tc.status, tc.body)}))
		if err != nil {
			t.Fatal(err)
		}
		c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
		_, _ = c.GetEvent(t.Context(), "e1", nil)
		if len(ct.bodies) == 0 {
			t.Fatalf("%s: no request", tc.name)
		}
		for i, b := range ct.bodies {
			if !b.closed.Load() {
				t.Errorf("%s: body %d not closed", tc.name, i)
			}
		}
	}
}
