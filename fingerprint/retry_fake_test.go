package fingerprint_test

// Retries under faults injected by the fake server (or by raw handlers where the
// fake has no such fault), with real sleeps and real connections (the harness is in
// harness_fake_test.go). Every case ends with a leak check: all server connections
// closed and the goroutine count back to its baseline.
//
// These tests are not parallel, because they count goroutines.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

func TestRetry429Storm(t *testing.T) {
	t.Run("retries are bounded and spaced by Retry-After", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		ev := r.addEvent()
		r.fail(10, fingerprinttest.TooManyRequests("0.3"))
		_, err := r.client.GetEvent(t.Context(), ev.EventID, nil)
		apiErr := fingerprint.AsAPIError(t, err)
		if apiErr.StatusCode != 429 || apiErr.Code != fingerprint.ErrorCodeTooManyRequests || apiErr.RetryAfter != 300*time.Millisecond ||
			!errors.Is(err, fingerprint.ErrRateLimited) || !bytes.Contains(apiErr.Body, []byte(`"too_many_requests"`)) {
			t.Errorf("got %+v", apiErr)
		}
		reqs := r.wantAttempts(fingerprinttest.OpGetEvent, 4)
		r.wantWaits(reqs, 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond)
		if n := r.fake.PendingFaults(); n != 6 {
			t.Errorf("%d faults left, want 6 (1 attempt + 3 retries)", n)
		}
		r.checkNoLeaks()
	})
	t.Run("a storm shorter than the retries ends in success", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		reqs := r.getEventRecovers(3, fingerprinttest.TooManyRequests("0.25"))
		r.wantWaits(reqs, 250*time.Millisecond, 250*time.Millisecond, 250*time.Millisecond)
		r.checkNoLeaks()
	})
	t.Run("a Retry-After over the cap is returned, not waited for", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		r.fail(1, fingerprinttest.TooManyRequests("120"))
		_, err := r.client.SearchEvents(t.Context(), &fingerprint.SearchEventsParams{Limit: 5})
		if apiErr := fingerprint.AsAPIError(t, err); apiErr.RetryAfter != 120*time.Second {
			t.Errorf("RetryAfter %v, want 2m0s", apiErr.RetryAfter)
		}
		r.wantAttempts(fingerprinttest.OpSearchEvents, 1)
		r.wantWaits(nil)
		r.checkNoLeaks()
	})
	t.Run("a Retry-After past the context deadline returns at once", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		r.fail(5, fingerprinttest.TooManyRequests("20"))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err := r.client.SearchEvents(ctx, nil)
		// Waiting could not fit in the deadline, so it must not start: the error is the
		// 429 itself, not the deadline it would have run into.
		if apiErr := fingerprint.AsAPIError(t, err); apiErr.StatusCode != 429 || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
		r.wantAttempts(fingerprinttest.OpSearchEvents, 1)
		r.wantWaits(nil)
		r.checkNoLeaks()
	})
}

func TestRetry5xxBursts(t *testing.T) {
	t.Run("a burst shorter than the retries ends in success, with backoff", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		reqs := r.getEventRecovers(2, fingerprinttest.InternalError())
		r.wantWaits(reqs, fingerprint.BaseBackoff/backoffScale, 2*fingerprint.BaseBackoff/backoffScale)
		r.checkNoLeaks()
	})
	t.Run("a longer burst returns the last error with status and HTML body", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		r.fail(5, fingerprinttest.BadGatewayHTML())
		err := r.client.DeleteVisitorData(t.Context(), "Xk3pR8vQ2mN7bL5tY9wZ")
		apiErr := fingerprint.AsAPIError(t, err)
		want := fingerprinttest.BadGatewayHTML().Body
		if apiErr.StatusCode != 502 || apiErr.Code != "" || !bytes.Equal(apiErr.Body, want) ||
			!strings.Contains(err.Error(), "502 Bad Gateway") {
			t.Errorf("got %v, body %q", err, apiErr.Body)
		}
		reqs := r.wantAttempts(fingerprinttest.OpDeleteVisitorData, 3)
		r.wantWaits(reqs, fingerprint.BaseBackoff/backoffScale, 2*fingerprint.BaseBackoff/backoffScale)
		if n := r.fake.PendingFaults(); n != 2 {
			t.Errorf("%d faults left, want 2", n)
		}
		r.checkNoLeaks()
	})
	t.Run("POST /edge is not retried on 5xx", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		err := r.edgeNotRetried(fingerprinttest.InternalError(), 0)
		if apiErr := fingerprint.AsAPIError(t, err); apiErr.StatusCode != 500 || apiErr.Code != fingerprint.ErrorCodeFailed {
			t.Errorf("got %+v", apiErr)
		}
		r.checkNoLeaks()
	})
}

