package fingerprinttest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// FeedbackWindow is how long after an event the API accepts feedback about it.
const FeedbackWindow = 24 * time.Hour

// Feedback the API refuses. It does not document the status for these; the fake answers
// 400 request_cannot_be_parsed, which no client retries (README: "Differences from the
// real API").
var (
	errFeedbackTooOld = badRequest("feedback can only be submitted within 24 hours of the event")
	errFeedbackSource = badRequest("feedback is only supported for events from the JavaScript agent")
)

// FeedbackSubmission is the feedback the server accepted for one event: the latest
// submission, which is the one the API applies, and how many were accepted in all.
type FeedbackSubmission struct {
	Feedback fingerprint.EventFeedback
	// At is when the latest submission was accepted, by the server's clock.
	At time.Time
	// Count is the number of submissions accepted for the event.
	Count int
}

// Feedback returns the feedback accepted for eventID (a copy), or false when none was.
// The event itself is not changed: the real API applies feedback asynchronously, to
// later identifications.
func (s *Server) Feedback(eventID string) (FeedbackSubmission, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fb, ok := s.feedback[eventID]
	if ok && fb.Feedback.ResetIdentificationConfidenceScore != nil {
		fb.Feedback.ResetIdentificationConfidenceScore = ptr(*fb.Feedback.ResetIdentificationConfidenceScore)
	}
	return fb, ok
}

// submitFeedback serves POST /events/{event_id}/feedback. The body was validated
// against the spec before: no unknown property, at least one, booleans only.
func (s *Server) submitFeedback(w http.ResponseWriter, req *apiRequest, id string) {
	if s.cfg.feedbackOff {
		writeError(w, errFeature)
		return
	}
	if !validID(id) {
		writeError(w, errEventID)
		return
	}
	var fb gen.EventFeedback
	if err := json.Unmarshal(body(req.r), &fb); err != nil {
		writeError(w, errBodyInvalid)
		return
	}
	now := s.cfg.now()
	// Every well-formed request counts against the quota, whether the event exists.
	if wait, limited := s.feedbacks.take(now); limited {
		req.entry.Fault = faultFeedback
		writeTooManyRequests(w, OpSubmitEventFeedback, wait)
		return
	}
	if e := s.storeFeedback(id, fb, now); e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// storeFeedback records fb for event id if the event can take feedback. Responses are
// written after the lock is released (writing one logs the request, which locks too).
func (s *Server) storeFeedback(id string, fb gen.EventFeedback, now time.Time) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.events[id]
	if !ok {
		return errEventMissing
	}
	ev := st.ev
	if (ev.Source != nil && *ev.Source == gen.EventSourceEdge) || (ev.SDK != nil && ev.SDK.Platform != gen.SDKPlatformJS) {
		return errFeedbackSource // edge events and mobile SDK events
	}
	if now.Sub(time.UnixMilli(ev.Timestamp)) > FeedbackWindow {
		return errFeedbackTooOld
	}
	prev := s.feedback[id]
	s.feedback[id] = FeedbackSubmission{Feedback: fb, At: now, Count: prev.Count + 1}
	return nil
}
