package edge

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// Budget of what RequestFromHTTP forwards. A bot controls the headers and the URL of
// its request: without a budget, one 70 KiB header makes the /edge body too large, the
// API answers 413, and a fail-open middleware serves the bot unanalysed. Sizes are
// counted as the bytes the text takes in the JSON body (after escaping), so they bound
// the body itself: with the defaults the headers take at most 32 KiB and the URL 8 KiB,
// leaving room under the 64 KiB body limit of fingerprinttest for linked ID and tags.
// The API documents no limit of its own; typical browser requests carry 1–3 KiB of
// headers (without cookies, which are blanked) in 10–30 lines.
const (
	// DefaultMaxHeaderValueBytes caps one header value (and one name); longer ones are
	// cut. 4 KiB holds any real User-Agent, Accept or Referer.
	DefaultMaxHeaderValueBytes = 4 << 10
	// DefaultMaxHeaderBytes caps all header entries together, names, values and JSON
	// punctuation included. Over it, the longest values are cut further (all to the same
	// length, so short ones stay whole); names are kept.
	DefaultMaxHeaderBytes = 32 << 10
	// DefaultMaxHeaders caps the number of header lines (Apache's default limit on
	// request fields is also 100). Lines over it are dropped: repeated lines of a name
	// first, then headers outside the well-known ones bots are judged by.
	DefaultMaxHeaders = 100
	// DefaultMaxURLBytes caps the URL; a longer one is cut (its query first, as it
	// comes last) at a point that keeps it a valid URL. The host counts too: it is at
	// most 253 bytes plus a port (see InvalidHost), so scheme and host always fit.
	DefaultMaxURLBytes = 8 << 10
)

// entryOverhead is the JSON around one header entry: {"name":"","value":""},
const entryOverhead = len(`{"name":"","value":""},`)

// keyHeaders are kept first when there are too many header lines: the ones bot
// detection relies on, and the blanked credentials, whose presence is a signal.
var keyHeaders = map[string]bool{
	"Host": true, "User-Agent": true, "Accept": true, "Accept-Language": true, "Accept-Encoding": true,
	"Connection": true, "Referer": true, "Origin": true, "Cache-Control": true, "Pragma": true,
	"Upgrade-Insecure-Requests": true, "Content-Type": true, "Content-Length": true, "Priority": true,
	"Signature": true, "Signature-Input": true, "Signature-Agent": true, "Via": true,
	"X-Forwarded-For": true, "X-Requested-With": true, "Dnt": true, "Te": true,
}

// credentialWords mark header names that carry credentials, as words of the name split
// at '-', '_' and '.' (X-Otp, X-Mfa-Code, Sec-WebSocket-Key, X-Session-Id): their values
// are blanked like those of defaultCredentialHeaders.
var credentialWords = map[string]bool{
	"key": true, "keys": true, "otp": true, "totp": true, "hotp": true, "mfa": true, "2fa": true,
	"pin": true, "pwd": true, "sid": true, "jwt": true, "sso": true, "saml": true, "nonce": true,
}

// credentialParts mark credential names wherever they appear in a word (X-Auth-Token,
// Authentication, X-CSRFToken, X-Forwarded-Client-Cert, X-Ms-Client-Principal,
// X-Passcode, X-Apikey): a much wider rule than a list of names, since a value wrongly
// blanked costs little and a credential forwarded is a leak.
var credentialParts = []string{
	"auth", "token", "secret", "passw", "passcode", "passphrase", "cookie", "session", "csrf", "xsrf",
	"apikey", "accesskey", "privatekey", "clientkey", "signingkey", "cert", "credential", "principal",
	"jwt", "bearer", "assertion",
}

// credentialLike reports whether a header name looks like a credential by its words;
// "api" followed by "key" counts too (X-Api-Key, X-Goog-Api-Key).
func credentialLike(name string) bool {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	for _, w := range words {
		if credentialWords[w] {
			return true
		}
		for _, part := range credentialParts {
			if strings.Contains(w, part) {
				return true
			}
		}
	}
	return false
}

// budget holds the effective limits of one RequestFromHTTP call.
type budget struct{ value, total, lines, url int }

func (o *RequestOptions) budget() budget {
	or := func(v, d int) int {
		if v > 0 {
			return v
		}
		return d
	}
	return budget{
		value: or(o.MaxHeaderValueBytes, DefaultMaxHeaderValueBytes),
		total: or(o.MaxHeaderBytes, DefaultMaxHeaderBytes),
		lines: or(o.MaxHeaders, DefaultMaxHeaders),
		url:   or(o.MaxURLBytes, DefaultMaxURLBytes),
	}
}

