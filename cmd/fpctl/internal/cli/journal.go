package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Outcomes recorded in a journal. The success outcome is the journal kind's own
// ("deleted", "submitted").
const (
	outcomeNotFound = "not_found"
	outcomeFailed   = "failed"
)

// journalKind is what a journal records: which command's IDs, under which JSON key, and
// the outcome of a success. A journal of one kind is refused by a command of another, so
// that a delete journal never makes feedback skip events (or the other way round).
type journalKind struct {
	cmd     string // "visitors delete"
	idKey   string // "visitor_id"
	success string // "deleted"
}

// journalEntry is one line of a journal: an ID whose request finished. Exactly one of
// VisitorID and EventID is set, as the journal's kind says.
type journalEntry struct {
	Time      time.Time `json:"time"`
	VisitorID string    `json:"visitor_id,omitempty"`
	EventID   string    `json:"event_id,omitempty"`
	Outcome   string    `json:"outcome"`
	Error     string    `json:"error,omitempty"`
}

// id returns the entry's ID under k's key ("" when it has none).
func (e journalEntry) id(k journalKind) string {
	if k.idKey == "event_id" {
		return e.EventID
	}
	return e.VisitorID
}

func (k journalKind) entry(t time.Time, id, outcome string) journalEntry {
	e := journalEntry{Time: t, Outcome: outcome}
	if k.idKey == "event_id" {
		e.EventID = id
	} else {
		e.VisitorID = id
	}
	return e
}

// journal is an append-only JSON Lines file, synced after every entry, so an interrupted
// run knows exactly which IDs are finished. Successful and not_found IDs are skipped by
// later runs; failed ones are tried again. While a run has it open it holds an exclusive
// lock on it, so two runs never send the same IDs at twice the quota.
type journal struct {
	f    *os.File
	kind journalKind
}

// errJournalLocked is returned by lockFile when another process holds the lock.
var errJournalLocked = errors.New("locked by another process")

// openJournal reads the entries of the journal at path. With readOnly (--dry-run) it
// only reads: a missing file has no entries, and nothing is created, cut or locked.
// Otherwise it creates the file if needed, takes its lock (failing at once if another
// run holds it) and opens it for appending.
//
// Content that is not a journal of kind is refused before anything is written, so a
// mistyped path (an API key file, a list of IDs) is never modified. A last line without
// its newline is kept when it is a valid entry (it was synced; only the newline is
// missing) and removed when it is the beginning of one (a crash in the middle of a
// write: its ID was not journaled and is tried again).
func openJournal(ctx context.Context, path string, kind journalKind, readOnly bool) (*journal, []journalEntry, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("--journal: %s is not a regular file", path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("--journal: %w", err)
	}
	if readOnly {
		data, err := readFileBounded(ctx, path, maxJournal)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("--journal: %w", err)
		}
		entries, _, _, err := parseJournal(data, path, kind)
		return nil, entries, err
	}

	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600) //nolint:gosec // G304: the journal the user named
	if err != nil {
		return nil, nil, fmt.Errorf("--journal: %w", err)
	}
	j := &journal{f: f, kind: kind}
	fail := func(err error) (*journal, []journalEntry, error) {
		_ = f.Close() // the error that made us give up is the one to report
		return nil, nil, err
	}
	if err := lockFile(f); err != nil {
		if errors.Is(err, errJournalLocked) {
			return fail(fmt.Errorf("--journal: %s is in use by another run of fpctl; wait for it to end (or use another journal for another list of IDs)", path))
		}
		return fail(fmt.Errorf("--journal: lock %s: %w", path, err))
	}
	// Read through the locked descriptor: the content cannot change under us.
	data, err := readBounded(ctx, f, maxJournal, path)
	if err != nil {
		return fail(fmt.Errorf("--journal: %w", err))
	}
	entries, good, addNewline, err := parseJournal(data, path, kind)
	if err != nil {
		return fail(err)
	}
	switch {
	case good < len(data):
		// Cut the torn line, so the next entry does not end up glued to it.
		if err := f.Truncate(int64(good)); err != nil {
			return fail(fmt.Errorf("--journal: %w", err))
		}
	case addNewline:
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return fail(fmt.Errorf("--journal: %w", err))
		}
	}
	return j, entries, nil
}

// parseJournal returns the entries of data, the length of its part to keep (shorter than
// data when the last line is a torn write), and whether the kept part lacks its final
// newline. Any other line that is not an entry of kind makes the whole file refused.
func parseJournal(data []byte, path string, kind journalKind) (entries []journalEntry, good int, addNewline bool, err error) {
	notJournal := func(line int) error {
		return fmt.Errorf("--journal: %s line %d is not a journal entry: not a journal; is this the right file?", path, line)
	}
	for n, off := 1, 0; off < len(data); n++ {
		end := bytes.IndexByte(data[off:], '\n')
		last := end < 0
		if last {
			end = len(data) - off
		}
		line := data[off : off+end]
		off += end
		if !last {
			off++ // the newline
		}
		if len(bytes.TrimSpace(line)) == 0 {
			good = off
			continue
		}
		var e journalEntry
		if json.Unmarshal(line, &e) != nil {
			// A torn write is the start of an entry as add writes it.
			if last && bytes.HasPrefix(line, []byte(`{"time":`)) {
				return entries, good, false, nil
			}
			return nil, 0, false, notJournal(n)
		}
		if err := kind.check(e); err != nil {
			if e.Outcome != "" && (e.VisitorID != "" || e.EventID != "") {
				return nil, 0, false, fmt.Errorf("--journal: %s line %d: %w; is this the right file?", path, n, err)
			}
			return nil, 0, false, notJournal(n)
		}
		entries = append(entries, e)
		good, addNewline = off, last
	}
	return entries, good, addNewline, nil
}

// check reports whether e is an entry of a journal of kind k.
func (k journalKind) check(e journalEntry) error {
	id := e.id(k)
	other := e.EventID
	if k.idKey == "event_id" {
		other = e.VisitorID
	}
	switch {
	case id == "" && other != "":
		return fmt.Errorf("a journal of another command, not of %s", k.cmd)
	case id == "" || other != "" || e.Time.IsZero():
		return errors.New("not a journal entry")
	case e.Outcome != k.success && e.Outcome != outcomeNotFound && e.Outcome != outcomeFailed:
		return fmt.Errorf("outcome %q is not one of %s", e.Outcome, k.cmd)
	}
	return nil
}

// add appends e and syncs it to disk before returning.
func (j *journal) add(e journalEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	// One write of the line and its newline; its error is the one that matters.
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("--journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("--journal: %w", err)
	}
	return nil
}

// close releases the lock with the file.
func (j *journal) close() error { return j.f.Close() }
