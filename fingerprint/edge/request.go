// Package edge sends the requests that reach your server to Fingerprint's Automation
// Intelligence (POST /edge) for bot detection and IP intelligence, without any code in the
// browser. RequestFromHTTP describes an *http.Request as an EdgeRequest for
// Client.AnalyzeRequest; Middleware analyses every request with a tight timeout, stores
// the result in the request context (ResultFromContext) and lets a policy of yours
// decide. It fails open by default: a failed analysis lets the request through.
//
// What is forwarded is bounded, so a bot padding its request still gets analysed, and the
// values of credential headers (Authorization, Cookie, X-Api-Key and others) are sent
// empty: the API learns they were present, never what they held.
//
// Middleware panics at construction, as net/http does for a nil handler, when its
// configuration could only fail every request (a nil or unconstructed Client, a linked ID
// over fingerprint.MaxLinkedIDLength, tags that cannot be encoded as JSON).
package edge

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// defaultCredentialHeaders are always sent with an empty value by RequestFromHTTP:
// Automation Intelligence needs to know they were present, never what they contained.
// Names made of credential words (credentialLike: X-Auth-Token, X-Session-Id, ...) are
// blanked as well.
var defaultCredentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Cookie2", "X-Api-Key", "Api-Key", "X-Auth-Token",
	"X-Access-Token", "X-CSRF-Token", "X-CSRFToken", "X-XSRF-Token", "X-Amz-Security-Token",
	"X-Goog-Api-Key", "Ocp-Apim-Subscription-Key", "X-Vault-Token", "X-Functions-Key",
	"X-Amzn-Oidc-Data", "X-Amzn-Oidc-Accesstoken", "X-Goog-Iap-Jwt-Assertion", "Cf-Access-Jwt-Assertion",
	"Cf-Access-Client-Secret", "X-Forwarded-Access-Token", "X-Ms-Token-Aad-Access-Token", "X-Ms-Token-Aad-Id-Token",
}

// RequestOptions tunes RequestFromHTTP. The zero value (or nil) trusts nothing
// but the connection: client IP from RemoteAddr, scheme from TLS, host from Host.
type RequestOptions struct {
	// TrustedProxyHeaders names headers your own proxies set with the client address, in
	// order of preference, e.g. "CF-Connecting-IP", "X-Real-IP", "X-Forwarded-For" or
	// "Forwarded" (RFC 7239, its for= parameters). Each is read as a comma-separated list,
	// over all its lines in order, and the rightmost address that is not in
	// TrustedProxies is the client. Set this only behind proxies that set or append these
	// headers: otherwise any client can choose its IP.
	TrustedProxyHeaders []string
	// TrustedProxies are the address ranges of your proxies. When set, proxy headers
	// (TrustedProxyHeaders, X-Forwarded-Proto, X-Forwarded-Host) are used only for
	// connections from these ranges, and their addresses are skipped when reading lists
	// such as X-Forwarded-For. When empty, every connection is assumed to come through
	// your proxy and the rightmost address in a list is taken.
	TrustedProxies []netip.Prefix
	// TrustForwardedProto takes the URL scheme from the first X-Forwarded-Proto entry
	// when it is http or https.
	TrustForwardedProto bool
	// TrustForwardedHost takes the URL host from the first X-Forwarded-Host entry when it
	// is a valid host[:port].
	TrustForwardedHost bool
	// CredentialHeaders adds header names whose values are replaced by "" (matched
	// case-insensitively), on top of the default list (Authorization, Proxy-Authorization,
	// Cookie, Cookie2, X-Api-Key, X-Auth-Token, X-CSRF-Token, X-XSRF-Token,
	// X-Amz-Security-Token and others; see README) and of every name made of credential
	// words such as auth, token, secret, session, csrf or api-key.
	CredentialHeaders []string
	// MaxHeaderValueBytes, MaxHeaderBytes, MaxHeaders and MaxURLBytes set the budget of
	// what is forwarded, so that a bot padding its request still gets analysed; zero or
	// negative means DefaultMaxHeaderValueBytes, DefaultMaxHeaderBytes,
	// DefaultMaxHeaders and DefaultMaxURLBytes. Sizes count JSON-encoded bytes.
	MaxHeaderValueBytes, MaxHeaderBytes, MaxHeaders, MaxURLBytes int
	// LinkedID, if not empty, is sent as the event's linked_id (your own identifier,
	// such as an order or user ID).
	LinkedID string
	// Tags, if not empty, are sent as the event's tags. The map is copied.
	Tags fingerprint.Tags
}

