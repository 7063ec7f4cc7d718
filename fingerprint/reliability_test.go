package fingerprint

// Reliability suite: faults injected by the fake server (or by raw handlers where the
// fake has no such fault), with real sleeps and real connections. Every case ends with a
// leak check: all server connections closed and the goroutine count back to its baseline.
//
// These tests are not parallel, because they count goroutines.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// backoffScale shrinks the client's exponential backoff (500 ms, 1 s, 2 s, ...) to 10 ms,
// 20 ms, 40 ms, ... without jitter, so the suite is fast and the spacing checkable. The
// client still really sleeps.
const backoffScale = 50

// rig is an httptest server counting its open connections, serving either the fake API
// or a raw handler, and a Client with its own transport.
type rig struct {
	t      *testing.T
	fake   *fingerprinttest.Server // nil with a raw handler
	ts     *httptest.Server
	open   atomic.Int64
	tr     *http.Transport
	client *Client
	// goroutines is the count before the client made any connection.
	goroutines int
}

// newRig mounts handler (the fake API when nil) and builds a client with opts.
func newRig(t *testing.T, handler http.Handler, opts ...Option) *rig {
	t.Helper()
	r := &rig{t: t}
	base := ""
	if handler == nil {
		r.fake = fingerprinttest.NewServer(t)
		handler = r.fake
		base = fingerprinttest.BasePath
	}
	r.ts = httptest.NewUnstartedServer(handler)
	r.ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			r.open.Add(1)
		case http.StateClosed, http.StateHijacked:
			r.open.Add(-1)
		}
	}
	r.ts.Start()
	t.Cleanup(r.ts.Close)
	r.tr = http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(r.tr.CloseIdleConnections)
	key := testKey
	if r.fake != nil {
		key = r.fake.APIKey()
	}
	c, err := NewClient(key, append([]Option{WithBaseURL(r.ts.URL + base), WithHTTPClient(&http.Client{Transport: r.tr})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	c.jitter = func(d time.Duration) time.Duration { return d / backoffScale }
	r.client = c
	r.goroutines = runtime.NumGoroutine()
	return r
}

// addEvent stores a generated event in the fake server and returns it.
func (r *rig) addEvent() Event {
	r.t.Helper()
	ev := fingerprinttest.NewGenerator(uint64(time.Now().UnixNano())).Event()
	if err := r.fake.AddEvents(ev); err != nil {
		r.t.Fatal(err)
	}
	return ev
}

func (r *rig) fail(n int, f fingerprinttest.Fault) {
	r.t.Helper()
	if err := r.fake.FailNext(n, f); err != nil {
		r.t.Fatal(err)
	}
}

// requests returns the fake server's log entries for operation op.
func (r *rig) requests(op string) []fingerprinttest.Request {
	var out []fingerprinttest.Request
	for _, req := range r.fake.Requests() {
		if req.Operation == op {
			out = append(out, req)
		}
	}
	return out
}

// checkNoLeaks closes the client's idle connections and waits until the server has no
// open connection and the goroutine count is back to the baseline.
func (r *rig) checkNoLeaks() {
	r.t.Helper()
	r.tr.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for {
		open, g := r.open.Load(), runtime.NumGoroutine()
		if open == 0 && g <= r.goroutines {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			r.t.Fatalf("leak: %d server connections open, %d goroutines (baseline %d)\n%s", open, g, r.goroutines, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkGaps asserts that consecutive requests are at least min[i] apart and not much
// more (slack covers scheduling under -race on a busy machine).
func checkGaps(t *testing.T, reqs []fingerprinttest.Request, min ...time.Duration) {
	t.Helper()
	const slack = 1500 * time.Millisecond
	if len(reqs) != len(min)+1 {
		t.Fatalf("%d requests, want %d", len(reqs), len(min)+1)
	}
	for i := 1; i < len(reqs); i++ {
		gap := reqs[i].Time.Sub(reqs[i-1].Time)
		if gap < min[i-1] || gap > min[i-1]+slack {
			t.Errorf("gap before attempt %d is %v, want %v (+ at most %v)", i+1, gap, min[i-1], slack)
		}
	}
}

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

func TestReliability429Storm(t *testing.T) {
	t.Run("retries are bounded and spaced by Retry-After", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		ev := r.addEvent()
		r.fail(10, fingerprinttest.TooManyRequests("0.1"))
		_, err := r.client.GetEvent(t.Context(), ev.EventID, nil)
		apiErr := asAPIError(t, err)
		if apiErr.StatusCode != 429 || apiErr.Code != ErrorCodeTooManyRequests || apiErr.RetryAfter != 100*time.Millisecond ||
			!errors.Is(err, ErrRateLimited) || !bytes.Contains(apiErr.Body, []byte(`"too_many_requests"`)) {
			t.Errorf("got %+v", apiErr)
		}
		checkGaps(t, r.requests(fingerprinttest.OpGetEvent), 100*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond)
		if n := r.fake.PendingFaults(); n != 6 {
			t.Errorf("%d faults left, want 6 (1 attempt + 3 retries)", n)
		}
		r.checkNoLeaks()
	})
	t.Run("a storm shorter than the retries ends in success", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		ev := r.addEvent()
		r.fail(3, fingerprinttest.TooManyRequests("0.05"))
		got, err := r.client.GetEvent(t.Context(), ev.EventID, nil)
		if err != nil || got.EventID != ev.EventID {
			t.Fatalf("got %v, %v", got, err)
		}
		checkGaps(t, r.requests(fingerprinttest.OpGetEvent), 50*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond)
		r.checkNoLeaks()
	})
	t.Run("a Retry-After over the cap is returned, not waited for", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		r.fail(1, fingerprinttest.TooManyRequests("120"))
		start := time.Now()
		_, err := r.client.SearchEvents(t.Context(), &SearchEventsParams{Limit: 5})
		if apiErr := asAPIError(t, err); apiErr.RetryAfter != 120*time.Second {
			t.Errorf("RetryAfter %v, want 2m0s", apiErr.RetryAfter)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
		if n := len(r.requests(fingerprinttest.OpSearchEvents)); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
	t.Run("a Retry-After past the context deadline returns at once", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		r.fail(5, fingerprinttest.TooManyRequests("2"))
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := r.client.SearchEvents(ctx, nil)
		if apiErr := asAPIError(t, err); apiErr.StatusCode != 429 {
			t.Errorf("status %d", apiErr.StatusCode)
		}
		if d := time.Since(start); d > 400*time.Millisecond {
			t.Errorf("took %v; waiting could not fit in the deadline, so it should not start", d)
		}
		if n := len(r.requests(fingerprinttest.OpSearchEvents)); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
}

func TestReliability5xxBursts(t *testing.T) {
	t.Run("a burst shorter than the retries ends in success, with backoff", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		ev := r.addEvent()
		r.fail(2, fingerprinttest.InternalError())
		got, err := r.client.GetEvent(t.Context(), ev.EventID, nil)
		if err != nil || got.EventID != ev.EventID {
			t.Fatalf("got %v, %v", got, err)
		}
		checkGaps(t, r.requests(fingerprinttest.OpGetEvent), baseBackoff/backoffScale, 2*baseBackoff/backoffScale)
		r.checkNoLeaks()
	})
	t.Run("a longer burst returns the last error with status and HTML body", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		r.fail(5, fingerprinttest.BadGatewayHTML())
		err := r.client.DeleteVisitorData(t.Context(), "Xk3pR8vQ2mN7bL5tY9wZ")
		apiErr := asAPIError(t, err)
		want := fingerprinttest.BadGatewayHTML().Body
		if apiErr.StatusCode != 502 || apiErr.Code != "" || !bytes.Equal(apiErr.Body, want) ||
			!strings.Contains(err.Error(), "502 Bad Gateway") {
			t.Errorf("got %v, body %q", err, apiErr.Body)
		}
		if n := len(r.requests(fingerprinttest.OpDeleteVisitorData)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		if n := r.fake.PendingFaults(); n != 2 {
			t.Errorf("%d faults left, want 2", n)
		}
		r.checkNoLeaks()
	})
	t.Run("POST /edge is not retried on 5xx", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		r.fail(3, fingerprinttest.InternalError())
		_, err := r.client.AnalyzeRequest(t.Context(), testEdgeRequest())
		if apiErr := asAPIError(t, err); apiErr.StatusCode != 500 || apiErr.Code != ErrorCodeFailed {
			t.Errorf("got %+v", apiErr)
		}
		if n := len(r.requests(fingerprinttest.OpAnalyzeRequest)); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
}

func TestReliabilityHTMLPages(t *testing.T) {
	t.Run("an HTML 503 keeps status, headers and body", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(0))
		r.fail(1, fingerprinttest.ServiceUnavailableHTML())
		_, err := r.client.GetEvent(t.Context(), "1768478400000.abcdef", nil)
		apiErr := asAPIError(t, err)
		if apiErr.StatusCode != 503 || !bytes.Equal(apiErr.Body, fingerprinttest.ServiceUnavailableHTML().Body) ||
			!strings.HasPrefix(apiErr.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(err.Error(), "503 Service Temporarily Unavailable") {
			t.Errorf("got %v, headers %v", err, apiErr.Header)
		}
		r.checkNoLeaks()
	})
	t.Run("a 200 HTML page (captive portal) is a DecodeError with the body", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		page := []byte("<html><body>Please log in to the hotel Wi-Fi</body></html>")
		r.fail(1, fingerprinttest.Fault{Status: 200, Body: page})
		_, err := r.client.GetEvent(t.Context(), "1768478400000.abcdef", nil)
		var de *DecodeError
		if !errors.As(err, &de) || de.StatusCode != 200 || !bytes.Equal(de.Body, page) || !strings.Contains(err.Error(), "hotel Wi-Fi") {
			t.Fatalf("got %v (%T)", err, err)
		}
		if n := len(r.requests(fingerprinttest.OpGetEvent)); n != 1 {
			t.Errorf("%d attempts, want 1 (a body that is not JSON will not become JSON)", n)
		}
		r.checkNoLeaks()
	})
}

func TestReliabilityTruncatedBodies(t *testing.T) {
	t.Run("a body cut short is retried", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		ev := r.addEvent()
		r.fail(1, fingerprinttest.TruncatedBody())
		got, err := r.client.GetEvent(t.Context(), ev.EventID, nil)
		if err != nil || got.EventID != ev.EventID {
			t.Fatalf("got %v, %v", got, err)
		}
		if n := len(r.requests(fingerprinttest.OpGetEvent)); n != 2 {
			t.Errorf("%d attempts, want 2", n)
		}
		r.checkNoLeaks()
	})
	t.Run("bodies always cut short end in io.ErrUnexpectedEOF", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		r.fail(5, fingerprinttest.TruncatedBody())
		_, err := r.client.SearchEvents(t.Context(), nil)
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "GET /events") {
			t.Errorf("got %v", err)
		}
		if n := len(r.requests(fingerprinttest.OpSearchEvents)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		r.checkNoLeaks()
	})
	t.Run("complete but truncated JSON is a DecodeError, not retried", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		half := fullEventJSON(t)
		half = half[:len(half)/2]
		r.fail(1, fingerprinttest.Fault{Status: 200, Body: half, ContentType: "application/json"})
		_, err := r.client.GetEvent(t.Context(), "1768478400000.abcdef", nil)
		var de *DecodeError
		var syntax *json.SyntaxError
		if !errors.As(err, &de) || !bytes.Equal(de.Body, half) || !errors.As(err, &syntax) {
			t.Fatalf("got %v (%T)", err, err)
		}
		if n := len(r.requests(fingerprinttest.OpGetEvent)); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
	t.Run("POST /edge is not retried after a cut: the event exists", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		r.fail(1, fingerprinttest.Fault{Operation: fingerprinttest.OpAnalyzeRequest, Truncate: true})
		if _, err := r.client.AnalyzeRequest(t.Context(), testEdgeRequest()); err == nil {
			t.Fatal("no error")
		}
		if n := len(r.requests(fingerprinttest.OpAnalyzeRequest)); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		if n := len(r.fake.EdgeRequests()); n != 1 {
			t.Errorf("the server stored %d edge requests, want exactly 1", n)
		}
		r.checkNoLeaks()
	})
}

// resetMidBody answers the first failures requests with half of body and a TCP reset
// (SO_LINGER 0), then serves body whole. It counts attempts.
func resetMidBody(t *testing.T, body []byte, failures int, attempts *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(attempts.Add(1)) > failures {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
		_, _ = buf.Write(body[:len(body)/2])
		_ = buf.Flush()
		time.Sleep(10 * time.Millisecond) // let the client start reading the body
		_ = conn.(*net.TCPConn).SetLinger(0)
		_ = conn.Close()
	})
}

func TestReliabilityConnectionResets(t *testing.T) {
	t.Run("a reset before the response is retried for GET", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		ev := r.addEvent()
		r.fail(2, fingerprinttest.ConnectionReset())
		got, err := r.client.GetEvent(t.Context(), ev.EventID, nil)
		if err != nil || got.EventID != ev.EventID {
			t.Fatalf("got %v, %v", got, err)
		}
		if n := len(r.requests(fingerprinttest.OpGetEvent)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		r.checkNoLeaks()
	})
	t.Run("resets on every attempt give a transport error naming the operation", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(2))
		r.fail(5, fingerprinttest.ConnectionReset())
		err := r.client.UpdateEvent(t.Context(), "1768478400000.abcdef", EventUpdate{Suspect: Ptr(true)})
		var apiErr *APIError
		if err == nil || errors.As(err, &apiErr) || !strings.Contains(err.Error(), "PATCH /events/{event_id}") {
			t.Errorf("got %v", err)
		}
		if n := len(r.requests(fingerprinttest.OpUpdateEvent)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		r.checkNoLeaks()
	})
	t.Run("POST /edge is not retried after a reset", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		r.fail(1, fingerprinttest.ConnectionReset())
		if _, err := r.client.AnalyzeRequest(t.Context(), testEdgeRequest()); err == nil {
			t.Fatal("no error")
		}
		if n := len(r.requests(fingerprinttest.OpAnalyzeRequest)); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
	t.Run("a reset mid-body is retried", func(t *testing.T) {
		var attempts atomic.Int32
		body := fullEventJSON(t)
		r := newRig(t, resetMidBody(t, body, 2, &attempts), WithMaxRetries(2))
		got, err := r.client.GetEvent(t.Context(), "1768478400000.Xk3pR8", nil)
		if err != nil || got.EventID == "" {
			t.Fatalf("got %v, %v", got, err)
		}
		if n := attempts.Load(); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		r.checkNoLeaks()
	})
	t.Run("resets mid-body on every attempt give an error", func(t *testing.T) {
		var attempts atomic.Int32
		r := newRig(t, resetMidBody(t, fullEventJSON(t), 100, &attempts), WithMaxRetries(2))
		_, err := r.client.GetEvent(t.Context(), "1768478400000.Xk3pR8", nil)
		if err == nil || !strings.Contains(err.Error(), "GET /events/{event_id}") {
			t.Errorf("got %v", err)
		}
		if n := attempts.Load(); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		r.checkNoLeaks()
	})
}

// slowBody sends the headers and the first kilobyte of a 2 KB body, then stalls until
// the client goes away. It counts attempts.
func slowBody(attempts *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "2048")
		_, _ = w.Write(bytes.Repeat([]byte(" "), 1024))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
}

func TestReliabilityDeadlines(t *testing.T) {
	// late bounds how long after its deadline a call may return (scheduling, -race).
	const late = 700 * time.Millisecond
	t.Run("slow headers: the context deadline is honoured", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(3))
		r.fake.SetLatency(10 * time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := r.client.GetEvent(ctx, "1768478400000.abcdef", nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
		if d := time.Since(start); d > 200*time.Millisecond+late {
			t.Errorf("returned after %v", d)
		}
		r.fake.SetLatency(0)
		r.checkNoLeaks()
	})
	t.Run("slow body: the context deadline is honoured", func(t *testing.T) {
		var attempts atomic.Int32
		r := newRig(t, slowBody(&attempts), WithMaxRetries(3))
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := r.client.GetEvent(ctx, "1768478400000.abcdef", nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
		if d := time.Since(start); d > 200*time.Millisecond+late {
			t.Errorf("returned after %v", d)
		}
		if n := attempts.Load(); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
	t.Run("slow body: each attempt is cut by WithTimeout, retries are bounded", func(t *testing.T) {
		var attempts atomic.Int32
		r := newRig(t, slowBody(&attempts), WithMaxRetries(2), WithTimeout(100*time.Millisecond))
		start := time.Now()
		_, err := r.client.SearchEvents(t.Context(), nil)
		d := time.Since(start)
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
		if n := attempts.Load(); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		// 3 attempts of 100 ms plus backoffs of 10 and 20 ms.
		if min := 330 * time.Millisecond; d < min || d > min+late {
			t.Errorf("took %v, want about %v", d, min)
		}
		r.checkNoLeaks()
	})
	t.Run("the iterator stops at the deadline", func(t *testing.T) {
		r := newRig(t, nil, WithMaxRetries(1))
		if err := r.fake.AddEvents(fingerprinttest.NewGenerator(3).Events(30)...); err != nil {
			t.Fatal(err)
		}
		r.fake.SetLatency(60 * time.Millisecond)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		n, last := 0, error(nil)
		for ev, err := range r.client.SearchEventsIter(ctx, &SearchEventsParams{Limit: 2}) {
			if err != nil {
				last = err
				break
			}
			if ev == nil {
				t.Fatal("nil event without error")
			}
			n++
		}
		if !errors.Is(last, context.DeadlineExceeded) || n == 0 || n >= 30 {
			t.Errorf("%d events, then %v", n, last)
		}
		if d := time.Since(start); d > 200*time.Millisecond+late {
			t.Errorf("returned after %v", d)
		}
		r.fake.SetLatency(0)
		r.checkNoLeaks()
	})
}

// TestReliabilityConcurrentMixedCalls shares one Client between 64 goroutines making
// get, search, iterate, update and edge calls against the fake server while it injects
// 429s, 503s and connection resets. Run with -race.
func TestReliabilityConcurrentMixedCalls(t *testing.T) {
	const workers, perWorker, eventsPerWorker = 64, 30, 5
	opsPerWorker := perWorker
	if testing.Short() {
		opsPerWorker = 10
		t.Logf("-short: %d calls per goroutine instead of %d", opsPerWorker, perWorker)
	}
	r := newRig(t, nil, WithMaxRetries(10))
	events := fingerprinttest.NewGenerator(64).Events(workers * eventsPerWorker)
	if err := r.fake.AddEvents(events...); err != nil {
		t.Fatal(err)
	}
	perVisitor := map[string]int{}
	for _, ev := range events {
		perVisitor[ev.Identification.VisitorID]++
	}
	r.fail(20, fingerprinttest.TooManyRequests("0"))
	r.fail(10, fingerprinttest.Fault{Operation: fingerprinttest.OpSearchEvents, Status: 503, RetryAfter: "0"})
	r.fail(10, fingerprinttest.Fault{Operation: fingerprinttest.OpGetEvent, Reset: true})

	var calls atomic.Int64
	ctx := t.Context()
	c := r.client
	worker := func(w int) error {
		own := events[w*eventsPerWorker : (w+1)*eventsPerWorker]
		for i := range opsPerWorker {
			ev := own[i%len(own)]
			visitor := ev.Identification.VisitorID
			calls.Add(1)
			switch i % 5 {
			case 0:
				got, err := c.GetEvent(ctx, ev.EventID, nil)
				if err != nil {
					return err
				}
				if got.EventID != ev.EventID || got.Identification.VisitorID != visitor {
					return fmt.Errorf("GetEvent(%s) returned %s of %s", ev.EventID, got.EventID, got.Identification.VisitorID)
				}
			case 1:
				page, err := c.SearchEvents(ctx, &SearchEventsParams{VisitorID: visitor, Limit: 100})
				if err != nil {
					return err
				}
				if len(page.Events) != min(100, perVisitor[visitor]) {
					return fmt.Errorf("search %s: %d events, want %d", visitor, len(page.Events), perVisitor[visitor])
				}
				for _, e := range page.Events {
					if e.Identification.VisitorID != visitor {
						return fmt.Errorf("search %s returned an event of %s", visitor, e.Identification.VisitorID)
					}
				}
			case 2:
				seen := map[string]bool{}
				for e, err := range c.SearchEventsIter(ctx, &SearchEventsParams{VisitorID: visitor, Limit: 3}) {
					if err != nil {
						return err
					}
					if seen[e.EventID] || e.Identification.VisitorID != visitor {
						return fmt.Errorf("iterating %s: duplicate or foreign event %s", visitor, e.EventID)
					}
					seen[e.EventID] = true
				}
				if len(seen) != perVisitor[visitor] {
					return fmt.Errorf("iterating %s: %d events, want %d", visitor, len(seen), perVisitor[visitor])
				}
			case 3:
				// Only this worker touches its events, so its last update must be visible.
				tag := strconv.Itoa(w) + "/" + strconv.Itoa(i)
				if err := c.UpdateEvent(ctx, ev.EventID, EventUpdate{Tags: &map[string]any{"op": tag}}); err != nil {
					return err
				}
				calls.Add(1)
				got, err := c.GetEvent(ctx, ev.EventID, nil)
				if err != nil {
					return err
				}
				if got.Tags == nil || (*got.Tags)["op"] != tag {
					return fmt.Errorf("event %s tags %v after update %s", ev.EventID, got.Tags, tag)
				}
			case 4:
				req := testEdgeRequest()
				req.URL = fmt.Sprintf("https://shop.example.com/w/%d/%d", w, i)
				res, err := c.AnalyzeRequest(ctx, req)
				if err != nil {
					return err
				}
				if res.EventID == "" {
					return fmt.Errorf("edge response without event_id")
				}
			}
		}
		return nil
	}
	errs := make(chan error, workers)
	start := time.Now()
	for w := range workers {
		go func() { errs <- worker(w) }()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	t.Logf("%d calls (%d HTTP requests) from %d goroutines in %v",
		calls.Load(), len(r.fake.Requests()), workers, time.Since(start))
	if n := r.fake.PendingFaults(); n != 0 {
		t.Errorf("%d injected faults never happened", n)
	}
	if got, want := len(r.fake.EdgeRequests()), workers*(opsPerWorker/5); got != want {
		t.Errorf("server stored %d edge requests, want %d (one per call, none duplicated)", got, want)
	}
	r.checkNoLeaks()
}
