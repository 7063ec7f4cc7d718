package fingerprinttest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/fpgo/fingerprint-go/internal/apispec"
	"github.com/getkin/kin-openapi/routers"
)

// apiRequest is a routed request to one of the API's operations.
type apiRequest struct {
	r        *http.Request // relative path; the body is buffered by readBody
	op       string
	route    *routers.Route
	params   map[string]string
	query    url.Values // parsed once, by ServeHTTP
	queryErr *apiError  // why the query could not be parsed
	entry    *Request   // the request log entry, for Fault
	body     *bodyRead  // shared with ServeHTTP's discardBody
}

// bodyRead records when reading the request body must end, so that the body read
// timeout bounds the reading by readBody and by discardBody together.
type bodyRead struct {
	deadline time.Time
}

// handle runs the checks the real API makes, in its order (authentication, query,
// rate limit, body size, schema), then the operation.
func (s *Server) handle(w http.ResponseWriter, req *apiRequest) {
	r := req.r
	if e := s.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	if req.queryErr != nil {
		writeError(w, req.queryErr)
		return
	}
	if wait, limited := s.limiter.take(s.cfg.now()); limited {
		req.entry.Fault = faultRateLimit
		writeTooManyRequests(w, req.op, wait)
		return
	}
	if e := s.readBody(w, r, req.body); e != nil {
		writeError(w, e)
		return
	}
	if (req.op == OpUpdateEvent || req.op == OpAnalyzeRequest || req.op == OpSubmitEventFeedback) && len(body(r)) > 0 {
		// The real API reads these bodies as JSON whatever their Content-Type says (the
		// vendor's Node SDK sends PATCH bodies as text/plain). The log keeps the original.
		r.Header.Set("Content-Type", "application/json")
	}
	// Authentication was checked above; the first violation decides the answer.
	if err := apispec.ValidateRequest(r.Context(), r, req.route, req.params, false); err != nil {
		writeError(w, fromValidation(err))
		return
	}
	switch req.op {
	case OpGetEvent:
		s.getEvent(w, req.query, req.params["event_id"])
	case OpUpdateEvent:
		s.updateEvent(w, r, req.params["event_id"])
	case OpSearchEvents:
		s.searchEvents(w, req.query)
	case OpDeleteVisitorData:
		s.deleteVisitor(w, req, req.params["visitor_id"])
	case OpAnalyzeRequest:
		s.analyzeRequest(w, r)
	case OpSubmitEventFeedback:
		s.submitFeedback(w, req, req.params["event_id"])
	default:
		writeError(w, errNoRoute)
	}
}

func (s *Server) authenticate(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	scheme, key, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		return errKeyRequired
	}
	if strings.TrimSpace(key) != s.cfg.apiKey {
		return errKeyNotFound
	}
	return nil
}

// readBody buffers the body (so the validator and the handler can both read it),
// enforcing the size limit and the read timeout.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, br *bodyRead) *apiError {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	rc := http.NewResponseController(w)
	br.deadline = time.Now().Add(s.cfg.bodyTimeout)
	_ = rc.SetReadDeadline(br.deadline)
	b, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.maxBody+1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// Keep the expired deadline and close after answering: otherwise net/http would
		// wait for the rest of the body before sending the response.
		w.Header().Set("Connection", "close")
	} else {
		_ = rc.SetReadDeadline(time.Time{})
	}
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &apiError{http.StatusBadRequest, gen.ErrorCodeRequestReadTimeout, "request read timeout"}
	case err != nil:
		return errBodyInvalid
	case int64(len(b)) > s.cfg.maxBody:
		return errTooLarge
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return nil
}

// body returns the buffered request body.
func body(r *http.Request) []byte {
	if r.GetBody == nil {
		return nil
	}
	rc, err := r.GetBody()
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(rc)
	return b
}
