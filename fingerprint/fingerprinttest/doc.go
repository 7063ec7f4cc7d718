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
// All five operations are served under URL() (which ends in /v4, like the real hosts).
// Every request is validated against the OpenAPI description embedded in package api
// with kin-openapi, and rejected requests get the status, error code and message the
// real API uses: 403 secret_api_key_required / secret_api_key_not_found, 400
// request_cannot_be_parsed ("invalid limit", "invalid pagination key", unknown /edge
// fields, a missing edge IP address, ...), 404 event_not_found / visitor_not_found,
// 409 state_not_ready, 413 payload_too_large.
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
// with every field present. FailNext injects failures (429 with Retry-After, 5xx with
// HTML bodies, 409 state_not_ready, truncated bodies, connection resets), SetLatency
// and WithLatency slow responses, and Requests returns a log of what the server saw
// (never the API key).
//
// The package deliberately depends on the generated models (package gen) rather than
// on package fingerprint, so that fingerprint's own tests can use it. The model types
// are the same: fingerprint.Event is an alias of gen.Event.
//
// # Standalone
//
// To use it from another language or a shell, run
//
//	go run github.com/fpgo/fingerprint-go/cmd/fingerprint-fake -seed 200
//
// which prints the base URL and key and serves until interrupted.
package fingerprinttest
