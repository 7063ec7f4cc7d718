package fingerprinttest

import (
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
)

// manualClock is a server clock that moves only when the test says so.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock() *manualClock { return &manualClock{t: fixedNow} }

func (c *manualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// wantTooMany checks a 429 with the API's body and the Retry-After seconds.
func wantTooMany(t *testing.T, r response, message, retryAfter string) {
	t.Helper()
	wantError(t, r, http.StatusTooManyRequests, gen.ErrorCodeTooManyRequests, message)
	require.Equal(t, retryAfter, r.header.Get("Retry-After"))
}

func TestRateLimitIsATokenBucket(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithRateLimit(2, 3), WithEvents(at("e1", 1)))
	get := func() response { return call(t, srv, "GET", "/events/e1", nil) }

	for range 3 { // the burst
		require.Equal(t, http.StatusOK, get().status)
	}
	wantTooMany(t, get(), "too many requests", "1") // half a second to the next token, rounded up
	wantTooMany(t, call(t, srv, "GET", "/events", nil), "too many search requests", "1")
	wantError(t, call(t, srv, "GET", "/events/e1", nil, "Authorization", "Bearer wrong"),
		http.StatusForbidden, gen.ErrorCodeSecretAPIKeyNotFound, "") // checked first, takes no token

	clock.advance(500 * time.Millisecond)
	require.Equal(t, http.StatusOK, get().status, "one token refilled")
	wantTooMany(t, call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`), "too many requests", "1")
	got, _ := srv.Event("e1")
	require.Nil(t, got.Suspect, "a limited request changes nothing")

	clock.advance(time.Hour)
	for range 3 { // refilled up to the burst, no further
		require.Equal(t, http.StatusOK, get().status)
	}
	require.Equal(t, http.StatusTooManyRequests, get().status)

	// Injected faults come first and take no token.
	srv.MustFailNext(1, InternalError())
	require.Equal(t, http.StatusInternalServerError, get().status)

	var faults []string
	for _, e := range srv.Requests() {
		if e.Status == http.StatusTooManyRequests {
			faults = append(faults, e.Fault)
		}
	}
	require.Equal(t, []string{"rate limit", "rate limit", "rate limit", "rate limit"}, faults)
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithRateLimit(0.25, 1), WithEvents(at("e1", 1)))
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/events/e1", nil).status)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "4")
	clock.advance(3900 * time.Millisecond)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "1") // 0.1 s left
	clock.advance(100 * time.Millisecond)
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/events/e1", nil).status)

	// A clock going back refills nothing, and coming forward again only counts the
	// time after the last refill.
	clock.advance(-time.Hour)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "4")
	clock.advance(time.Hour + 3*time.Second)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "1")
	clock.advance(time.Second)
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/events/e1", nil).status)
}

func TestDeleteQuotaSlidingWindows(t *testing.T) {
	clock := newManualClock()
	var evs []fingerprint.Event
	for _, v := range []string{"v1", "v2", "v3", "v4", "v5"} {
		ev := at("e-"+v, 1)
		ev.Identification = &gen.Identification{VisitorID: v}
		evs = append(evs, ev)
	}
	srv := NewServer(t, WithClock(clock.now), WithDeleteQuota(2, 3), WithEvents(evs...))
	del := func(v string) response { return call(t, srv, "DELETE", "/visitors/"+v, nil) }

	require.Equal(t, http.StatusOK, del("v1").status) // t0
	clock.advance(10 * time.Minute)
	require.Equal(t, http.StatusOK, del("v2").status) // t0+10m
	clock.advance(10 * time.Minute)
	wantTooMany(t, del("v3"), "too many requests", "2400") // the hour frees up at t0+60m
	_, kept := srv.Event("e-v3")
	require.True(t, kept, "a delete over the quota deletes nothing")
	require.Equal(t, http.StatusOK, call(t, srv, "GET", "/events/e-v3", nil).status, "other operations are not limited")
	wantError(t, del("bad%20id"), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid visitor id")

	clock.advance(40 * time.Minute)
	require.Equal(t, http.StatusOK, del("v3").status) // t0+60m: the day now holds 3
	clock.advance(10 * time.Minute)
	wantTooMany(t, del("v4"), "too many requests", "82200") // the day frees up at t0+24h
	clock.advance(82200 * time.Second)
	require.Equal(t, http.StatusOK, del("v4").status)
	require.Equal(t, "delete quota", srv.Requests()[len(srv.Requests())-2].Fault)

	// Deletes of unknown visitors count too; malformed ones (400) do not.
	one := NewServer(t, WithClock(clock.now), WithDeleteQuota(1, 0), WithEvents(evs[4]))
	wantError(t, call(t, one, "DELETE", "/visitors/bad%20id", nil), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "")
	wantError(t, call(t, one, "DELETE", "/visitors/nobody", nil), http.StatusNotFound, gen.ErrorCodeVisitorNotFound, "")
	wantTooMany(t, call(t, one, "DELETE", "/visitors/v5", nil), "too many requests", "3600")
}

func TestDocumentedDeleteQuota(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithDeleteQuota(DeleteQuotaPerHour, DeleteQuotaPerDay))
	status := func() int { return call(t, srv, "DELETE", "/visitors/nobody", nil).status }
	for hour := range 17 { // 16 full hours hold 480 deletes; the 17th reaches 500
		n := 0
		for status() == http.StatusNotFound {
			n++
		}
		require.Equal(t, min(DeleteQuotaPerHour, DeleteQuotaPerDay-hour*DeleteQuotaPerHour), n, "hour %d", hour)
		clock.advance(time.Hour)
	}
	require.Equal(t, http.StatusTooManyRequests, status(), "the day is full")
}

func TestLimitOptionsAreChecked(t *testing.T) {
	for name, opt := range map[string]Option{
		"zero rate":      WithRateLimit(0, 1),
		"negative rate":  WithRateLimit(-1, 1),
		"NaN rate":       WithRateLimit(math.NaN(), 1),
		"infinite rate":  WithRateLimit(math.Inf(1), 1),
		"zero burst":     WithRateLimit(1, 0),
		"negative hour":  WithDeleteQuota(-1, 0),
		"negative day":   WithDeleteQuota(0, -1),
		"negative quota": WithDeleteQuota(-30, -500),
	} {
		_, err := Start(opt)
		require.Error(t, err, name)
	}
	// Both windows at 0 leave deletes unlimited.
	srv := NewServer(t, WithDeleteQuota(0, 0))
	for range 3 {
		require.Equal(t, http.StatusNotFound, call(t, srv, "DELETE", "/visitors/nobody", nil).status)
	}
}

// fakeTB records Fatal instead of stopping the test.
type fakeTB struct {
	testing.TB
	fatal []any
}

func (f *fakeTB) Helper()        {}
func (f *fakeTB) Fatal(a ...any) { f.fatal = append(f.fatal, a...) }

func TestMustFailNextFailsTheTest(t *testing.T) {
	tb := &fakeTB{TB: t}
	srv := NewServer(tb)
	srv.MustFailNext(1, Fault{Status: 42})
	require.Len(t, tb.fatal, 1)
	require.ErrorContains(t, tb.fatal[0].(error), "invalid status 42")
	srv.MustFailNext(0, InternalError())
	srv.MustFailNext(1, Fault{Operation: "nope", Status: 500})
	require.Len(t, tb.fatal, 3)
	require.Zero(t, srv.PendingFaults())

	srv.MustFailNext(1, InternalError())
	require.Len(t, tb.fatal, 3, "a valid fault is queued")
	require.Equal(t, 1, srv.PendingFaults())

	started, err := Start()
	require.NoError(t, err)
	defer started.Close()
	require.PanicsWithError(t, "fingerprinttest: FailNext: n must be positive, got 0", func() { started.MustFailNext(0, InternalError()) })
}
