//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
//
// Each case makes the command open a FIFO (the gate) before the blocking read, so the
// test knows the command is running, its signal handler installed, before it signals:
// the gate is either the FIFO it then blocks on (held open, never written), or a file
// read before stdin (fed and closed).
func TestSignalEndsBlockedRead(t *testing.T) {
	cases := []struct {
		name string
		args []string // GATE is replaced by the FIFO's path
		env  string   // GATE is replaced too
		feed string   // written to the gate and closed; "" holds it open
	}{
		{"delete --from FIFO", []string{"visitors", "delete", "--dry-run", "--from", "GATE"}, "", ""},
		{"delete --from stdin", []string{"visitors", "delete", "--dry-run", "--profile", "p", "--from", "-"}, "FPCTL_CONFIG=GATE", "[p]\nregion = eu\n"},
		{"webhooks verify stdin", []string{"webhooks", "verify", "--secret-file", "GATE", "--signature", "v1=00"}, "", "whsec"},
		{"webhooks sign --secret-file FIFO", []string{"webhooks", "sign", "--secret-file", "GATE", "-"}, "", ""},
	}
	for _, c := range cases {
		for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
			t.Run(c.name+"/"+sig.String(), func(t *testing.T) {
				gate := filepath.Join(t.TempDir(), "gate.fifo")
				if err := syscall.Mkfifo(gate, 0o600); err != nil {
					t.Fatal(err)
				}
				args := slices.Clone(c.args)
				for i := range args {
					args[i] = strings.ReplaceAll(args[i], "GATE", gate)
				}
				cmd := command(t, args...)
				if c.env != "" {
					cmd.Env = append(cmd.Env, strings.ReplaceAll(c.env, "GATE", gate))
				}
				r, w, err := os.Pipe() // stdin: open, never written
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				defer w.Close()
				cmd.Stdin = r
				var errb syncBuffer
				cmd.Stderr = &errb
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				defer func() { _ = cmd.Process.Kill() }()
				opened := make(chan *os.File, 1)
				go func() {
					f, err := os.OpenFile(gate, os.O_WRONLY, 0) // returns once the command opened it
					if err == nil {
						opened <- f
					}
				}()
				var g *os.File
				select {
				case g = <-opened:
				case <-time.After(60 * time.Second):
					t.Fatalf("the command never opened %s; stderr %q", gate, errb.String())
				}
				defer g.Close()
				if c.feed != "" {
					if _, err := g.WriteString(c.feed); err != nil {
						t.Fatal(err)
					}
					_ = g.Close()
				}
				time.Sleep(100 * time.Millisecond) // into the blocking read
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
					t.Fatalf("still blocked 10s after %s", sig)
				}
			})
		}
	}
}
