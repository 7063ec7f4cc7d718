package fingerprint_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// fullEventClock is a fake-server clock an hour after FullEvent's fixed timestamp, so
// the server sees that event as recent: searches may start before it (the API refuses
// starts more than 90 days back) and updates may change it (not older than a month).
var fullEventClock = sync.OnceValue(func() time.Time {
	return time.UnixMilli(fingerprinttest.FullEvent().Timestamp).Add(time.Hour)
})

// clockedFake is a fake server whose clock only moves when a Client's retry sleep (or
// the test, with advance) moves it, so the test sees exactly how long the Client chose
// to wait, without waiting.
func clockedFake(t *testing.T, opts ...fingerprinttest.Option) (srv *fingerprinttest.Server, c *fingerprint.Client,
	waits func() []time.Duration, advance func(time.Duration)) {
	t.Helper()
	var mu sync.Mutex
	now := fullEventClock()
	var slept []time.Duration
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance = func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	srv = fingerprinttest.NewServer(t, append([]fingerprinttest.Option{fingerprinttest.WithClock(clock)}, opts...)...)
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	fingerprint.SetRetryHooks(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		advance(d)
		return ctx.Err()
	}, func(d time.Duration) time.Duration { return d })
	waits = func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(slept)
	}
	return srv, c, waits, advance
}

// TestClientSleepsWhatTheFakesLimitsAsk: the Client's waits are the fake's Retry-After
// exactly, and after them the fake lets the request through; a wait beyond the Client's
// cap is reported, not slept.
func TestClientSleepsWhatTheFakesLimitsAsk(t *testing.T) {
	t.Parallel()
	full := fingerprinttest.FullEvent()
	srv, c, waits, _ := clockedFake(t, fingerprinttest.WithRateLimit(0.2, 1), fingerprinttest.WithEvents(full))
	for range 2 {
		if _, err := c.GetEvent(t.Context(), full.EventID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := waits(), []time.Duration{5 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("rate limit: waits = %v, want %v (Retry-After: 5)", got, want)
	}
	if got := fakeStatuses(srv, fingerprinttest.OpGetEvent); !slices.Equal(got, []int{200, 429, 200}) {
		t.Errorf("rate limit: statuses = %v, want [200 429 200]", got)
	}

	srv, c, waits, advance := clockedFake(t, fingerprinttest.WithDeleteQuota(1, 0))
	if err := c.DeleteVisitorData(t.Context(), "visitor1"); !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("first delete: %v, want ErrNotFound", err)
	}
	err := c.DeleteVisitorData(t.Context(), "visitor1")
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfter != time.Hour {
		t.Fatalf("second delete: %v, want 429 with RetryAfter 1h", err)
	}
	advance(time.Hour - 30*time.Second) // now the hour frees up in 30 s, within the cap
	if err := c.DeleteVisitorData(t.Context(), "visitor1"); !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("third delete: %v, want ErrNotFound after one wait", err)
	}
	if got, want := waits(), []time.Duration{30 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("delete quota: waits = %v, want %v", got, want)
	}
	if got := fakeStatuses(srv, fingerprinttest.OpDeleteVisitorData); !slices.Equal(got, []int{404, 429, 429, 404}) {
		t.Errorf("delete quota: statuses = %v, want [404 429 429 404]", got)
	}
}
