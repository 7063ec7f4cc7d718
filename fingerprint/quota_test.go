package fingerprint_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestQuotaPacingKeepsTheFakeServersQuota: the fake server enforces a delete quota of 3
// per hour and 5 per day on a shared fake clock; a paced Client making 12 deletes in a
// row never gets a 429, the first 3 go at once, and the waits are exactly the ones the
// sliding windows require.
func TestQuotaPacingKeepsTheFakeServersQuota(t *testing.T) {
	t.Parallel()
	clock := &stepClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	t0 := clock.Now()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock.Now), fingerprinttest.WithDeleteQuota(3, 5))
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithQuotaPacing(fingerprint.QuotaPacing{DeletesPerHour: 3, DeletesPerDay: 5}))
	if err != nil {
		t.Fatal(err)
	}
	fingerprint.SetClock(c, clock.Now)
	fingerprint.SetRetryHooks(c, func(_ context.Context, d time.Duration) error { clock.advance(d); return nil }, nil)
	var sent []time.Duration
	for range 12 {
		err := c.DeleteVisitorData(t.Context(), "v1")
		if err != nil && !errors.Is(err, fingerprint.ErrNotFound) {
			t.Fatalf("delete %d at +%v: %v", len(sent)+1, clock.Now().Sub(t0), err)
		}
		sent = append(sent, clock.Now().Sub(t0))
	}
	h, d := time.Hour, 24*time.Hour
	want := []time.Duration{0, 0, 0, h, h, d, d, d, d + h, d + h, 2 * d, 2 * d}
	for i := range want {
		if sent[i] != want[i] {
			t.Fatalf("deletes sent at %v, want %v", sent, want)
		}
	}
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			t.Fatalf("the server answered 429: the pacing let a delete over its quota")
		}
	}
}

// TestQuotaPacingIsSharedAndHonoursTheContext: goroutines of one Client share the
// quota; a wait that cannot end before the context's deadline fails at once, sends
// nothing, and gives its slot back; feedback has a quota of its own.
func TestQuotaPacingIsSharedAndHonoursTheContext(t *testing.T) {
	t.Parallel()
	srv := fingerprinttest.NewServer(t)
	ev := fingerprinttest.NewGenerator(4).Events(1)[0]
	ev.Timestamp = time.Now().UnixMilli()
	if err := srv.AddEvents(ev); err != nil {
		t.Fatal(err)
	}
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithQuotaPacing(fingerprint.QuotaPacing{DeletesPerHour: 3, FeedbackPerHour: 1}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() { errs[i] = c.DeleteVisitorData(ctx, "v1") })
	}
	wg.Wait()
	paced := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, fingerprint.ErrNotFound):
		case errors.Is(err, fingerprint.ErrRateLimited) && fingerprint.IsTransient(err):
			paced++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if paced != 7 || len(srv.Requests()) != 3 {
		t.Errorf("%d calls paced, %d requests sent; want 7 and 3", paced, len(srv.Requests()))
	}

	fb := fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)}
	if err := c.SubmitEventFeedback(ctx, ev.EventID, fb); err != nil {
		t.Fatalf("feedback has its own quota, yet: %v", err)
	}
	if err := c.SubmitEventFeedback(ctx, ev.EventID, fb); !errors.Is(err, fingerprint.ErrRateLimited) {
		t.Errorf("second feedback within the hour: %v, want ErrRateLimited", err)
	}

	// A cancelled wait: the call returns the context's error, nothing is sent.
	wctx, wcancel := context.WithCancel(t.Context())
	go func() { time.Sleep(20 * time.Millisecond); wcancel() }()
	err = c.DeleteVisitorData(wctx, "v1")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, fingerprint.ErrRateLimited) || fingerprint.IsTransient(err) {
		t.Errorf("cancelled wait: %v", err)
	}
	if len(srv.Requests()) != 4 {
		t.Errorf("%d requests, want 4", len(srv.Requests()))
	}
}

func TestQuotaPacingOptions(t *testing.T) {
	t.Parallel()
	t.Run("zero fields are the documented quotas", func(t *testing.T) {
		t.Parallel()
		clock := &stepClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
		t0 := clock.Now()
		srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock.Now),
			fingerprinttest.WithDeleteQuota(fingerprinttest.DeleteQuotaPerHour, fingerprinttest.DeleteQuotaPerDay))
		c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()), fingerprint.WithQuotaPacing(fingerprint.QuotaPacing{}))
		if err != nil {
			t.Fatal(err)
		}
		fingerprint.SetClock(c, clock.Now)
		fingerprint.SetRetryHooks(c, func(_ context.Context, d time.Duration) error { clock.advance(d); return nil }, nil)
		for i := range fingerprint.DeleteQuotaPerHour + 1 {
			if err := c.DeleteVisitorData(t.Context(), "v1"); !errors.Is(err, fingerprint.ErrNotFound) {
				t.Fatalf("delete %d: %v", i+1, err)
			}
		}
		if got := clock.Now().Sub(t0); got != time.Hour {
			t.Errorf("delete 31 sent after %v, want 1h (30 per hour)", got)
		}
	})
	if _, err := fingerprint.NewClient(fingerprint.TestKey, fingerprint.WithQuotaPacing(fingerprint.QuotaPacing{DeletesPerDay: -1})); err == nil {
		t.Error("negative quota accepted")
	}
	// Other operations are not paced: with a delete quota of 1, searches go on.
	srv := fingerprinttest.NewServer(t)
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithQuotaPacing(fingerprint.QuotaPacing{DeletesPerHour: 1, FeedbackPerHour: 1}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for range 5 {
		if _, err := c.SearchEvents(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
}
