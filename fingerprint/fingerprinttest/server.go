package fingerprinttest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
	"github.com/fpgo/fingerprint-go/internal/ctxsleep"
)

// BasePath is the path under which the server serves the API, as the real hosts do
// (https://api.fpjs.io/v4). URL() includes it.
const BasePath = "/v4"

// ReadHeaderTimeout is how long the server waits for a request's headers; a client
// slower than that has its connection closed. After the headers, the body read timeout
// (WithBodyReadTimeout) bounds the wait for an answer: every request, including those
// rejected without their body being used (a wrong key, an unknown path, an injected
// fault), is answered within it, plus WithLatency.
const ReadHeaderTimeout = 10 * time.Second

// Server is an in-memory Fingerprint Server API v4 on a loopback port. It is safe for
// concurrent use. Create it with NewServer in tests or Start elsewhere.
type Server struct {
	cfg  config
	spec *spec
	ln   net.Listener
	http *http.Server
	url  string

	mu           sync.Mutex
	events       map[string]*storedEvent
	order        []*storedEvent // s.events oldest first; see order.go
	rulesets     map[string]RulesetFunc
	faults       []*queuedFault
	latency      time.Duration
	log          requestLog
	edgeRequests []gen.EdgeRequest
	ids          *idSource
	limiter      *tokenBucket // nil unless WithRateLimit
	deletes      *quota       // nil unless WithDeleteQuota
	feedbacks    *quota       // nil unless WithFeedbackQuota
	feedback     map[string]FeedbackSubmission
	tb           testing.TB // set by NewServer, for MustFailNext
}

// NewServer starts a server for the duration of a test and closes it in t.Cleanup.
// It calls t.Fatal if an option is invalid or the server cannot start.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	s.tb = t
	t.Cleanup(s.Close)
	return s
}

// Start starts a server and returns once it accepts connections. Call Close when done.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	sp, err := loadSpec()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:       cfg,
		spec:      sp,
		events:    make(map[string]*storedEvent),
		rulesets:  make(map[string]RulesetFunc),
		latency:   cfg.latency,
		ids:       newIDSource(cfg.now().UnixNano()),
		limiter:   newTokenBucket(cfg.rateLimit, cfg.now()),
		deletes:   newQuota(cfg.deleteQuota),
		feedbacks: newQuota(cfg.feedbackQuota),
		feedback:  make(map[string]FeedbackSubmission),
	}
	if err := s.AddEvents(cfg.events...); err != nil {
		return nil, err
	}
	// Start's signature has no context to pass on; binding a local address does not
	// wait on anything a caller would cancel.
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("fingerprinttest: listen on %s: %w", cfg.addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String() + BasePath
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: ReadHeaderTimeout, IdleTimeout: cfg.idleTimeout}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// URL returns the API base URL, e.g. "http://127.0.0.1:41234/v4". Pass it to
// fingerprint.WithBaseURL.
func (s *Server) URL() string { return s.url }

// APIKey returns the secret API key the server accepts.
func (s *Server) APIKey() string { return s.cfg.apiKey }

// Close stops the server and closes open connections. It is safe to call twice.
func (s *Server) Close() {
	if s.http != nil {
		_ = s.http.Close()
	}
}

// SetLatency delays every later response by d (0 turns the delay off).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
}

