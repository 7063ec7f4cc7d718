package fingerprinttest

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Bounds of the request log. The log is a ring of the most recent requests, and each
// entry keeps at most these many bytes, so a client sending huge headers, queries or
// bodies (authenticated or not) cannot make the server's memory grow: the whole log
// stays under about requestLogSize * (3*maxLoggedHeaderBytes + maxLoggedBodyBytes),
// some 40 MiB, plus map overhead bounded by maxLoggedValues.
const (
	// requestLogSize is how many requests Requests returns at most: the oldest entry
	// is dropped when a new one arrives.
	requestLogSize = 1000
	// maxLoggedHeaderBytes caps, separately, the names and values of an entry's
	// headers together, of its query parameters together, and its path. Names are
	// taken in sorted order; what does not fit is cut (values) or dropped (further
	// values), and Truncated is set.
	maxLoggedHeaderBytes = 8 << 10
	// maxLoggedValueBytes caps each header value and query value, so that one huge
	// value cannot crowd out the others.
	maxLoggedValueBytes = 1 << 10
	// maxLoggedValues caps how many header values, and how many query values, an entry
	// keeps.
	maxLoggedValues = 64
	// maxLoggedBodyBytes caps the request body kept in an entry (the server itself
	// reads up to WithMaxBodyBytes). EdgeRequests keeps whole /edge bodies.
	maxLoggedBodyBytes = 16 << 10
)

// Request is one entry of the request log. It never holds the Authorization header.
type Request struct {
	Time      time.Time   // when the request arrived
	Method    string      // HTTP method
	Path      string      // escaped path, including BasePath
	Query     url.Values  // decoded query parameters
	Header    http.Header // request headers, without Authorization
	Body      []byte      // request body; nil when the server did not read it (no body, bad key, or a fault answered first)
	Operation string      // operation ID, empty when the path is not an API path
	Status    int         // status sent; 0 when the connection was reset
	// Fault says why the server did not serve the request normally: an injected fault
	// ("status 503", "truncate", "reset"), "rate limit" (WithRateLimit),
	// "delete quota" (WithDeleteQuota) or "feedback quota" (WithFeedbackQuota). Empty
	// for normal responses.
	Fault string
	// Truncated reports that the path, headers, query or body was cut to the bounds
	// of the request log (see Server.Requests).
	Truncated bool
}

// Fault values of the request log for the server's own limits.
const (
	faultRateLimit   = "rate limit"
	faultDeleteQuota = "delete quota"
	faultFeedback    = "feedback quota"
)

func newRequestEntry(r *http.Request, query url.Values) *Request {
	e := &Request{Time: time.Now(), Method: r.Method}
	e.Path = r.URL.EscapedPath()
	if len(e.Path) > maxLoggedHeaderBytes {
		e.Path, e.Truncated = e.Path[:maxLoggedHeaderBytes], true
	}
	var cut bool
	e.Query, cut = capFields(query, "")
	e.Truncated = e.Truncated || cut
	var h map[string][]string
	h, cut = capFields(r.Header, "Authorization")
	e.Header = h
	e.Truncated = e.Truncated || cut
	return e
}

// capFields copies m (without the key skip) within maxLoggedHeaderBytes and
// maxLoggedValues, reporting whether anything was left out.
func capFields(m map[string][]string, skip string) (map[string][]string, bool) {
	keys := slices.Sorted(maps.Keys(m))
	out := make(map[string][]string, min(len(m), maxLoggedValues))
	budget, count, cut := maxLoggedHeaderBytes, 0, false
	for _, k := range keys {
		if k == skip {
			continue
		}
		for _, v := range m[k] {
			if count == maxLoggedValues || budget < len(k) {
				cut = true
				break
			}
			budget -= len(k)
			if n := min(budget, maxLoggedValueBytes); len(v) > n {
				v, cut = v[:n], true
			}
			budget -= len(v)
			count++
			// Copy the string, so the entry never pins the request's buffers.
			out[k] = append(out[k], string(append([]byte(nil), v...)))
		}
	}
	return out, cut
}

// setBody keeps at most maxLoggedBodyBytes of b, in a copy of its own.
func (e *Request) setBody(b []byte) {
	if b == nil {
		return
	}
	if len(b) > maxLoggedBodyBytes {
		b, e.Truncated = b[:maxLoggedBodyBytes], true
	}
	e.Body = bytes.Clone(b)
}

// requestLog is a ring of the most recent requestLogSize entries.
type requestLog struct {
	entries []Request // in arrival order once the ring has wrapped: entries[next:], entries[:next]
	next    int
}

func (l *requestLog) add(e Request) {
	if len(l.entries) < requestLogSize {
		l.entries = append(l.entries, e)
		return
	}
	l.entries[l.next] = e
	l.next = (l.next + 1) % requestLogSize
}

func (l *requestLog) all() []Request {
	out := make([]Request, 0, len(l.entries))
	out = append(out, l.entries[l.next:]...)
	return append(out, l.entries[:l.next]...)
}

func (s *Server) record(e *Request, status int) {
	e.Status = status
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.add(*e)
}

// Requests returns the most recent requests served (at most 1,000), oldest
// first, in the order their responses started. Each entry keeps at most 8 KiB of
// headers, of query and of path, 64 header and query values of at most 1 KiB each, and
// 16 KiB of body; Request.Truncated says when something was cut.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.all()
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = requestLog{}
}
