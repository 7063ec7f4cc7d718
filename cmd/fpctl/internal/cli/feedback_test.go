package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestFeedbackKeepsToItsOwnQuota: against a fake enforcing the documented quotas (30 per
// hour for deletes and, counted apart, 30 per hour for feedback) on the same clock, 30
// deletes and then 31 feedbacks all succeed with no 429: the feedback run is paced by
// its own quota, not slowed by the deletes' journal, and its 31st request waits until an
// hour after its first.
func TestFeedbackKeepsToItsOwnQuota(t *testing.T) {
	clock := &fakeClock{now: t0}
	var events []fingerprint.Event
	var eventIDs, visitorIDs []string
	for i := range 31 {
		ev := fingerprinttest.FullEvent()
		ev.Timestamp = t0.Add(-time.Hour).UnixMilli()
		ev.EventID = fmt.Sprintf("%d.fb%04d", ev.Timestamp, i)
		events = append(events, ev)
		eventIDs = append(eventIDs, ev.EventID)
		if i < 30 {
			visitorIDs = append(visitorIDs, fmt.Sprintf("visitor%02d", i))
		}
	}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithAPIKey("sk_test_0123456789"), fingerprinttest.WithClock(clock.Now),
		fingerprinttest.WithEvents(events...), fingerprinttest.WithDeleteQuota(30, 500), fingerprinttest.WithFeedbackQuota(30, 500))
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := Run(t.Context(), append(args, "--base-url", srv.URL()),
			&Env{Stdout: &stdout, Stderr: &stderr, Getenv: env(envSecretKey, "sk_test_0123456789"), Now: clock.Now, Sleep: clock.Sleep})
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %q", args[:2], code, stderr.String())
		}
		return stdout.String()
	}
	ids := filepath.Join(dir, "events.txt")
	if err := os.WriteFile(ids, []byte(strings.Join(eventIDs, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	out := run(append([]string{"visitors", "delete", "--journal", filepath.Join(dir, "d.journal")}, visitorIDs...)...)
	if out != "deleted 0, skipped 0 (journal), not found 30, failed 0\n" {
		t.Fatalf("deletes: %q", out)
	}
	start := clock.Now()
	out = run("events", "feedback", "--reset-confidence", "--from", ids, "--journal", filepath.Join(dir, "f.journal"))
	if out != "submitted 31, skipped 0 (journal), not found 0, failed 0\n" {
		t.Fatalf("feedback: %q", out)
	}
	if took := clock.Now().Sub(start); took < time.Hour || took > time.Hour+5*time.Minute {
		t.Errorf("31 feedbacks took %v, want the 31st an hour after the 1st", took)
	}
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			t.Fatalf("the fake answered 429 to %s: the run went past a quota", r.Operation)
		}
	}
	for _, id := range eventIDs {
		if _, ok := srv.Feedback(id); !ok {
			t.Errorf("no feedback stored for %s", id)
		}
	}
}
