package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// TestWebhookKeepsUnknownFields: an event delivered with fields newer than the SDK (at the
// top level and inside known objects) marshals back to the delivered JSON, through the
// Handler and through Verify plus json.Unmarshal.
func TestWebhookKeepsUnknownFields(t *testing.T) {
	body, err := os.ReadFile("../testdata/newer_event.json")
	if err != nil {
		t.Fatal(err)
	}
	body = fresh(body) // the handler refuses events older than MaxEventAge
	const secret = "whsec-test"
	var got *fingerprint.Event
	h := webhook.Handler(secret, func(_ context.Context, ev *fingerprint.Event) error { got = ev; return nil }, nil)
	req := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(body, secret))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || got == nil {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	requireSameJSON(t, "Handler", got, body)

	if err := webhook.Verify(webhook.Sign(body, secret), body, secret); err != nil {
		t.Fatal(err)
	}
	var ev fingerprint.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	requireSameJSON(t, "Verify+Unmarshal", &ev, body)
}

func requireSameJSON(t *testing.T, what string, ev *fingerprint.Event, sent []byte) {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if json.Unmarshal(b, &got) != nil || json.Unmarshal(sent, &want) != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: marshalled event differs from the delivery:\n%s", what, b)
	}
	if m, _ := got.(map[string]any); m["brand_new_signal"] == nil || m["bot_info"].(map[string]any)["new_member"] != "z" {
		t.Errorf("%s: unknown members lost", what)
	}
}