func TestRetryHTMLPages(t *testing.T) {
	t.Run("an HTML 503 keeps status, headers and body", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(0))
		r.fail(1, fingerprinttest.ServiceUnavailableHTML())
		_, err := r.client.GetEvent(t.Context(), "1768478400000.abcdef", nil)
		apiErr := fingerprint.AsAPIError(t, err)
		if apiErr.StatusCode != 503 || !bytes.Equal(apiErr.Body, fingerprinttest.ServiceUnavailableHTML().Body) ||
			!strings.HasPrefix(apiErr.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(err.Error(), "503 Service Temporarily Unavailable") {
			t.Errorf("got %v, headers %v", err, apiErr.Header)
		}
		r.checkNoLeaks()
	})
	t.Run("a 200 HTML page (captive portal) is a DecodeError with the body", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		page := []byte("<html><body>Please log in to the hotel Wi-Fi</body></html>")
		r.fail(1, fingerprinttest.Fault{Status: 200, Body: page})
		_, err := r.client.GetEvent(t.Context(), "1768478400000.abcdef", nil)
		var de *fingerprint.DecodeError
		if !errors.As(err, &de) || de.StatusCode != 200 || !bytes.Equal(de.Body, page) || !strings.Contains(err.Error(), "hotel Wi-Fi") {
			t.Fatalf("got %v (%T)", err, err)
		}
		// A body that is not JSON will not become JSON on a second try.
		r.wantAttempts(fingerprinttest.OpGetEvent, 1)
		r.checkNoLeaks()
	})
}

func TestRetryTruncatedBodies(t *testing.T) {
	t.Run("a body cut short is retried", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		r.getEventRecovers(1, fingerprinttest.TruncatedBody())
		r.checkNoLeaks()
	})
	t.Run("bodies always cut short end in io.ErrUnexpectedEOF", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		r.fail(5, fingerprinttest.TruncatedBody())
		_, err := r.client.SearchEvents(t.Context(), nil)
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "GET /events") {
			t.Errorf("got %v", err)
		}
		r.wantAttempts(fingerprinttest.OpSearchEvents, 3)
		r.checkNoLeaks()
	})
	t.Run("complete but truncated JSON is a DecodeError, not retried", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		half := fullEventJSON(t)
		half = half[:len(half)/2]
		r.fail(1, fingerprinttest.Fault{Status: 200, Body: half, ContentType: "application/json"})
		_, err := r.client.GetEvent(t.Context(), "1768478400000.abcdef", nil)
		var de *fingerprint.DecodeError
		var syntax *json.SyntaxError
		if !errors.As(err, &de) || !bytes.Equal(de.Body, half) || !errors.As(err, &syntax) {
			t.Fatalf("got %v (%T)", err, err)
		}
		r.wantAttempts(fingerprinttest.OpGetEvent, 1)
		r.checkNoLeaks()
	})
	t.Run("POST /edge is not retried after a cut: the event exists", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		_ = r.edgeNotRetried(fingerprinttest.Fault{Operation: fingerprinttest.OpAnalyzeRequest, Truncate: true}, 1)
		r.checkNoLeaks()
	})
}

