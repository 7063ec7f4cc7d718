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
		{"500", fault(fingerprinttest.InternalError()), nil, nil, get, true, status(500)},
		{"502 HTML", fault(fingerprinttest.BadGatewayHTML()), nil, nil, search, true, status(502)},
		{"503", fault(fingerprinttest.ServiceUnavailableHTML()), nil, nil, get, true, status(503)},
		{"504", fault(fingerprinttest.GatewayTimeout()), nil, nil, search, true, status(504)},
		{"429", fault(fingerprinttest.TooManyRequests("1")), nil, nil, search, true, status(429)},
		{"408", fault(fingerprinttest.Fault{Status: 408}), nil, nil, get, true, status(408)},
		{"409 state_not_ready", fault(fingerprinttest.StateNotReady()), []fingerprint.Option{fingerprint.WithStateNotReadyWait(0)}, nil, update, true, status(409)},
		{"409 other code", fault(fingerprinttest.Fault{Status: 409, Code: fingerprint.ErrorCodeFailed}), nil, nil, update, false, status(409)},
		{"404", nil, nil, nil, get, false, status(404)},
		{"400", fault(fingerprinttest.Fault{Status: 400}), nil, nil, search, false, status(400)},
		{"403 wrong key", fault(fingerprinttest.Fault{Status: 403}), nil, nil, get, false, status(403)},
		{"401", fault(fingerprinttest.Fault{Status: 401}), nil, nil, get, false, status(401)},
		{"redirect answered", fault(fingerprinttest.Fault{Status: 302, Header: http.Header{"Location": {"/elsewhere"}}}), nil, nil, get, false, status(302)},
		{"2xx not decodable", fault(fingerprinttest.Fault{Status: 200, Body: []byte("<html>portal</html>")}), nil, nil, get, false, isType[*fingerprint.DecodeError]},
		{"validation", nil, nil, nil, func(c *fingerprint.Client, ctx context.Context) error {
			_, err := c.GetEvent(ctx, " ", nil)
			return err
		},
			false, isType[*fingerprint.ValidationError]},
		{"connection reset", fault(fingerprinttest.ConnectionReset()), nil, nil, get, true, isType[net.Error]},
		{"body cut short", fault(fingerprinttest.TruncatedBody()), nil, nil, search, true, func(err error) bool {
			return strings.Contains(err.Error(), "reading response body")
		}},
		{"attempt timeout, caller context alive", fault(fingerprinttest.Fault{Status: 500, Delay: 5 * time.Second}),
			[]fingerprint.Option{fingerprint.WithTimeout(30 * time.Millisecond)}, nil, get, true, func(err error) bool {
				return errors.Is(err, context.DeadlineExceeded)
			}},
		{"caller context cancelled", nil, nil, func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return ctx, cancel
		}, get, false, func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"caller deadline passed", nil, nil, func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithDeadline(ctx, time.Now().Add(-time.Second))
		}, get, true, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"rate limiter refused", nil, []fingerprint.Option{fingerprint.WithRateLimiter(&countingLimiter{err: errors.New("no")})}, nil, get, true,
			func(err error) bool { return errors.Is(err, fingerprint.ErrRateLimited) }},
		{"rate limiter cancelled", nil, []fingerprint.Option{fingerprint.WithRateLimiter(&countingLimiter{})},
			func(ctx context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				return ctx, cancel
			}, get, false, func(err error) bool { return errors.Is(err, context.Canceled) }},
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
