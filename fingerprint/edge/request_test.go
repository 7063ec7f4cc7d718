package edge_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
)

func newIncoming(method, target, remote string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	return r
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestRequestFromHTTP_Basic(t *testing.T) {
	t.Parallel()
	r := newIncoming(http.MethodGet, "http://shop.example.org/a%2Fb/c?q=1&x=%20y", "192.0.2.10:51234")
	r.Method = "gEt" // the method is sent with its original casing
	r.Header.Set("User-Agent", "curl/8.5.0")
	r.Header.Add("Accept", "text/html")
	r.Header.Add("Accept", "*/*")
	r.Header.Set("Cookie", "session=abc123")
	r.Header.Set("Authorization", "Bearer topsecret")
	r.Header.Set("Proxy-Authorization", "Basic Zm9vOmJhcg==")
	r.Header.Set("X-API-Key", "k-123")
	r.Header.Set("X-Session-Token", "tok-999")
	r.Header.Set("X-Forwarded-For", "203.0.113.50") // not trusted by default

	er, err := edge.RequestFromHTTP(r, &edge.RequestOptions{CredentialHeaders: []string{"x-session-token"}})
	if err != nil {
		t.Fatal(err)
	}
	if er.Method != "gEt" {
		t.Errorf("method %q", er.Method)
	}
	if er.URL != "http://shop.example.org/a%2Fb/c?q=1&x=%20y" {
		t.Errorf("url %q", er.URL)
	}
	if str(er.IPv4Address) != "192.0.2.10" || er.IPv6Address != nil {
		t.Errorf("ips v4=%s v6=%s", str(er.IPv4Address), str(er.IPv6Address))
	}
	want := []fingerprint.EdgeRequestHeader{
		{Name: "Accept", Value: "text/html"},
		{Name: "Accept", Value: "*/*"},
		{Name: "Authorization", Value: ""},
		{Name: "Cookie", Value: ""},
		{Name: "Host", Value: "shop.example.org"},
		{Name: "Proxy-Authorization", Value: ""},
		{Name: "User-Agent", Value: "curl/8.5.0"},
		{Name: "X-Api-Key", Value: ""},
		{Name: "X-Forwarded-For", Value: "203.0.113.50"},
		{Name: "X-Session-Token", Value: ""},
	}
	if !reflect.DeepEqual(er.Headers, want) {
		t.Errorf("headers\n got %v\nwant %v", er.Headers, want)
	}
	if er.LinkedID != nil || er.Tags != nil {
		t.Errorf("unexpected linked_id/tags: %v %v", er.LinkedID, er.Tags)
	}
	// The request itself is untouched: credentials are blanked in a copy.
	if r.Header.Get("Authorization") != "Bearer topsecret" {
		t.Error("incoming request headers were modified")
	}
}

func TestRequestFromHTTP_JSONShape(t *testing.T) {
	t.Parallel()
	r := newIncoming(http.MethodPost, "https://example.org/login", "[2001:db8::5]:443")
	er, err := edge.RequestFromHTTP(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(er)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	// The API rejects unknown fields and nulls: only set fields may appear.
	for k, v := range fields {
		switch k {
		case "headers", "method", "url", "ipv6_address":
		default:
			t.Errorf("unexpected field %q = %v", k, v)
		}
	}
	if fields["ipv6_address"] != "2001:db8::5" || fields["url"] != "https://example.org/login" {
		t.Errorf("got %s", raw)
	}
}

func TestRequestFromHTTP_ClientIP(t *testing.T) {
	t.Parallel()
	lan := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	cases := []struct {
		name    string
		remote  string
		headers map[string][]string
		opts    edge.RequestOptions
		want4   string
		want6   string
	}{
		{name: "ipv4 remote", remote: "198.51.100.7:1", want4: "198.51.100.7"},
		{name: "ipv6 remote", remote: "[2001:db8::1]:1", want6: "2001:db8::1"},
		{name: "ipv4-mapped ipv6 becomes ipv4", remote: "[::ffff:198.51.100.8]:1", want4: "198.51.100.8"},
		{name: "zone dropped", remote: "[fe80::1%eth0]:1", want6: "fe80::1"},
		{name: "remote without port", remote: "198.51.100.9", want4: "198.51.100.9"},
		{
			name: "proxy headers ignored unless trusted", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Forwarded-For": {"203.0.113.1"}, "X-Real-Ip": {"203.0.113.2"}},
			want4:   "10.0.0.2",
		},
		{
			name: "X-Real-IP trusted", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Real-Ip": {"203.0.113.2"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"x-real-ip"}},
			want4:   "203.0.113.2",
		},
		{
			name: "XFF rightmost entry without TrustedProxies", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Forwarded-For": {"1.1.1.1, 203.0.113.3"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"X-Forwarded-For"}},
			want4:   "203.0.113.3",
		},
		{
			name: "XFF skips trusted proxies across lines", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Forwarded-For": {"6.6.6.6, 2001:db8::77", "10.1.1.1, fd00::3"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"X-Forwarded-For"}, TrustedProxies: lan},
			want6:   "2001:db8::77",
		},
		{
			name: "connection not from a trusted proxy: headers ignored", remote: "198.51.100.66:1",
			headers: map[string][]string{"X-Forwarded-For": {"203.0.113.3"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"X-Forwarded-For"}, TrustedProxies: lan},
			want4:   "198.51.100.66",
		},
		{
			name: "header order of preference", remote: "10.0.0.2:1",
			headers: map[string][]string{"Cf-Connecting-Ip": {"203.0.113.10"}, "X-Forwarded-For": {"203.0.113.11"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"CF-Connecting-IP", "X-Forwarded-For"}},
			want4:   "203.0.113.10",
		},
		{
			name: "missing preferred header falls through", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Forwarded-For": {"203.0.113.11"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"CF-Connecting-IP", "X-Forwarded-For"}},
			want4:   "203.0.113.11",
		},
		{
			name: "garbage header falls back to RemoteAddr", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Forwarded-For": {"203.0.113.1, unknown"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"X-Forwarded-For"}},
			want4:   "10.0.0.2",
		},
		{
			name: "XFF entries with ports and mapped addresses", remote: "10.0.0.2:1",
			headers: map[string][]string{"X-Forwarded-For": {"[::ffff:203.0.113.12]:8443"}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"X-Forwarded-For"}},
			want4:   "203.0.113.12",
		},
		{
			name: "RFC 7239 Forwarded", remote: "10.0.0.2:1",
			headers: map[string][]string{"Forwarded": {`for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711"`}},
			opts:    edge.RequestOptions{TrustedProxyHeaders: []string{"Forwarded"}},
			want6:   "2001:db8:cafe::17",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newIncoming(http.MethodGet, "http://example.org/", tc.remote)
			for k, vs := range tc.headers {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			er, err := edge.RequestFromHTTP(r, &tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got4, got6 := "", ""
			if er.IPv4Address != nil {
				got4 = *er.IPv4Address
			}
			if er.IPv6Address != nil {
				got6 = *er.IPv6Address
			}
			if got4 != tc.want4 || got6 != tc.want6 {
				t.Errorf("got v4=%q v6=%q, want v4=%q v6=%q", got4, got6, tc.want4, tc.want6)
			}
		})
	}
}

func TestRequestFromHTTP_SchemeAndHost(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		target string
		hdr    map[string]string
		opts   edge.RequestOptions
		want   string
	}{
		{name: "plain http", target: "http://a.example/p", hdr: nil, opts: edge.RequestOptions{}, want: "http://a.example/p"},
		{name: "TLS gives https", target: "https://a.example:8443/p?x=1", hdr: nil, opts: edge.RequestOptions{}, want: "https://a.example:8443/p?x=1"},
		{name: "forwarded proto/host ignored by default", target: "http://internal:8080/p",
			hdr:  map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "www.example.com"},
			opts: edge.RequestOptions{}, want: "http://internal:8080/p"},
		{name: "forwarded proto/host trusted", target: "http://internal:8080/p",
			hdr:  map[string]string{"X-Forwarded-Proto": "HTTPS, http", "X-Forwarded-Host": "www.example.com, internal"},
			opts: edge.RequestOptions{TrustForwardedProto: true, TrustForwardedHost: true}, want: "https://www.example.com/p"},
		{name: "bogus forwarded proto ignored", target: "http://a.example/p",
			hdr:  map[string]string{"X-Forwarded-Proto": "javascript"},
			opts: edge.RequestOptions{TrustForwardedProto: true}, want: "http://a.example/p"},
		{name: "asterisk form", target: "*", hdr: nil, opts: edge.RequestOptions{}, want: "http://example.com/*"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := http.MethodGet
			if tc.target == "*" {
				method = http.MethodOptions
			}
			r := newIncoming(method, tc.target, "192.0.2.1:1")
			for k, v := range tc.hdr {
				r.Header.Set(k, v)
			}
			er, err := edge.RequestFromHTTP(r, &tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if er.URL != tc.want {
				t.Errorf("url %q, want %q", er.URL, tc.want)
			}
		})
	}
}

