package fingerprinttest_test

// fingerprint.Client against the fake's rate limit and DELETE quota: the client waits
// what the fake asks for, and the fake lets the retry through. Times are checked as
// lower bounds only, so a loaded machine cannot make these tests fail.

import (
	"errors"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/gen"
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
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if log[i+1].sent.Sub(a.answered) < secs {
			t.Fatalf("attempt %d came before Retry-After: log[i+1].sent.Sub(a.answered) = %v, want >= %v", i+1, log[i+1].sent.Sub(a.answered), secs)
		}
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
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if have, expected := got.EventID, ev.EventID; !reflect.DeepEqual(have, expected) {
			t.Fatalf("got.EventID = %v, want %v", have, expected)
		}
	}
	log := rec.attempts()
	if got := len(log); got != 3 {
		t.Fatalf("len(log) = %d, want %d", got, 3)
	}
	if got, want := []int{log[0].status, log[1].status, log[2].status}, []int{200, 429, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("[]int{log[0].status, log[1].status, log[2].status} = %v, want %v", got, want)
	}
	if got := log[1].retryAfter; got != "1" {
		t.Fatalf("0.25 s to the next token, rounded up: log[1].retryAfter = %q, want %q", got, "1")
	}
	requireWaited(t, log)
	if got, want := statuses(srv, fingerprinttest.OpGetEvent), []int{200, 429, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("the fake saw the same: statuses(srv, fingerprinttest.OpGetEvent) = %v, want %v", got, want)
	}
}

func TestClientWaitsOutTheDeleteQuota(t *testing.T) {
	t.Parallel()
	clock := &haltedClock{at: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(clock.now), fingerprinttest.WithDeleteQuota(1, 0))
	rec := clock.recorder()
	c := newClient(t, srv, fingerprint.WithHTTPClient(&http.Client{Transport: rec}))

	// counts
	if err := c.DeleteVisitorData(t.Context(), "visitor1"); !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("error = %v, want errors.Is fingerprint.ErrNotFound", err)
	}
	clock.jump(time.Hour - 200*time.Millisecond) // the hour frees up in 0.2 s
	if err := c.DeleteVisitorData(t.Context(), "visitor2"); !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("retried once the quota allowed it: error = %v, want errors.Is fingerprint.ErrNotFound", err)
	}

	log := rec.attempts()
	if got := len(log); got != 3 {
		t.Fatalf("len(log) = %d, want %d", got, 3)
	}
	if got, want := []int{log[0].status, log[1].status, log[2].status}, []int{404, 429, 404}; !reflect.DeepEqual(got, want) {
		t.Fatalf("[]int{log[0].status, log[1].status, log[2].status} = %v, want %v", got, want)
	}
	if got := log[1].retryAfter; got != "1" {
		t.Fatalf("0.2 s rounded up: log[1].retryAfter = %q, want %q", got, "1")
	}
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
		if err := c.DeleteVisitorData(t.Context(), "nobody"); !errors.Is(err, fingerprint.ErrNotFound) {
			t.Fatalf("error = %v, want errors.Is fingerprint.ErrNotFound", err)
		}
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
	}
	err := c.DeleteVisitorData(t.Context(), "nobody")
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v: errors.As(err, &apiErr) is false, want true", err)
	}
	if apiErr.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("apiErr.StatusCode = %v, want %v", apiErr.StatusCode, http.StatusTooManyRequests)
	}
	if apiErr.Code != gen.ErrorCodeTooManyRequests {
		t.Fatalf("apiErr.Code = %v, want %v", apiErr.Code, gen.ErrorCodeTooManyRequests)
	}
	if got, want := apiErr.RetryAfter, 30*time.Minute; !reflect.DeepEqual(got, want) {
		t.Fatalf("the first of the 30 deletes leaves the hour in 30 minutes: apiErr.RetryAfter = %v, want %v", got, want)
	}
	got := statuses(srv, fingerprinttest.OpDeleteVisitorData)
	if have := got[len(got)-1]; have != http.StatusTooManyRequests {
		t.Fatalf("got[len(got)-1] = %v, want %v", have, http.StatusTooManyRequests)
	}
	if n := len(got); n != fingerprinttest.DeleteQuotaPerHour+1 {
		t.Fatalf("a wait longer than the client's cap is not retried: len(got) = %d, want %d", n, fingerprinttest.DeleteQuotaPerHour+1)
	}
}