// RequestFromHTTP describes an incoming request for Client.AnalyzeRequest: its method (as
// sent), its absolute URL, one header entry per header line, and the client IP in
// IPv4Address or IPv6Address (an IPv4-mapped IPv6 address counts as IPv4). Values of
// credential headers (see RequestOptions.CredentialHeaders) are sent empty. Headers
// and URL are fitted into a size budget (DefaultMaxHeaderBytes and the other
// DefaultMax* constants), so a bot cannot make the body too large to be analysed.
// opts may be nil. The body is never read.
//
// Go's net/http does not keep the order or the original casing of header names: entries
// are sorted by canonical name (lines of one name keep their order), and the Host header,
// which net/http moves to r.Host, is added back.
//
// It fails with a *fingerprint.ValidationError when no client IP or host can be determined.
func RequestFromHTTP(r *http.Request, opts *RequestOptions) (*fingerprint.EdgeRequest, error) {
	if r == nil {
		return nil, invalid("request", "nil *http.Request")
	}
	if opts == nil {
		opts = &RequestOptions{}
	}
	viaProxy := fromTrustedProxy(r, opts)
	ip, err := clientIP(r, opts, viaProxy)
	if err != nil {
		return nil, err
	}
	u, err := absoluteURL(r, opts, viaProxy)
	if err != nil {
		return nil, err
	}
	budget := opts.budget() // budget.go
	er := &fingerprint.EdgeRequest{Method: r.Method, URL: cutURL(u, budget.url), Headers: budget.apply(edgeHeaders(r, opts.CredentialHeaders))}
	addr := ip.String()
	if ip.Is4() {
		er.IPv4Address = &addr
	} else {
		er.IPv6Address = &addr
	}
	if opts.LinkedID != "" {
		id := opts.LinkedID
		er.LinkedID = &id
	}
	if len(opts.Tags) > 0 {
		tags := make(fingerprint.Tags, len(opts.Tags))
		for k, v := range opts.Tags {
			tags[k] = v
		}
		er.Tags = &tags
	}
	return er, nil
}

func edgeHeaders(r *http.Request, extraCredentials []string) []fingerprint.EdgeRequestHeader {
	header := r.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	// net/http moves these out of the header map; put them back as the client sent them.
	if r.Host != "" && len(header.Values("Host")) == 0 {
		header.Set("Host", r.Host)
	}
	if len(r.TransferEncoding) > 0 && len(header.Values("Transfer-Encoding")) == 0 {
		header.Set("Transfer-Encoding", strings.Join(r.TransferEncoding, ", "))
	}
	blanked := make(map[string]bool, len(defaultCredentialHeaders)+len(extraCredentials))
	for _, n := range defaultCredentialHeaders {
		blanked[http.CanonicalHeaderKey(n)] = true
	}
	for _, n := range extraCredentials {
		blanked[http.CanonicalHeaderKey(strings.TrimSpace(n))] = true
	}

	names := make([]string, 0, len(header))
	lines := 0
	for name, values := range header {
		names = append(names, name)
		lines += len(values)
	}
	slices.Sort(names)
	out := make([]fingerprint.EdgeRequestHeader, 0, lines)
	for _, name := range names {
		blank := blanked[http.CanonicalHeaderKey(name)] || credentialLike(name)
		for _, v := range header[name] {
			if blank {
				v = ""
			}
			out = append(out, fingerprint.EdgeRequestHeader{Name: name, Value: v})
		}
	}
	return out
}

