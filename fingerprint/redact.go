package fingerprint

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/internal/secret"
)

// redacted is what every redacted copy shows instead of the key.
const redacted = secret.Redacted

// minRedactLen is the shortest key whose occurrences are replaced one by one. A shorter
// key (one or a few characters) matches ordinary text by chance, and replacing each match
// would shred the copy, so a copy containing it is withheld whole instead.
const minRedactLen = 8

// redactBytes returns a copy of b with the key removed: every occurrence, literal or
// written with JSON escapes (\u0073k_..., sk\u005f..., \/), replaced by [REDACTED], or,
// for a key shorter than minRedactLen, the whole copy replaced when it contains the key.
// The result never aliases b, so an error holding it pins nothing else.
func redactBytes(b []byte, key *secret.Value) []byte {
	k := key.Reveal()
	if k == "" || !bytes.Contains(b, []byte(k)) && bytes.IndexByte(b, '\\') < 0 {
		return bytes.Clone(b)
	}
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != k[0] && b[i] != '\\' {
			continue
		}
		end, ok, _ := matchKeyAt(b, i, k)
		if !ok {
			continue
		}
		if len(k) < minRedactLen {
			return []byte(redacted)
		}
		out = append(append(out, b[last:i]...), redacted...)
		last, i = end, end-1
	}
	if out == nil {
		return bytes.Clone(b)
	}
	return append(out, b[last:]...)
}

// redactString is redactBytes for strings.
func redactString(s string, key *secret.Value) string {
	k := key.Reveal()
	if k == "" || !strings.Contains(s, k) && strings.IndexByte(s, '\\') < 0 {
		return s
	}
	return string(redactBytes([]byte(s), key))
}

// matchKeyAt matches k at b[i:], each of its characters written as itself or as a JSON
// escape (\uXXXX in any case, a surrogate pair, or a short escape such as \/). It returns
// where the match ends; partial says b ended in the middle of a possible match.
func matchKeyAt(b []byte, i int, k string) (end int, ok, partial bool) {
	j := i
	for _, r := range k {
		if j >= len(b) {
			return j, false, true
		}
		var lit [utf8.UTFMax]byte
		n := utf8.EncodeRune(lit[:], r)
		if bytes.HasPrefix(b[j:], lit[:n]) {
			j += n
			continue
		}
		if len(b)-j < n && bytes.HasPrefix(lit[:n], b[j:]) {
			return j, false, true
		}
		size, got, more := unescapeAt(b[j:])
		switch {
		case more:
			return j, false, true
		case size == 0 || got != r:
			return j, false, false
		}
		j += size
	}
	return j, true, false
}

// unescapeAt decodes one JSON escape at the start of b: its length and the character
// it stands for; size 0 if b does not start with one, more if b ends inside one.
func unescapeAt(b []byte) (size int, r rune, more bool) {
	if len(b) == 0 || b[0] != '\\' {
		return 0, 0, false
	}
	if len(b) < 2 {
		return 0, 0, true
	}
	if c := strings.IndexByte(`"\/bfnrt`, b[1]); c >= 0 {
		return 2, rune("\"\\/\b\f\n\r\t"[c]), false
	}
	if b[1] != 'u' {
		return 0, 0, false
	}
	hi, n, more := hex4(b[2:])
	if n == 0 || more {
		return 0, 0, more
	}
	if !utf16.IsSurrogate(rune(hi)) {
		return 6, rune(hi), false
	}
	rest := b[6:]
	if len(rest) < 2 {
		return 0, 0, len(rest) == 0 || rest[0] == '\\'
	}
	if rest[0] != '\\' || rest[1] != 'u' {
		return 0, 0, false
	}
	lo, n, more := hex4(rest[2:])
	if n == 0 || more {
		return 0, 0, more
	}
	if r := utf16.DecodeRune(rune(hi), rune(lo)); r != utf8.RuneError {
		return 12, r, false
	}
	return 0, 0, false
}

