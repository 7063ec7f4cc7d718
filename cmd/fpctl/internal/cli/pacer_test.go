package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// schedule returns the start times of n requests made as soon as p allows.
func schedule(p *pacer, from time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	t := from
	for range n {
		t = p.next(t)
		p.record(t)
		out = append(out, t)
	}
	return out
}

// TestDefaultQuotaHoldsInEveryWindow: with the defaults, no hour holds more than 30
// deletes and no day more than 500; the windows slide, so the first 30 go at once and
// the 31st an hour after the 1st, not at the daily average.
func TestDefaultQuotaHoldsInEveryWindow(t *testing.T) {
	q, err := parseRates([]string{defaultRates})
	if err != nil {
		t.Fatal(err)
	}
	times := schedule(newPacer(q), t0, 1200)
	maxIn := func(window time.Duration) int {
		best, j := 0, 0
		for i := range times {
			for times[i].Sub(times[j]) >= window {
				j++
			}
			best = max(best, i-j+1)
		}
		return best
	}
	if got := maxIn(time.Hour); got > 30 {
		t.Errorf("%d deletes within one hour, quota 30", got)
	}
	if got := maxIn(24 * time.Hour); got > 500 {
		t.Errorf("%d deletes within one day, quota 500", got)
	}
	if got := times[29].Sub(times[0]); got != 0 {
		t.Errorf("30 deletes took %v, want 0: the hourly quota, used at once", got)
	}
	if got := times[30].Sub(times[0]); got != time.Hour {
		t.Errorf("delete 31 came %v after the first, want 1h", got)
	}
	if got := times[500].Sub(times[0]); got < 24*time.Hour {
		t.Errorf("delete 501 came %v after the first, want at least 24h", got)
	}
}

func TestRateOverride(t *testing.T) {
	q, err := parseRates([]string{"4/s"})
	if err != nil {
		t.Fatal(err)
	}
	times := schedule(newPacer(q), t0, 9)
	for i := 4; i < len(times); i++ {
		if gap := times[i].Sub(times[i-4]); gap < time.Second {
			t.Errorf("5 requests within %v at 4/s", gap)
		}
	}
	if _, err := parseRates([]string{"10/h,100/d", "5/m"}); err != nil {
		t.Errorf("several quotas: %v", err)
	}
	for _, bad := range []string{"0/h", "-1/s", "x/h", "10/week", "10", "1.5/s"} {
		if _, err := parseRates([]string{bad}); err == nil {
			t.Errorf("--rate %s accepted", bad)
		}
	}
}

// TestSeedFromJournal: a restarted run counts the journal's recent deletes.
func TestSeedFromJournal(t *testing.T) {
	q, _ := parseRates([]string{defaultRates})
	p := newPacer(q)
	var seen []time.Time
	for i := range 500 { // a whole day's quota used by an earlier run, ending at t0
		seen = append(seen, t0.Add(-time.Duration(499-i)*2*time.Minute))
	}
	p.seed(seen)
	if next := p.next(t0); next.Before(seen[0].Add(24 * time.Hour)) {
		t.Errorf("next delete at %v, want no earlier than 24h after the oldest of the last 500 (%v)", next, seen[0].Add(24*time.Hour))
	}
	p = newPacer(q)
	p.seed(seen[len(seen)-30:]) // 30 deletes in the last hour
	if next := p.next(t0.Add(time.Second)); !next.Equal(seen[len(seen)-30].Add(time.Hour)) {
		t.Errorf("next delete at %v, want an hour after the oldest of the journal's last 30", next)
	}
}

// fakeClock is an Env clock whose Sleep advances time at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	return ctx.Err()
}

// TestDelete429LongRetryAfter: a Retry-After longer than the client's own retries
// allow (an hour, when the daily quota is used up) is waited for, with the clock.
func TestDelete429LongRetryAfter(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"too_many_requests","message":"daily quota"}}`))
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	clock := &fakeClock{now: t0}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"visitors", "delete", "--base-url", srv.URL, "v1", "v2"},
		&Env{Stdout: &stdout, Stderr: &stderr, Getenv: env(envSecretKey, "sk_test_0123456789"), Now: clock.Now, Sleep: clock.Sleep})
	if code != 0 || stdout.String() != "deleted 2, skipped 0 (journal), not found 0, failed 0\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "waiting 1h0m0s (Retry-After)") {
		t.Errorf("stderr %q", stderr.String())
	}
	// One hour for the 429; the second visitor is within the quota (30/h).
	if clock.slept != time.Hour {
		t.Errorf("slept %v, want 1h", clock.slept)
	}
	if calls != 3 {
		t.Errorf("%d requests, want 3", calls)
	}
}

func TestDemoIDsMatchFullEvent(t *testing.T) {
	ev := fingerprinttest.FullEvent()
	if ev.EventID != DemoEventID || ev.Identification.VisitorID != DemoVisitorID {
		t.Fatalf("FullEvent is %s of %s; update DemoEventID/DemoVisitorID (and the README)", ev.EventID, ev.Identification.VisitorID)
	}
}