// apply fits headers (sorted, as edgeHeaders builds them) into the budget.
func (b budget) apply(headers []fingerprint.EdgeRequestHeader) []fingerprint.EdgeRequestHeader {
	if len(headers) > b.lines {
		headers = b.keepLines(headers)
	}
	for i := range headers {
		headers[i].Name = cutJSON(headers[i].Name, b.value)
		headers[i].Value = cutJSON(headers[i].Value, b.value)
	}
	// Names and punctuation first: drop lines from the end of the keep order until they fit.
	fixed := func(hs []fingerprint.EdgeRequestHeader) int {
		n := 0
		for _, h := range hs {
			n += jsonLen(h.Name) + entryOverhead
		}
		return n
	}
	for len(headers) > 0 && fixed(headers) > b.total {
		fewer := b
		fewer.lines = len(headers) - 1
		headers = fewer.keepLines(headers)
	}
	room := b.total - fixed(headers)
	lens := make([]int, len(headers))
	sum := 0
	for i, h := range headers {
		lens[i] = jsonLen(h.Value)
		sum += lens[i]
	}
	if sum <= room {
		return headers
	}
	// Cut every value to the same largest length c that fits (water-filling): short
	// values stay whole, only the padded ones lose their end.
	lo, hi := 0, b.value
	for lo < hi {
		c := (lo + hi + 1) / 2
		total := 0
		for _, l := range lens {
			total += min(l, c)
		}
		if total <= room {
			lo = c
		} else {
			hi = c - 1
		}
	}
	for i := range headers {
		if lens[i] > lo {
			headers[i].Value = cutJSON(headers[i].Value, lo)
		}
	}
	return headers
}

// keepLines returns at most b.lines of headers, in their original order, chosen by
// rank: key headers, then the first line of credential names, then the first line of
// other names, then repeated lines. Credentials rank below key headers so that a bot
// sending many names such as A-Key-1, A-Key-2 ... cannot push User-Agent out.
func (b budget) keepLines(headers []fingerprint.EdgeRequestHeader) []fingerprint.EdgeRequestHeader {
	type ranked struct{ rank, index int }
	rs := make([]ranked, len(headers))
	for i, h := range headers {
		rank := 2
		switch {
		case i > 0 && headers[i-1].Name == h.Name:
			rank = 3
		case keyHeaders[h.Name]:
			rank = 0
		case credentialLike(h.Name):
			rank = 1
		}
		rs[i] = ranked{rank, i}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) })
	rs = rs[:min(len(rs), b.lines)]
	slices.SortFunc(rs, func(a, b ranked) int { return cmp.Compare(a.index, b.index) })
	out := make([]fingerprint.EdgeRequestHeader, len(rs))
	for i, r := range rs {
		out[i] = headers[r.index]
	}
	return out
}

// cutURL cuts u to at most max JSON bytes without breaking a percent-escape, never
// into the scheme and host. u is built by absoluteURL, so it is valid and ASCII; should
// it still not parse, only its scheme, host and "/" are kept.
func cutURL(u string, max int) string {
	if jsonLen(u) > max {
		u = cutValidURL(u, max)
	}
	if p, err := url.Parse(u); err != nil || p.Host == "" || p.Fragment != "" || strings.Contains(u, "#") {
		return u[:hostEnd(u)]
	}
	return u
}

// hostEnd is the length of u's scheme, host and the '/' after them.
func hostEnd(u string) int {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return i + 3 + j + 1
		}
	}
	return len(u)
}

func cutValidURL(u string, max int) string {
	keep := hostEnd(u)
	cut := cutJSON(u, max)
	if len(cut) < keep {
		return u[:keep]
	}
	if i := strings.LastIndexByte(cut, '%'); i >= 0 && i >= len(cut)-2 {
		cut = cut[:i]
	}
	return cut
}

// jsonLen is the number of bytes encoding/json writes for s, without the quotes.
func jsonLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n += asciiJSONLen(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

func asciiJSONLen(c byte) int {
	switch {
	case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
		return 2
	case c < 0x20 || c == '<' || c == '>' || c == '&':
		return 6
	}
	return 1
}

// cutJSON returns the longest prefix of s, ending at a rune boundary, whose jsonLen is at
// most max.
func cutJSON(s string, max int) string {
	if len(s) <= max/6 { // fast path: even fully escaped it fits
		return s
	}
	n := 0
	for i := 0; i < len(s); {
		size, w := 1, 0
		if c := s[i]; c < utf8.RuneSelf {
			w = asciiJSONLen(c)
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			w = size
			if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
				w = 6
			}
		}
		if n+w > max {
			return s[:i]
		}
		n += w
		i += size
	}
	return s
}

// MaxMethodBytes caps the method, in JSON bytes; a longer one is cut. net/http accepts
// a method of any length up to its header limit (1 MiB by default); the longest
// registered methods (WebDAV's BASELINE-CONTROL, UPDATEREDIRECTREF) have 17 bytes.
const MaxMethodBytes = 64

// edgeMethod is the method as sent, cut to MaxMethodBytes. An empty method means GET,
// as it does for net/http.
func edgeMethod(m string) string {
	if m == "" {
		return http.MethodGet
	}
	return cutJSON(m, MaxMethodBytes)
}
