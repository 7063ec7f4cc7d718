package fingerprint

// Reliability suite, redirects (issue 9 §1). The API never redirects, so every 3xx comes
// from something in between. Each case sends one call through a real server that answers
// with a redirect, and checks what every server really received (method, body, whether
// the key came along) and what the call returned.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// otherHost is a name that the test transport resolves to loopback, so that a redirect
// can change the host name without any DNS.
const otherHost = "other-host.test"

// seenRequest is what a test server received.
type seenRequest struct {
	server string // "origin" or "target"
	method string
	path   string
	auth   string
	body   string
}

// hopLog collects the requests of every server in a case.
type hopLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (l *hopLog) record(server string, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, seenRequest{server: server, method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"), body: string(b)})
}

func (l *hopLog) all() []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenRequest(nil), l.reqs...)
}

// answerTarget answers a request that reached the redirect target as the API would.
func answerTarget(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		respond(w, 200, minimalEvent)
	case http.MethodPost:
		respond(w, 200, edgeOK)
	default:
		w.WriteHeader(200)
	}
}

// redirectCall is one API call of the matrix and the body it sends.
type redirectCall struct {
	method string
	body   string
	call   func(ctx context.Context, c *Client) error
}

var redirectCalls = []redirectCall{
	{http.MethodGet, "", func(ctx context.Context, c *Client) error {
		_, err := c.GetEvent(ctx, "1708102555327.NLOjmg", nil)
		return err
	}},
	{http.MethodPatch, `{"suspect":true}`, func(ctx context.Context, c *Client) error {
		return c.UpdateEvent(ctx, "1708102555327.NLOjmg", EventUpdate{Suspect: Ptr(true)})
	}},
	{http.MethodDelete, "", func(ctx context.Context, c *Client) error {
		return c.DeleteVisitorData(ctx, "Ibk1527CUFmcnjLwIs4A9")
	}},
	{http.MethodPost, "", func(ctx context.Context, c *Client) error { // body checked against the first attempt
		_, err := c.AnalyzeRequest(ctx, testEdgeRequest())
		return err
	}},
}

// redirectTarget says where the origin's 3xx points.
type redirectTarget string

const (
	targetSameOrigin redirectTarget = "same origin"
	targetOtherPort  redirectTarget = "other port"
	targetHTTPSToHTT redirectTarget = "https to http"
	targetOtherHost  redirectTarget = "other host"
	targetLoop       redirectTarget = "loop"
)

