package fingerprint_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// FuzzVerifyWebhookSignature checks the signature header parser. Seeds live in
// testdata/fuzz/FuzzVerifyWebhookSignature.
func FuzzVerifyWebhookSignature(f *testing.F) {
	f.Add(vendorExampleSignature, []byte("data"), "secret")
	f.Add("", []byte("data"), "secret")
	f.Fuzz(func(t *testing.T, header string, body []byte, secret string) {
		err := fingerprint.VerifyWebhookSignature(header, body, secret)
		switch {
		case err == nil:
			// Valid only if the header really carries the MAC (hex in any case).
			mac := strings.TrimPrefix(fingerprint.SignWebhookPayload(body, secret), "v1=")
			if secret == "" || !strings.Contains(strings.ToLower(header), mac) {
				t.Fatalf("accepted header %q for secret %q", header, secret)
			}
		case errors.Is(err, fingerprint.ErrMissingSecret):
			if secret != "" {
				t.Fatalf("ErrMissingSecret with a secret: %v", err)
			}
			return
		case errors.Is(err, fingerprint.ErrMissingSignature), errors.Is(err, fingerprint.ErrInvalidSignature):
		default:
			t.Fatalf("untyped error: %v", err)
		}
		if secret == "" {
			t.Fatal("empty secret not rejected")
		}
		// A genuine entry appended to whatever the header holds always verifies.
		if err := fingerprint.VerifyWebhookSignature(header+","+fingerprint.SignWebhookPayload(body, secret), body, secret); err != nil {
			t.Fatalf("appended valid entry rejected: %v", err)
		}
		// Error text depends on the header only, never on the secret.
		if err != nil {
			other := secret + "\x00other"
			if err2 := fingerprint.VerifyWebhookSignature(header, body, other); err2 != nil && err2.Error() != err.Error() {
				t.Fatalf("error text depends on the secret: %q vs %q", err, err2)
			}
		}
	})
}
