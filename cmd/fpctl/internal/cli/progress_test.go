package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestProgressOnlyOnATerminal: progress goes to stderr when it is a terminal and never
// into stdout; off a terminal stderr stays quiet. A terminal stdout defaults to table.
func TestProgressOnlyOnATerminal(t *testing.T) {
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(1).Events(250)...))
	for _, term := range []bool{false, true} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"events", "search", "--base-url", srv.URL()}, &Env{
			Stdout: &stdout, Stderr: &stderr, Getenv: env(envSecretKey, srv.APIKey()),
			IsTerminal: func(w io.Writer) bool { return term },
		})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		switch {
		case !term && stderr.Len() != 0:
			t.Errorf("off a terminal, stderr = %q", stderr.String())
		case !term && !strings.HasPrefix(stdout.String(), `{"`):
			t.Errorf("off a terminal the default format is jsonl; stdout starts %.40q", stdout.String())
		case term && !strings.Contains(stderr.String(), "250 events, 3 pages"):
			t.Errorf("on a terminal, stderr = %q", stderr.String())
		case term && !strings.HasPrefix(stdout.String(), "TIME (UTC)"):
			t.Errorf("on a terminal the default format is table; stdout starts %.40q", stdout.String())
		case strings.Contains(stdout.String(), "pages"):
			t.Errorf("progress leaked into stdout")
		}
	}
}
