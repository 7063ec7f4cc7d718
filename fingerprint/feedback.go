package fingerprint

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/fpgo/fingerprint-go/gen"
)

// SubmitEventFeedback tells Fingerprint what you learned about an event after the fact
// (POST /events/{event_id}/feedback). Today there is one kind of feedback: once you have
// verified the browser yourself (MFA, biometrics), set ResetIdentificationConfidenceScore
// to true to reset the event's identification confidence score to 1.0; later events
// matched to the same browser start from it.
//
// The endpoint is in beta and available on Enterprise plans on request (otherwise 403
// feature_not_enabled). It accepts only events from the JavaScript agent (or the
// frontend libraries built on it), within 24 hours of the event; events from the mobile
// SDKs are refused. It has its own quota, apart from the other endpoints: 30 requests per
// hour and 500 per day, beyond which it answers 429 (an *APIError matching
// ErrRateLimited, with RetryAfter when the API sent it).
//
// The API answers 202 Accepted with no body and applies the feedback asynchronously, so
// responses right after may not reflect it. The latest submission for an event wins,
// which makes a retry safe: failures are retried as for UpdateEvent (429, 408, 5xx, 409
// state_not_ready and connection errors). An invalid eventID, or fb with no feedback set,
// is a *ValidationError before any request.
func (c *Client) SubmitEventFeedback(ctx context.Context, eventID string, fb EventFeedback) error {
	if err := c.usable(); err != nil {
		return err
	}
	if err := checkID("eventID", eventID); err != nil {
		return err
	}
	body, err := json.Marshal(fb)
	if err != nil {
		return invalid("fb", "cannot be encoded as JSON: %v", err)
	}
	// Every feedback field is an omitempty pointer: "{}" means none is set, whatever
	// fields later versions of the API add.
	if bytes.Equal(body, []byte("{}")) {
		return invalid("fb", "no feedback: set ResetIdentificationConfidenceScore")
	}
	req, err := gen.NewSubmitEventFeedbackRequestWithBody(c.server, eventID, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.do(ctx, opSubmitFeedback, req, nil)
}