// hex4 reads four hex digits: n is 4 when it did, more when b ended before four.
func hex4(b []byte) (v uint16, n int, more bool) {
	for n = 0; n < 4; n++ {
		if n >= len(b) {
			return 0, 0, true
		}
		d, err := strconv.ParseUint(string(b[n]), 16, 8)
		if err != nil {
			return 0, 0, false
		}
		v = v<<4 | uint16(d)
	}
	return v, 4, false
}

// maxErrorHeaderBytes and maxErrorHeaderLines bound the copy of the response headers
// an *APIError keeps (as maxErrorBody bounds its body): a 500 with 9 MiB of tiny headers
// made every error hold 66 MiB.
const (
	maxErrorHeaderBytes = 16 << 10
	maxErrorHeaderLines = 100
)

// explainingHeaders are kept first in an error's copy of the headers.
var explainingHeaders = []string{
	"Content-Type", "Retry-After", "Location", "Www-Authenticate", "Date", "Server", "Via",
	"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Amz-Cf-Id", "Cf-Ray", "X-Cache",
	"Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset", "Content-Length", "Content-Encoding",
}

// redactHeader returns a bounded copy of h with the key removed from every value: the
// explaining headers first, then the others in name order (of at most 400 of them when
// there are more), while they fit in
// maxErrorHeaderBytes and maxErrorHeaderLines. A header whose name contains the key is
// dropped. Values are copied, so the error pins nothing of the response.
func redactHeader(h http.Header, key *secret.Value) http.Header {
	if h == nil {
		return nil
	}
	names := make([]string, 0, min(len(h), 4*maxErrorHeaderLines))
	seen := make(map[string]bool, len(explainingHeaders))
	for _, n := range explainingHeaders {
		if _, ok := h[n]; ok {
			names = append(names, n)
			seen[n] = true
		}
	}
	first := len(names)
	for n := range h {
		if len(names)-first == 4*maxErrorHeaderLines {
			break // megabytes of headers: any of them will do, sorting them all would not
		}
		if !seen[n] {
			names = append(names, n)
		}
	}
	slices.Sort(names[first:])
	out := make(http.Header, min(len(names), maxErrorHeaderLines))
	size, lines := 0, 0
	for _, name := range names {
		if redactString(name, key) != name {
			continue
		}
		kept := strings.Clone(name)
		for _, v := range h[name] {
			n := len(name) + len(v) + len(": \r\n")
			if lines == maxErrorHeaderLines {
				return out
			}
			if size+n > maxErrorHeaderBytes {
				continue // a shorter line may still fit
			}
			size += n
			lines++
			out[kept] = append(out[kept], strings.Clone(redactString(v, key)))
		}
	}
	return out
}

// keptBody returns the copy of a response body an error keeps: at most maxErrorBody
// bytes, the key redacted, never a slice of the read buffer (so holding the error pins
// nothing else). truncated says the body was cut before b ended, so a key may have been
// cut in two at the end: a trailing start of the key is dropped as well.
func keptBody(b []byte, truncated bool, key *secret.Value) []byte {
	k := key.Reveal()
	// Every key starting inside the first maxErrorBody bytes lies whole in the window.
	window := b
	if len(window) > maxErrorBody+len(k) {
		window, truncated = window[:maxErrorBody+len(k)], true
	}
	out := redactBytes(window, key)
	if truncated {
		out = trimKeyPrefix(out, k)
	}
	return out[:min(len(out), maxErrorBody)]
}

// trimKeyPrefix drops a trailing start of k, literal or JSON-escaped, that b ends
// with: the rest of the key was cut off with the body.
func trimKeyPrefix(b []byte, k string) []byte {
	for i := max(0, len(b)-12*len(k)); i < len(b); i++ {
		if _, _, partial := matchKeyAt(b, i, k); partial {
			return b[:i]
		}
	}
	return b
}

// newDecodeError builds the *DecodeError of a 2xx response, keeping a redacted copy of
// the start of its body (keptBody).
func newDecodeError(op operation, status int, body []byte, truncated bool, key *secret.Value, err error) *DecodeError {
	return &DecodeError{StatusCode: status, Method: op.method, Path: op.path,
		Body: keptBody(body, truncated, key), Err: err}
}
