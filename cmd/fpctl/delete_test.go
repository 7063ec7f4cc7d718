package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// visitorsOf returns the distinct visitor IDs of events, in order of appearance.
func visitorsOf(events []fingerprint.Event) []string {
	var out []string
	for _, ev := range events {
		if ev.Identification != nil && !slices.Contains(out, ev.Identification.VisitorID) {
			out = append(out, ev.Identification.VisitorID)
		}
	}
	return out
}

func journalLines(path string) []string {
	b, _ := os.ReadFile(path)
	return strings.Fields(string(b))
}

func TestDeleteJournalInterruptedAndResumed(t *testing.T) {
	events := fingerprinttest.NewGenerator(9).Events(200)
	visitors := visitorsOf(events)[:8]
	srv := newFake(t, events)
	dir := t.TempDir()
	ids := filepath.Join(dir, "ids.txt")
	if err := os.WriteFile(ids, []byte(strings.Join(visitors, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "journal")
	args := []string{"visitors", "delete", "--base-url", srv.URL(), "--from", ids, "--journal", journal, "--rate", "5/s"}

	first := command(t, args...)
	out, _ := os.Create(filepath.Join(dir, "first.out"))
	startAndWait(t, first, out, func() bool { return len(journalLines(journal)) >= 3 })
	if err := first.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	done := len(journalLines(journal))
	if done >= len(visitors) {
		t.Fatalf("the first run finished all %d deletes before the interruption", done)
	}
	firstOut, _ := os.ReadFile(out.Name())
	if first.ProcessState.ExitCode() != 1 || !strings.HasPrefix(string(firstOut), "deleted ") {
		t.Fatalf("interrupted run: exit %d, stdout %q, stderr %s", first.ProcessState.ExitCode(), firstOut, first.Stderr)
	}

	r := runCmd(t, command(t, args...))
	if r.code != 0 {
		t.Fatalf("resumed run: exit %d: %s", r.code, r.stderr)
	}
	// Each ID was sent once, unless the interruption fell between the response and the
	// journal line; then the resumed run finds it already gone.
	var deleted, skipped, notFound, failed int
	if _, err := fmtSscanf(r.stdout, &deleted, &skipped, &notFound, &failed); err != nil {
		t.Fatalf("summary %q: %v", r.stdout, err)
	}
	if skipped != done || deleted+notFound != len(visitors)-done || notFound > 1 || failed != 0 {
		t.Fatalf("resumed summary %q after %d journaled", r.stdout, done)
	}
	lines := journalLines(journal)
	if len(lines) != len(visitors) {
		t.Fatalf("journal has %d lines, want one per visitor (%d)", len(lines), len(visitors))
	}
	for _, v := range visitors {
		if !strings.Contains(strings.Join(lines, "\n"), `"visitor_id":"`+v+`"`) {
			t.Errorf("visitor %s not journaled", v)
		}
	}
	for _, ev := range srv.Events() {
		if ev.Identification != nil && slices.Contains(visitors, ev.Identification.VisitorID) {
			t.Fatalf("event %s of deleted visitor %s still stored", ev.EventID, ev.Identification.VisitorID)
		}
	}
	if n := countOp(srv, fingerprinttest.OpDeleteVisitorData); n > len(visitors)+1 {
		t.Errorf("%d DELETE requests for %d visitors", n, len(visitors))
	}
}

// TestDeletePacingLowerBound checks only lower bounds: a loaded machine can make the
// run slower, never faster.
func TestDeletePacingLowerBound(t *testing.T) {
	srv := newFake(t, nil)
	start := time.Now()
	r := runCmd(t, command(t, "visitors", "delete", "--base-url", srv.URL(), "--rate", "4/s", "v1", "v2", "v3", "v4", "v5"))
	elapsed := time.Since(start)
	if r.code != 0 || r.stdout != "deleted 0, skipped 0 (journal), not found 5, failed 0\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if elapsed < time.Second {
		t.Errorf("5 deletes at 4/s took %v, want at least 4 intervals of 250ms", elapsed)
	}
	reqs := srv.Requests()
	if len(reqs) != 5 {
		t.Fatalf("%d requests", len(reqs))
	}
}

func TestDelete429WaitsForRetryAfter(t *testing.T) {
	srv := newFake(t, nil)
	if err := srv.FailNext(2, fingerprinttest.Fault{Operation: fingerprinttest.OpDeleteVisitorData, Status: 429, RetryAfter: "1"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := runCmd(t, command(t, "visitors", "delete", "--base-url", srv.URL(), "--rate", "100/s", "--retries", "0", "v1"))
	if elapsed := time.Since(start); elapsed < 2*time.Second {
		t.Errorf("two 429s with Retry-After: 1 took %v, want at least 2s", elapsed)
	}
	if r.code != 0 || !strings.Contains(r.stdout, "not found 1, failed 0") || strings.Count(r.stderr, "waiting 1s (Retry-After)") != 2 {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i := 1; i < 3; i++ {
		if gap := reqs[i].Time.Sub(reqs[i-1].Time); gap < 900*time.Millisecond {
			t.Errorf("request %d came %v after a 429 with Retry-After: 1", i+1, gap)
		}
	}
}
