package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

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

// TestProgressEndsBeforeOtherOutput: with stdout and stderr the same terminal, the
// progress line is ended before "(no events)" is written, so the two never share a line;
// one event is "1 event".
func TestProgressEndsBeforeOtherOutput(t *testing.T) {
	evs := fingerprinttest.NewGenerator(1).Events(3)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(evs...))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--linked-id", "nothing-matches"}, "\n(no events)\n"},
		// A tail ended (Ctrl+C while it waits) with nothing found.
		{[]string{"--follow", "--linked-id", "nothing-matches"}, "\n(no events)\n"},
		{[]string{"--max", "1"}, "1 event, 1 page"},
	} {
		var out bytes.Buffer
		args := append([]string{"events", "search", "--base-url", srv.URL()}, tc.args...)
		code := Run(context.Background(), args, &Env{
			Stdout: &out, Stderr: &out, Getenv: env(envSecretKey, srv.APIKey()),
			IsTerminal: func(w io.Writer) bool { return true },
			Sleep:      func(context.Context, time.Duration) error { return context.Canceled },
		})
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, out.String())
		}
		if got := out.String(); !strings.Contains(got, tc.want) {
			t.Errorf("%v: terminal got %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
}
