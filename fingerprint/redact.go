package fingerprint

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/fpgo/fingerprint-go/internal/secret"
)

// redacted is what every redacted copy shows instead of the key.
const redacted = secret.Redacted

// minRedactLen is the shortest key whose occurrences are replaced one by one. A shorter
// key (one or a few characters) matches ordinary text by chance, and replacing each match
// would shred the copy, so a copy containing it is withheld whole instead.
const minRedactLen = 8

// redactBytes returns a copy of b with the key removed: every occurrence replaced by
// [REDACTED], or, for a key shorter than minRedactLen, the whole copy replaced when it
// contains the key. The result never aliases b, so an error holding it pins nothing else.
func redactBytes(b []byte, key *secret.Value) []byte {
	k := key.Reveal()
	if k == "" || !bytes.Contains(b, []byte(k)) {
		return bytes.Clone(b)
	}
	if len(k) < minRedactLen {
		return []byte(redacted)
	}
	return bytes.ReplaceAll(b, []byte(k), []byte(redacted))
}

// redactString is redactBytes for strings.
func redactString(s string, key *secret.Value) string {
	k := key.Reveal()
	if k == "" || !strings.Contains(s, k) {
		return s
	}
	if len(k) < minRedactLen {
		return redacted
	}
	return strings.ReplaceAll(s, k, redacted)
}

// redactHeader returns a copy of h with the key removed from every value; a header
// whose name contains the key is dropped.
func redactHeader(h http.Header, key *secret.Value) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		if redactString(name, key) != name {
			continue
		}
		vs := make([]string, len(values))
		for i, v := range values {
			vs[i] = redactString(v, key)
		}
		out[name] = vs
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

// trimKeyPrefix drops the longest proper prefix of k that b ends with.
func trimKeyPrefix(b []byte, k string) []byte {
	for n := min(len(k)-1, len(b)); n > 0; n-- {
		if bytes.HasSuffix(b, []byte(k[:n])) {
			return b[:len(b)-n]
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