// ServeHTTP serves the API under BasePath. A Server is an http.Handler, so it can also
// be mounted in a server of your own.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	// The query is parsed once: the log, the checks and the handlers all see the same
	// values, and a query net/url cannot parse is answered with 400, never half-read.
	query, queryErr := parseRawQuery(r.URL.RawQuery)
	entry := newRequestEntry(r, query)
	var once sync.Once
	// The entry is logged when the response starts, before the client can see it, so
	// a test that asserts on the log right after a call never misses that call.
	logEntry := func(status int) {
		once.Do(func() {
			entry.setBody(body(r2))
			s.record(entry, status)
		})
	}
	rw := &statusWriter{ResponseWriter: w, onStatus: logEntry}
	defer logEntry(0) // no response was written (reset, or the client went away)
	// A body the handler did not read is discarded within the body read timeout;
	// otherwise net/http would wait for all of it, without a deadline, before answering.
	br := &bodyRead{}
	defer s.discardBody(rw, r, br)

	rel, ok := strings.CutPrefix(r.URL.Path, BasePath)
	if !ok || rel == "" {
		writeError(rw, errNoRoute)
		return
	}
	// Routing works on the path relative to the base, like the spec's paths.
	r2.URL.Path = rel
	r2.URL.RawPath = ""

	if e := emptyPathParam(r2); e != nil {
		writeError(rw, e)
		return
	}
	route, params, err := s.spec.router.FindRoute(r2)
	if err != nil {
		if s.otherMethodMatches(r2) {
			writeError(rw, errNoMethod)
		} else {
			writeError(rw, errNoRoute)
		}
		return
	}
	op := route.Operation.OperationID
	entry.Operation = op
	req := &apiRequest{r: r2, op: op, route: route, params: params, query: query, queryErr: queryErr, entry: entry, body: br}

	// A fault belongs to an API call: a request with a wrong or no key never takes the
	// failure a test queued for its own call.
	fault, latency := s.nextFault(op, s.authenticate(r2) == nil)
	if d := latency + fault.delay(); d > 0 && ctxsleep.Sleep(r.Context(), d) != nil {
		return // the client went away
	}
	if fault != nil {
		entry.Fault = fault.kind()
		if fault.Reset || fault.Truncate {
			rw.hijacked = true
			s.serveBroken(w, fault, logEntry, func(w http.ResponseWriter) {
				s.handle(w, req)
			})
			return
		}
		fault.write(rw, op)
		return
	}
	s.handle(rw, req)
}

// discardBody reads what is left of the request body, at most the body size limit and
// within the body read timeout, so that a request answered without its body (a wrong
// key, an unknown path, a fault) is never left waiting for net/http to drain the body
// with no deadline. A body that stalls leaves the read deadline expired: net/http then
// gives up on it at once and closes the connection after answering.
func (s *Server) discardBody(w *statusWriter, r *http.Request, br *bodyRead) {
	if w.hijacked || r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 ||
		w.Header().Get("Connection") == "close" { // net/http will not drain it
		return
	}
	deadline := br.deadline // set when readBody began; one timeout covers both reads
	if deadline.IsZero() {
		deadline = time.Now().Add(s.cfg.bodyTimeout)
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(deadline)
	n, err := io.Copy(io.Discard, io.LimitReader(r.Body, s.cfg.maxBody+1))
	if err == nil && n <= s.cfg.maxBody {
		_ = rc.SetReadDeadline(time.Time{}) // all read: the connection can be reused
	}
	// Otherwise the deadline stays: expired after a stall, or bounding net/http's own
	// drain of an oversized body.
}

// otherMethodMatches reports whether the path exists for another method (405 vs 404).
func (s *Server) otherMethodMatches(r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := s.spec.router.FindRoute(probe); err == nil {
			return true
		}
	}
	return false
}

// emptyPathParam answers requests whose path parameter is empty, which the router
// would otherwise treat as unknown paths.
func emptyPathParam(r *http.Request) *apiError {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/visitors" && r.Method == http.MethodDelete:
		return errVisitorIDReq
	case p == "/events" && strings.HasSuffix(r.URL.Path, "/") && r.Method != http.MethodGet:
		return errEventID
	}
	return nil
}

// statusWriter reports the status code once, just before the response starts.
type statusWriter struct {
	http.ResponseWriter
	onStatus    func(int)
	wroteHeader bool
	hijacked    bool // the connection was taken over (injected reset or truncation)
}

// WriteHeader reports code before passing it on, once.
func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		w.onStatus(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (read deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Write sends an implicit 200 through WriteHeader first, so it is reported too.
func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
