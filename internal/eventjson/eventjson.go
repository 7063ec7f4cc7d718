// Package eventjson decodes the Event JSON that sealed results and webhook deliveries
// carry, with the checks both apply.
package eventjson

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// ErrInvalidEvent means a sealed result or webhook body was authentic but is not a valid
// Event: not a JSON object of the right shape, or missing event_id or timestamp. The
// sealed and webhook packages export it under their own name.
var ErrInvalidEvent = errors.New("fingerprint: payload is not a valid event")

// Decode decodes an Event. Unknown fields are accepted (the API adds fields over time);
// only the two fields every Event has are required.
func Decode(data []byte) (*fingerprint.Event, error) {
	var ev fingerprint.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	if ev.EventID == "" {
		return nil, fmt.Errorf("%w: missing event_id", ErrInvalidEvent)
	}
	if ev.Timestamp == 0 {
		return nil, fmt.Errorf("%w: missing timestamp", ErrInvalidEvent)
	}
	return &ev, nil
}
