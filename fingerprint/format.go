package fingerprint

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/fpgo/fingerprint-go/internal/secret"
)

// The methods below keep secrets out of every fmt verb and slog handler for the values
// this package returns that hold one. Inside a user's struct, in an unexported field
// where fmt cannot call methods, these values are pointers (or hold their secret behind
// one), which fmt prints as an address and never follows.

// String describes the Client without its key: fingerprint.Client{baseURL:"...", key:[REDACTED]}.
func (c *Client) String() string {
	if c == nil {
		return "fingerprint.Client(nil)"
	}
	return "fingerprint.Client{baseURL:" + strconv.Quote(c.BaseURL()) + ", key:" + secret.Redacted + "}"
}

// GoString is String, so %#v shows no key either.
func (c *Client) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb (%v, %+v, %#v, %s, %q, %x, ...) prints String.
func (c *Client) Format(f fmt.State, verb rune) { secret.WriteRedacted(f, verb, c.String()) }

// LogValue implements slog.LogValuer: the base URL and a redacted key.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue(c.String())
	}
	return slog.GroupValue(slog.String("base_url", c.BaseURL()), slog.String("key", secret.Redacted))
}
