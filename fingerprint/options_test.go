package fingerprint

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		key     string
		opts    []Option
		wantErr string // substring; empty means success
	}{
		{name: "ok", key: testKey, opts: nil, wantErr: ""},
		{name: "empty key", key: "", opts: nil, wantErr: "key is empty"},
		{name: "blank key", key: " \t\n", opts: nil, wantErr: "key is empty"},
		{name: "key with space", key: "abc def", opts: nil, wantErr: "spaces"},
		{name: "key with newline", key: "abc\ndef", opts: nil, wantErr: "control"},
		{name: "key with trailing newline", key: testKey + "\n", opts: nil, wantErr: "control"},
		{name: "key non-ASCII", key: "clé", opts: nil, wantErr: "non-ASCII"},
		{name: "unknown region", key: testKey, opts: []Option{WithRegion("mars")}, wantErr: `unknown region "mars"`},
		{name: "empty region", key: testKey, opts: []Option{WithRegion("")}, wantErr: "unknown region"},
		{name: "region and base URL", key: testKey, opts: []Option{WithRegion(RegionEU), WithBaseURL("https://proxy.example/v4")}, wantErr: "cannot be combined"},
		{name: "base URL and region", key: testKey, opts: []Option{WithBaseURL("https://proxy.example/v4"), WithRegion(RegionUS)}, wantErr: "cannot be combined"},
		{name: "base URL empty", key: testKey, opts: []Option{WithBaseURL("")}, wantErr: "empty"},
		{name: "base URL no scheme", key: testKey, opts: []Option{WithBaseURL("api.example.com/v4")}, wantErr: "scheme"},
		{name: "base URL ftp", key: testKey, opts: []Option{WithBaseURL("ftp://api.example.com")}, wantErr: "scheme"},
		{name: "base URL no host", key: testKey, opts: []Option{WithBaseURL("https:///v4")}, wantErr: "host"},
		{name: "base URL query", key: testKey, opts: []Option{WithBaseURL("https://a.example/v4?x=1")}, wantErr: "query"},
		{name: "base URL empty query", key: testKey, opts: []Option{WithBaseURL("https://a.example/v4?")}, wantErr: "query"},
		{name: "base URL fragment", key: testKey, opts: []Option{WithBaseURL("https://a.example/v4#f")}, wantErr: "fragment"},
		{name: "base URL user info", key: testKey, opts: []Option{WithBaseURL("https://u:p@a.example/v4")}, wantErr: "user info"},
		{name: "base URL unparsable", key: testKey, opts: []Option{WithBaseURL("http://[::1")}, wantErr: "parsed"},
		{name: "nil http client", key: testKey, opts: []Option{WithHTTPClient(nil)}, wantErr: "nil"},
		{name: "negative timeout", key: testKey, opts: []Option{WithTimeout(-time.Second)}, wantErr: "negative"},
		{name: "negative retries", key: testKey, opts: []Option{WithMaxRetries(-1)}, wantErr: "negative"},
		{name: "nil option", key: testKey, opts: []Option{nil}, wantErr: "nil Option"},
		{name: "zero timeout and retries", key: testKey, opts: []Option{WithTimeout(0), WithMaxRetries(0), WithLogger(nil)}, wantErr: ""},
	}
	for _, tc := range cases {
		c, err := NewClient(tc.key, tc.opts...)
		if tc.wantErr == "" {
			if err != nil || c == nil {
				t.Errorf("%s: NewClient = %v, %v; want a client", tc.name, c, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.wantErr)
		}
		if err != nil && tc.key != "" && strings.TrimSpace(tc.key) != "" && strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: error reveals the key: %v", tc.name, err)
		}
	}
}

func TestRegionBaseURLs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		opts []Option
		want string
	}{
		{nil, "https://api.fpjs.io/v4"},
		{[]Option{WithRegion(RegionUS)}, "https://api.fpjs.io/v4"},
		{[]Option{WithRegion(RegionEU)}, "https://eu.api.fpjs.io/v4"},
		{[]Option{WithRegion(RegionAsia)}, "https://ap.api.fpjs.io/v4"},
		{[]Option{WithBaseURL("http://127.0.0.1:4010/")}, "http://127.0.0.1:4010"},
		{[]Option{WithBaseURL("https://proxy.example/fp/v4")}, "https://proxy.example/fp/v4"},
	}
	for _, tc := range cases {
		c, err := NewClient(testKey, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != tc.want {
			t.Errorf("BaseURL = %s, want %s", c.BaseURL(), tc.want)
		}
		if !strings.HasSuffix(c.server, "/") {
			t.Errorf("server %q lacks the trailing slash the gen builders need", c.server)
		}
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey)
	if err != nil {
		t.Fatal(err)
	}
	if c.timeout != DefaultTimeout || c.timeout <= 0 || c.maxRetries != DefaultMaxRetries || c.maxRetries <= 0 {
		t.Errorf("timeout=%v retries=%d, want defaults %v/%d", c.timeout, c.maxRetries, DefaultTimeout, DefaultMaxRetries)
	}
}

