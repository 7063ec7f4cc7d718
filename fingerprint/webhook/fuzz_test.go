package webhook_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// FuzzVerify checks the signature header parser. Seeds live in
// testdata/fuzz/FuzzVerify.
func FuzzVerify(f *testing.F) {
	f.Add(vendorExampleSignature, []byte("data"), "secret")
	f.Add("", []byte("data"), "secret")
	f.Fuzz(func(t *testing.T, header string, body []byte, secret string) {
		err := webhook.Verify(header, body, secret)
		switch {
		case err == nil:
			// Valid only if the header really carries the MAC (hex in any case).
			mac := strings.TrimPrefix(webhook.Sign(body, secret), "v1=")
			if secret == "" || !strings.Contains(strings.ToLower(header), mac) {
				t.Fatalf("accepted header %q for secret %q", header, secret)
			}
		case errors.Is(err, webhook.ErrMissingSecret):
			if secret != "" {
				t.Fatalf("ErrMissingSecret with a secret: %v", err)
			}
			return
		case errors.Is(err, webhook.ErrMissingSignature), errors.Is(err, webhook.ErrInvalidSignature):
		default:
			t.Fatalf("untyped error: %v", err)
		}
		if secret == "" {
			t.Fatal("empty secret not rejected")
		}
		// A genuine entry appended to whatever the header holds always verifies.
		if err := webhook.Verify(header+","+webhook.Sign(body, secret), body, secret); err != nil {
			t.Fatalf("appended valid entry rejected: %v", err)
		}
		// Error text depends on the header only, never on the secret.
		if err != nil {
			other := secret + "\x00other"
			if err2 := webhook.Verify(header, body, other); err2 != nil && err2.Error() != err.Error() {
				t.Fatalf("error text depends on the secret: %q vs %q", err, err2)
			}
		}
	})
}
