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
	"slices"
	"strconv"
	"strings"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// defaultCredentialHeaders are always sent with an empty value by RequestFromHTTP:
// Automation Intelligence needs to know they were present, never what they contained.
// Names holding credential words (credentialLike: X-Auth-Token, X-Session-Id,
// X-Forwarded-Client-Cert, X-Otp, ...) are blanked as well.
var defaultCredentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Cookie2", "X-Api-Key", "Api-Key", "X-Auth-Token",
	"X-Access-Token", "X-CSRF-Token", "X-CSRFToken", "X-XSRF-Token", "X-Amz-Security-Token",
	"X-Goog-Api-Key", "Ocp-Apim-Subscription-Key", "X-Vault-Token", "X-Functions-Key",
	"X-Amzn-Oidc-Data", "X-Amzn-Oidc-Accesstoken", "X-Goog-Iap-Jwt-Assertion", "Cf-Access-Jwt-Assertion",
	"Cf-Access-Client-Secret", "X-Forwarded-Access-Token", "X-Ms-Token-Aad-Access-Token", "X-Ms-Token-Aad-Id-Token",
	"Authentication", "X-Access-Key", "X-Private-Key", "X-Client-Key", "X-Passcode", "X-Otp", "X-Mfa-Code",
	"X-Forwarded-Client-Cert", "Ssl-Client-Cert", "X-Ms-Client-Principal", "X-Ms-Client-Principal-Name",
	"X-Ms-Client-Principal-Id", "X-Client-Cert", "X-Ssl-Client-Cert", "X-Arr-Clientcert",
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
	// X-Amz-Security-Token, X-Forwarded-Client-Cert and others; see docs/guide.md) and of every
	// name holding a credential word such as auth, token, secret, passw, session, csrf,
	// key, cert, principal, otp or mfa.
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
// Whatever net/http accepts, the result is a request AnalyzeRequest accepts: the method is
// cut to MaxMethodBytes; the URL is valid, without fragment, and within MaxURLBytes (a
// '#' or other byte a query cannot hold is percent-encoded, a missing or invalid host
// becomes InvalidHost).
//
// It fails with a *fingerprint.ValidationError only when no client IP can be determined
// (never for a request served by net/http, which always sets RemoteAddr).
func RequestFromHTTP(r *http.Request, opts *RequestOptions) (*fingerprint.EdgeRequest, error) {
	if r == nil {
		return nil, invalid("r", "nil *http.Request")
	}
	if opts == nil {
		opts = &RequestOptions{}
	}
	viaProxy := fromTrustedProxy(r, opts)
	ip, err := clientIP(r, opts, viaProxy)
	if err != nil {
		return nil, err
	}
	budget := opts.budget() // budget.go
	er := &fingerprint.EdgeRequest{
		Method:  edgeMethod(r.Method),
		URL:     cutURL(absoluteURL(r, opts, viaProxy), budget.url),
		Headers: budget.apply(edgeHeaders(r, opts.CredentialHeaders)),
	}
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

func absoluteURL(r *http.Request, opts *RequestOptions, viaProxy bool) string {
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
		if h := firstListEntry(r.Header.Get("X-Forwarded-Host")); urlHost(h) == h {
			host = h
		}
	}
	if host == "" && r.URL != nil {
		host = r.URL.Host // client-side requests carry the host here
	}
	path, query, hasQuery := "/", "", false
	if r.URL != nil {
		path = r.URL.EscapedPath() // valid escaping: RawPath if it is, else Path escaped
		query, hasQuery = r.URL.RawQuery, r.URL.RawQuery != "" || r.URL.ForceQuery
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path // "*" of OPTIONS *, "" of the absolute form without a path
	}
	u := scheme + "://" + urlHost(host) + path
	if hasQuery {
		u += "?" + escapeQuery(query)
	}
	return u
}

// InvalidHost is the host of the URL RequestFromHTTP builds when the request's own host
// (its Host header, or a trusted X-Forwarded-Host) is missing, is not a valid host
// name or IP address with an optional port, or is longer than a DNS name can be. The
// reserved .invalid domain (RFC 6761) says so plainly; the Host header entry still
// carries what the client sent, cut to the budget.
const InvalidHost = "host.invalid"

// urlHost returns host if it is a DNS-style name (letters, digits, '-', '.', '_'; at most
// 253 bytes), an IPv4 address or a bracketed IPv6 address without zone, each with an
// optional port of at most 65535; otherwise InvalidHost. A trailing ':' without a port
// is dropped. Anything else could make the URL invalid, or too long, for the API.
func urlHost(host string) string {
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") && (strings.HasPrefix(host, "[") || strings.Count(host, ":") == 1) {
		name, port = host[:i], host[i+1:]
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || len(port) > 5 || port[0] == '+' || port[0] == '-' {
			return InvalidHost
		}
	}
	valid := false
	if inner, ok := strings.CutPrefix(name, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		a, err := netip.ParseAddr(inner)
		valid = ok && err == nil && a.Is6() && a.Zone() == ""
	} else {
		valid = name != "" && len(name) <= 253 && strings.IndexFunc(name, notHostNameChar) < 0
	}
	switch {
	case !valid:
		return InvalidHost
	case port == "":
		return name
	}
	return name + ":" + port
}

// notHostNameChar reports a character outside letters, digits, '-', '.' and '_'.
func notHostNameChar(c rune) bool {
	isAlnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	return !isAlnum && c != '-' && c != '.' && c != '_'
}

// escapeQuery percent-encodes every byte of a raw query that is not allowed there
// (RFC 3986: unreserved, sub-delims, ':', '@', '/', '?', and '%' starting a valid
// escape): '#', which would start a fragment, spaces, quotes, controls, non-ASCII
// bytes and stray '%'. A valid query comes back unchanged.
func escapeQuery(q string) string {
	const hexDigits = "0123456789ABCDEF"
	keep := func(i int) bool {
		c := q[i]
		return queryByte(c) || c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2])
	}
	i := 0
	for i < len(q) && keep(i) {
		i++
	}
	if i == len(q) {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	b.WriteString(q[:i])
	for ; i < len(q); i++ {
		if keep(i) {
			b.WriteByte(q[i])
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[q[i]>>4])
		b.WriteByte(hexDigits[q[i]&15])
	}
	return b.String()
}

func queryByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
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
