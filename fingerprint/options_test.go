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
		{"ok", testKey, nil, ""},
		{"empty key", "", nil, "key is empty"},
		{"blank key", " \t\n", nil, "key is empty"},
		{"key with space", "abc def", nil, "spaces"},
		{"key with newline", "abc\ndef", nil, "control"},
		{"key with trailing newline", testKey + "\n", nil, "control"},
		{"key non-ASCII", "clé", nil, "non-ASCII"},
		{"unknown region", testKey, []Option{WithRegion("mars")}, `unknown region "mars"`},
		{"empty region", testKey, []Option{WithRegion("")}, "unknown region"},
		{"region and base URL", testKey, []Option{WithRegion(RegionEU), WithBaseURL("https://proxy.example/v4")}, "cannot be combined"},
		{"base URL and region", testKey, []Option{WithBaseURL("https://proxy.example/v4"), WithRegion(RegionUS)}, "cannot be combined"},
		{"base URL empty", testKey, []Option{WithBaseURL("")}, "empty"},
		{"base URL no scheme", testKey, []Option{WithBaseURL("api.example.com/v4")}, "scheme"},
		{"base URL ftp", testKey, []Option{WithBaseURL("ftp://api.example.com")}, "scheme"},
		{"base URL no host", testKey, []Option{WithBaseURL("https:///v4")}, "host"},
		{"base URL query", testKey, []Option{WithBaseURL("https://a.example/v4?x=1")}, "query"},
		{"base URL empty query", testKey, []Option{WithBaseURL("https://a.example/v4?")}, "query"},
		{"base URL fragment", testKey, []Option{WithBaseURL("https://a.example/v4#f")}, "fragment"},
		{"base URL user info", testKey, []Option{WithBaseURL("https://u:p@a.example/v4")}, "user info"},
		{"base URL unparsable", testKey, []Option{WithBaseURL("http://[::1")}, "parsed"},
		{"nil http client", testKey, []Option{WithHTTPClient(nil)}, "nil"},
		{"negative timeout", testKey, []Option{WithTimeout(-time.Second)}, "negative"},
		{"negative retries", testKey, []Option{WithMaxRetries(-1)}, "negative"},
		{"nil option", testKey, []Option{nil}, "nil Option"},
		{"zero timeout and retries", testKey, []Option{WithTimeout(0), WithMaxRetries(0), WithLogger(nil)}, ""},
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