func TestRequestFromHTTP_Errors(t *testing.T) {
	t.Parallel()
	noIP := newIncoming(http.MethodGet, "http://a.example/", "")
	unixSock := newIncoming(http.MethodGet, "http://a.example/", "@")
	for name, r := range map[string]*http.Request{"empty RemoteAddr": noIP, "unix socket": unixSock, "nil request": nil} {
		er, err := edge.RequestFromHTTP(r, nil)
		var ve *fingerprint.ValidationError
		if !errors.As(err, &ve) || er != nil {
			t.Errorf("%s: got %v, %v; want *ValidationError", name, er, err)
		}
	}
}

func TestRequestFromHTTP_LinkedIDTagsAndBody(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "http://a.example/buy", &explodingBody{t: t})
	r.RemoteAddr = "192.0.2.1:1"
	tags := fingerprint.Tags{"tier": "gold"}
	er, err := edge.RequestFromHTTP(r, &edge.RequestOptions{LinkedID: "user-42", Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	if str(er.LinkedID) != "user-42" || er.Tags == nil || (*er.Tags)["tier"] != "gold" {
		t.Errorf("linked_id %s tags %v", str(er.LinkedID), er.Tags)
	}
	tags["tier"] = "changed later"
	if (*er.Tags)["tier"] != "gold" {
		t.Error("EdgeRequest shares the options' Tags map")
	}
}

// explodingBody fails the test if anything reads it.
type explodingBody struct{ t *testing.T }

func (b *explodingBody) Read([]byte) (int, error) {
	b.t.Error("request body was read")
	return 0, io.EOF
}

func TestRequestFromHTTP_RealServerRequest(t *testing.T) {
	t.Parallel()
	// Through a real server, net/http moves Host and Transfer-Encoding out of the header
	// map; both must still be reported.
	got := make(chan *fingerprint.EdgeRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		er, err := edge.RequestFromHTTP(r, nil)
		if err != nil {
			t.Error(err)
		}
		got <- er
	}))
	t.Cleanup(srv.Close)
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/upload?id=7", io.MultiReader(strings.NewReader("chunked body")))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", "a=b")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	er := <-got
	names := map[string]string{}
	for _, h := range er.Headers {
		names[h.Name] = h.Value
	}
	if names["Host"] != strings.TrimPrefix(srv.URL, "http://") {
		t.Errorf("Host entry %q", names["Host"])
	}
	if names["Transfer-Encoding"] != "chunked" {
		t.Errorf("Transfer-Encoding entry %q", names["Transfer-Encoding"])
	}
	if v, ok := names["Cookie"]; !ok || v != "" {
		t.Errorf("Cookie entry %q present=%v", v, ok)
	}
	if er.URL != srv.URL+"/upload?id=7" || str(er.IPv4Address) != "127.0.0.1" {
		t.Errorf("url %q ip %s", er.URL, str(er.IPv4Address))
	}
}

