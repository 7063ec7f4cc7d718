package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJournalTornLastLineIsIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	content := `{"time":"2026-03-01T00:00:00Z","visitor_id":"a","outcome":"deleted"}` + "\n" + `{"time":"2026-03-01T00:02:00Z","visitor_id":"b","outc`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	j, entries, err := openJournal(t.Context(), path, deleteSpec.journal, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].VisitorID != "a" {
		t.Fatalf("entries = %+v", entries)
	}
	if err := j.add(journalEntry{Time: t0, VisitorID: "b", Outcome: outcomeNotFound}); err != nil {
		t.Fatal(err)
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	j, entries, err = openJournal(t.Context(), path, deleteSpec.journal, false)
	if err != nil || len(entries) != 2 || entries[1].VisitorID != "b" {
		t.Fatalf("after append: %+v, %v", entries, err)
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("garbage\n"+content), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openJournal(t.Context(), path, deleteSpec.journal, false); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("corrupt journal: %v", err)
	}
}

const entryA = `{"time":"2026-03-01T00:00:00Z","visitor_id":"a","outcome":"deleted"}`

// TestJournalRefusesFilesThatAreNotJournals: a mistyped --journal path (a key file
// without its newline, a list of IDs) is refused and left byte for byte as it was,
// with or without --dry-run (issue 17 item 10: it was emptied, or overwritten).
func TestJournalRefusesFilesThatAreNotJournals(t *testing.T) {
	for name, content := range map[string]string{
		"key file without newline": "sk_live_0123456789abcdef0123456789",
		"key file":                 "sk_live_0123456789abcdef0123456789\n",
		"ID list":                  "visitor-1\nvisitor-2",
		"JSON but not entries":     `{"region":"eu"}` + "\n",
		"entry after garbage":      "garbage\n" + entryA + "\n",
		"unknown outcome":          `{"time":"2026-03-01T00:00:00Z","visitor_id":"a","outcome":"exploded"}` + "\n",
	} {
		for _, dryRun := range []bool{false, true} {
			path := filepath.Join(t.TempDir(), "j")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			j, _, err := openJournal(t.Context(), path, deleteSpec.journal, dryRun)
			if err == nil {
				_ = j.close()
				t.Errorf("%s (dry run %v): accepted", name, dryRun)
			} else if !strings.Contains(err.Error(), "is this the right file?") {
				t.Errorf("%s (dry run %v): %v", name, dryRun, err)
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Errorf("%s (dry run %v): file changed to %q", name, dryRun, got)
			}
		}
	}
}

// TestJournalDryRunChangesNothing: --dry-run reads a journal with a torn last line
// without cutting it, and creates no file.
func TestJournalDryRunChangesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	content := entryA + "\n" + `{"time":"2026-03-01T00:02:00Z","visi`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	j, entries, err := openJournal(t.Context(), path, deleteSpec.journal, true)
	if err != nil || j != nil || len(entries) != 1 {
		t.Fatalf("dry run: %v, %v, %+v", j, err, entries)
	}
	if got, _ := os.ReadFile(path); string(got) != content {
		t.Errorf("dry run cut the file to %q", got)
	}
	missing := filepath.Join(dir, "new")
	if _, entries, err := openJournal(t.Context(), missing, deleteSpec.journal, true); err != nil || len(entries) != 0 {
		t.Fatalf("dry run on a new journal: %v %+v", err, entries)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("dry run created %s: %v", missing, err)
	}
}

// TestJournalKeepsLastEntryWithoutNewline: a complete last entry that only lacks its
// newline is a finished ID (it was dropped, and that visitor deleted again); the next
// entry goes on a line of its own.
func TestJournalKeepsLastEntryWithoutNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := os.WriteFile(path, []byte(entryA), 0o600); err != nil {
		t.Fatal(err)
	}
	j, entries, err := openJournal(t.Context(), path, deleteSpec.journal, false)
	if err != nil || len(entries) != 1 || entries[0].VisitorID != "a" {
		t.Fatalf("%v %+v", err, entries)
	}
	if err := j.add(journalEntry{Time: t0, VisitorID: "b", Outcome: "deleted"}); err != nil {
		t.Fatal(err)
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := entryA + "\n" + `{"time":"2026-03-01T00:00:00Z","visitor_id":"b","outcome":"deleted"}` + "\n"; string(got) != want {
		t.Errorf("journal:\n%s\nwant:\n%s", got, want)
	}
}

// TestJournalOfAnotherCommand: a delete journal does not make feedback skip events,
// nor the other way round.
func TestJournalOfAnotherCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := os.WriteFile(path, []byte(entryA+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := openJournal(t.Context(), path, feedbackSpec.journal, true)
	if err == nil || !strings.Contains(err.Error(), "a journal of another command, not of events feedback") {
		t.Errorf("delete journal for feedback: %v", err)
	}
}

// TestJournalLock: while one run has the journal open, a second one fails at once with
// a clear message (issue 17 item 11: two runs deleted 30 IDs with 59 requests); it
// succeeds once the first has ended. Two opens in one process take two flock
// descriptions, exactly as two processes do.
func TestJournalLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _, err := openJournal(t.Context(), path, deleteSpec.journal, false)
	if err != nil {
		t.Fatal(err)
	}
	if j2, _, err := openJournal(t.Context(), path, deleteSpec.journal, false); err == nil {
		_ = j2.close()
		t.Fatal("a second run opened a journal in use")
	} else if !strings.Contains(err.Error(), "is in use by another run of fpctl") {
		t.Fatalf("second run: %v", err)
	}
	if _, _, err := openJournal(t.Context(), path, deleteSpec.journal, true); err != nil {
		t.Errorf("a dry run reads a journal in use: %v", err)
	}
	if err := j.close(); err != nil {
		t.Fatal(err)
	}
	j, _, err = openJournal(t.Context(), path, deleteSpec.journal, false)
	if err != nil {
		t.Fatalf("after the first run ended: %v", err)
	}
	_ = j.close()
}

// TestJournalIsBounded: a journal is read to at most maxJournal bytes, and a device or
// FIFO is refused before any read (issue 17 item 9).
func TestJournalIsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, maxJournal+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	for _, dryRun := range []bool{false, true} {
		if _, _, err := openJournal(t.Context(), path, deleteSpec.journal, dryRun); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
			t.Errorf("dry run %v: %v", dryRun, err)
		}
	}
	if _, _, err := openJournal(t.Context(), os.DevNull, deleteSpec.journal, false); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("%s: %v", os.DevNull, err)
	}
}
