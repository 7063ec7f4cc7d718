package fingerprint

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// redacted is what every formatted secret and every redacted copy shows instead.
const redacted = "[REDACTED]"

// minRedactLen is the shortest key whose occurrences are replaced one by one. A shorter
// key (one or a few characters) matches ordinary text by chance, and replacing each match
// would shred the copy, so a copy containing it is withheld whole instead.
const minRedactLen = 8

// secret holds a string that must never be printed (the API key, the webhook secret),
// two pointers away from any struct that holds it. fmt prints a pointer found inside a
// struct as an address, even in unexported fields where it cannot call methods; but with
// a verb other than %v (say %s) it reports a bad verb and prints that pointer's target
// once with %v, so the target holds the text behind a second pointer, which is then
// printed as an address. The methods below cover the cases where fmt or slog reach it.
type secret struct{ text *string }

func newSecret(s string) *secret { return &secret{text: &s} }

// reveal returns the secret for the one place that needs it: the Authorization header.
func (s *secret) reveal() string {
	if s == nil || s.text == nil {
		return ""
	}
	return *s.text
}

// String returns "[REDACTED]".
func (s *secret) String() string { return redacted }

// GoString returns "[REDACTED]".
func (s *secret) GoString() string { return redacted }

// Format prints "[REDACTED]" for every verb.
func (s *secret) Format(f fmt.State, verb rune) { writeRedacted(f, verb, redacted) }

// LogValue makes slog print "[REDACTED]".
func (s *secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText makes encoding/json (and slog's JSON handler) print "[REDACTED]".
func (s *secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// writeRedacted writes text for any verb; %q quotes it, so the output stays valid Go
// syntax in %q contexts.
func writeRedacted(f fmt.State, verb rune, text string) {
	if verb == 'q' {
		text = strconv.Quote(text)
	}
	_, _ = io.WriteString(f, text)
}

// redactBytes returns a copy of b with the key removed: every occurrence replaced by
// [REDACTED], or, for a key shorter than minRedactLen, the whole copy replaced when it
// contains the key. The result never aliases b, so an error holding it pins nothing else.
func redactBytes(b []byte, key *secret) []byte {
	k := key.reveal()
	if k == "" || !bytes.Contains(b, []byte(k)) {
		return bytes.Clone(b)
	}
	if len(k) < minRedactLen {
		return []byte(redacted)
	}
	return bytes.ReplaceAll(b, []byte(k), []byte(redacted))
}

// redactString is redactBytes for strings.
func redactString(s string, key *secret) string {
	k := key.reveal()
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
func redactHeader(h http.Header, key *secret) http.Header {
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
func keptBody(b []byte, truncated bool, key *secret) []byte {
	k := key.reveal()
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
func newDecodeError(op operation, status int, body []byte, truncated bool, key *secret, err error) *DecodeError {
	return &DecodeError{StatusCode: status, Method: op.method, Path: op.path,
		Body: keptBody(body, truncated, key), Err: err}
}
