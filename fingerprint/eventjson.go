package fingerprint

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrInvalidEvent means a sealed result or webhook body was authentic but is not a valid
// Event: not a JSON object of the right shape, or missing event_id or timestamp.
var ErrInvalidEvent = errors.New("fingerprint: payload is not a valid event")

// decodeEvent decodes Event JSON shared by sealed results and webhook bodies. Unknown
// fields are accepted (the API adds fields over time); only the two fields every Event
// has are required.
func decodeEvent(data []byte) (*Event, error) {
	var ev Event
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
