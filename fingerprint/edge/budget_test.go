package edge_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

func paddedRequest(t *testing.T, mutate func(r *http.Request)) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://shop.example/login?next=%2Fcart", nil)
	r.RemoteAddr = "203.0.113.7:51234"
	r.Header.Set("User-Agent", browserUA)
	r.Header.Set("Accept", "text/html")
	mutate(r)
	return r
}

func headerValue(er *fingerprint.EdgeRequest, name string) (string, bool) {
	for _, h := range er.Headers {
		if h.Name == name {
			return h.Value, true
		}
	}
	return "", false
}

// TestPaddedRequestIsStillAnalysed is the attack of issue 9 §6: a bot pads its request
// so that the /edge body is too large (413) and a fail-open middleware lets it through.
// Each padded request must be analysed by the fake API (64 KiB body limit).
func TestPaddedRequestIsStillAnalysed(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()), fingerprint.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(r *http.Request){
		"one 70 KiB header":       func(r *http.Request) { r.Header.Set("X-Pad", strings.Repeat("A", 70<<10)) },
		"70 KiB of escaped bytes": func(r *http.Request) { r.Header.Set("X-Pad", strings.Repeat("<", 70<<10)) },
		"many 4 KiB headers": func(r *http.Request) {
			for i := range 60 {
				r.Header.Set("X-Pad-"+strconv.Itoa(i), strings.Repeat("B", 4<<10))
			}
		},
		"10,000 tiny headers": func(r *http.Request) {
			for i := range 10_000 {
				r.Header.Set("A-"+strconv.Itoa(i), "1")
			}
		},
		"a long header name": func(r *http.Request) { r.Header.Set(strings.Repeat("N", 70<<10), "v") },
		"a 100 KiB URL": func(r *http.Request) {
			r.URL.RawQuery = "q=" + strings.Repeat("%41", 100<<10/3)
		},
		"a URL of ampersands": func(r *http.Request) { r.URL.RawQuery = strings.Repeat("&", 60<<10) },
	}
	for name, mutate := range cases {
		r := paddedRequest(t, mutate)
		er, err := edge.RequestFromHTTP(r, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, _ := json.Marshal(er)
		if len(body) > edge.DefaultMaxHeaderBytes+edge.DefaultMaxURLBytes+1024 {
			t.Errorf("%s: /edge body is %d bytes", name, len(body))
		}
		if ua, _ := headerValue(er, "User-Agent"); ua != browserUA {
			t.Errorf("%s: User-Agent = %q, want it whole", name, ua)
		}
		if _, ok := headerValue(er, "Host"); !ok {
			t.Errorf("%s: Host dropped", name)
		}
		if len(er.Headers) > edge.DefaultMaxHeaders {
			t.Errorf("%s: %d header lines", name, len(er.Headers))
		}
		if _, err := url.Parse(er.URL); err != nil || !strings.HasPrefix(er.URL, "https://shop.example/login") {
			t.Errorf("%s: URL %.80q (%v)", name, er.URL, err)
		}
		if _, err := c.AnalyzeRequest(t.Context(), er); err != nil {
			t.Errorf("%s: not analysed: %v", name, err)
		}
	}
}

// TestPaddedHeaderKeepsItsName: a cut value keeps its name and its start.
func TestPaddedHeaderKeepsItsName(t *testing.T) {
	r := paddedRequest(t, func(r *http.Request) { r.Header.Set("X-Pad", strings.Repeat("A", 70<<10)) })
	er, err := edge.RequestFromHTTP(r, &edge.RequestOptions{MaxHeaderValueBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := headerValue(er, "X-Pad"); !ok || v != strings.Repeat("A", 100) {
		t.Errorf("X-Pad = %d bytes (present %v), want the first 100", len(v), ok)
	}
}

// TestMoreCredentialHeadersAreBlanked covers the headers the old default list forwarded.
func TestMoreCredentialHeadersAreBlanked(t *testing.T) {
	names := []string{"Cookie2", "X-Auth-Token", "X-CSRF-Token", "X-XSRF-Token", "X-Api-Key", "Proxy-Authorization",
		"X-Amz-Security-Token", "X-Session-Id", "X-Access-Token", "X-Goog-Api-Key", "Cf-Access-Jwt-Assertion",
		"X-Refresh-Token", "X_Auth_Token", "Api-Key", "X-Client-Secret"}
	r := paddedRequest(t, func(r *http.Request) {
		for _, n := range names {
			r.Header[n] = []string{"secret-value-" + n}
		}
	})
	er, err := edge.RequestFromHTTP(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		v, ok := headerValue(er, n)
		if !ok {
			v, ok = headerValue(er, http.CanonicalHeaderKey(n))
		}
		if !ok || v != "" {
			t.Errorf("%s: present %v, value %q; want present and empty", n, ok, v)
		}
	}
	if ua, _ := headerValue(er, "User-Agent"); ua != browserUA {
		t.Errorf("User-Agent blanked or changed: %q", ua)
	}
}

// TestWiderCredentialHeadersAreBlanked covers the names issue 17 found forwarded with
// their values, and checks the wider rule spares the headers bots are judged by.
func TestWiderCredentialHeadersAreBlanked(t *testing.T) {
	secret := []string{"Authentication", "X-Access-Key", "X-Private-Key", "X-Client-Key", "X-Passcode", "X-Otp",
		"X-Mfa-Code", "X-Forwarded-Client-Cert", "Ssl-Client-Cert", "X-Ms-Client-Principal", "X-Ms-Client-Principal-Name",
		"X-Totp", "X-Password-Hash", "X-Sso-Assertion", "Sec-Websocket-Key", "X-Bearer"}
	kept := []string{"Signature", "Signature-Input", "Signature-Agent", "Accept-Language", "Sec-Ch-Ua",
		"Sec-Fetch-Site", "Keep-Alive", "Priority", "X-Requested-With", "Referer", "Origin"}
	r := paddedRequest(t, func(r *http.Request) {
		for _, n := range append(secret, kept...) {
			r.Header.Set(n, "value-of-"+n)
		}
	})
	er, err := edge.RequestFromHTTP(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range secret {
		if v, ok := headerValue(er, n); !ok || v != "" {
			t.Errorf("%s: present %v, value %q; want present and empty", n, ok, v)
		}
	}
	for _, n := range kept {
		if v, _ := headerValue(er, n); v != "value-of-"+n {
			t.Errorf("%s = %q, want it kept", n, v)
		}
	}
}

// TestCredentialNamesCannotPushOutKeyHeaders: with the wider credential rule, 200
// distinct names such as A-Key-7, sorted before User-Agent, must not take all 100 lines
// (credentials rank below the key headers).
func TestCredentialNamesCannotPushOutKeyHeaders(t *testing.T) {
	r := paddedRequest(t, func(r *http.Request) {
		for i := range 200 {
			r.Header.Set("A-Key-"+strconv.Itoa(i), "1")
		}
	})
	er, err := edge.RequestFromHTTP(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ua, _ := headerValue(er, "User-Agent"); ua != browserUA {
		t.Errorf("User-Agent = %q, want it whole", ua)
	}
	if _, ok := headerValue(er, "Host"); !ok {
		t.Error("Host dropped")
	}
	if len(er.Headers) != edge.DefaultMaxHeaders {
		t.Errorf("%d header lines, want %d", len(er.Headers), edge.DefaultMaxHeaders)
	}
}