// TestRequestFromHTTP_InvalidHost: a request without a usable host (HTTP/1.0 without
// Host, a Host net/http accepts but a URL cannot hold) is still described, with
// InvalidHost in the URL and the Host header entry as sent; it used to be a
// *ValidationError, and a fail-open middleware served the request unanalysed.
func TestRequestFromHTTP_InvalidHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]string{
		"":                       "http://host.invalid/p",
		"[shop":                  "http://host.invalid/p",
		"shop.example:":          "http://shop.example/p",
		"shop.example:8080":      "http://shop.example:8080/p",
		"shop.example:1e3":       "http://host.invalid/p",
		"[2001:db8::1]:443":      "http://[2001:db8::1]:443/p",
		"[fe80::1%eth0]":         "http://host.invalid/p",
		"192.0.2.1:80":           "http://192.0.2.1:80/p",
		"a!b":                    "http://host.invalid/p",
		strings.Repeat("a", 254): "http://host.invalid/p",
	} {
		r := newIncoming(http.MethodGet, "/p", "192.0.2.1:1")
		r.Host = host
		er, err := edge.RequestFromHTTP(r, nil)
		if err != nil {
			t.Fatalf("Host %q: %v", host, err)
		}
		if er.URL != want {
			t.Errorf("Host %.40q: URL %q, want %q", host, er.URL, want)
		}
		if v, ok := headerValue(er, "Host"); host != "" && (!ok || v != host) {
			t.Errorf("Host %.40q: Host entry %.40q (present %v), want as sent", host, v, ok)
		}
	}
}

