package eventjson_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// The JSON cause of an invalid event must stay reachable with errors.As (not only its
// text), so a caller can tell a syntax error from a wrong field type and report the offset.
func TestInvalidEventKeepsJSONCause(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		check func(error) bool
	}{
		{"syntax", `{"event_id":`, func(err error) bool {
			var se *json.SyntaxError
			return errors.As(err, &se)
		}},
		{"type", `{"event_id":42,"timestamp":1}`, func(err error) bool {
			var ute *json.UnmarshalTypeError
			return errors.As(err, &ute) && ute.Field == "event_id"
		}},
	}
	key := sealed.NewKey(bytes.Repeat([]byte{7}, 32), sealed.AlgorithmAES256GCM)
	for _, tc := range cases {
		t.Run("unseal/"+tc.name, func(t *testing.T) {
			blob, err := sealed.Seal([]byte(tc.body), key)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			_, err = sealed.Unseal(blob, []sealed.Key{key}, nil)
			if !errors.Is(err, sealed.ErrInvalidEvent) {
				t.Fatalf("err = %v, want ErrInvalidEvent", err)
			}
			if !tc.check(err) {
				t.Fatalf("errors.As cannot reach the JSON cause of %v", err)
			}
		})
		t.Run("webhook/"+tc.name, func(t *testing.T) {
			const secret = "whsec"
			var got error
			h := webhook.Handler(secret, func(_ context.Context, _ *fingerprint.Event) error {
				t.Fatal("callback called for an invalid event")
				return nil
			}, &webhook.HandlerOptions{OnError: func(_ *http.Request, _ int, err error) { got = err }})
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/webhook", bytes.NewReader([]byte(tc.body)))
			req.Header.Set(webhook.SignatureHeader, webhook.Sign([]byte(tc.body), secret))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", rec.Code)
			}
			if !errors.Is(got, webhook.ErrInvalidEvent) {
				t.Fatalf("OnError err = %v, want ErrInvalidEvent", got)
			}
			if !tc.check(got) {
				t.Fatalf("errors.As cannot reach the JSON cause of %v", got)
			}
		})
	}
}
