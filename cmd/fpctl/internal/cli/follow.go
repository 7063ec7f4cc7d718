package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

const (
	defaultFollowInterval = 10 * time.Second
	defaultFollowOverlap  = time.Minute
	minFollowInterval     = time.Second
	maxFollowBackoff      = 5 * time.Minute
	// maxRecentIDs bounds the set of printed event IDs kept to skip repeats in the
	// overlapping windows (about 60 bytes each: 6 MB at most).
	maxRecentIDs = 100_000
)

// followState is where a --follow tail stands, saved in the --resume file after each
// page: the window being searched, the key of its next page, and the IDs already
// printed that a later window can return again.
type followState struct {
	Start         time.Time  `json:"start,omitzero"`
	End           time.Time  `json:"end,omitzero"` // zero: the window starts at the next search
	PaginationKey string     `json:"pagination_key,omitempty"`
	Recent        []recentID `json:"recent,omitempty"`
}

type recentID struct {
	ID string `json:"id"`
	T  int64  `json:"t"` // event timestamp, Unix ms
}

func checkFollow(o *searchOpts, set map[string]bool) error {
	if !o.follow {
		if set["interval"] || set["overlap"] {
			return usagef("--interval and --overlap apply to --follow only")
		}
		return nil
	}
	switch {
	case set["end"]:
		return usagef("--follow cannot be combined with --end: a tail has no end")
	case set["max"]:
		return usagef("--follow cannot be combined with --max")
	case set["pagination-key"]:
		return usagef("--follow cannot be combined with --pagination-key (use --resume FILE)")
	case o.interval < minFollowInterval:
		return usagef("--interval must be at least %s, got %s", minFollowInterval, o.interval)
	case o.overlap < 0:
		return usagef("--overlap must not be negative")
	}
	return nil
}

// follower runs a live tail: the current results, then a search every interval over
// a window that starts overlap before the previous one ended, printing each event once.
type follower struct {
	ex       *exporter
	env      *Env
	interval time.Duration
	overlap  time.Duration
	recent   *recentSet
	first    bool // searching the current results, before any new ones
}

func (f *follower) run(ctx context.Context, p *fingerprint.SearchEventsParams) error {
	if err := f.ex.w.Begin(); err != nil {
		return err
	}
	p.Reverse = true // oldest first, so that new events follow in time order
	f.recent = newRecentSet(maxRecentIDs)
	win := followState{Start: p.Start, End: p.End, PaginationKey: p.PaginationKey}
	f.first = true
	if st := f.ex.state; st != nil && st.Follow != nil {
		win = *st.Follow
		f.recent.load(win.Recent)
		f.first = false
	}
	var wait time.Duration
	for {
		if win.End.IsZero() {
			win.End = f.env.Now()
		}
		err := f.window(ctx, p, &win)
		var apiErr *fingerprint.APIError
		switch {
		case err == nil:
			wait = f.interval
			next := win.End.Add(-f.overlap)
			if next.Before(win.Start) {
				next = win.Start
			}
			// The API rounds a start down to the second: keep what it can send again.
			f.recent.evictBefore(next.Truncate(time.Second).UnixMilli())
			win = followState{Start: next}
			f.first = false
			if err := f.save(&win); err != nil {
				return err
			}
		case ctx.Err() != nil:
			f.ex.prog.done()
			return f.ex.w.End() // Ctrl+C is how a tail ends; the state is saved
		case errors.As(err, &apiErr) && apiErr.StatusCode == 429:
			// Back off (and search the same window again: what was printed is skipped).
			wait = min(max(2*wait, f.interval, apiErr.RetryAfter), maxFollowBackoff)
			f.ex.prog.clear()
			fmt.Fprintf(f.env.Stderr, "fpctl: 429 %s: next search in %s\n", termSafe(string(apiErr.Code)), formatWait(wait))
		default:
			return err
		}
		if err := f.env.Sleep(ctx, wait); err != nil {
			f.ex.prog.done()
			return f.ex.w.End()
		}
	}
}

// window prints the events of one window that were not printed before, saving the
// state after each page.
func (f *follower) window(ctx context.Context, p *fingerprint.SearchEventsParams, win *followState) error {
	q := *p
	q.Start, q.End, q.PaginationKey = win.Start, win.End, win.PaginationKey
	ex := f.ex
	for page, err := range ex.client.SearchEventsPages(ctx, &q) {
		if err != nil {
			return err
		}
		ex.prog.clear()
		n := 0
		for i := range page.Events {
			ev := &page.Events[i]
			if !f.recent.add(ev.EventID, ev.Timestamp) {
				continue
			}
			if err := ex.w.Write(ev); err != nil {
				return err
			}
			n++
		}
		if err := ex.w.Flush(); err != nil {
			return err
		}
		ex.written += n
		ex.pages++
		win.PaginationKey = ""
		if page.PaginationKey != nil {
			win.PaginationKey = *page.PaginationKey
		}
		if err := f.save(win); err != nil {
			return err
		}
		ex.prog.page(ex.written, ex.pages)
	}
	return nil
}

// save writes the tail's state to the --resume file, if any, with the printed IDs a
// later window can still return.
func (f *follower) save(win *followState) error {
	st := f.ex.state
	if st == nil {
		return nil
	}
	// While the current results are printed (which can be days of events), only the
	// IDs the next window can return again are kept; a later window's set is small.
	var cutoff int64
	if f.first && !win.End.IsZero() {
		cutoff = win.End.Add(-f.overlap).Truncate(time.Second).UnixMilli()
	}
	win.Recent = f.recent.snapshot(cutoff)
	st.Follow = win
	st.Events = f.ex.written
	st.Pages = f.ex.pages
	return st.save(f.ex.stateFile)
}

// recentSet holds the IDs of printed events with their timestamps, at most max of
// them (the oldest added go first when full).
type recentSet struct {
	ts    map[string]int64
	order []string // insertion order; may hold IDs already evicted by time
	max   int
}

func newRecentSet(max int) *recentSet {
	return &recentSet{ts: make(map[string]int64), max: max}
}

// add records id and reports whether it is new.
func (r *recentSet) add(id string, t int64) bool {
	if _, ok := r.ts[id]; ok {
		return false
	}
	for len(r.ts) >= r.max && len(r.order) > 0 {
		delete(r.ts, r.order[0])
		r.order = r.order[1:]
	}
	r.ts[id] = t
	r.order = append(r.order, id)
	return true
}

// evictBefore forgets the IDs of events older than t (Unix ms): no later window
// reaches back that far.
func (r *recentSet) evictBefore(t int64) {
	kept := r.order[:0:0]
	for _, id := range r.order {
		if ts, ok := r.ts[id]; ok && ts >= t {
			kept = append(kept, id)
		} else {
			delete(r.ts, id)
		}
	}
	r.order = kept
}

// snapshot lists the IDs of events at or after cutoff (Unix ms), oldest added first.
func (r *recentSet) snapshot(cutoff int64) []recentID {
	out := make([]recentID, 0, len(r.order))
	for _, id := range r.order {
		if t, ok := r.ts[id]; ok && t >= cutoff {
			out = append(out, recentID{ID: id, T: t})
		}
	}
	return out
}

func (r *recentSet) load(ids []recentID) {
	for _, e := range slices.Backward(ids) {
		if len(r.ts) >= r.max {
			break
		}
		if _, ok := r.ts[e.ID]; !ok {
			r.ts[e.ID] = e.T
			r.order = append(r.order, e.ID)
		}
	}
	slices.Reverse(r.order)
}
