package fingerprint_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestIsTransient produces every kind of error a Client returns, through real calls
// against the fake server (faults injected, retries off so each error surfaces as it
// is), and checks IsTransient's verdict on it.
func TestIsTransient(t *testing.T) {
	t.Parallel()
	get := func(c *fingerprint.Client, ctx context.Context) error {
		_, err := c.GetEvent(ctx, "ev1", nil)
		return err
	}
	search := func(c *fingerprint.Client, ctx context.Context) error { _, err := c.SearchEvents(ctx, nil); return err }
	update := func(c *fingerprint.Client, ctx context.Context) error {
		return c.UpdateEvent(ctx, "ev1", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
	}
	fault := func(f fingerprinttest.Fault) *fingerprinttest.Fault { return &f }
	cases := []struct {
		name  string
		fault *fingerprinttest.Fault
		opts  []fingerprint.Option
		ctx   func(context.Context) (context.Context, context.CancelFunc)
		call  func(*fingerprint.Client, context.Context) error
		want  bool
		check func(error) bool // what kind of error it must be, so the case tests what it says
	}{
		{name: "500", fault: fault(fingerprinttest.InternalError()), opts: nil, ctx: nil, call: get, want: true, check: status(500)},
		{name: "502 HTML", fault: fault(fingerprinttest.BadGatewayHTML()), opts: nil, ctx: nil, call: search, want: true, check: status(502)},
		{name: "503", fault: fault(fingerprinttest.ServiceUnavailableHTML()), opts: nil, ctx: nil, call: get, want: true, check: status(503)},
		{name: "504", fault: fault(fingerprinttest.GatewayTimeout()), opts: nil, ctx: nil, call: search, want: true, check: status(504)},
		{name: "429", fault: fault(fingerprinttest.TooManyRequests("1")), opts: nil, ctx: nil, call: search, want: true, check: status(429)},
		{name: "408", fault: fault(fingerprinttest.Fault{Status: 408}), opts: nil, ctx: nil, call: get, want: true, check: status(408)},
		{name: "409 state_not_ready", fault: fault(fingerprinttest.StateNotReady()), opts: []fingerprint.Option{fingerprint.WithStateNotReadyWait(0)}, ctx: nil, call: update, want: true, check: status(409)},
		{name: "409 other code", fault: fault(fingerprinttest.Fault{Status: 409, Code: fingerprint.ErrorCodeFailed}), opts: nil, ctx: nil, call: update, want: false, check: status(409)},
		{name: "404", fault: nil, opts: nil, ctx: nil, call: get, want: false, check: status(404)},
		{name: "400", fault: fault(fingerprinttest.Fault{Status: 400}), opts: nil, ctx: nil, call: search, want: false, check: status(400)},
		{name: "403 wrong key", fault: fault(fingerprinttest.Fault{Status: 403}), opts: nil, ctx: nil, call: get, want: false, check: status(403)},
		{name: "401", fault: fault(fingerprinttest.Fault{Status: 401}), opts: nil, ctx: nil, call: get, want: false, check: status(401)},
		{name: "redirect answered", fault: fault(fingerprinttest.Fault{Status: 302, Header: http.Header{"Location": {"/elsewhere"}}}), opts: nil, ctx: nil, call: get, want: false, check: status(302)},
		{name: "2xx not decodable", fault: fault(fingerprinttest.Fault{Status: 200, Body: []byte("<html>portal</html>")}), opts: nil, ctx: nil, call: get, want: false, check: isType[*fingerprint.DecodeError]},
		{name: "validation", fault: nil, opts: nil, ctx: nil, call: func(c *fingerprint.Client, ctx context.Context) error {
			_, err := c.GetEvent(ctx, " ", nil)
			return err
		},
			want: false, check: isType[*fingerprint.ValidationError]},
		{name: "connection reset", fault: fault(fingerprinttest.ConnectionReset()), opts: nil, ctx: nil, call: get, want: true, check: isType[net.Error]},
		{name: "body cut short", fault: fault(fingerprinttest.TruncatedBody()), opts: nil, ctx: nil, call: search, want: true, check: func(err error) bool {
			return strings.Contains(err.Error(), "reading response body")
		}},
		{name: "attempt timeout, caller context alive", fault: fault(fingerprinttest.Fault{Status: 500, Delay: 5 * time.Second}),
			opts: []fingerprint.Option{fingerprint.WithTimeout(30 * time.Millisecond)}, ctx: nil, call: get, want: true, check: func(err error) bool {
				return errors.Is(err, context.DeadlineExceeded)
			}},
		{name: "caller context cancelled", fault: nil, opts: nil, ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return ctx, cancel
		}, call: get, want: false, check: func(err error) bool { return errors.Is(err, context.Canceled) }},
		{name: "caller deadline passed", fault: nil, opts: nil, ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithDeadline(ctx, time.Now().Add(-time.Second))
		}, call: get, want: true, check: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{name: "rate limiter refused", fault: nil, opts: []fingerprint.Option{fingerprint.WithRateLimiter(&countingLimiter{err: errors.New("no")})}, ctx: nil, call: get, want: true,
			check: func(err error) bool { return errors.Is(err, fingerprint.ErrRateLimited) }},
		{name: "rate limiter cancelled", fault: nil, opts: []fingerprint.Option{fingerprint.WithRateLimiter(&countingLimiter{})},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				return ctx, cancel
			}, call: get, want: false, check: func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fingerprinttest.NewServer(t)
			c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL()),
				fingerprint.WithMaxRetries(0)}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.fault != nil {
				srv.MustFailNext(1, *tc.fault)
			}
			ctx := t.Context()
			if tc.ctx != nil {
				var cancel context.CancelFunc
				ctx, cancel = tc.ctx(ctx)
				defer cancel()
			}
			err = tc.call(c, ctx)
			if err == nil || !tc.check(err) {
				t.Fatalf("the call returned %v, not the error this case is about", err)
			}
			if got := fingerprint.IsTransient(err); got != tc.want {
				t.Errorf("IsTransient(%v) = %v, want %v", err, got, tc.want)
			}
		})
	}
}

