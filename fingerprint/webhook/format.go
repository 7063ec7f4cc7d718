package webhook

import (
	"fmt"
	"log/slog"

	"github.com/fpgo/fingerprint-go/internal/secret"
)

// The http.Handler that Handler returns holds the webhook secret: every formatting of it
// shows the secret redacted. Inside a user's struct, in an unexported field where fmt
// cannot call methods, it is a pointer, which fmt prints as an address.

// String describes the handler without its secret.
func (h *handler) String() string {
	return "webhook.Handler{secret:" + secret.Redacted + "}"
}

// GoString is String.
func (h *handler) GoString() string { return h.String() }

// Format implements fmt.Formatter: every verb prints String.
func (h *handler) Format(f fmt.State, verb rune) { secret.WriteRedacted(f, verb, h.String()) }

// LogValue implements slog.LogValuer.
func (h *handler) LogValue() slog.Value { return slog.StringValue(h.String()) }

// MarshalText keeps encoding/json, and slog's JSON handler, from showing the fields.
func (h *handler) MarshalText() ([]byte, error) { return []byte(h.String()), nil }
