package fingerprint

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
)

// userAgent is sent with every request, e.g. "fingerprint-go/0.1.0 (go1.26.8; linux/amd64)".
var userAgent = sdkName + "/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"

// integrationInfo is the value of the ii query parameter that identifies this SDK.
const integrationInfo = sdkName + "/" + Version

// MaxResponseHeaderBytes bounds the response headers the SDK's own transport reads
// (http.Transport.MaxResponseHeaderBytes), used when you do not bring an http.Client
// with a Transport of your own (WithHTTPClient). The API's headers take well under 2 KiB;
// net/http's default of 10 MiB let a server answer with 9 MiB of tiny headers that cost
// 174 MiB per call. A response over the limit fails the call with net/http's
// "server response headers exceeded" error.
const MaxResponseHeaderBytes = 64 << 10

// defaultTransport is the transport of clients without one of their own: a copy of
// http.DefaultTransport (proxy settings, timeouts and HTTP/2 included) with
// MaxResponseHeaderBytes, shared by all of them so they share one connection pool. If
// http.DefaultTransport was replaced by something other than an *http.Transport, that
// replacement is used as it is.
var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	return t
})

// sdkTransport adds the ii query parameter and the User-Agent header to every request,
// including redirects, whatever http.Client the caller brings.
type sdkTransport struct {
	base http.RoundTripper // nil means defaultTransport()
}

// RoundTrip implements http.RoundTripper without modifying req (it works on a clone).
func (t *sdkTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	q := "ii=" + queryEscape(integrationInfo)
	if r.URL.RawQuery == "" {
		r.URL.RawQuery = q
	} else if !hasIntegrationInfo(r.URL.RawQuery) {
		r.URL.RawQuery += "&" + q
	}
	if r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", userAgent)
	}
	base := t.base
	if base == nil {
		base = defaultTransport()
	}
	return base.RoundTrip(r)
}

// hasIntegrationInfo reports whether the raw query already carries ii (after a redirect
// that preserved it, for instance), so it is never sent twice.
func hasIntegrationInfo(rawQuery string) bool {
	for rawQuery != "" {
		var kv string
		kv, rawQuery, _ = strings.Cut(rawQuery, "&")
		if k, _, _ := strings.Cut(kv, "="); k == "ii" {
			return true
		}
	}
	return false
}

// newHTTPClient returns the http.Client the Client uses: a shallow copy of hc (or a new
// client) whose Transport is wrapped by sdkTransport and whose CheckRedirect follows
// redirectPolicy (redirect.go). hc is not modified.
func newHTTPClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	}
	c.Transport = &sdkTransport{base: c.Transport}
	c.CheckRedirect = redirectPolicy(c.CheckRedirect)
	return &c
}
