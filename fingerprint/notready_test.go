package fingerprint_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// stepClock is a fake clock shared by the fake server and the Client: the Client's
// retry waits advance it instead of sleeping, and so does each request (by latency),
// so no test depends on the real time or the machine's load.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// latencyTransport advances the clock by latency during each request. With notReady
// set, it makes the fake server answer feedback with 409 state_not_ready (an injected
// fault) until the clock reaches notReadyUntil, as WithUpdateDelay does for updates.
type latencyTransport struct {
	clock         *stepClock
	latency       time.Duration
	srv           *fingerprinttest.Server
	notReadyUntil time.Time
}

func (t latencyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.clock.advance(t.latency)
	if t.srv != nil && strings.HasSuffix(r.URL.Path, "/feedback") && t.clock.Now().Before(t.notReadyUntil) {
		if err := t.srv.FailNext(1, fingerprinttest.Fault{Operation: fingerprinttest.OpSubmitEventFeedback,
			Status: http.StatusConflict, Code: fingerprint.ErrorCodeStateNotReady}); err != nil {
			return nil, err
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// notReadyRun updates (or, with feedback, sends feedback on) an event that the fake server (WithUpdateDelay) keeps answering
// 409 state_not_ready for notReadyFor after its creation, the first attempt starting
// at its creation. It returns the error and the statuses the server sent.
func notReadyRun(t *testing.T, notReadyFor time.Duration, jitter func(time.Duration) time.Duration, opts ...fingerprint.Option) ([]int, time.Duration, error) {
	t.Helper()
	return notReadyRunOp(t, false, notReadyFor, 5*time.Millisecond, jitter, opts...)
}

func notReadyRunOp(t *testing.T, feedback bool, notReadyFor, latency time.Duration, jitter func(time.Duration) time.Duration, opts ...fingerprint.Option) ([]int, time.Duration, error) {
	t.Helper()
	clock := &stepClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock.Now), fingerprinttest.WithUpdateDelay(notReadyFor))
	ev := fingerprinttest.NewGenerator(1).Events(1)[0]
	ev.Timestamp = clock.Now().UnixMilli()
	if err := srv.AddEvents(ev); err != nil {
		t.Fatal(err)
	}
	tr := latencyTransport{clock: clock, latency: latency}
	if feedback {
		tr.srv, tr.notReadyUntil = srv, clock.Now().Add(notReadyFor)
	}
	c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithHTTPClient(&http.Client{Transport: tr})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	fingerprint.SetClock(c, clock.Now)
	fingerprint.SetRetryHooks(c, func(ctx context.Context, d time.Duration) error {
		clock.advance(d)
		return ctx.Err()
	}, jitter)
	start := clock.Now()
	if feedback {
		err = c.SubmitEventFeedback(t.Context(), ev.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})
	} else {
		err = c.UpdateEvent(t.Context(), ev.EventID, fingerprint.EventUpdate{LinkedID: fingerprint.Ptr("account-1")})
	}
	var statuses []int
	for _, r := range srv.Requests() {
		statuses = append(statuses, r.Status)
	}
	return statuses, clock.Now().Sub(start), err
}

var jitters = map[string]func(time.Duration) time.Duration{
	"none":   func(time.Duration) time.Duration { return 0 },
	"full":   func(d time.Duration) time.Duration { return d },
	"random": nil, // the Client's own
}

// TestUpdateSucceedsWhenNotReadyEndsWithin3s is the login flow of issue 18: tag the
// event right after identification (and send feedback on it). With default options the
// update and the feedback must succeed
// whenever the API stops answering 409 within 3 s of the first attempt.
func TestUpdateSucceedsWhenNotReadyEndsWithin3s(t *testing.T) {
	t.Parallel()
	for _, notReadyFor := range []time.Duration{700 * time.Millisecond, 1500 * time.Millisecond, 2900 * time.Millisecond, 3 * time.Second} {
		for _, latency := range []time.Duration{5 * time.Millisecond, 300 * time.Millisecond} {
			for name, jitter := range jitters {
				for _, feedback := range []bool{false, true} {
					t.Run(fmt.Sprintf("%v/latency=%v/jitter=%s/feedback=%v", notReadyFor, latency, name, feedback), func(t *testing.T) {
						t.Parallel()
						notReadyCase(t, feedback, notReadyFor, latency, jitter)
					})
				}
			}
		}
	}
}

