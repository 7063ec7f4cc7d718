package fingerprinttest

import (
	"cmp"
	"slices"
	"strings"
)

// The server keeps its events twice: by ID in s.events, and oldest first in s.order,
// sorted by (timestamp, event_id). The order lets a search find its time window by
// binary search and stop after one page, instead of sorting the whole store on every
// request. Every method here needs s.mu held.

// bulkInsert is the batch size from which re-sorting the whole order is cheaper than
// inserting events one by one.
const bulkInsert = 64

// compareStored orders events oldest first, breaking timestamp ties by event ID.
func compareStored(a *storedEvent, ts int64, id string) int {
	if c := cmp.Compare(a.ev.Timestamp, ts); c != 0 {
		return c
	}
	return strings.Compare(a.ev.EventID, id)
}

// orderIndex returns where an event with this timestamp and ID is, or would be, in s.order.
func (s *Server) orderIndex(ts int64, id string) (int, bool) {
	return slices.BinarySearchFunc(s.order, ts, func(a *storedEvent, _ int64) int { return compareStored(a, ts, id) })
}

// firstAtOrAfter returns the index of the first event in s.order with a timestamp >= ts.
func (s *Server) firstAtOrAfter(ts int64) int {
	i, _ := slices.BinarySearchFunc(s.order, ts, func(a *storedEvent, t int64) int {
		if a.ev.Timestamp < t {
			return -1
		}
		return 1
	})
	return i
}

// putEvents stores events, replacing stored events with the same ID.
func (s *Server) putEvents(events []*storedEvent) {
	if len(events) < bulkInsert {
		for _, st := range events {
			s.putEvent(st)
		}
		return
	}
	for _, st := range events {
		s.events[st.ev.EventID] = st
	}
	// Rebuilding from the map drops the replaced events too.
	s.order = s.order[:0]
	for _, st := range s.events {
		s.order = append(s.order, st)
	}
	slices.SortFunc(s.order, func(a, b *storedEvent) int { return compareStored(a, b.ev.Timestamp, b.ev.EventID) })
}

// putEvent stores one event, replacing a stored event with the same ID.
func (s *Server) putEvent(st *storedEvent) {
	id := st.ev.EventID
	if old, ok := s.events[id]; ok {
		i, found := s.orderIndex(old.ev.Timestamp, id)
		if found && old.ev.Timestamp == st.ev.Timestamp {
			s.order[i] = st // same position: updates never change the timestamp
			s.events[id] = st
			return
		}
		if found {
			s.order = slices.Delete(s.order, i, i+1)
		}
	}
	s.events[id] = st
	i, _ := s.orderIndex(st.ev.Timestamp, id)
	s.order = slices.Insert(s.order, i, st)
}

// removeEvents deletes the events for which drop returns true and reports how many.
func (s *Server) removeEvents(drop func(*storedEvent) bool) int {
	n := len(s.order)
	s.order = slices.DeleteFunc(s.order, func(st *storedEvent) bool {
		if drop(st) {
			delete(s.events, st.ev.EventID)
			delete(s.feedback, st.ev.EventID) // gone with its event, as the API's data is
			return true
		}
		return false
	})
	return n - len(s.order)
}
