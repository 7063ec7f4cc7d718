package fingerprint

import (
	"errors"
	"net/http"
	"testing"
)

func TestSubmitEventFeedbackRequestShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respondOK(w, r, false) })
	for _, v := range []bool{true, false} { // false is sent, not dropped
		if err := h.client.SubmitEventFeedback(t.Context(), "1708102555327.NLOjmg", EventFeedback{ResetIdentificationConfidenceScore: Ptr(v)}); err != nil {
			t.Fatalf("SubmitEventFeedback(%v): %v", v, err)
		}
	}
	reqs := h.requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	for i, want := range []string{`{"reset_identification_confidence_score":true}`, `{"reset_identification_confidence_score":false}`} {
		r := reqs[i]
		if r.Method != http.MethodPost || r.Path != "/events/1708102555327.NLOjmg/feedback" || r.RawQuery != "ii=fingerprint-go%2F"+Version {
			t.Errorf("request %d = %s %s?%s", i, r.Method, r.Path, r.RawQuery)
		}
		if string(r.Body) != want {
			t.Errorf("request %d body = %s, want %s", i, r.Body, want)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("request %d Content-Type = %q", i, ct)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
			t.Errorf("request %d Authorization = %q", i, got)
		}
	}
}

func TestSubmitEventFeedbackCheckedBeforeNetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respondOK(w, r, false) })
	reset := EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)}
	for name, tc := range map[string]struct {
		id    string
		fb    EventFeedback
		field string
	}{
		"no feedback": {"e1", EventFeedback{}, "fb"},
		"empty ID":    {"", reset, "eventID"},
		"blank ID":    {"  ", reset, "eventID"},
		"dot ID":      {".", reset, "eventID"},
		"CR in ID":    {"e1\r", reset, "eventID"},
	} {
		err := h.client.SubmitEventFeedback(t.Context(), tc.id, tc.fb)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v, want a *ValidationError for %s", name, err, tc.field)
		}
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestSubmitEventFeedbackErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		is     error
	}{
		{404, `{"error":{"code":"event_not_found","message":"event id not found"}}`, ErrNotFound},
		{403, `{"error":{"code":"feature_not_enabled","message":"feature not enabled"}}`, nil},
		{400, `{"error":{"code":"request_cannot_be_parsed","message":"request body is not valid"}}`, nil},
	} {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, tc.status, tc.body) })
		err := h.client.SubmitEventFeedback(t.Context(), "e1", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
			t.Errorf("%d: err = %v", tc.status, err)
			continue
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%d: err = %v, want it to match %v", tc.status, err, tc.is)
		}
		if n := len(h.requests()); n != 1 {
			t.Errorf("%d: %d requests, want 1 (not retried)", tc.status, n)
		}
	}
}
