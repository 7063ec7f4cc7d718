// Package pacing keeps a sequence of requests within quotas of the form "at most N
// requests in any window of length Per" (sliding windows). It is the one implementation
// behind fingerprint.WithQuotaPacing and the CLI's paced deletes.
package pacing

import (
	"slices"
	"time"
)

// Window is a quota: at most N requests in any period of length Per.
type Window struct {
	N   int
	Per time.Duration
}

// Schedule records request times and tells when the next request may start so that
// every window holds. It is not safe for concurrent use; callers lock around it.
type Schedule struct {
	windows []Window
	keep    int         // the largest N: older times can no longer matter
	times   []time.Time // the last keep request times (reservations included), oldest first
}

// New returns a Schedule for windows; windows with N < 1 or Per <= 0 are ignored.
func New(windows ...Window) *Schedule {
	s := &Schedule{}
	for _, w := range windows {
		if w.N >= 1 && w.Per > 0 {
			s.windows = append(s.windows, w)
			s.keep = max(s.keep, w.N)
		}
	}
	return s
}

// Next returns the earliest time at or after now at which one more request keeps every
// window within its quota: for a window of N per Per, the N-th most recent request must
// be at least Per before it.
func (s *Schedule) Next(now time.Time) time.Time {
	at := now
	for _, w := range s.windows {
		if len(s.times) >= w.N {
			if t := s.times[len(s.times)-w.N].Add(w.Per); t.After(at) {
				at = t
			}
		}
	}
	return at
}

// Record notes a request at t (in the past, or a reservation in the future).
func (s *Schedule) Record(t time.Time) {
	if s.keep == 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(s.times, t, func(a, b time.Time) int { return a.Compare(b) })
	s.times = slices.Insert(s.times, i, t)
	if len(s.times) > s.keep {
		s.times = slices.Delete(s.times, 0, len(s.times)-s.keep)
	}
}

// Reserve returns Next(now) and records a request at that time.
func (s *Schedule) Reserve(now time.Time) time.Time {
	at := s.Next(now)
	s.Record(at)
	return at
}

// Cancel removes one request recorded at t, if it is still kept: a reservation that
// was not used.
func (s *Schedule) Cancel(t time.Time) {
	for i := len(s.times) - 1; i >= 0; i-- {
		if s.times[i].Equal(t) {
			s.times = slices.Delete(s.times, i, i+1)
			return
		}
	}
}
