package fingerprint

import (
	"bytes"
	"encoding/json"

	"github.com/fpgo/fingerprint-go/gen"
)

// Event is one identification or Automation Intelligence (edge) event with its Smart
// Signals. Only EventID and Timestamp are always set: Identification is absent for edge
// events, signals unsupported on a platform are omitted, and older events may lack newer
// fields.
//
// The fields are those of the embedded [gen.Event] (documented there), promoted, so
// ev.Identification and ev.BotInfo work as on the generated type.
//
// An Event the SDK returns (GetEvent, SearchEvents, the iterators, webhook and sealed
// decoding) also keeps the JSON object the server sent, fields this version of the SDK
// does not know included. RawJSON returns it, and json.Marshal writes the event with
// every such field kept, at any depth, next to the known fields as they are now: an
// unmodified Event marshals to JSON equal to what the server sent. This is how a field
// newer than the SDK is read without upgrading (see the RawJSON example). An Event
// built in code has no server JSON and marshals like gen.Event.
type Event struct {
	gen.Event

	raw []byte // the server's JSON object for this event, or nil; never modified
}

// RawJSON returns a copy of the JSON object the server sent for this event, or nil for
// an Event built in code. It is the event as the API described it, with fields newer
// than this SDK, and does not reflect changes made to the Event's fields since.
func (e *Event) RawJSON() []byte {
	if e == nil || e.raw == nil {
		return nil
	}
	return bytes.Clone(e.raw)
}

// AppendRawJSON appends the JSON object the server sent for this event (see RawJSON) to
// b and returns the extended slice; it appends nothing for an Event built in code. It
// saves RawJSON's copy when the bytes go straight to a buffer, as in an export.
func (e *Event) AppendRawJSON(b []byte) []byte {
	if e == nil {
		return b
	}
	return append(b, e.raw...)
}

// UnmarshalJSON decodes an event object and keeps a copy of it (see RawJSON), so an
// Event read from JSON, such as a stored export, marshals back with its unknown fields.
// Fields already set on e are cleared first.
func (e *Event) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil // encoding/json's convention: null leaves the value as it is
	}
	var ev gen.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return err
	}
	*e = Event{Event: ev, raw: rawObject(bytes.Clone(data))}
	return nil
}

// MarshalJSON encodes the event's fields and, when it came from the server, adds every
// member of the server's JSON that this SDK's types do not declare, at any depth (see
// mergeJSON). A value receiver, so that Event, *Event and []Event all marshal this way.
func (e Event) MarshalJSON() ([]byte, error) {
	known, err := json.Marshal(&e.Event)
	if err != nil || e.raw == nil {
		return known, err
	}
	return mergeJSON(nil, known, e.raw, eventType), nil
}

// withRaw returns an Event holding ev and the server's bytes raw, which the caller
// owns and never changes (a sub-slice of a response body).
func withRaw(ev *gen.Event, raw []byte) Event {
	return Event{Event: *ev, raw: rawObject(raw)}
}

// rawObject returns raw trimmed if it is a JSON object, else nil (an event that is
// not an object has no members to keep).
func rawObject(raw []byte) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' {
		return nil
	}
	return raw[:len(raw):len(raw)]
}

// EventSearch is one page of events that match the search filters.
type EventSearch struct {
	// Events of this page, newest first unless the search asked otherwise.
	Events []Event `json:"events"`

	// PaginationKey is the opaque cursor for the next page; pass it back unchanged as
	// SearchEventsParams.PaginationKey. Absent (nil) on the last page.
	PaginationKey *string `json:"pagination_key,omitempty"`

	// TotalHits is the number of matching events, capped at the TotalHits asked for;
	// present only when that parameter was sent.
	TotalHits *int64 `json:"total_hits,omitempty"`
}
