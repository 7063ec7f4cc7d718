package fingerprint

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/fpgo/fingerprint-go/gen"
)

// GetEventOptions holds the optional parameters of GetEvent.
type GetEventOptions struct {
	// RulesetID evaluates the event against this ruleset; the result is in Event.RuleAction.
	RulesetID string
}

// GetEvent returns the event with the given ID (the event_id / requestId returned to your
// frontend by the JavaScript agent or a mobile SDK). opts may be nil. A missing event is an
// *APIError matching ErrNotFound.
//
// The event keeps the JSON the server sent (Event.RawJSON), fields newer than this SDK
// included. Its body is read to at most the response cap and decoded only when it holds
// at most 32,768 JSON values (commas, with every object or array counting 4): a full
// event holds about 900, and the bound keeps what one call allocates to about 16 MiB
// whatever the server sends. A body over either bound is a *DecodeError.
func (c *Client) GetEvent(ctx context.Context, eventID string, opts *GetEventOptions) (*Event, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if err := checkID("eventID", eventID); err != nil {
		return nil, err
	}
	var params *gen.GetEventParams
	if opts != nil && opts.RulesetID != "" {
		if err := checkID("RulesetID", opts.RulesetID); err != nil {
			return nil, err
		}
		params = &gen.GetEventParams{RulesetID: &opts.RulesetID}
	}
	req, err := gen.NewGetEventRequest(c.server, eventID, params)
	if err != nil {
		return nil, err
	}
	var ev *Event
	err = c.do(ctx, opGetEvent, req, func(res *response) (err error) {
		ev, err = decodeEvent(res)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// SearchEvents returns one page of events matching params (nil means no filter). Pass
// the returned PaginationKey back in params for the next page, or use SearchEventsIter
// (events) or SearchEventsPages (pages with their keys, to resume later). Without Limit
// the API returns pages of 10. Invalid params (such as Limit outside 1..100) are
// reported before any request.
//
// A VisitorID the workspace does not know (never seen, or deleted) is not an empty
// result: the API answers 404 visitor_not_found, an *APIError matching ErrNotFound.
// Other filters that match nothing give an empty page.
func (c *Client) SearchEvents(ctx context.Context, params *SearchEventsParams) (*EventSearch, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if err := params.validate(); err != nil {
		return nil, err
	}
	return c.searchPage(ctx, params.encode(), params.pageLimit())
}

// searchPage sends one search with an encoded query and decodes at most limit events.
func (c *Client) searchPage(ctx context.Context, rawQuery string, limit int) (*EventSearch, error) {
	req, err := gen.NewSearchEventsRequest(c.server, nil)
	if err != nil {
		return nil, err
	}
	// The query is encoded here rather than by gen: whole-second RFC 3339 times, plain
	// decimal floats and %20 for spaces.
	req.URL.RawQuery = rawQuery
	var page *EventSearch
	err = c.do(ctx, opSearchEvents(limit), req, func(res *response) (err error) {
		page, err = decodeSearchPage(res, limit) // never more events than asked for
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// UpdateEvent changes the linked ID, tags or suspect flag of an event. Only the fields set
// in update are sent; at least one must be set. Right after identification the API may
// answer 409 state_not_ready (ErrStateNotReady), which the client retries.
func (c *Client) UpdateEvent(ctx context.Context, eventID string, update EventUpdate) error {
	if err := c.usable(); err != nil {
		return err
	}
	if err := checkID("eventID", eventID); err != nil {
		return err
	}
	if update.Tags != nil && *update.Tags == nil {
		update.Tags = nil // never send "tags": null
	}
	if update.LinkedID == nil && update.Suspect == nil && update.Tags == nil {
		return invalid("update", "nothing to update: set LinkedID, Tags or Suspect")
	}
	if update.LinkedID != nil {
		if err := checkLinkedID("LinkedID", *update.LinkedID); err != nil {
			return err
		}
	}
	body, err := json.Marshal(update)
	if err != nil {
		return invalid("update", "cannot be encoded as JSON: %v", err)
	}
	req, err := gen.NewUpdateEventRequestWithBody(c.server, eventID, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.do(ctx, opUpdateEvent, req, nil)
}

// DeleteVisitorData deletes the data stored for a visitor ID (an Enterprise plan feature;
// otherwise 403 feature_not_enabled). The API limits how often it may be called.
func (c *Client) DeleteVisitorData(ctx context.Context, visitorID string) error {
	if err := c.usable(); err != nil {
		return err
	}
	if err := checkID("visitorID", visitorID); err != nil {
		return err
	}
	req, err := gen.NewDeleteVisitorDataRequest(c.server, visitorID)
	if err != nil {
		return err
	}
	return c.do(ctx, opDeleteVisitor, req, nil)
}
