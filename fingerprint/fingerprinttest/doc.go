// Package fingerprinttest runs an in-memory Fingerprint Server API v4 for tests, demos
// and local development: a real HTTP server on a loopback port that speaks the same
// wire protocol as the hosted API, so any client (this SDK's fingerprint.Client or any
// other) can be pointed at it.
//
//	srv := fingerprinttest.NewServer(t)                      // closed by t.Cleanup
//	_ = srv.AddEvents(fingerprinttest.NewGenerator(1).Events(50)...)
//	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
//
// # Fidelity
//
// All six operations are served under URL() (which ends in /v4, like the real hosts).
// Every request is validated against the OpenAPI description embedded in package api
// with kin-openapi, and rejected requests get the status, error code and message the
// real API uses: 403 secret_api_key_required / secret_api_key_not_found, 400
// request_cannot_be_parsed ("invalid limit", "invalid pagination key", unknown /edge
// fields, a missing edge IP address, ...), 404 event_not_found / visitor_not_found,
// 409 state_not_ready, 413 payload_too_large. As the real API does, PATCH, POST /edge and feedback
// bodies are read as JSON whatever their Content-Type (the vendor's Node SDK sends
// PATCH bodies as text/plain), unknown PATCH fields are a 400, a search linked_id over
// 256 characters, a malformed visitor_id, a start more than 90 days back, an address
// with a zone (fe80::1%eth0) and a query that is not valid URL encoding (or has more
// than 10,000 parameters) are 400s, and events older than one month cannot be
// updated (400; the status is an assumption, see "Differences from the real API" in
// the repository's docs/testing.md). The vendor's Node SDK runs every method it has against this server in
// CI (conformance/node).
//
// Search follows the documented semantics: a default window of the last 7 days (start
// and end default independently), newest first unless reverse=true, limit (default 10)
// applied after ordering, an opaque pagination_key present only when more events
// exist, total_hits capped by the requested value, and every filter of the spec.
// Boolean filters match only events in which the signal exists; ip_address takes an
// address or a CIDR range; array filters take repeated keys; without source only
// device events are returned, with source=edge only edge events.
//
// PATCH /events/{id} changes linked_id, tags and suspect. DELETE /visitors/{id}
// removes all of a visitor's events at once (the real API deletes asynchronously).
// POST /edge stores an edge event that GET and search with source=edge return.
//
// # Test helpers
//
// Generator makes realistic events, deterministic for a seed; FullEvent returns one
// with every field present. FailNext (or MustFailNext, which fails the test on a bad
// fault) injects failures (429 with Retry-After, 5xx with HTML bodies, 409
// state_not_ready, truncated bodies, connection resets), SetLatency and WithLatency
// slow responses, and Requests returns a log of what the server saw (never the API
// key; a ring of the last 1,000 requests, each entry cut to 8 KiB of headers, of query and
// of path, 64 header and query values of at most 1 KiB each, and 16 KiB of body).
//
// # Limits, opt-in
//
// WithRateLimit(perSecond, burst) answers like the API under pressure: a token bucket
// over every operation, 429 with Retry-After and the API's "too many requests" body
// ("too many search requests" on search). WithDeleteQuota(perHour, perDay) enforces a
// DELETE quota (the API documents DeleteQuotaPerHour and DeleteQuotaPerDay, 30 and
// 500), 429 with Retry-After until the next delete is allowed; WithFeedbackQuota does the
// same for POST /events/{event_id}/feedback with counters of its own
// (FeedbackQuotaPerHour, FeedbackQuotaPerDay). All follow the server's clock
// (WithClock), so tests can step through them without sleeping.
//
// # Feedback
//
// POST /events/{event_id}/feedback answers 202 and records the submission: Feedback
// returns the latest one for an event (the one the API applies) and how many were
// accepted. Like the API it refuses unknown or missing fields and non-boolean values,
// unknown events (404), events older than FeedbackWindow and mobile SDK or edge events
// (400: an assumed status, see docs/testing.md).
//
// # Timeouts
//
// Every request whose headers arrive within ReadHeaderTimeout (slower ones have their
// connection closed) is answered within the body read timeout after that
// (WithBodyReadTimeout, default DefaultBodyReadTimeout) plus any latency you add
// (WithLatency, SetLatency, Fault.Delay), also when the server rejects it without using
// its body (a wrong key, an unknown path, a fault): such a body is discarded within
// the body read timeout, and a body that stalls closes the connection
// after the answer.
//
// Its signatures speak package fingerprint's model types (fingerprint.Event,
// fingerprint.EventRuleAction, fingerprint.ErrorCode, ...), the names your code already
// imports, so events built here go straight into a Client's types and back.
//
// # Standalone
//
// To use it from another language or a shell, run
//
//	go run github.com/fpgo/fingerprint-go/cmd/fingerprint-fake -seed 200
//
// which prints the base URL and key and serves until interrupted.
package fingerprinttest
