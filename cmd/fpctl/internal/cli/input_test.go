package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
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

// TestFilesAreBounded: every file a flag names is read to at most what it can
// legitimately hold; /dev/zero was read without end (issue 17 item 9: 300 MB and
// growing for --secret-file). Each run ends with a clear error and exit 1 or 2; a key or
// secret file that is no such file is an input error, exit 2, whichever flag names it.
func TestFilesAreBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero on this system")
	}
	cases := []struct {
		args []string
		want string
		code int // 0: 1 or 2
	}{
		{[]string{"webhooks", "sign", "--secret-file", "/dev/zero", "-"}, "larger than 4096 bytes", exitUsage},
		{[]string{"events", "get", "--api-key-file", "/dev/zero", "--base-url", "http://127.0.0.1:1/v4", "x"}, "larger than 4096 bytes", exitUsage},
		{[]string{"unseal", "--key-file", "/dev/zero", "-"}, "larger than 4096 bytes", exitUsage},
		{[]string{"visitors", "delete", "--dry-run", "--from", "/dev/zero"}, "larger than 16 MiB", 0},
		{[]string{"visitors", "delete", "--dry-run", "--from", "-"}, "stdin is larger than 16 MiB", 0},
		{[]string{"events", "search", "--fake", "--resume", "/dev/zero"}, "larger than 16 MiB", 0},
		{[]string{"visitors", "delete", "--journal", "/dev/zero", "v1"}, "not a regular file", 0},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		code := Run(t.Context(), c.args, &Env{Stdin: io.LimitReader(zeros{}, 64<<20), Stderr: &stderr})
		if code == exitOK || (c.code != 0 && code != c.code) || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, stderr.String(), c.want)
		}
	}
}

// TestReadIsInterruptible: a read blocked on a stream that never ends nor sends (an
// idle pipe) returns as soon as the context is done.
func TestReadIsInterruptible(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := readBounded(ctx, r, maxIDList, "stdin")
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}
