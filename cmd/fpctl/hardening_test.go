//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestJournalLockedBySecondRun: while a delete run holds its journal, a second run on
// the same journal fails at once, before any request (issue 17 item 11: two runs sent 59
// DELETEs for 30 IDs, at twice the quota).
func TestJournalLockedBySecondRun(t *testing.T) {
	srv := newFake(t, nil)
	journal := filepath.Join(t.TempDir(), "j.log")
	// 1/h: the first delete goes at once, the second would wait an hour.
	first := command(t, "visitors", "delete", "--base-url", srv.URL(), "--rate", "1/h", "--journal", journal, "v1", "v2")
	startAndWait(t, first, nil, func() bool {
		b, _ := os.ReadFile(journal)
		return bytes.Count(b, []byte("\n")) == 1
	})
	defer func() { _ = first.Process.Kill(); _ = first.Wait() }()

	start := time.Now()
	r := runCmd(t, command(t, "visitors", "delete", "--base-url", srv.URL(), "--rate", "50/s", "--journal", journal, "v3"))
	if r.code != 1 || !strings.Contains(r.stderr, "is in use by another run of fpctl") {
		t.Fatalf("second run: exit %d, stderr %q", r.code, r.stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the second run took %s to fail: it waited for the lock", d)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want only the first run's one", n)
	}
}

// TestSignalEndsBlockedRead: Ctrl+C or SIGTERM ends a command blocked reading stdin
// (an idle pipe) or a FIFO nobody writes to; before, it hung until the read ended.
func TestSignalEndsBlockedRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "ids.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	secretFIFO := filepath.Join(dir, "secret.fifo")
	if err := syscall.Mkfifo(secretFIFO, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		stdin bool // stdin is a pipe that stays open and empty
	}{
		{"delete --from FIFO", []string{"visitors", "delete", "--dry-run", "--from", fifo}, false},
		{"delete --from stdin", []string{"visitors", "delete", "--dry-run", "--from", "-"}, true},
		{"webhooks verify stdin", []string{"webhooks", "verify", "--signature", "v1=00"}, true},
		{"webhooks sign --secret-file FIFO", []string{"webhooks", "sign", "--secret-file", secretFIFO, "-"}, true},
	}
	for _, c := range cases {
		for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
			t.Run(c.name+"/"+sig.String(), func(t *testing.T) {
				cmd := command(t, c.args...)
				cmd.Env = append(cmd.Env, "FINGERPRINT_WEBHOOK_SECRET=whsec")
				var stdinW *os.File
				if c.stdin {
					r, w, err := os.Pipe()
					if err != nil {
						t.Fatal(err)
					}
					defer r.Close()
					defer w.Close()
					cmd.Stdin, stdinW = r, w
				}
				var errb syncBuffer
				cmd.Stderr = &errb
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				_ = stdinW
				time.Sleep(300 * time.Millisecond) // blocked in the read by now
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case err := <-done:
					var ee *exec.ExitError
					if !errors.As(err, &ee) || ee.ExitCode() != 1 {
						t.Fatalf("exit: %v; stderr %q", err, errb.String())
					}
					if !strings.Contains(errb.String(), "interrupted") {
						t.Errorf("stderr: %q", errb.String())
					}
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Kill()
					t.Fatalf("still blocked 10s after %s", sig)
				}
			})
		}
	}
}
