package fingerprinttest_test

// fingerprint.Client against the fake's rate limit and DELETE quota: the client waits
// what the fake asks for, and the fake lets the retry through. Times are checked as
// lower bounds only, so a loaded machine cannot make these tests fail.

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
)

// attempt is one HTTP exchange seen by recorder.
type attempt struct {
	sent, answered time.Time
	status         int
	retryAfter     string
}

// recorder is an http.RoundTripper that records every attempt the Client makes and
// calls onAnswer (if set) with each response, before the Client sees it.
type recorder struct {
	mu       sync.Mutex
	log      []attempt
	onAnswer func(*http.Response)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	sent := time.Now()
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if r.onAnswer != nil {
		r.onAnswer(res)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, attempt{sent, time.Now(), res.StatusCode, res.Header.Get("Retry-After")})
	return res, nil
}

func (r *recorder) attempts() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]attempt(nil), r.log...)
}

// requireWaited checks that after each 429 the next attempt came at least Retry-After
// later.
func requireWaited(t *testing.T, log []attempt) {
	t.Helper()
	for i, a := range log[:len(log)-1] {
		if a.status != http.StatusTooManyRequests {
			continue
		}
		secs, err := time.ParseDuration(a.retryAfter + "s")
		require.NoError(t, err)
		require.GreaterOrEqual(t, log[i+1].sent.Sub(a.answered), secs, "attempt %d came before Retry-After", i+1)
	}
}

// haltedClock is a fake-server clock that stands still until the first 429 has been
// sent, then runs in real time: the 429's Retry-After is then exact, and the retry's
// success certain, however loaded the machine is.
type haltedClock struct {
	mu      sync.Mutex
	at      time.Time
	running bool
	since   time.Time
}

func (c *haltedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return c.at.Add(time.Since(c.since))
	}
	return c.at
}

func (c *haltedClock) jump(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// recorder returns a recorder that starts the clock on the first 429.
func (c *haltedClock) recorder() *recorder {
	return &recorder{onAnswer: func(res *http.Response) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if res.StatusCode == http.StatusTooManyRequests && !c.running {
			c.running, c.since = true, time.Now()
		}
	}}
}

func TestClientWaitsOutTheRateLimit(t *testing.T) {
	t.Parallel()
	g := fingerprinttest.NewGenerator(1)
	clock := &haltedClock{at: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	g.SetNow(clock.at)
	ev := g.Events(1)[0]
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock.now), fingerprinttest.WithRateLimit(4, 1),
		fingerprinttest.WithEvents(ev))
	rec := clock.recorder()
	c := newClient(t, srv, fingerprint.WithHTTPClient(&http.Client{Transport: rec}))

	for range 2 {
		got, err := c.GetEvent(t.Context(), ev.EventID, nil)
		require.NoError(t, err)
		require.Equal(t, ev.EventID, got.EventID)
	}
	log := rec.attempts()
	require.Len(t, log, 3)
	require.Equal(t, []int{200, 429, 200}, []int{log[0].status, log[1].status, log[2].status})
	require.Equal(t, "1", log[1].retryAfter, "0.25 s to the next token, rounded up")
	requireWaited(t, log)
	require.Equal(t, []int{200, 429, 200}, statuses(srv, fingerprinttest.OpGetEvent), "the fake saw the same")
}

func TestClientWaitsOutTheDeleteQuota(t *testing.T) {
	t.Parallel()
	clock := &haltedClock{at: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock.now), fingerprinttest.WithDeleteQuota(1, 0))
	rec := clock.recorder()
	c := newClient(t, srv, fingerprint.WithHTTPClient(&http.Client{Transport: rec}))

	require.ErrorIs(t, c.DeleteVisitorData(t.Context(), "visitor1"), fingerprint.ErrNotFound) // counts
	clock.jump(time.Hour - 200*time.Millisecond)                                              // the hour frees up in 0.2 s
	require.ErrorIs(t, c.DeleteVisitorData(t.Context(), "visitor2"), fingerprint.ErrNotFound, "retried once the quota allowed it")

	log := rec.attempts()
	require.Len(t, log, 3)
	require.Equal(t, []int{404, 429, 404}, []int{log[0].status, log[1].status, log[2].status})
	require.Equal(t, "1", log[1].retryAfter, "0.2 s rounded up")
	requireWaited(t, log)
}

func TestClientReportsAQuotaWaitItWillNotSleep(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock),
		fingerprinttest.WithDeleteQuota(fingerprinttest.DeleteQuotaPerHour, fingerprinttest.DeleteQuotaPerDay))
	c := newClient(t, srv)
	for range fingerprinttest.DeleteQuotaPerHour {
		require.ErrorIs(t, c.DeleteVisitorData(t.Context(), "nobody"), fingerprint.ErrNotFound)
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
	}
	err := c.DeleteVisitorData(t.Context(), "nobody")
	var apiErr *fingerprint.APIError
	require.True(t, errors.As(err, &apiErr), "err = %v", err)
	require.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	require.Equal(t, gen.ErrorCodeTooManyRequests, apiErr.Code)
	require.Equal(t, 30*time.Minute, apiErr.RetryAfter, "the first of the 30 deletes leaves the hour in 30 minutes")
	got := statuses(srv, fingerprinttest.OpDeleteVisitorData)
	require.Equal(t, http.StatusTooManyRequests, got[len(got)-1])
	require.Len(t, got, fingerprinttest.DeleteQuotaPerHour+1, "a wait longer than the client's cap is not retried")
}
