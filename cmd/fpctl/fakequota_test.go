// The CLI against fingerprinttest's opt-in rate limit and DELETE quota: exports and
// deletes wait out what the fake sends instead of failing.

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestExportUnderTheFakesRateLimit: the fake answers 429 with Retry-After when the
// export goes faster than its limit; the export still has every event exactly once.
func TestExportUnderTheFakesRateLimit(t *testing.T) {
	// 5 pages against a burst of 2 and 1 request/s: unless every page took over a second
	// (not even under -race on a loaded machine), some page is refused with a 429.
	srv := newFake(t, fingerprinttest.NewGenerator(11).Events(500), fingerprinttest.WithRateLimit(1, 2))
	r := runCmd(t, command(t, "events", "search", "--base-url", srv.URL(), "--retries", "10"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkExact(t, eventIDs(t, r.stdout), serverIDs(srv))
	var ok, limited int
	for _, req := range srv.Requests() {
		switch req.Status {
		case 200:
			ok++
		case 429:
			limited++
		}
	}
	if ok != 5 {
		t.Errorf("%d successful searches, want 5", ok)
	}
	if limited == 0 {
		t.Errorf("the fake never rate-limited the export: the test exercises nothing")
	}
}

// TestDeleteWaitsForTheFakesQuota: past the fake's hourly quota the command waits as
// Retry-After says (it does not fail the ID); interrupted there, the journal holds the
// finished IDs and the summary is printed.
func TestDeleteWaitsForTheFakesQuota(t *testing.T) {
	srv := newFake(t, nil, fingerprinttest.WithDeleteQuota(2, 100))
	journal := filepath.Join(t.TempDir(), "journal")
	cmd := command(t, "visitors", "delete", "--base-url", srv.URL(), "--rate", "100/s", "--retries", "0", "--journal", journal, "v1", "v2", "v3")
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(errb.String(), "(Retry-After)") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no wait on 429; stderr: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	if got := out.String(); got != "deleted 0, skipped 0 (journal), not found 2, failed 0\n" {
		t.Errorf("summary %q", got)
	}
	if n := len(journalLines(journal)); n != 2 {
		t.Errorf("journal has %d lines, want 2", n)
	}
}