// fromTrustedProxy reports whether proxy headers may be believed for this connection.
func fromTrustedProxy(r *http.Request, opts *RequestOptions) bool {
	if len(opts.TrustedProxies) == 0 {
		return true
	}
	remote, ok := parseIPEntry(r.RemoteAddr)
	return ok && inPrefixes(remote, opts.TrustedProxies)
}

func absoluteURL(r *http.Request, opts *RequestOptions, viaProxy bool) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if opts.TrustForwardedProto && viaProxy {
		switch p := strings.ToLower(firstListEntry(r.Header.Get("X-Forwarded-Proto"))); p {
		case "http", "https":
			scheme = p
		}
	}
	host := r.Host
	if opts.TrustForwardedHost && viaProxy {
		if h := firstListEntry(r.Header.Get("X-Forwarded-Host")); isHostPort(h) {
			host = h
		}
	}
	if host == "" && r.URL != nil {
		host = r.URL.Host // client-side requests carry the host here
	}
	if host == "" {
		return "", invalid("Host", "the request has no host to build an absolute URL from")
	}
	u := url.URL{Scheme: scheme, Host: host}
	if r.URL != nil {
		u.Path, u.RawPath, u.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// isHostPort reports whether h is usable as the host[:port] of a URL: no path, user
// info or other URL syntax smuggled in.
func isHostPort(h string) bool {
	if h == "" {
		return false
	}
	u, err := url.Parse("//" + h)
	return err == nil && u.Host == h && u.User == nil && u.Path == "" && u.RawQuery == "" && u.Fragment == ""
}

func firstListEntry(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// clientIP returns the client address, unmapped (IPv4-mapped IPv6 becomes IPv4) and
// without zone.
func clientIP(r *http.Request, opts *RequestOptions, viaProxy bool) (netip.Addr, error) {
	remote, remoteOK := parseIPEntry(r.RemoteAddr)
	if viaProxy {
		for _, name := range opts.TrustedProxyHeaders {
			if ip, ok := ipFromHeader(r.Header.Values(name), http.CanonicalHeaderKey(name) == "Forwarded", opts.TrustedProxies); ok {
				return ip, nil
			}
		}
	}
	if remoteOK {
		return remote, nil
	}
	return netip.Addr{}, invalid("RemoteAddr", "no client IP address in RemoteAddr or trusted proxy headers")
}

func ipFromHeader(lines []string, forwarded bool, trusted []netip.Prefix) (netip.Addr, bool) {
	var entries []string
	for _, line := range lines {
		for e := range strings.SplitSeq(line, ",") {
			if forwarded {
				e = forwardedFor(e)
			}
			entries = append(entries, e)
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		ip, ok := parseIPEntry(entries[i])
		if !ok {
			return netip.Addr{}, false // garbage nearer than the client: do not guess past it
		}
		if len(trusted) > 0 && inPrefixes(ip, trusted) {
			continue
		}
		return ip, true
	}
	return netip.Addr{}, false
}

// forwardedFor extracts the for= parameter of one RFC 7239 forwarded-element.
func forwardedFor(element string) string {
	for pair := range strings.SplitSeq(element, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// parseIPEntry accepts "ip", "ip:port", "[ipv6]" and "[ipv6]:port".
func parseIPEntry(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		host, _, splitErr := net.SplitHostPort(s)
		if splitErr != nil {
			return netip.Addr{}, false
		}
		if ip, err = netip.ParseAddr(host); err != nil {
			return netip.Addr{}, false
		}
	}
	return ip.Unmap().WithZone(""), true
}

func inPrefixes(ip netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func invalid(field, reason string) error {
	return &fingerprint.ValidationError{Field: field, Reason: reason}
}
