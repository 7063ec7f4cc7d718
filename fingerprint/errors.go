package fingerprint

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxErrorBody bounds the bytes of a non-2xx response body kept in APIError.Body.
const maxErrorBody = 64 << 10

// snippetLen bounds how much of a body an error message quotes.
const snippetLen = 200

// Sentinel errors for errors.Is. An *APIError matches the sentinel of its status (and code);
// use errors.As with *APIError for the details.
var (
	// ErrNotFound matches 404 responses (event_not_found, visitor_not_found, ruleset_not_found).
	ErrNotFound = errors.New("fingerprint: not found")
	// ErrUnauthorized matches responses that reject the secret API key: 401, and 403 with
	// the codes secret_api_key_required, secret_api_key_not_found or wrong_region.
	ErrUnauthorized = errors.New("fingerprint: unauthorized")
	// ErrRateLimited matches 429 responses. APIError.RetryAfter tells how long to wait, when known.
	ErrRateLimited = errors.New("fingerprint: rate limited")
	// ErrStateNotReady matches 409 state_not_ready: the event cannot be updated yet; retry shortly.
	ErrStateNotReady = errors.New("fingerprint: event state not ready")
)

// APIError is the error for every response with a non-2xx status, whatever its body.
// Use errors.As to get it; the text of Error() is meant for humans and may change.
type APIError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the error code of a JSON error body ({"error":{"code":..., "message":...}});
	// empty when the body is not such a document (for example HTML from a proxy).
	Code ErrorCode
	// Message is the server's message from the JSON error body, if any.
	Message string
	// RetryAfter is the delay requested by the Retry-After header (seconds or HTTP date);
	// zero when absent or invalid.
	RetryAfter time.Duration
	// Header holds a copy of the response headers, at most 16 KiB (name, value and line
	// ends counted) and 100 lines: Content-Type, Retry-After, Location and the other
	// headers that explain an error first, then the rest by name. A server answering with
	// megabytes of headers cannot make an error hold them.
	Header http.Header
	// Body is the raw response body, at most 64 KiB.
	Body []byte
	// Method is the HTTP method of the request, such as "GET".
	Method string
	// Path is the path template of the operation, such as "/events/{event_id}".
	Path string
}

// Error returns a one-line description, like
// "fingerprint: GET /events/{event_id}: 404 event_not_found: <server message>".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fingerprint: %s %s: %d", e.Method, e.Path, e.StatusCode)
	switch {
	case e.Code != "":
		b.WriteString(" " + oneLine(string(e.Code), 100))
		if e.Message != "" {
			b.WriteString(": " + oneLine(e.Message, 500))
		}
		if e.Code == ErrorCodeWrongRegion {
			b.WriteString(" (the API key belongs to another region: check WithRegion)")
		}
	default:
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" " + t)
		}
		if s := oneLine(string(e.Body), snippetLen); s != "" {
			b.WriteString(": " + s)
		} else {
			b.WriteString(" (empty body)")
		}
	}
	return b.String()
}

// Is reports whether e matches one of the sentinel errors ErrNotFound, ErrUnauthorized,
// ErrRateLimited or ErrStateNotReady.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		if e.StatusCode == http.StatusUnauthorized {
			return true
		}
		return e.StatusCode == http.StatusForbidden && (e.Code == ErrorCodeSecretAPIKeyRequired ||
			e.Code == ErrorCodeSecretAPIKeyNotFound || e.Code == ErrorCodeWrongRegion)
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrStateNotReady:
		return e.StatusCode == http.StatusConflict && e.Code == ErrorCodeStateNotReady
	}
	return false
}

// DecodeError reports a 2xx response whose body could not be decoded, for example an HTML
// page from a captive portal or a truncated JSON document.
type DecodeError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Method and Path identify the operation, as in APIError.
	Method, Path string
	// Body is the start of the response body (at most 64 KiB).
	Body []byte
	// Err is the underlying decoding error.
	Err error
}

// Error describes the failure with a short quote of the body.
func (e *DecodeError) Error() string {
	msg := fmt.Sprintf("fingerprint: %s %s: %d: cannot decode response body: %v", e.Method, e.Path, e.StatusCode, e.Err)
	if s := oneLine(string(e.Body), snippetLen); s != "" {
		msg += "; body: " + s
	}
	return msg
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// ValidationError reports an invalid argument, found before any request was sent.
type ValidationError struct {
	// Field names the invalid input by its Go name, as the caller wrote it: a parameter
	// of the method ("eventID", "visitorID", "req", "update"), or a field of the struct
	// passed ("Limit", "LinkedID", "IPv4Address", "Headers[0].Name", "RulesetID").
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "fingerprint: invalid <Field>: <Reason>".
func (e *ValidationError) Error() string {
	return "fingerprint: invalid " + e.Field + ": " + e.Reason
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// oneLine turns s into a single printable line of at most max runes, for quoting
// response bodies and messages inside error strings.
func oneLine(s string, max int) string {
	var b strings.Builder
	n, space := 0, false
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			space = b.Len() > 0
			continue
		}
		if n >= max {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
