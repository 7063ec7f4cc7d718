package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestStandaloneFake: "fpctl fake" serves one server that later commands reach
// with --base-url, and its state lasts across commands.
func TestStandaloneFake(t *testing.T) {
	fake := command(t, "fake", "--seed", "20")
	var out syncBuffer
	fake.Stdout, fake.Stderr = &out, &out
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = fake.Process.Signal(os.Interrupt); _ = fake.Wait() }()
	re := regexp.MustCompile(`base URL: (\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for re.FindStringSubmatch(out.String()) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no banner: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	base := re.FindStringSubmatch(out.String())[1]
	demo := fingerprinttest.FullEvent()
	withKey := func(args ...string) result {
		cmd := command(t, args...)
		cmd.Env = append(cmd.Env, "FINGERPRINT_SECRET_API_KEY="+fingerprinttest.DefaultAPIKey)
		return runCmd(t, cmd)
	}
	if r := withKey("events", "update", demo.EventID, "--base-url", base, "--linked-id", "case-9"); r.code != 0 {
		t.Fatalf("update: %d %s", r.code, r.stderr)
	}
	r := withKey("events", "get", demo.EventID, "--base-url", base)
	if r.code != 0 || !strings.Contains(r.stdout, `"linked_id": "case-9"`) {
		t.Fatalf("get after update: exit %d, %s %s", r.code, r.stderr, r.stdout[:min(200, len(r.stdout))])
	}
	r = withKey("events", "search", "--base-url", base)
	if n := len(eventIDs(t, r.stdout)); r.code != 0 || n != 21 {
		t.Fatalf("search: exit %d, %d events, want the 20 seeded device events and the demo event", r.code, n)
	}
}