func notReadyCase(t *testing.T, feedback bool, notReadyFor, latency time.Duration, jitter func(time.Duration) time.Duration) {
	statuses, took, err := notReadyRunOp(t, feedback, notReadyFor, latency, jitter)
	if err != nil {
		t.Fatalf("call failed after %v (statuses %v): %v", took, statuses, err)
	}
	if n := len(statuses); statuses[n-1]/100 != 2 || n < 2 || statuses[0] != http.StatusConflict {
		t.Errorf("statuses %v: want 409s then 200", statuses)
	}
	if len(statuses) > 12 {
		t.Errorf("%d attempts for %v of not ready: the backoff is too eager", len(statuses), notReadyFor)
	}
}

func TestNotReadyWindowIsBoundedAndConfigurable(t *testing.T) {
	t.Parallel()
	full := jitters["full"]
	t.Run("default window ends", func(t *testing.T) {
		t.Parallel()
		statuses, took, err := notReadyRun(t, time.Minute, full)
		if !errors.Is(err, fingerprint.ErrStateNotReady) {
			t.Fatalf("err = %v, want ErrStateNotReady", err)
		}
		if took > fingerprint.DefaultStateNotReadyWait+time.Second || took < fingerprint.DefaultStateNotReadyWait-fingerprint.MinRetryDelay {
			t.Errorf("gave up after %v, want about DefaultStateNotReadyWait (%v)", took, fingerprint.DefaultStateNotReadyWait)
		}
		if len(statuses) < 6 || len(statuses) > 12 {
			t.Errorf("%d attempts in the window, want 6..12", len(statuses))
		}
	})
	t.Run("WithMaxRetries(0) does not turn them off", func(t *testing.T) {
		t.Parallel()
		if statuses, _, err := notReadyRun(t, 2*time.Second, full, fingerprint.WithMaxRetries(0)); err != nil {
			t.Errorf("err = %v (statuses %v)", err, statuses)
		}
	})
	t.Run("WithStateNotReadyWait(0) turns them off", func(t *testing.T) {
		t.Parallel()
		statuses, _, err := notReadyRun(t, 2*time.Second, full, fingerprint.WithStateNotReadyWait(0))
		if !errors.Is(err, fingerprint.ErrStateNotReady) || len(statuses) != 1 {
			t.Errorf("err = %v after %d attempts, want the first 409", err, len(statuses))
		}
	})
	t.Run("a longer window covers a longer delay", func(t *testing.T) {
		t.Parallel()
		if statuses, _, err := notReadyRun(t, 8*time.Second, full, fingerprint.WithStateNotReadyWait(10*time.Second)); err != nil {
			t.Errorf("err = %v (statuses %v)", err, statuses)
		}
	})
	t.Run("other errors keep WithMaxRetries", func(t *testing.T) {
		t.Parallel()
		srv := fingerprinttest.NewServer(t)
		c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
		if err != nil {
			t.Fatal(err)
		}
		var sleeps []time.Duration
		fingerprint.SetRetryHooks(c, func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }, full)
		srv.MustFailNext(1, fingerprinttest.StateNotReady())
		srv.MustFailNext(10, fingerprinttest.InternalError())
		err = c.UpdateEvent(t.Context(), "ev1", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
		if !errors.Is(err, fingerprint.ErrNotFound) && len(srv.Requests()) != 1+fingerprint.DefaultMaxRetries+1 {
			t.Errorf("%d requests (%v), want one 409 then %d attempts for the 500s", len(srv.Requests()), err, fingerprint.DefaultMaxRetries+1)
		}
		want := []time.Duration{250 * time.Millisecond, fingerprint.BaseBackoff, 2 * fingerprint.BaseBackoff}
		if !fingerprint.EqualDurations(sleeps, want) {
			t.Errorf("sleeps = %v, want %v", sleeps, want)
		}
	})
	t.Run("the context deadline bounds the window", func(t *testing.T) {
		t.Parallel()
		srv := fingerprinttest.NewServer(t)
		c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
		if err != nil {
			t.Fatal(err)
		}
		srv.MustFailNext(100, fingerprinttest.StateNotReady())
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond) // shorter than the first wait
		defer cancel()
		err = c.UpdateEvent(ctx, "ev1", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
		if !errors.Is(err, fingerprint.ErrStateNotReady) || len(srv.Requests()) > 2 {
			t.Errorf("err = %v after %d requests, want the 409 without waiting past the deadline", err, len(srv.Requests()))
		}
	})
}
