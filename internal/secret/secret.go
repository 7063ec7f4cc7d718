// Package secret holds strings that must never be printed (the API key, the webhook
// secret) and the redaction helpers shared by fingerprint and its feature packages.
package secret

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Redacted is what every formatted secret shows instead of its text.
const Redacted = "[REDACTED]"

// Value holds a secret string two pointers away from any struct that holds it. fmt
// prints a pointer found inside a struct as an address, even in unexported fields where
// it cannot call methods; but with a verb other than %v (say %s) it reports a bad verb
// and prints that pointer's target once with %v, so the target holds the text behind a
// second pointer, which is then printed as an address. The methods below cover the cases
// where fmt or slog reach it.
type Value struct{ text *string }

// New returns a Value holding s.
func New(s string) *Value { return &Value{text: &s} }

// Reveal returns the secret, for the few places that need it (an Authorization header,
// an HMAC key). A nil Value reveals "".
func (s *Value) Reveal() string {
	if s == nil || s.text == nil {
		return ""
	}
	return *s.text
}

// String returns "[REDACTED]".
func (s *Value) String() string { return Redacted }

// GoString returns "[REDACTED]".
func (s *Value) GoString() string { return Redacted }

// Format prints "[REDACTED]" for every verb.
func (s *Value) Format(f fmt.State, verb rune) { WriteRedacted(f, verb, Redacted) }

// LogValue makes slog print "[REDACTED]".
func (s *Value) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalText makes encoding/json (and slog's JSON handler) print "[REDACTED]".
func (s *Value) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// WriteRedacted writes text for any verb; %q quotes it, so the output stays valid Go
// syntax in %q contexts. Format methods of values holding a secret call it.
func WriteRedacted(f fmt.State, verb rune, text string) {
	if verb == 'q' {
		text = strconv.Quote(text)
	}
	_, _ = io.WriteString(f, text)
}
