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

// recorder is an Observer that keeps what it is told, and tags the call context.
type recorder struct {
	mu       sync.Mutex
	starts   []fingerprint.CallInfo
	attempts []fingerprint.AttemptInfo
	ends     []fingerprint.CallEndInfo
	ctxOK    []bool // whether each hook after CallStart got the derived context
}

type observedKey struct{}

func (r *recorder) CallStart(ctx context.Context, call fingerprint.CallInfo) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts = append(r.starts, call)
	return context.WithValue(ctx, observedKey{}, call.Operation)
}

func (r *recorder) AttemptEnd(ctx context.Context, a fingerprint.AttemptInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts = append(r.attempts, a)
	r.ctxOK = append(r.ctxOK, ctx.Value(observedKey{}) == a.Operation)
}

func (r *recorder) CallEnd(ctx context.Context, e fingerprint.CallEndInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ends = append(r.ends, e)
	r.ctxOK = append(r.ctxOK, ctx.Value(observedKey{}) == e.Operation)
}

// ctxTransport records whether each request's context carries the recorder's tag.
type ctxTransport struct {
	mu     sync.Mutex
	tagged []bool
}

func (t *ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.tagged = append(t.tagged, r.Context().Value(observedKey{}) != nil)
	t.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// observedClient is a Client on a fake server with rec as its observer and retries
// that do not sleep.
func observedClient(t *testing.T, rec fingerprint.Observer, opts ...fingerprint.Option) (*fingerprint.Client, *fingerprinttest.Server, *ctxTransport) {
	t.Helper()
	srv := fingerprinttest.NewServer(t)
	tr := &ctxTransport{}
	c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithHTTPClient(&http.Client{Transport: tr}), fingerprint.WithObserver(rec)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	fingerprint.SetRetryHooks(c, func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		func(d time.Duration) time.Duration { return d })
	return c, srv, tr
}

func TestObserverSeesCallsAttemptsAndRetries(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	c, srv, tr := observedClient(t, rec)
	ev := fingerprinttest.NewGenerator(3).Events(1)[0]
	if err := srv.AddEvents(ev); err != nil {
		t.Fatal(err)
	}
	srv.MustFailNext(1, fingerprinttest.InternalError())
	srv.MustFailNext(1, fingerprinttest.TooManyRequests("2"))
	if _, err := c.GetEvent(t.Context(), ev.EventID, nil); err != nil {
		t.Fatal(err)
	}

	if len(rec.starts) != 1 || len(rec.attempts) != 3 || len(rec.ends) != 1 {
		t.Fatalf("hooks: %d starts, %d attempts, %d ends; want 1, 3, 1", len(rec.starts), len(rec.attempts), len(rec.ends))
	}
	host := strings.TrimPrefix(strings.Split(srv.URL(), "/v4")[0], "http://")
	want := fingerprint.CallInfo{Operation: fingerprint.OperationGetEvent, Method: "GET", PathTemplate: "/events/{event_id}",
		ServerAddress: strings.Split(host, ":")[0]}
	got := rec.starts[0]
	got.ServerPort = 0
	if got != want || rec.starts[0].ServerPort == 0 || !strings.HasSuffix(host, fmt.Sprint(rec.starts[0].ServerPort)) {
		t.Errorf("CallInfo = %+v, want %+v and the port of %s", rec.starts[0], want, host)
	}
	a := rec.attempts
	checks := []struct {
		status     int
		code       fingerprint.ErrorCode
		errType    string
		reason     fingerprint.RetryReason
		delay      time.Duration
		retryAfter bool
	}{
		{status: 500, code: fingerprint.ErrorCodeFailed, errType: "500", reason: fingerprint.RetryReasonServerError, delay: fingerprint.BaseBackoff, retryAfter: false},
		{status: 429, code: fingerprint.ErrorCodeTooManyRequests, errType: "429", reason: fingerprint.RetryReasonRateLimited, delay: 2 * time.Second, retryAfter: true},
		{status: 200, code: "", errType: "", reason: "", delay: 0, retryAfter: false},
	}
	for i, w := range checks {
		g := a[i]
		if g.Attempt != i+1 || g.CallInfo != rec.starts[0] || g.StatusCode != w.status || g.ErrorCode != w.code ||
			g.ErrorType != w.errType || g.RetryReason != w.reason || g.RetryDelay != w.delay || g.RetryAfter != w.retryAfter ||
			(g.Err == nil) != (w.status == 200) || g.Start.IsZero() || g.Duration <= 0 {
			t.Errorf("attempt %d = %+v, want %+v", i+1, g, w)
		}
	}
	e := rec.ends[0]
	if e.CallInfo != rec.starts[0] || e.Attempts != 3 || e.StatusCode != 200 || e.ErrorCode != "" || e.ErrorType != "" ||
		e.Err != nil || e.Duration < a[0].Duration+a[1].Duration+a[2].Duration {
		t.Errorf("CallEnd = %+v", e)
	}
	for i, ok := range rec.ctxOK {
		if !ok {
			t.Errorf("hook %d did not get the context CallStart returned", i)
		}
	}
	for i, ok := range tr.tagged {
		if !ok {
			t.Errorf("request %d was not sent with the context CallStart returned", i)
		}
	}
}

func TestObserverOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		fault      *fingerprinttest.Fault
		call       func(*fingerprint.Client, context.Context) error
		opts       []fingerprint.Option
		starts     int
		attempts   int
		wantType   string
		wantStatus int
	}{
		{name: "validation error reaches no hook", fault: nil, call: func(c *fingerprint.Client, ctx context.Context) error {
			_, err := c.GetEvent(ctx, "", nil)
			return err
		}, opts: nil, starts: 0, attempts: 0, wantType: "", wantStatus: 0},
		{name: "404 is not retried", fault: nil, call: func(c *fingerprint.Client, ctx context.Context) error {
			_, err := c.GetEvent(ctx, "missing", nil)
			return err
		}, opts: nil, starts: 1, attempts: 1, wantType: "404", wantStatus: 404},
		{name: "2xx that cannot be decoded", fault: &fingerprinttest.Fault{Status: 200, Body: []byte("<html>hi</html>")}, call: func(c *fingerprint.Client, ctx context.Context) error {
			_, err := c.SearchEvents(ctx, nil)
			return err
		}, opts: nil, starts: 1, attempts: 1, wantType: "decode", wantStatus: 200},
		{name: "connection reset, retries exhausted", fault: &fingerprinttest.Fault{Reset: true}, call: func(c *fingerprint.Client, ctx context.Context) error {
			return c.DeleteVisitorData(ctx, "v1")
		}, opts: []fingerprint.Option{fingerprint.WithMaxRetries(1)}, starts: 1, attempts: 2, wantType: "network", wantStatus: 0},
		{name: "body cut short", fault: &fingerprinttest.Fault{Truncate: true}, call: func(c *fingerprint.Client, ctx context.Context) error {
			_, err := c.SearchEvents(ctx, nil)
			return err
		}, opts: []fingerprint.Option{fingerprint.WithMaxRetries(0)}, starts: 1, attempts: 1, wantType: "network", wantStatus: 200},
		{name: "cancelled before the first attempt", fault: nil, call: func(c *fingerprint.Client, ctx context.Context) error {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := c.SearchEvents(ctx, nil)
			return err
		}, opts: nil, starts: 1, attempts: 0, wantType: "canceled", wantStatus: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			c, srv, _ := observedClient(t, rec, tc.opts...)
			if tc.fault != nil {
				srv.MustFailNext(10, *tc.fault)
			}
			err := tc.call(c, t.Context())
			if err == nil {
				t.Fatal("call succeeded")
			}
			if len(rec.starts) != tc.starts || len(rec.ends) != tc.starts || len(rec.attempts) != tc.attempts {
				t.Fatalf("hooks: %d starts, %d attempts, %d ends; want %d, %d, %d", len(rec.starts), len(rec.attempts), len(rec.ends),
					tc.starts, tc.attempts, tc.starts)
			}
			if tc.starts == 0 {
				return
			}
			e := rec.ends[0]
			if e.ErrorType != tc.wantType || e.StatusCode != tc.wantStatus || !errors.Is(e.Err, err) || e.Attempts != tc.attempts {
				t.Errorf("CallEnd = %+v; want type %q, status %d, the returned error", e, tc.wantType, tc.wantStatus)
			}
			if n := len(rec.attempts); n > 0 && rec.attempts[n-1].RetryDelay != 0 {
				t.Errorf("last attempt announces a retry: %+v", rec.attempts[n-1])
			}
		})
	}
}

