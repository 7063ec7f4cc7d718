package fingerprint

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// The Fingerprint API never answers with a redirect, so a 3xx comes from something in
// between (a proxy, a captive portal, a hijacked DNS name). net/http would follow it and
// re-send "Authorization: Bearer <key>" to any host with the same name, whatever the
// scheme or port, and would turn a PATCH or DELETE into a GET after 301/302/303, so a
// write that never happened would look like a success. The policy below closes both.

// redirectHeaders are dropped before a hop to another origin: the ones net/http drops
// when the host name changes, which carry credentials.
var redirectHeaders = []string{"Authorization", "Www-Authenticate", "Cookie", "Cookie2"}

// redirectPolicy returns the CheckRedirect of the Client's http.Client, built from the
// caller's own (next, nil when the caller has none):
//
//   - with no caller policy, no redirect is followed: the 3xx is returned as it is and
//     becomes an *APIError (Location kept in its Header), never retried;
//   - a hop that would change the method or drop the body (301/302/303 after a write) is
//     not followed either, whatever next says: the 3xx is the answer, since the write
//     did not happen;
//   - before any other hop, credential headers are removed when the target's origin
//     (scheme, host, port) differs from the original request's, then next decides;
//   - an error from next is final: the call fails with it and is not retried.
func redirectPolicy(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	if next == nil {
		return func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return func(req *http.Request, via []*http.Request) error {
		orig := via[0]
		if req.Method != orig.Method || (hasBody(orig) && !hasBody(req)) {
			return http.ErrUseLastResponse
		}
		if !sameOrigin(req.URL, orig.URL) {
			for _, h := range redirectHeaders {
				req.Header.Del(h)
			}
		}
		if err := next(req, via); err != nil {
			if errors.Is(err, http.ErrUseLastResponse) {
				return err
			}
			return &redirectError{err: err}
		}
		return nil
	}
}

// hasBody reports whether r carries (or will replay) a request body.
func hasBody(r *http.Request) bool {
	return r.GetBody != nil || (r.Body != nil && r.Body != http.NoBody) || r.ContentLength > 0
}

// sameOrigin reports whether a and b have the same origin (RFC 6454): scheme, host and
// port, case-insensitively, with the default ports of http (80) and https (443) filled in.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		originPort(a) == originPort(b)
}

func originPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// redirectError marks an error returned by the caller's CheckRedirect (such as "stopped
// after 10 redirects"), so that the retry policy treats it as final: sending the request
// again would only repeat the same redirects.
type redirectError struct{ err error }

func (e *redirectError) Error() string { return "redirect refused: " + e.err.Error() }
func (e *redirectError) Unwrap() error { return e.err }

// isRedirectError reports whether err came from the caller's CheckRedirect.
func isRedirectError(err error) bool {
	var re *redirectError
	return errors.As(err, &re)
}
