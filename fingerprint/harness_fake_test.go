package fingerprint_test

// The harness of the fault tests against fingerprinttest (retry_fake_test.go,
// concurrency_fake_test.go): a real server on loopback
// that counts its connections, a Client with its own transport whose retry waits are
// recorded and really slept, and checks shared by the fault cases.
//
// Timing is checked in the one direction a loaded machine cannot break: a wait may last
// longer than asked, never shorter. How long the client meant to wait is checked exactly
// from the recorded waits, and "the call returned early" is checked against stalls of
// tens of seconds, with seconds of slack.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/internal/ctxsleep"
)

const (
	// backoffScale shrinks the client's exponential backoff (500 ms, 1 s, 2 s, ...) to
	// 250 ms, 500 ms, 1 s, ... without jitter, so the suite is fast and the waits exact;
	// the first wait stays above minRetryDelay, so the growth is still visible.
	backoffScale = 2
	// lateness bounds how long after its deadline a call may return. Generous, since a
	// loaded 2-core machine running -race can delay the wake-up by a lot; still ten times
	// shorter than fingerprint.Stall (harness_test.go).
	lateness = 3 * time.Second
)

// rig is an httptest server counting its open connections, serving either the fake API
// or a raw handler, and a Client with its own transport.
type rig struct {
	t      *testing.T
	fake   *fingerprinttest.Server // nil with a raw handler
	ts     *httptest.Server
	open   atomic.Int64
	tr     *http.Transport
	client *fingerprint.Client
	// goroutines is the count before the client made any connection.
	goroutines int

	mu    sync.Mutex
	waits []time.Duration // what the client asked to sleep before each retry
}

// newRig mounts handler (the fake API when nil) and builds a client with opts.
func newRig(t *testing.T, handler http.Handler, opts ...fingerprint.Option) *rig {
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
	key := fingerprint.TestKey
	if r.fake != nil {
		key = r.fake.APIKey()
	}
	c, err := fingerprint.NewClient(key, append([]fingerprint.Option{fingerprint.WithBaseURL(r.ts.URL + base), fingerprint.WithHTTPClient(&http.Client{Transport: r.tr})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	fingerprint.SetRetryHooks(c, func(ctx context.Context, d time.Duration) error {
		r.mu.Lock()
		r.waits = append(r.waits, d)
		r.mu.Unlock()
		return ctxsleep.Sleep(ctx, d)
	}, func(d time.Duration) time.Duration { return d / backoffScale })
	r.client = c
	r.goroutines = runtime.NumGoroutine()
	return r
}

// addEvent stores a generated event in the fake server and returns it.
func (r *rig) addEvent() fingerprint.Event {
	r.t.Helper()
	ev := fingerprinttest.NewGenerator(1).Event()
	if err := r.fake.AddEvents(ev); err != nil {
		r.t.Fatal(err)
	}
	return ev
}

// fail makes the fake server answer the next n matching requests with f.
func (r *rig) fail(n int, f fingerprinttest.Fault) {
	r.t.Helper()
	if err := r.fake.FailNext(n, f); err != nil {
		r.t.Fatal(err)
	}
}

// wantAttempts checks that the fake server saw operation op exactly n times, and
// returns those requests.
func (r *rig) wantAttempts(op string, n int) []fingerprinttest.Request {
	r.t.Helper()
	out := fakeRequests(r.fake, op)
	if len(out) != n {
		r.t.Errorf("%s: %d attempts, want %d", op, len(out), n)
	}
	return out
}

// recordedWaits returns what the client asked to sleep so far.
func (r *rig) recordedWaits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

// wantWaits checks that the client waited exactly want before its retries (nothing
// when want is empty), and that the requests reqs really were at least that far apart.
func (r *rig) wantWaits(reqs []fingerprinttest.Request, want ...time.Duration) {
	r.t.Helper()
	if got := r.recordedWaits(); !slices.Equal(got, want) {
		r.t.Errorf("waits before retries %v, want %v", got, want)
	}
	for i := 1; i < len(reqs) && i <= len(want); i++ {
		if gap := reqs[i].Time.Sub(reqs[i-1].Time); gap < want[i-1] {
			r.t.Errorf("attempt %d came %v after the previous one, before the %v wait was over", i+1, gap, want[i-1])
		}
	}
}

// getEventRecovers stores an event, makes the next n requests fail with f, and checks
// that GetEvent still returns the event, after exactly n+1 attempts. It returns them.
func (r *rig) getEventRecovers(n int, f fingerprinttest.Fault) []fingerprinttest.Request {
	r.t.Helper()
	ev := r.addEvent()
	r.fail(n, f)
	got, err := r.client.GetEvent(r.t.Context(), ev.EventID, nil)
	if err != nil || got.EventID != ev.EventID {
		r.t.Fatalf("got %v, %v", got, err)
	}
	return r.wantAttempts(fingerprinttest.OpGetEvent, n+1)
}

// edgeNotRetried makes the next POST /edge fail with f and checks that the call failed
// after one attempt, with stored edge requests on the server: each POST /edge creates an
// event, so one that may have reached the server is never sent again. It returns the
// call's error.
func (r *rig) edgeNotRetried(f fingerprinttest.Fault, stored int) error {
	r.t.Helper()
	r.fail(1, f)
	_, err := r.client.AnalyzeRequest(r.t.Context(), fingerprint.EdgeRequestForTest())
	if err == nil {
		r.t.Fatal("no error")
	}
	r.wantAttempts(fingerprinttest.OpAnalyzeRequest, 1)
	if n := len(r.fake.EdgeRequests()); n != stored {
		r.t.Errorf("the server stored %d edge requests, want %d", n, stored)
	}
	return err
}

// checkNoLeaks closes the client's idle connections and waits until the server has no
// open connection and the goroutine count is back to the baseline.
func (r *rig) checkNoLeaks() {
	r.t.Helper()
	r.tr.CloseIdleConnections()
	deadline := time.Now().Add(fingerprint.Settle)
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

// wantDeadline checks that a call with a deadline of timeout failed with
// context.DeadlineExceeded no earlier than the deadline and well before the server's
// stall was over. start must be read before the deadline is set, so that the deadline
// is at least start+timeout.
func wantDeadline(t *testing.T, err error, start time.Time, timeout time.Duration) {
	t.Helper()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context.DeadlineExceeded", err)
	}
	d := time.Since(start)
	if d < timeout || d > timeout+lateness {
		t.Errorf("returned after %v; the deadline was %v", d, timeout)
	}
	t.Logf("returned %v after the deadline", d-timeout)
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

// slowBody sends the headers and the first kilobyte of a 2 KB body, then stalls until
// the client goes away (or for stall). It counts attempts.
func slowBody(attempts *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "2048")
		_, _ = w.Write(bytes.Repeat([]byte(" "), 1024))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(fingerprint.Stall):
		}
	})
}