func TestRetryConnectionResets(t *testing.T) {
	t.Run("a reset before the response is retried for GET", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		r.getEventRecovers(2, fingerprinttest.ConnectionReset())
		r.checkNoLeaks()
	})
	t.Run("resets on every attempt give a transport error naming the operation", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(2))
		r.fail(5, fingerprinttest.ConnectionReset())
		err := r.client.UpdateEvent(t.Context(), "1768478400000.abcdef", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
		var apiErr *fingerprint.APIError
		if err == nil || errors.As(err, &apiErr) || !strings.Contains(err.Error(), "PATCH /events/{event_id}") {
			t.Errorf("got %v", err)
		}
		r.wantAttempts(fingerprinttest.OpUpdateEvent, 3)
		r.checkNoLeaks()
	})
	t.Run("POST /edge is not retried after a reset", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		_ = r.edgeNotRetried(fingerprinttest.ConnectionReset(), 0)
		r.checkNoLeaks()
	})
	// The fake server resets before answering; these raw handlers reset halfway through
	// a 200 body whose Content-Length promised more.
	getMidBodyResets := func(t *testing.T, failures int) (int32, error) {
		var attempts atomic.Int32
		r := newRig(t, resetMidBody(t, fullEventJSON(t), failures, &attempts), fingerprint.WithMaxRetries(2))
		got, err := r.client.GetEvent(t.Context(), "1768478400000.Xk3pR8", nil)
		if err == nil && got.EventID == "" {
			t.Error("event without ID")
		}
		r.checkNoLeaks()
		return attempts.Load(), err
	}
	t.Run("a reset mid-body is retried", func(t *testing.T) {
		if n, err := getMidBodyResets(t, 2); err != nil || n != 3 {
			t.Errorf("got %v after %d attempts, want success after 3", err, n)
		}
	})
	t.Run("resets mid-body on every attempt give an error", func(t *testing.T) {
		if n, err := getMidBodyResets(t, 100); err == nil || !strings.Contains(err.Error(), "GET /events/{event_id}") || n != 3 {
			t.Errorf("got %v after %d attempts, want an error naming the operation after 3", err, n)
		}
	})
}

func TestRetryDeadlines(t *testing.T) {
	const timeout = 200 * time.Millisecond
	t.Run("slow headers: the context deadline is honoured", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(3))
		r.fake.SetLatency(fingerprint.Stall)
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		defer cancel()
		_, err := r.client.GetEvent(ctx, "1768478400000.abcdef", nil)
		wantDeadline(t, err, start, timeout)
		r.fake.SetLatency(0)
		r.checkNoLeaks() // the server logs the stalled request when the client has gone
		r.wantAttempts(fingerprinttest.OpGetEvent, 1)
	})
	t.Run("slow body: the context deadline is honoured", func(t *testing.T) {
		var attempts atomic.Int32
		r := newRig(t, slowBody(&attempts), fingerprint.WithMaxRetries(3))
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		defer cancel()
		_, err := r.client.GetEvent(ctx, "1768478400000.abcdef", nil)
		wantDeadline(t, err, start, timeout)
		if n := attempts.Load(); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		r.checkNoLeaks()
	})
	t.Run("slow body: each attempt is cut by WithTimeout, retries are bounded", func(t *testing.T) {
		var attempts atomic.Int32
		r := newRig(t, slowBody(&attempts), fingerprint.WithMaxRetries(2), fingerprint.WithTimeout(100*time.Millisecond))
		start := time.Now()
		_, err := r.client.SearchEvents(t.Context(), nil)
		// 3 attempts of 100 ms plus waits of 250 and 500 ms.
		wantDeadline(t, err, start, 300*time.Millisecond+3*fingerprint.BaseBackoff/backoffScale)
		if n := attempts.Load(); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		r.wantWaits(nil, fingerprint.BaseBackoff/backoffScale, 2*fingerprint.BaseBackoff/backoffScale)
		r.checkNoLeaks()
	})
	t.Run("the iterator stops at the deadline", func(t *testing.T) {
		r := newRig(t, nil, fingerprint.WithMaxRetries(1))
		if err := r.fake.AddEvents(fingerprinttest.NewGenerator(3).Events(30)...); err != nil {
			t.Fatal(err)
		}
		// The first page comes at once; the second stalls until the deadline cuts it.
		// The deadline is long enough for the first page on a loaded machine.
		const timeout = time.Second
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		defer cancel()
		n, last := 0, error(nil)
		for ev, err := range r.client.SearchEventsIter(ctx, &fingerprint.SearchEventsParams{Limit: 2}) {
			if err != nil {
				last = err
				break
			}
			if ev == nil {
				t.Fatal("nil event without error")
			}
			if n++; n == 1 {
				r.fake.SetLatency(fingerprint.Stall)
			}
		}
		if n != 2 {
			t.Errorf("%d events before the error, want the first page of 2", n)
		}
		wantDeadline(t, last, start, timeout)
		r.fake.SetLatency(0)
		r.checkNoLeaks()
		r.wantAttempts(fingerprinttest.OpSearchEvents, 2)
	})
}

