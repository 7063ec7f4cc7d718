package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// resumeState is the content of a --resume file: which search it belongs to and where
// it stopped. It is rewritten (atomically) after each page.
type resumeState struct {
	Version       int       `json:"version"`
	Query         string    `json:"query"` // canonical filters, without time window and paging
	Start         time.Time `json:"start,omitzero"`
	End           time.Time `json:"end,omitzero"`
	Since         string    `json:"since,omitempty"`
	PaginationKey string    `json:"pagination_key,omitempty"`
	Events        int       `json:"events"`
	Pages         int       `json:"pages"`
	Done          bool      `json:"done"`
	// Follow is where a --follow tail stands; nil until its first search completes.
	Follow *followState `json:"follow,omitempty"`
}

const resumeVersion = 1

// loadResume reads the state for the search described by filters and p, or returns a
// new one if file does not exist yet. A file written for another search is a usage
// error. With --since, the window of the first run is reused so the search stays the same.
func loadResume(ctx context.Context, file, filters string, p *fingerprint.SearchEventsParams, sinceSet bool, since string) (st *resumeState, resumed bool, err error) {
	fresh := &resumeState{Version: resumeVersion, Query: filters, Start: p.Start, End: p.End}
	if sinceSet {
		fresh.Since = since
	}
	b, err := readFileBounded(ctx, file, maxResumeFile)
	if errors.Is(err, fs.ErrNotExist) {
		return fresh, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("--resume: %w", err)
	}
	st = &resumeState{}
	if err := json.Unmarshal(b, st); err != nil || st.Version != resumeVersion {
		return nil, false, fmt.Errorf("--resume: %s is not a resume file of this tool (delete it to start over)", file)
	}
	mismatch := func(what string) error {
		return usagef("--resume: %s belongs to another search (%s differ); use another file or delete it to start over", file, what)
	}
	if st.Query != filters {
		return nil, false, mismatch("filters")
	}
	if sinceSet {
		if st.Since != fresh.Since {
			return nil, false, mismatch("--since values")
		}
		p.Start, p.End = st.Start, st.End
	} else if st.Since != "" || !st.Start.Equal(p.Start) || !st.End.Equal(p.End) {
		return nil, false, mismatch("time windows")
	}
	return st, st.PaginationKey != "" || st.Events > 0, nil
}

// save writes the state to a temporary file next to file, syncs it and renames it over
// file, so a crash leaves either the old or the new state, never a torn one.
func (st *resumeState) save(file string) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(file)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".tmp*")
	if err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // no-op after a successful rename; else best-effort cleanup
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return fmt.Errorf("--resume: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return fmt.Errorf("--resume: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	return nil
}
