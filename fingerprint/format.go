package fingerprint

import (
	"fmt"
	"log/slog"
	"strconv"
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
	return "fingerprint.Client{baseURL:" + strconv.Quote(c.BaseURL()) + ", key:" + redacted + "}"
}

// GoString is String, so %#v shows no key either.
func (c *Client) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb (%v, %+v, %#v, %s, %q, %x, ...) prints String.
func (c *Client) Format(f fmt.State, verb rune) { writeRedacted(f, verb, c.String()) }

// LogValue implements slog.LogValuer: the base URL and a redacted key.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue(c.String())
	}
	return slog.GroupValue(slog.String("base_url", c.BaseURL()), slog.String("key", redacted))
}

// The http.Handler WebhookHandler returns holds the webhook secret.

// String describes the handler without its secret.
func (h *webhookHandler) String() string {
	return "fingerprint.WebhookHandler{secret:" + redacted + "}"
}

// GoString is String.
func (h *webhookHandler) GoString() string { return h.String() }

// Format implements fmt.Formatter: every verb prints String.
func (h *webhookHandler) Format(f fmt.State, verb rune) { writeRedacted(f, verb, h.String()) }

// LogValue implements slog.LogValuer.
func (h *webhookHandler) LogValue() slog.Value { return slog.StringValue(h.String()) }

// MarshalText keeps encoding/json, and slog's JSON handler, from showing the fields.
func (h *webhookHandler) MarshalText() ([]byte, error) { return []byte(h.String()), nil }