// TestObserverNeverSeesArguments: apart from Err, nothing an Observer receives holds
// the key, IDs, linked IDs, IP addresses or query values.
func TestObserverNeverSeesArguments(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	c, srv, _ := observedClient(t, rec)
	ev := fingerprinttest.NewGenerator(5).Events(1)[0]
	if err := srv.AddEvents(ev); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	const linked, ip, visitor = "account-8812", "203.0.113.77", "VisitorSecret42xyz"
	srv.MustFailNext(1, fingerprinttest.InternalError())
	_, _ = c.GetEvent(ctx, ev.EventID, &fingerprint.GetEventOptions{RulesetID: "rs_hidden"})
	_ = c.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{LinkedID: fingerprint.Ptr(linked)})
	_, _ = c.SearchEvents(ctx, &fingerprint.SearchEventsParams{LinkedID: linked, IPAddress: ip, Limit: 3})
	_ = c.DeleteVisitorData(ctx, visitor)
	_, _ = c.AnalyzeRequest(ctx, fingerprint.EdgeRequestForTest())
	_ = c.SubmitEventFeedback(ctx, ev.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})

	var all strings.Builder
	for _, s := range rec.starts {
		fmt.Fprintf(&all, "%+v\n", s)
	}
	for _, a := range rec.attempts {
		a.Err = nil
		fmt.Fprintf(&all, "%+v\n", a)
	}
	for _, e := range rec.ends {
		e.Err = nil
		fmt.Fprintf(&all, "%+v\n", e)
	}
	if len(rec.ends) != 6 {
		t.Fatalf("%d calls observed, want 6", len(rec.ends))
	}
	ops := map[string]bool{}
	for _, e := range rec.ends {
		ops[e.Operation] = true
	}
	for _, op := range []string{fingerprint.OperationGetEvent, fingerprint.OperationUpdateEvent, fingerprint.OperationSearchEvents,
		fingerprint.OperationDeleteVisitorData, fingerprint.OperationAnalyzeRequest, fingerprint.OperationSubmitEventFeedback} {
		if !ops[op] {
			t.Errorf("no call of %s observed", op)
		}
	}
	for _, secret := range []string{srv.APIKey(), ev.EventID, "rs_hidden", linked, ip, visitor, "203.0.113.7", "shop.example.com"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("the observer saw %q:\n%s", secret, all.String())
		}
	}
}