// TestIsTransientOtherErrors covers the errors not made by a request.
func TestIsTransientOtherErrors(t *testing.T) {
	t.Parallel()
	refused := func() error {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		c, err := fingerprint.NewClient(fingerprint.TestKey, fingerprint.WithBaseURL("http://"+addr), fingerprint.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetEvent(t.Context(), "ev1", nil)
		return err
	}
	redirectRefused := func() error {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
		}))
		defer ts.Close()
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errors.New("no redirects here") }}
		c, err := fingerprint.NewClient(fingerprint.TestKey, fingerprint.WithBaseURL(ts.URL), fingerprint.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetEvent(t.Context(), "ev1", nil)
		return err
	}
	notConstructed := func() error { _, err := new(fingerprint.Client).GetEvent(t.Context(), "ev1", nil); return err }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused", refused(), true},
		{"redirect refused by CheckRedirect", redirectRefused(), false},
		{"zero Client", notConstructed(), false},
		{"pagination loop", fmt.Errorf("fingerprint: page 3: %w", fingerprint.ErrPaginationLoop), false},
		{"unknown error", errors.New("something else"), false},
	}
	for _, tc := range cases {
		if tc.name != "nil" && tc.err == nil {
			t.Errorf("%s: no error was produced", tc.name)
			continue
		}
		if got := fingerprint.IsTransient(tc.err); got != tc.want {
			t.Errorf("%s: IsTransient(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

func status(code int) func(error) bool {
	return func(err error) bool {
		var apiErr *fingerprint.APIError
		return errors.As(err, &apiErr) && apiErr.StatusCode == code
	}
}

func isType[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestParseRegion(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]fingerprint.Region{
		"": fingerprint.RegionUS, "  ": fingerprint.RegionUS, "us": fingerprint.RegionUS, "US": fingerprint.RegionUS,
		"eu": fingerprint.RegionEU, " Eu ": fingerprint.RegionEU, "asia": fingerprint.RegionAsia, "ASIA": fingerprint.RegionAsia,
	} {
		got, err := fingerprint.ParseRegion(in)
		if err != nil || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", in, got, err, want)
		}
		if _, err := fingerprint.NewClient(fingerprint.TestKey, fingerprint.WithRegion(got)); err != nil {
			t.Errorf("WithRegion(ParseRegion(%q)): %v", in, err)
		}
	}
	for _, bad := range []string{"ap", "europe", "us-east", "u s"} {
		got, err := fingerprint.ParseRegion(bad)
		if err == nil || got != "" {
			t.Errorf("ParseRegion(%q) = %q, %v; want an error", bad, got, err)
			continue
		}
		for _, valid := range []string{`"us"`, `"eu"`, `"asia"`, bad} {
			if !strings.Contains(err.Error(), valid) {
				t.Errorf("ParseRegion(%q) error %q does not mention %s", bad, err, valid)
			}
		}
	}
}
