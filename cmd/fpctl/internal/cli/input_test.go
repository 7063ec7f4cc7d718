package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestInputIsBounded: an endless stdin (/dev/zero) is refused after 16 MiB.
func TestInputIsBounded(t *testing.T) {
	for _, args := range [][]string{{"webhooks", "sign", "-"}, {"unseal", "-"}} {
		var stderr bytes.Buffer
		code := Run(context.Background(), args, &Env{
			Stdin:  io.LimitReader(zeros{}, 64<<20),
			Stderr: &stderr,
			Getenv: env(envWebhookSecret, "whsec", envSealedKeys, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
		})
		if code != exitFailure || !strings.Contains(stderr.String(), "larger than 16 MiB") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}
