package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Outcomes recorded in a delete journal.
const (
	outcomeDeleted  = "deleted"
	outcomeNotFound = "not_found"
	outcomeFailed   = "failed"
)

// journalEntry is one line of a delete journal: a visitor ID whose request finished.
type journalEntry struct {
	Time      time.Time `json:"time"`
	VisitorID string    `json:"visitor_id"`
	Outcome   string    `json:"outcome"`
	Error     string    `json:"error,omitempty"`
}

// journal is an append-only JSON Lines file, synced after every entry, so an interrupted
// run knows exactly which IDs are finished. deleted and not_found IDs are skipped by
// later runs; failed ones are tried again.
type journal struct {
	f *os.File
}

// openJournal reads the entries of path (creating it if needed) and opens it for
// appending. A torn last line, from a crash in the middle of a write, is removed: its
// ID was not journaled, so it is tried again.
func openJournal(path string) (*journal, []journalEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("--journal: %w", err)
	}
	var entries []journalEntry
	good := 0 // length of the prefix made of complete lines
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			break // no newline after it: a torn final write, dropped below
		}
		line := data[off : off+end]
		off += end + 1
		good = off
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e journalEntry
		if err := json.Unmarshal(line, &e); err != nil || e.VisitorID == "" || e.Outcome == "" {
			return nil, nil, fmt.Errorf("--journal: %s line %d is not a journal entry; is this the right file?", path, bytes.Count(data[:off], []byte("\n")))
		}
		entries = append(entries, e)
	}
	if good < len(data) {
		// Cut the torn line, so the next entry does not end up glued to it.
		if err := os.Truncate(path, int64(good)); err != nil {
			return nil, nil, fmt.Errorf("--journal: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--journal: %w", err)
	}
	return &journal{f: f}, entries, nil
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

func (j *journal) close() error { return j.f.Close() }