// recordingTransport records the requests it forwards.
type recordingTransport struct {
	base http.RoundTripper
	seen []*http.Request
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.seen = append(rt.seen, r)
	return rt.base.RoundTrip(r)
}

func TestWithHTTPClientIsNotMutatedAndKeepsIdentity(t *testing.T) {
	t.Parallel()
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		respond(w, 200, minimalEvent)
	}))
	defer srv.Close()

	rt := &recordingTransport{base: http.DefaultTransport}
	jar := http.CookieJar(nil)
	user := &http.Client{Transport: rt, Timeout: 7 * time.Second, Jar: jar}
	before := *user
	c, err := NewClient(testKey, WithBaseURL(srv.URL), WithHTTPClient(user))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetEvent(t.Context(), "e1", nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, *user) || user.Transport != rt {
		t.Errorf("caller's http.Client was modified: %+v", *user)
	}
	if len(rt.seen) != 1 {
		t.Fatalf("caller's transport saw %d requests, want 1", len(rt.seen))
	}
	if c.httpClient.Timeout != 7*time.Second {
		t.Errorf("copied client lost Timeout: %v", c.httpClient.Timeout)
	}
	if q := got.URL.Query(); q.Get("ii") != "fingerprint-go/"+Version {
		t.Errorf("ii = %q", got.URL.RawQuery)
	}
	if !strings.HasPrefix(got.Header.Get("User-Agent"), "fingerprint-go/"+Version) {
		t.Errorf("User-Agent = %q", got.Header.Get("User-Agent"))
	}
	if got.Header.Get("Authorization") != "Bearer "+testKey {
		t.Error("Authorization missing with a custom client")
	}
}

func TestTransportDoesNotModifyRequest(t *testing.T) {
	t.Parallel()
	var sent *http.Request
	tr := &sdkTransport{base: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = r
		return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
	})}
	req, _ := http.NewRequest(http.MethodGet, "https://a.example/v4/events?limit=1", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.URL.RawQuery != "limit=1" || req.Header.Get("User-Agent") != "" {
		t.Errorf("original request modified: %s %v", req.URL, req.Header)
	}
	if sent.URL.RawQuery != "limit=1&ii=fingerprint-go%2F"+Version {
		t.Errorf("sent query = %s", sent.URL.RawQuery)
	}
	// ii already present (a redirect that kept the query) is not duplicated.
	req2, _ := http.NewRequest(http.MethodGet, "https://a.example/v4/events?ii=x&limit=1", nil)
	resp, _ = tr.RoundTrip(req2)
	resp.Body.Close()
	if q, _ := url.ParseQuery(sent.URL.RawQuery); len(q["ii"]) != 1 {
		t.Errorf("ii duplicated: %s", sent.URL.RawQuery)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestUserAgentFormat(t *testing.T) {
	t.Parallel()
	if !bytes.HasPrefix([]byte(userAgent), []byte("fingerprint-go/"+Version+" (go")) || !strings.HasSuffix(userAgent, ")") {
		t.Errorf("userAgent = %q", userAgent)
	}
}

// TestPlainHTTPOnlyToLoopback: an http:// base URL to another host sent the key in clear
// (issue 17, gaps); now NewClient refuses it unless WithInsecurePlainHTTP says so.
func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/v4", "http://127.9.9.9", "http://[::1]:1/v4", "http://localhost:80",
		"http://LOCALHOST.", "http://fake.localhost/v4", "http://[::ffff:127.0.0.1]:9", "https://api.example.com/v4"} {
		if _, err := NewClient(testKey, WithBaseURL(u)); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://api.example.com/v4", "http://10.0.0.7:8080", "http://[2001:db8::1]/v4",
		"http://localhost.example.com", "http://0.0.0.0:8080", "http://127.0.0.1.nip.io"} {
		_, err := NewClient(testKey, WithBaseURL(u))
		if err == nil || !strings.Contains(err.Error(), "unencrypted") || strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: got %v, want a refusal that explains the risk", u, err)
		}
		if _, err := NewClient(testKey, WithBaseURL(u), WithInsecurePlainHTTP()); err != nil {
			t.Errorf("%s with WithInsecurePlainHTTP: %v", u, err)
		}
		if _, err := NewClient(testKey, WithInsecurePlainHTTP(), WithBaseURL(u)); err != nil {
			t.Errorf("%s with WithInsecurePlainHTTP first: %v", u, err)
		}
	}
}