// TestRequestFromHTTP_QueryIsEscaped: bytes a URL's query cannot hold are escaped, a
// valid query is kept byte for byte.
func TestRequestFromHTTP_QueryIsEscaped(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"q=a#b":                "q=a%23b",
		"q=%&r=%zz&s=%4":       "q=%25&r=%25zz&s=%254",
		"a=%2F%e9&b=c;d=e/f?g": "a=%2F%e9&b=c;d=e/f?g",
		"q=\"<>\xff":           "q=%22%3C%3E%FF",
	} {
		r := newIncoming(http.MethodGet, "/p", "192.0.2.1:1")
		r.URL.RawQuery = raw
		er, err := edge.RequestFromHTTP(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := strings.CutPrefix(er.URL, "http://example.com/p?"); got != want {
			t.Errorf("query %q: URL %q, want query %q", raw, er.URL, want)
		}
	}
}

// TestRequestFromHTTP_ForwardedURLOnlyFromTrustedProxies: with TrustedProxies set, a
// client connecting directly cannot choose the URL through X-Forwarded-Proto/Host, and a
// forwarded host with URL syntax in it is ignored.
func TestRequestFromHTTP_ForwardedURLOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	opts := &edge.RequestOptions{
		TrustForwardedProto: true,
		TrustForwardedHost:  true,
		TrustedProxies:      []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	}
	cases := []struct{ name, remote, fwdHost, want string }{
		{name: "from a trusted proxy", remote: "10.0.0.2:1", fwdHost: "www.example.com:8443", want: "https://www.example.com:8443/p"},
		{name: "direct client", remote: "198.51.100.9:1", fwdHost: "evil.example", want: "http://internal:8080/p"},
		{name: "host with a path", remote: "10.0.0.2:1", fwdHost: "evil.example/x", want: "https://internal:8080/p"},
		{name: "host with user info", remote: "10.0.0.2:1", fwdHost: "user@evil.example", want: "https://internal:8080/p"},
		{name: "host with a space", remote: "10.0.0.2:1", fwdHost: "a b", want: "https://internal:8080/p"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newIncoming(http.MethodGet, "http://internal:8080/p", tc.remote)
			r.Header.Set("X-Forwarded-Proto", "https")
			r.Header.Set("X-Forwarded-Host", tc.fwdHost)
			er, err := edge.RequestFromHTTP(r, opts)
			if err != nil {
				t.Fatal(err)
			}
			if er.URL != tc.want {
				t.Errorf("url %q, want %q", er.URL, tc.want)
			}
		})
	}
}
