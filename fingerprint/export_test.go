package fingerprint

import (
	"context"
	"time"
)

// Internals exposed to the external test package fingerprint_test. Those tests import
// fingerprinttest, which imports fingerprint, so they cannot live in package fingerprint
// without an import cycle. Names exported here exist only while testing.

const (
	BaseBackoff   = baseBackoff
	TestKey       = testKey
	MinimalEvent  = minimalEvent
	Stall         = stall
	Settle        = settle
	MinRetryDelay = minRetryDelay
)

var (
	DecodeSearchPage   = decodeSearchPage
	CountEvents        = countEvents
	SearchValueLimit   = searchValueLimit
	Respond            = respond
	Collect            = collect
	EqualDurations     = equalDurations
	FullParams         = fullParams
	NewHarness         = newHarness
	AsAPIError         = asAPIError
	EdgeRequestForTest = testEdgeRequest
)

// Deref is deref, which is generic and so cannot be a variable.
func Deref[T any](p *T) T { return deref(p) }

// SetRetryHooks replaces the client's retry sleep and jitter (nil keeps the current one),
// so tests neither sleep nor depend on randomness.
func SetRetryHooks(c *Client, sleep func(ctx context.Context, d time.Duration) error, jitter func(max time.Duration) time.Duration) {
	if sleep != nil {
		c.sleep = sleep
	}
	if jitter != nil {
		c.jitter = jitter
	}
}

// SetClock replaces the client's clock (retry windows, deadlines, Observer timings).
func SetClock(c *Client, now func() time.Time) { c.now = now }

// EncodeParams is the query string SearchEvents sends for p.
func EncodeParams(p *SearchEventsParams) string { return p.encode() }

type (
	Harness         = harness
	RecordedRequest = recordedRequest
	Response        = response
)

// OKResponse is a 200 response with body, as the transport hands it to the decoders.
func OKResponse(body []byte) *Response { return &response{status: 200, body: body} }

func (h *harness) Client() *Client                 { return h.client }
func (h *harness) Requests() []recordedRequest     { return h.requests() }
func (h *harness) RecordedSleeps() []time.Duration { return h.recordedSleeps() }

// DecodeGetEvent decodes res as GetEvent does.
func DecodeGetEvent(res *Response) (*Event, error) { return decodeJSON[Event](opGetEvent, res) }