// Reliability suite, retry floor (issue 9 §8): no Retry-After value and no jitter makes
// the client retry sooner than minRetryDelay.

// TestRetryFloor: a server that answers every request with 429 (or 503) and a
// Retry-After of 0, a negative number or a past date, against WithMaxRetries(1000). The
// sleep is injected (recorded, not slept), so the 1,001 attempts run at once; every
// recorded wait must be at least minRetryDelay. On the old code they were all 0: 1,001
// attempts in 41 ms.
func TestRetryFloor(t *testing.T) {
	const retries = 1000
	for _, tc := range []struct {
		name, retryAfter string
		status           int
	}{
		{"429 Retry-After 0", "0", 429},
		{"429 Retry-After negative", "-1", 429},
		{"429 Retry-After 1 ms", "0.001", 429},
		{"503 Retry-After past date", "Sun, 01 Mar 2020 11:00:00 GMT", 503},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			h := fingerprint.NewHarness(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Retry-After", tc.retryAfter)
				w.WriteHeader(tc.status)
			}, fingerprint.WithMaxRetries(retries))
			_, err := h.Client().SearchEvents(t.Context(), nil)
			if apiErr := fingerprint.AsAPIError(t, err); apiErr.StatusCode != tc.status {
				t.Errorf("got %v", err)
			}
			if n := calls.Load(); n != retries+1 {
				t.Errorf("%d attempts, want %d", n, retries+1)
			}
			sleeps := h.RecordedSleeps()
			if len(sleeps) != retries {
				t.Fatalf("%d waits, want %d", len(sleeps), retries)
			}
			for i, d := range sleeps {
				if d < fingerprint.MinRetryDelay {
					t.Fatalf("wait %d was %v, below minRetryDelay %v", i, d, fingerprint.MinRetryDelay)
				}
			}
		})
	}
	t.Run("backoff whose jitter comes out at 0", func(t *testing.T) {
		h := fingerprint.NewHarness(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, fingerprint.WithMaxRetries(50))
		fingerprint.SetRetryHooks(h.Client(), nil, func(time.Duration) time.Duration { return 0 })
		_, _ = h.Client().GetEvent(t.Context(), "1708102555327.NLOjmg", nil)
		sleeps := h.RecordedSleeps()
		if len(sleeps) != 50 {
			t.Fatalf("%d waits, want 50", len(sleeps))
		}
		for i, d := range sleeps {
			if d != fingerprint.MinRetryDelay {
				t.Fatalf("wait %d was %v, want minRetryDelay %v", i, d, fingerprint.MinRetryDelay)
			}
		}
	})
}

// TestRetryFloorReal checks the floor with real sleeps and a real server: the
// attempts the server saw are at least minRetryDelay apart (a lower bound only, which a
// loaded machine cannot break).
func TestRetryFloorReal(t *testing.T) {
	r := newRig(t, nil, fingerprint.WithMaxRetries(3))
	reqs := r.getEventRecovers(3, fingerprinttest.TooManyRequests("0"))
	r.wantWaits(reqs, fingerprint.MinRetryDelay, fingerprint.MinRetryDelay, fingerprint.MinRetryDelay)
	r.checkNoLeaks()
}
