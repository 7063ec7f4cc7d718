package fingerprinttest

import (
	"math"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
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
	if got, want := r.header.Get("Retry-After"), retryAfter; !reflect.DeepEqual(got, want) {
		t.Fatalf("r.header.Get(\"Retry-After\") = %v, want %v", got, want)
	}
}

func TestRateLimitIsATokenBucket(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithRateLimit(2, 3), WithEvents(at("e1", 1)))
	get := func() response { return call(t, srv, "GET", "/events/e1", nil) }

	for range 3 { // the burst
		if got := get().status; got != http.StatusOK {
			t.Fatalf("get().status = %v, want %v", got, http.StatusOK)
		}
	}
	wantTooMany(t, get(), "too many requests", "1") // half a second to the next token, rounded up
	wantTooMany(t, call(t, srv, "GET", "/events", nil), "too many search requests", "1")
	wantError(t, call(t, srv, "GET", "/events/e1", nil, "Authorization", "Bearer wrong"),
		http.StatusForbidden, gen.ErrorCodeSecretAPIKeyNotFound, "") // checked first, takes no token

	clock.advance(500 * time.Millisecond)
	if got := get().status; got != http.StatusOK {
		t.Fatalf("one token refilled: get().status = %v, want %v", got, http.StatusOK)
	}
	wantTooMany(t, call(t, srv, "PATCH", "/events/e1", `{"suspect":true}`), "too many requests", "1")
	got, _ := srv.Event("e1")
	if got.Suspect != nil {
		t.Fatalf("a limited request changes nothing: got.Suspect = %v, want nil", got.Suspect)
	}

	clock.advance(time.Hour)
	for range 3 { // refilled up to the burst, no further
		if got := get().status; got != http.StatusOK {
			t.Fatalf("get().status = %v, want %v", got, http.StatusOK)
		}
	}
	if got := get().status; got != http.StatusTooManyRequests {
		t.Fatalf("get().status = %v, want %v", got, http.StatusTooManyRequests)
	}

	// Injected faults come first and take no token.
	srv.MustFailNext(1, InternalError())
	if got := get().status; got != http.StatusInternalServerError {
		t.Fatalf("get().status = %v, want %v", got, http.StatusInternalServerError)
	}

	var faults []string
	for _, e := range srv.Requests() {
		if e.Status == http.StatusTooManyRequests {
			faults = append(faults, e.Fault)
		}
	}
	if got, want := faults, []string{"rate limit", "rate limit", "rate limit", "rate limit"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("faults = %v, want %v", got, want)
	}
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	clock := newManualClock()
	srv := NewServer(t, WithClock(clock.now), WithRateLimit(0.25, 1), WithEvents(at("e1", 1)))
	if got := call(t, srv, "GET", "/events/e1", nil).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"GET\", \"/events/e1\", nil).status = %v, want %v", got, http.StatusOK)
	}
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "4")
	clock.advance(3900 * time.Millisecond)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "1") // 0.1 s left
	clock.advance(100 * time.Millisecond)
	if got := call(t, srv, "GET", "/events/e1", nil).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"GET\", \"/events/e1\", nil).status = %v, want %v", got, http.StatusOK)
	}

	// A clock going back refills nothing, and coming forward again only counts the
	// time after the last refill.
	clock.advance(-time.Hour)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "4")
	clock.advance(time.Hour + 3*time.Second)
	wantTooMany(t, call(t, srv, "GET", "/events/e1", nil), "too many requests", "1")
	clock.advance(time.Second)
	if got := call(t, srv, "GET", "/events/e1", nil).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"GET\", \"/events/e1\", nil).status = %v, want %v", got, http.StatusOK)
	}
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

	// t0
	if got := del("v1").status; got != http.StatusOK {
		t.Fatalf("del(\"v1\").status = %v, want %v", got, http.StatusOK)
	}
	clock.advance(10 * time.Minute)
	// t0+10m
	if got := del("v2").status; got != http.StatusOK {
		t.Fatalf("del(\"v2\").status = %v, want %v", got, http.StatusOK)
	}
	clock.advance(10 * time.Minute)
	wantTooMany(t, del("v3"), "too many requests", "2400") // the hour frees up at t0+60m
	_, kept := srv.Event("e-v3")
	if !kept {
		t.Fatalf("a delete over the quota deletes nothing: kept is false, want true")
	}
	if got := call(t, srv, "GET", "/events/e-v3", nil).status; got != http.StatusOK {
		t.Fatalf("other operations are not limited: call(t, srv, \"GET\", \"/events/e-v3\", nil).status = %v, want %v", got, http.StatusOK)
	}
	wantError(t, del("bad%20id"), http.StatusBadRequest, gen.ErrorCodeRequestCannotBeParsed, "invalid visitor id")

	clock.advance(40 * time.Minute)
	// t0+60m: the day now holds 3
	if got := del("v3").status; got != http.StatusOK {
		t.Fatalf("del(\"v3\").status = %v, want %v", got, http.StatusOK)
	}
	clock.advance(10 * time.Minute)
	wantTooMany(t, del("v4"), "too many requests", "82200") // the day frees up at t0+24h
	clock.advance(82200 * time.Second)
	if got := del("v4").status; got != http.StatusOK {
		t.Fatalf("del(\"v4\").status = %v, want %v", got, http.StatusOK)
	}
	if got := srv.Requests()[len(srv.Requests())-2].Fault; got != "delete quota" {
		t.Fatalf("srv.Requests()[len(srv.Requests())-2].Fault = %q, want %q", got, "delete quota")
	}

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
		if got, want := n, min(DeleteQuotaPerHour, DeleteQuotaPerDay-hour*DeleteQuotaPerHour); !reflect.DeepEqual(got, want) {
			t.Fatalf("hour %d: n = %v, want %v", hour, got, want)
		}
		clock.advance(time.Hour)
	}
	if got := status(); got != http.StatusTooManyRequests {
		t.Fatalf("the day is full: status() = %v, want %v", got, http.StatusTooManyRequests)
	}
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
		if err == nil {
			t.Fatalf("%v: err: got nil error, want an error", name)
		}
	}
	// Both windows at 0 leave deletes unlimited.
	srv := NewServer(t, WithDeleteQuota(0, 0))
	for range 3 {
		if got := call(t, srv, "DELETE", "/visitors/nobody", nil).status; got != http.StatusNotFound {
			t.Fatalf("call(t, srv, \"DELETE\", \"/visitors/nobody\", nil).status = %v, want %v", got, http.StatusNotFound)
		}
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
	if got := len(tb.fatal); got != 1 {
		t.Fatalf("len(tb.fatal) = %d, want %d", got, 1)
	}
	if err := tb.fatal[0].(error); err == nil || !strings.Contains(err.Error(), "invalid status 42") {
		t.Fatalf("error = %v, want it to contain %q", err, "invalid status 42")
	}
	srv.MustFailNext(0, InternalError())
	srv.MustFailNext(1, Fault{Operation: "nope", Status: 500})
	if got := len(tb.fatal); got != 3 {
		t.Fatalf("len(tb.fatal) = %d, want %d", got, 3)
	}
	if srv.PendingFaults() != 0 {
		t.Fatalf("srv.PendingFaults() = %v, want 0", srv.PendingFaults())
	}

	srv.MustFailNext(1, InternalError())
	if got := len(tb.fatal); got != 3 {
		t.Fatalf("a valid fault is queued: len(tb.fatal) = %d, want %d", got, 3)
	}
	if got := srv.PendingFaults(); got != 1 {
		t.Fatalf("srv.PendingFaults() = %v, want %v", got, 1)
	}

	started, err := Start()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	defer started.Close()
	func() {
		const want = "fingerprinttest: FailNext: n must be positive, got 0"
		defer func() {
			r := recover()
			err, ok := r.(error)
			if !ok || err.Error() != want {
				t.Fatalf("MustFailNext(0) panicked with %v, want an error %q", r, want)
			}
		}()
		started.MustFailNext(0, InternalError())
	}()
}
