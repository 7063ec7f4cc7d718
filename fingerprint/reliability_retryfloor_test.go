package fingerprint_test

// Reliability suite, retry floor (issue 9 §8): no Retry-After value and no jitter makes
// the client retry sooner than minRetryDelay.

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestReliabilityRetryFloor: a server that answers every request with 429 (or 503) and a
// Retry-After of 0, a negative number or a past date, against WithMaxRetries(1000). The
// sleep is injected (recorded, not slept), so the 1,001 attempts run at once; every
// recorded wait must be at least minRetryDelay. On the old code they were all 0: 1,001
// attempts in 41 ms.
func TestReliabilityRetryFloor(t *testing.T) {
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

// TestReliabilityRetryFloorReal checks the floor with real sleeps and a real server: the
// attempts the server saw are at least minRetryDelay apart (a lower bound only, which a
// loaded machine cannot break).
func TestReliabilityRetryFloorReal(t *testing.T) {
	r := newRig(t, nil, fingerprint.WithMaxRetries(3))
	reqs := r.getEventRecovers(3, fingerprinttest.TooManyRequests("0"))
	r.wantWaits(reqs, fingerprint.MinRetryDelay, fingerprint.MinRetryDelay, fingerprint.MinRetryDelay)
	r.checkNoLeaks()
}
