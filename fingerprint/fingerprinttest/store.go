package fingerprinttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// maxLinkedIDLen is the longest linked_id the real API accepts, in characters (code
// points), as its message says and as package fingerprint checks.
const maxLinkedIDLen = 256

// RulesetFunc decides the rule action of an event for a ruleset registered with
// AddRuleset. It runs when GET /events/{id} is called with ruleset_id.
type RulesetFunc func(ev fingerprint.Event) fingerprint.EventRuleAction

// AddEvents stores events, replacing stored events with the same event_id. Each event
// needs an event_id and a timestamp (Unix milliseconds) and must match the API's Event
// schema (enum values, required fields), so the server never serves an event the real
// API could not send. Nothing is stored when an event is rejected. Events whose source is edge
// are found only by searches with source=edge, all others only without it.
// The server keeps its own copies; later changes to the arguments do not affect it.
//
// An Event decoded from JSON (json.Unmarshal, or returned by a client) is served with
// the members it holds that this SDK does not know, as they are: that is how a test
// serves an event from a newer API version. Only the known members are checked.
func (s *Server) AddEvents(events ...fingerprint.Event) error {
	copies := make([]*storedEvent, len(events))
	errs := make([]error, len(events))
	// Checking an event against the schema takes about a millisecond under -race, so
	// large seeds are checked on every CPU.
	forEach(len(events), func(i int) { copies[i], errs[i] = s.prepareEvent(i, &events[i]) })
	for _, err := range errs {
		if err != nil {
			return err // the first, as a sequential check would report
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putEvents(copies)
	return nil
}

// prepareEvent checks the i-th event given to AddEvents and makes the server's copy.
func (s *Server) prepareEvent(i int, ev *fingerprint.Event) (*storedEvent, error) {
	if !validID(ev.EventID) {
		return nil, fmt.Errorf("fingerprinttest: AddEvents: event %d: invalid event_id %q", i, ev.EventID)
	}
	if ev.Timestamp <= 0 {
		return nil, fmt.Errorf("fingerprinttest: AddEvents: event %s: timestamp must be positive Unix milliseconds", ev.EventID)
	}
	b, err := json.Marshal(&ev.Event)
	if err != nil {
		return nil, fmt.Errorf("fingerprinttest: AddEvents: event %s: %w", ev.EventID, err)
	}
	if err := s.spec.validateEvent(b); err != nil {
		return nil, fmt.Errorf("fingerprinttest: AddEvents: event %s does not match the Event schema: %w", ev.EventID, err)
	}
	if ev.RawJSON() != nil { // members newer than the SDK, served as they are
		if b, err = json.Marshal(ev); err != nil {
			return nil, fmt.Errorf("fingerprinttest: AddEvents: event %s: %w", ev.EventID, err)
		}
	}
	c, err := newStoredEvent(b)
	if err != nil {
		return nil, fmt.Errorf("fingerprinttest: AddEvents: event %s: %w", ev.EventID, err)
	}
	return c, nil
}

// forEach calls fn(0) ... fn(n-1), spread over GOMAXPROCS goroutines when n is large
// enough for that to pay off.
func forEach(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/16)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// Event returns a copy of the stored event with the given ID.
func (s *Server) Event(eventID string) (fingerprint.Event, bool) {
	s.mu.Lock()
	st, ok := s.events[eventID]
	s.mu.Unlock()
	if !ok {
		return fingerprint.Event{}, false
	}
	c, err := st.clone()
	if err != nil {
		return fingerprint.Event{}, false
	}
	return *c, true
}

// Events returns copies of all stored events, newest first.
func (s *Server) Events() []fingerprint.Event {
	s.mu.Lock()
	all := make([]*storedEvent, len(s.order))
	for i, st := range s.order {
		all[len(all)-1-i] = st
	}
	s.mu.Unlock()
	// Stored events are immutable, so copying them needs no lock.
	out := make([]fingerprint.Event, 0, len(all))
	for _, st := range all {
		if c, err := st.clone(); err == nil {
			out = append(out, *c)
		}
	}
	return out
}

// AddRuleset registers a ruleset ID for GET /events/{id}?ruleset_id=...; fn computes
// the rule_action returned with the event. Unknown ruleset IDs get 400 ruleset_not_found.
func (s *Server) AddRuleset(rulesetID string, fn RulesetFunc) error {
	if rulesetID == "" || fn == nil {
		return errors.New("fingerprinttest: AddRuleset: empty ruleset ID or nil function")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rulesets[rulesetID] = fn
	return nil
}

func (s *Server) getEvent(w http.ResponseWriter, query url.Values, id string) {
	if !validID(id) {
		writeError(w, errEventID)
		return
	}
	rulesetID := query.Get("ruleset_id")
	s.mu.Lock()
	st, ok := s.events[id]
	fn, hasRuleset := s.rulesets[rulesetID]
	s.mu.Unlock()
	switch {
	case !ok:
		writeError(w, errEventMissing)
	case rulesetID != "" && !hasRuleset:
		writeError(w, errRuleset)
	case !hasRuleset:
		writeJSON(w, http.StatusOK, st.raw)
	default:
		// The ruleset function gets (and may change) its own copy.
		out, err := st.clone()
		if err != nil {
			writeError(w, errInternal)
			return
		}
		action := fn(*out)
		if action.RulesetID == "" {
			action.RulesetID = rulesetID
		}
		out.RuleAction = &action
		writeEvent(w, out)
	}
}

func writeEvent(w http.ResponseWriter, ev any) {
	b, err := json.Marshal(ev)
	if err != nil {
		writeError(w, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) updateEvent(w http.ResponseWriter, r *http.Request, id string) {
	if !validID(id) {
		writeError(w, errEventID)
		return
	}
	b := body(r)
	var u gen.EventUpdate
	if err := json.Unmarshal(b, &u); err != nil {
		writeError(w, errBodyInvalid)
		return
	}
	if field := unknownUpdateField(b); field != "" {
		writeError(w, badRequest(fmt.Sprintf("request body contains an unknown field %q", field)))
		return
	}
	if u.LinkedID != nil && utf8.RuneCountInString(*u.LinkedID) > maxLinkedIDLen {
		writeError(w, errLinkedID)
		return
	}
	if e := s.applyUpdate(id, u); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// updateFields are the properties a PATCH body may have; the real API rejects others.
var updateFields = []string{"linked_id", "suspect", "tags"}

// unknownUpdateField returns the first (in sorted order) property of a PATCH body that
// the API does not know, or "".
func unknownUpdateField(b []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(updateFields, k) {
			return k
		}
	}
	return ""
}

// applyUpdate changes the stored event. Responses are written only after the lock is
// released, because writing one logs the request, which takes the lock too.
func (s *Server) applyUpdate(id string, u gen.EventUpdate) *apiError {
	nowT := s.cfg.now()
	now := nowT.UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.events[id]
	if !ok {
		return errEventMissing
	}
	if st.ev.Timestamp < nowT.AddDate(0, -1, 0).UnixMilli() {
		return errTooOld
	}
	if now-st.ev.Timestamp < s.cfg.updateDelay.Milliseconds() {
		return errNotReady
	}
	// Stored events are immutable (readers use them without the lock): change a
	// shallow copy whose changed fields point to new values, and replace the event.
	// Decoding the stored JSON keeps the members this SDK does not know.
	cur, err := st.clone()
	if err != nil {
		return errInternal
	}
	ev := &cur.Event
	if u.LinkedID != nil {
		ev.LinkedID = ptr(*u.LinkedID)
	}
	if u.Tags != nil {
		tags := gen.Tags(*u.Tags)
		ev.Tags = &tags
	}
	if u.Suspect != nil {
		ev.Suspect = ptr(*u.Suspect)
	}
	raw, err := json.Marshal(cur)
	if err != nil {
		return errInternal
	}
	s.putEvent(&storedEvent{ev: ev, raw: raw})
	return nil
}

func (s *Server) deleteVisitor(w http.ResponseWriter, req *apiRequest, id string) {
	if !s.cfg.deleteEnabled {
		writeError(w, errFeature)
		return
	}
	if !validID(id) {
		writeError(w, errVisitorID)
		return
	}
	// Every well-formed delete counts against the quota, whether the visitor exists.
	if wait, limited := s.deletes.take(s.cfg.now()); limited {
		req.entry.Fault = faultDeleteQuota
		writeTooManyRequests(w, OpDeleteVisitorData, wait)
		return
	}
	if s.deleteEvents(id) == 0 {
		writeError(w, errVisitorGone)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// deleteEvents removes a visitor's events and reports how many there were.
func (s *Server) deleteEvents(visitorID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.removeEvents(func(st *storedEvent) bool {
		return st.ev.Identification != nil && st.ev.Identification.VisitorID == visitorID
	})
}

// validID accepts the printable, space-free ASCII strings the API's IDs are made of.
func validID(id string) bool {
	if id == "" || len(id) > 256 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' || c == '/' {
			return false
		}
	}
	return true
}

// storedEvent is an event as the server keeps it: decoded for filtering and encoded
// for serving. It is never changed after it is stored (an update stores a new one),
// so handlers can use it after releasing the lock.
type storedEvent struct {
	ev  *gen.Event
	raw []byte // the JSON served for ev
}

// newStoredEvent decodes the event's JSON into a copy that shares nothing with the
// caller's value.
func newStoredEvent(raw []byte) (*storedEvent, error) {
	var ev gen.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	return &storedEvent{ev: &ev, raw: raw}, nil
}

// clone returns a deep copy of the event, for callers that may change it.
func (st *storedEvent) clone() (*fingerprint.Event, error) {
	var c fingerprint.Event
	if err := json.Unmarshal(st.raw, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func ptr[T any](v T) *T { return &v }
