package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// closedPipe is the write end of a pipe whose reader has gone, as in `fpctl ... | head`
// after head exits: every write fails with EPIPE.
func closedPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

// TestExportReportsFailedWrite: an export whose output cannot be written exits non-zero,
// in every format and also when there are no events ("[]", the CSV header, the table's
// "(no events)"). JSON Lines of no events is empty output: there is nothing to fail.
func TestExportReportsFailedWrite(t *testing.T) {
	full := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(1).Events(3)...))
	empty := fingerprinttest.NewServer(t)
	for n, srv := range map[int]*fingerprinttest.Server{3: full, 0: empty} {
		for _, format := range []string{"jsonl", "json", "csv", "table"} {
			if n == 0 && format == "jsonl" {
				continue // writes nothing
			}
			var stderr bytes.Buffer
			code := Run(context.Background(), []string{"events", "search", "--base-url", srv.URL(), "--format", format}, &Env{
				Stdout: closedPipe(t), Stderr: &stderr, Getenv: env(envSecretKey, srv.APIKey()),
				IsTerminal: func(io.Writer) bool { return false },
			})
			if code == 0 {
				t.Errorf("%s, %d events: exit 0 on a closed pipe (stderr %q)", format, n, stderr.String())
			}
		}
	}
}

// TestDryRunReportsFailedWrite: the dry-run list is the command's output.
func TestDryRunReportsFailedWrite(t *testing.T) {
	var stderr bytes.Buffer
	code := Run(context.Background(), []string{"visitors", "delete", "--dry-run", "visitor_a"}, &Env{
		Stdout: closedPipe(t), Stderr: &stderr, Getenv: env(envSecretKey, "k"),
		IsTerminal: func(io.Writer) bool { return false },
	})
	if code == 0 {
		t.Errorf("exit 0 on a closed pipe (stderr %q)", stderr.String())
	}
}
