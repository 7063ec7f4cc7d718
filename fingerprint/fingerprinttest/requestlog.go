package fingerprinttest

import (
	"net/http"
	"net/url"
	"time"
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
	Fault     string      // "status 503", "truncate", "reset"; empty for normal responses
}

func newRequestEntry(r *http.Request) *Request {
	h := r.Header.Clone()
	h.Del("Authorization")
	return &Request{
		Time:   time.Now(),
		Method: r.Method,
		Path:   r.URL.EscapedPath(),
		Query:  r.URL.Query(),
		Header: h,
	}
}

func (s *Server) record(e *Request, status int) {
	e.Status = status
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, *e)
}

// Requests returns the requests served so far, in arrival order of completion.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}