// followAll is a caller's CheckRedirect that follows everything, like net/http's
// default policy: at most 10 redirects.
func followAll(_ *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// redirectCase starts the servers of one case and returns a client and the Location the
// origin answers with.
func redirectCase(t *testing.T, status int, target redirectTarget, checkRedirect func(*http.Request, []*http.Request) error) (*Client, *hopLog, func() string) {
	t.Helper()
	log := &hopLog{}
	var location string
	var locMu sync.Mutex
	loc := func() string { locMu.Lock(); defer locMu.Unlock(); return location }

	originHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record("origin", r)
		if r.URL.Path == "/target" {
			answerTarget(w, r)
			return
		}
		w.Header().Set("Location", loc())
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "moved")
	})
	var origin *httptest.Server
	if target == targetHTTPSToHTT {
		origin = httptest.NewTLSServer(originHandler)
	} else {
		origin = httptest.NewServer(originHandler)
	}
	t.Cleanup(origin.Close)
	targetSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record("target", r)
		answerTarget(w, r)
	}))
	t.Cleanup(targetSrv.Close)

	_, targetPort, _ := net.SplitHostPort(strings.TrimPrefix(targetSrv.URL, "http://"))
	locMu.Lock()
	switch target {
	case targetSameOrigin:
		location = origin.URL + "/target"
	case targetOtherPort, targetHTTPSToHTT:
		location = targetSrv.URL + "/target"
	case targetOtherHost:
		location = "http://" + net.JoinHostPort(otherHost, targetPort) + "/target"
	case targetLoop:
		location = origin.URL + "/v4/loop"
	}
	locMu.Unlock()

	var tr *http.Transport
	if target == targetHTTPSToHTT {
		tr = origin.Client().Transport.(*http.Transport).Clone()
	} else {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && host == otherHost {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return d.DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := NewClient(testKey, WithBaseURL(origin.URL+"/v4"), WithMaxRetries(3),
		WithHTTPClient(&http.Client{Transport: tr, CheckRedirect: checkRedirect}))
	if err != nil {
		t.Fatal(err)
	}
	c.jitter = func(time.Duration) time.Duration { return 0 }
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return c, log, loc
}

// TestRedirects runs 301/302/303/307/308 × GET/PATCH/DELETE/POST × five
// targets, with no CheckRedirect (the SDK follows nothing) and with a caller's
// CheckRedirect that follows everything (the SDK still keeps the key on its origin and
// refuses hops that would turn a write into a GET).
func TestRedirects(t *testing.T) {
	statuses := []int{301, 302, 303, 307, 308}
	targets := []redirectTarget{targetSameOrigin, targetOtherPort, targetHTTPSToHTT, targetOtherHost, targetLoop}
	policies := []struct {
		name  string
		check func(*http.Request, []*http.Request) error
	}{{"no CheckRedirect", nil}, {"caller follows", followAll}}
	const bearer = "Bearer " + testKey

	for _, pol := range policies {
		for _, status := range statuses {
			for _, call := range redirectCalls {
				for _, target := range targets {
					name := fmt.Sprintf("%s/%d/%s/%s", pol.name, status, call.method, target)
					t.Run(name, func(t *testing.T) {
						c, log, loc := redirectCase(t, status, target, pol.check)
						err := call.call(t.Context(), c)
						reqs := log.all()
						if len(reqs) == 0 {
							t.Fatalf("no request reached the origin; err %v", err)
						}
						first := reqs[0]
						if first.server != "origin" || first.method != call.method || first.auth != bearer {
							t.Fatalf("first request %+v", first)
						}
						wantBody := first.body // the body the call sends (JSON of the edge request for POST)
						if call.body != "" && wantBody != call.body {
							t.Fatalf("first body %q, want %q", wantBody, call.body)
						}
						for _, r := range reqs {
							if r.server == "origin" && r.path != "/target" {
								continue
							}
							// A request at the target: what a followed hop delivered.
							if r.method != call.method || r.body != wantBody {
								t.Errorf("the target got %s with body %q: the hop changed the request %s %q", r.method, r.body, call.method, wantBody)
							}
							sameOriginHop := target == targetSameOrigin
							if sameOriginHop && r.auth != bearer {
								t.Errorf("same-origin hop lost the key: Authorization %q", r.auth)
							}
							if !sameOriginHop && r.auth != "" {
								t.Errorf("the key travelled to another origin (%s): Authorization %q", target, r.auth)
							}
						}

						follows := pol.check != nil && (status == 307 || status == 308 || call.method == http.MethodGet)
						switch {
						case !follows:
							// The 3xx is the answer: an *APIError, sent once, never retried.
							apiErr := asAPIError(t, err)
							if apiErr.StatusCode != status || apiErr.Header.Get("Location") != loc() || apiErr.Method != call.method ||
								!bytes.Equal(apiErr.Body, []byte("moved")) {
								t.Errorf("got %d %s %q Location %q, want %d %s Location %q", apiErr.StatusCode, apiErr.Method, apiErr.Body,
									apiErr.Header.Get("Location"), status, call.method, loc())
							}
							if len(reqs) != 1 {
								t.Errorf("%d requests (%+v), want 1: the redirect was followed or retried", len(reqs), reqs)
							}
						case target == targetLoop:
							// The caller's policy gives up after 10 hops; that error is final.
							if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
								t.Errorf("got %v, want the caller's redirect error", err)
							}
							var apiErr *APIError
							if errors.As(err, &apiErr) {
								t.Errorf("got an *APIError %v", apiErr)
							}
							if len(reqs) != 10 {
								t.Errorf("%d requests, want 10 (one call, not retried)", len(reqs))
							}
							for i, r := range reqs {
								if r.server != "origin" || r.method != call.method || r.auth != bearer || r.body != wantBody {
									t.Errorf("hop %d: %+v", i, r)
								}
							}
						default:
							// Followed with method and body intact; the final 2xx is the answer.
							if err != nil {
								t.Errorf("got %v, want success after the followed redirect", err)
							}
							if len(reqs) != 2 {
								t.Errorf("%d requests (%+v), want 2", len(reqs), reqs)
							}
						}
					})
				}
			}
		}
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want bool
	}{
		{"https://api.fpjs.io/v4", "https://api.fpjs.io/other", true},
		{"https://api.fpjs.io/v4", "https://api.fpjs.io:443/v4", true},
		{"HTTPS://API.fpjs.io/v4", "https://api.FPJS.io/v4", true},
		{"http://127.0.0.1/v4", "http://127.0.0.1:80/v4", true},
		{"https://api.fpjs.io/v4", "http://api.fpjs.io/v4", false},
		{"https://api.fpjs.io/v4", "https://api.fpjs.io:8443/v4", false},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/", false},
		{"https://api.fpjs.io/", "https://eu.api.fpjs.io/", false},
		{"http://[::1]:80/", "http://[::1]/", true},
		{"http://[::1]:8080/", "http://[::2]:8080/", false},
	}
	for _, tc := range cases {
		a, _ := url.Parse(tc.a)
		b, _ := url.Parse(tc.b)
		if got := sameOrigin(a, b); got != tc.want {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestRedirectCallerErrorFinal: any error from the caller's CheckRedirect ends
// the call at once, even for operations whose transport errors are retried.
func TestRedirectCallerErrorFinal(t *testing.T) {
	refuse := errors.New("refused by policy")
	c, log, _ := redirectCase(t, 307, targetOtherPort, func(*http.Request, []*http.Request) error { return refuse })
	_, err := c.GetEvent(t.Context(), "1708102555327.NLOjmg", nil)
	if !errors.Is(err, refuse) {
		t.Errorf("got %v, want the CheckRedirect error", err)
	}
	if n := len(log.all()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry)", n)
	}
}
