package fingerprint_test

// The Client's behaviour tests against fingerprinttest, the in-memory API server, next to
// the hand-made httptest handlers of the other files. The handlers pin exact bytes and
// failure shapes; the fake server adds what a handler cannot: every request validated
// against api/openapi.yaml and interpreted (filters, opaque pagination keys, stored
// events), and faults injected over real connections. The iterator tests run the same
// assertions against both kinds of server.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// newFakeClient returns a Client for srv whose retry waits are recorded instead of slept
// (and returned by the second result) and whose jitter is its maximum.
func newFakeClient(t *testing.T, srv *fingerprinttest.Server, opts ...fingerprint.Option) (*fingerprint.Client, func() []time.Duration) {
	t.Helper()
	c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waits []time.Duration
	fingerprint.SetRetryHooks(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}, func(d time.Duration) time.Duration { return d })
	return c, func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(waits)
	}
}

// fakeRequests lists the logged requests of one operation, oldest first.
func fakeRequests(srv *fingerprinttest.Server, op string) []fingerprinttest.Request {
	var out []fingerprinttest.Request
	for _, r := range srv.Requests() {
		if r.Operation == op {
			out = append(out, r)
		}
	}
	return out
}

// fakeStatuses lists the status of each logged request of one operation (0: reset).
func fakeStatuses(srv *fingerprinttest.Server, op string) []int {
	var out []int
	for _, r := range fakeRequests(srv, op) {
		out = append(out, r.Status)
	}
	return out
}

func TestFakeServerEveryOperationIdentifiesTheSDK(t *testing.T) {
	t.Parallel()
	full := fingerprinttest.FullEvent()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(full), fingerprinttest.WithClock(fullEventClock))
	c, _ := newFakeClient(t, srv, fingerprint.WithMaxRetries(0))
	ctx := t.Context()

	ev, err := c.GetEvent(ctx, full.EventID, nil)
	if err != nil || ev.EventID != full.EventID {
		t.Fatalf("GetEvent = %v, %v", ev, err)
	}
	at := time.UnixMilli(full.Timestamp) // fixed, maybe outside the default 7-day window
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{VisitorID: full.Identification.VisitorID, Limit: 1,
		Start: at.Add(-time.Hour), End: at.Add(time.Hour)})
	if err != nil || len(page.Events) != 1 || page.Events[0].EventID != full.EventID {
		t.Fatalf("SearchEvents = %+v, %v", page, err)
	}
	if err := c.UpdateEvent(ctx, full.EventID, fingerprint.EventUpdate{Suspect: fingerprint.Ptr(false), LinkedID: fingerprint.Ptr("order-7")}); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	if stored, _ := srv.Event(full.EventID); stored.Suspect == nil || *stored.Suspect || fingerprint.Deref(stored.LinkedID) != "order-7" {
		t.Errorf("after UpdateEvent the server holds suspect=%v linked_id=%v; suspect:false must be sent", stored.Suspect, stored.LinkedID)
	}
	edge, err := c.AnalyzeRequest(ctx, &fingerprint.EdgeRequest{Headers: []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "curl/8"}},
		Method: "GET", URL: "https://shop.example/", IPv6Address: fingerprint.Ptr("2001:db8::5")})
	if err != nil {
		t.Fatalf("AnalyzeRequest: %v", err)
	}
	if _, ok := srv.Event(edge.EventID); !ok {
		t.Errorf("the edge event %s was not stored", edge.EventID)
	}
	if err := c.DeleteVisitorData(ctx, full.Identification.VisitorID); err != nil {
		t.Fatalf("DeleteVisitorData: %v", err)
	}
	if _, err := c.GetEvent(ctx, full.EventID, nil); !errors.Is(err, fingerprint.ErrNotFound) {
		t.Errorf("GetEvent after DeleteVisitorData: err = %v, want ErrNotFound", err)
	}

	reqs := srv.Requests()
	if len(reqs) != 6 {
		t.Fatalf("server saw %d requests, want 6", len(reqs))
	}
	for _, r := range reqs {
		if got := r.Query["ii"]; len(got) != 1 || got[0] != "fingerprint-go/"+fingerprint.Version {
			t.Errorf("%s %s: ii = %q, want exactly one fingerprint-go/%s", r.Method, r.Path, got, fingerprint.Version)
		}
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "fingerprint-go/"+fingerprint.Version+" (go") {
			t.Errorf("%s %s: User-Agent = %q", r.Method, r.Path, ua)
		}
	}
}

// TestFakeServerAcceptsEverySearchParameter sends each search parameter alone, then all
// together, to a server that validates and interprets them: a value the client encodes in
// a way the API would misread (a '+' sent raw, an exponent, a comma list) fails here.
func TestFakeServerAcceptsEverySearchParameter(t *testing.T) {
	t.Parallel()
	full := fingerprinttest.FullEvent()
	g := fingerprinttest.NewGenerator(3)
	g.SetNow(fullEventClock())
	evs := append(g.Events(20), full)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(evs...), fingerprinttest.WithClock(fullEventClock))
	c, _ := newFakeClient(t, srv, fingerprint.WithMaxRetries(0))
	ctx := t.Context()

	first, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Limit: 1})
	if err != nil || first.PaginationKey == nil {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	all := fingerprint.FullParams(t)
	all.VisitorID = full.Identification.VisitorID // an unknown visitor is a 404
	all.PaginationKey = *first.PaginationKey      // keys are opaque and checked

	v := reflect.ValueOf(all).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		one := &fingerprint.SearchEventsParams{}
		reflect.ValueOf(one).Elem().Field(i).Set(v.Field(i))
		if _, err := c.SearchEvents(ctx, one); err != nil {
			t.Errorf("%s alone (%s): %v", name, fingerprint.EncodeParams(one), err)
		}
	}
	if _, err := c.SearchEvents(ctx, all); err != nil {
		t.Errorf("every parameter at once: %v", err)
	}
	// The server decoded exactly what the client meant, arrays as repeated keys.
	want, _ := url.ParseQuery(fingerprint.EncodeParams(all))
	last := srv.Requests()[len(srv.Requests())-1].Query
	last.Del("ii")
	if !reflect.DeepEqual(last, want) {
		t.Errorf("server decoded\n%v\nwant\n%v", last, want)
	}
}

// pagingServer holds device events that SearchEventsIter pages through.
type pagingServer struct {
	client   *fingerprint.Client
	ids      []string                       // every event ID the server holds
	searches func() int                     // search requests served so far
	failNext func(t *testing.T, status int) // the next search answers status
}

// handmadePaging serves n events from an httptest handler with offset pagination keys.
func handmadePaging(t *testing.T, n int) pagingServer {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("e%04d", i)
	}
	var fail atomic.Int32
	h := fingerprint.NewHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if code := fail.Swap(0); code != 0 {
			fingerprint.Respond(w, int(code), `{"error":{"code":"request_cannot_be_parsed","message":"injected"}}`)
			return
		}
		q := r.URL.Query()
		limit, from := 10, 0
		if s := q.Get("limit"); s != "" {
			limit, _ = strconv.Atoi(s)
		}
		if s := q.Get("pagination_key"); s != "" {
			from, _ = strconv.Atoi(strings.TrimPrefix(s, "after-"))
		}
		to := min(from+limit, n)
		var evs []string
		for _, id := range ids[from:to] {
			evs = append(evs, fmt.Sprintf(`{"event_id":%q,"timestamp":1}`, id))
		}
		body := `{"events":[` + strings.Join(evs, ",") + `]`
		if to < n {
			body += fmt.Sprintf(`,"pagination_key":"after-%d"`, to)
		}
		fingerprint.Respond(w, 200, body+"}")
	})
	return pagingServer{
		client: h.Client(), ids: ids,
		searches: func() int { return len(h.Requests()) },
		failNext: func(_ *testing.T, status int) { fail.Store(int32(status)) },
	}
}

// fakePaging serves n generated device events (plus edge events a device search must
// skip) from fingerprinttest.
func fakePaging(t *testing.T, n int) pagingServer {
	g := fingerprinttest.NewGenerator(uint64(n))
	evs := g.Events(n)
	ids := make([]string, n)
	for i, ev := range evs {
		ids[i] = ev.EventID
	}
	evs = append(evs, g.EdgeEvent(), g.EdgeEvent())
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(evs...))
	c, _ := newFakeClient(t, srv)
	return pagingServer{
		client: c, ids: ids,
		searches: func() int { return len(fakeStatuses(srv, fingerprinttest.OpSearchEvents)) },
		failNext: func(t *testing.T, status int) {
			if err := srv.FailNext(1, fingerprinttest.Fault{Operation: fingerprinttest.OpSearchEvents, Status: status}); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func TestSearchEventsIterAgainstBothServers(t *testing.T) {
	t.Parallel()
	const n, limit = 120, 50 // three pages
	for _, backend := range []struct {
		name      string
		newServer func(*testing.T, int) pagingServer
	}{{"handmade", handmadePaging}, {"fingerprinttest", fakePaging}} {
		newServer := backend.newServer
		t.Run(backend.name, func(t *testing.T) {
			t.Parallel()
			t.Run("every event once", func(t *testing.T) {
				t.Parallel()
				s := newServer(t, n)
				params := &fingerprint.SearchEventsParams{Limit: limit}
				got, err := fingerprint.Collect(t, s.client.SearchEventsIter(t.Context(), params))
				if err != nil {
					t.Fatal(err)
				}
				if !sameIDs(got, s.ids) {
					t.Errorf("iterated %d events, want the server's %d, each once", len(got), len(s.ids))
				}
				if s.searches() != 3 || params.PaginationKey != "" {
					t.Errorf("searches = %d (want 3), caller's PaginationKey = %q (want untouched)", s.searches(), params.PaginationKey)
				}
			})
			t.Run("resumes from a page's key", func(t *testing.T) {
				t.Parallel()
				s := newServer(t, n)
				page, err := s.client.SearchEvents(t.Context(), &fingerprint.SearchEventsParams{Limit: limit})
				if err != nil || page.PaginationKey == nil {
					t.Fatalf("first page: %v", err)
				}
				rest, err := fingerprint.Collect(t, s.client.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: limit, PaginationKey: *page.PaginationKey}))
				if err != nil {
					t.Fatal(err)
				}
				got := rest
				for _, ev := range page.Events {
					got = append(got, ev.EventID)
				}
				if len(rest) != n-limit || !sameIDs(got, s.ids) {
					t.Errorf("resumed with %d events; with the first page they do not make up the %d held", len(rest), n)
				}
			})
			t.Run("break stops paging", func(t *testing.T) {
				t.Parallel()
				s := newServer(t, n)
				seen := 0
				for _, err := range s.client.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: limit}) {
					if err != nil {
						t.Fatal(err)
					}
					if seen++; seen == limit+1 {
						break
					}
				}
				if s.searches() != 2 {
					t.Errorf("searches = %d, want 2", s.searches())
				}
			})
			t.Run("error mid-way is yielded once", func(t *testing.T) {
				t.Parallel()
				s := newServer(t, n)
				var got []string
				var errs []error
				for ev, err := range s.client.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: limit}) {
					if err != nil {
						errs = append(errs, err)
						continue // the iterator must stop by itself
					}
					if got = append(got, ev.EventID); len(got) == limit {
						s.failNext(t, http.StatusBadRequest)
					}
				}
				var apiErr *fingerprint.APIError
				if len(got) != limit || len(errs) != 1 || !errors.As(errs[0], &apiErr) || apiErr.StatusCode != 400 {
					t.Fatalf("got %d events and errors %v; want %d events, then the 400 once", len(got), errs, limit)
				}
				if s.searches() != 2 {
					t.Errorf("searches = %d, want 2 (a 400 is not retried)", s.searches())
				}
			})
			t.Run("cancel mid-page", func(t *testing.T) {
				t.Parallel()
				s := newServer(t, n)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				seen := 0
				var gotErr error
				for _, err := range s.client.SearchEventsIter(ctx, &fingerprint.SearchEventsParams{Limit: limit}) {
					if err != nil {
						gotErr = err
						continue
					}
					if seen++; seen == limit/2 {
						cancel()
					}
				}
				if seen != limit/2 || !errors.Is(gotErr, context.Canceled) || s.searches() != 1 {
					t.Errorf("seen = %d, err = %v, searches = %d; want %d, context.Canceled, 1", seen, gotErr, s.searches(), limit/2)
				}
			})
		})
	}
}

// sameIDs reports whether got holds exactly the IDs of want, each once, in any order.
func sameIDs(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestFakeServerRetryPolicy injects faults over real connections for every operation and
// checks which are retried, how long the client waits, and what it returns.
func TestFakeServerRetryPolicy(t *testing.T) {
	t.Parallel()
	const (
		get    = fingerprinttest.OpGetEvent
		search = fingerprinttest.OpSearchEvents
		update = fingerprinttest.OpUpdateEvent
		del    = fingerprinttest.OpDeleteVisitorData
		edge   = fingerprinttest.OpAnalyzeRequest
		fb     = fingerprinttest.OpSubmitEventFeedback
	)
	retryAfter2 := func(op string) fingerprinttest.Fault {
		return fingerprinttest.Fault{Operation: op, Status: 429, RetryAfter: "2"}
	}
	unavailable2 := func(op string) fingerprinttest.Fault {
		return fingerprinttest.Fault{Operation: op, Status: 503, RetryAfter: "2"}
	}
	html503 := func(op string) fingerprinttest.Fault {
		f := fingerprinttest.ServiceUnavailableHTML()
		f.Operation = op
		return f
	}
	reset := func(op string) fingerprinttest.Fault { return fingerprinttest.Fault{Operation: op, Reset: true} }
	truncate := func(op string) fingerprinttest.Fault { return fingerprinttest.Fault{Operation: op, Truncate: true} }
	backoff := []time.Duration{fingerprint.BaseBackoff}
	cases := []struct {
		op       string
		fault    fingerprinttest.Fault
		statuses []int           // of the operation's requests, in order
		waits    []time.Duration // the client's waits between them
		wantErr  bool
	}{
		{op: get, fault: retryAfter2(get), statuses: []int{429, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},
		{op: search, fault: retryAfter2(search), statuses: []int{429, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},
		{op: update, fault: retryAfter2(update), statuses: []int{429, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},
		{op: del, fault: retryAfter2(del), statuses: []int{429, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},
		{op: edge, fault: retryAfter2(edge), statuses: []int{429, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},
		{op: fb, fault: retryAfter2(fb), statuses: []int{429, 202}, waits: []time.Duration{2 * time.Second}, wantErr: false},

		// The API's own 503 (get and search document it) with Retry-After.
		{op: get, fault: unavailable2(get), statuses: []int{503, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},
		{op: search, fault: unavailable2(search), statuses: []int{503, 200}, waits: []time.Duration{2 * time.Second}, wantErr: false},

		{op: get, fault: html503(get), statuses: []int{503, 200}, waits: backoff, wantErr: false},
		{op: search, fault: html503(search), statuses: []int{503, 200}, waits: backoff, wantErr: false},
		{op: update, fault: html503(update), statuses: []int{503, 200}, waits: backoff, wantErr: false},
		{op: del, fault: html503(del), statuses: []int{503, 200}, waits: backoff, wantErr: false},
		{op: fb, fault: html503(fb), statuses: []int{503, 202}, waits: backoff, wantErr: false},
		{op: edge, fault: html503(edge), statuses: []int{503}, waits: nil, wantErr: true}, // each call creates an event

		// 409 state_not_ready has its own schedule (WithStateNotReadyWait).
		{op: update, fault: fingerprinttest.StateNotReady(), statuses: []int{409, 200}, waits: []time.Duration{250 * time.Millisecond}, wantErr: false},
		{op: fb, fault: fingerprinttest.Fault{Operation: fb, Status: 409, Code: fingerprint.ErrorCodeStateNotReady}, statuses: []int{409, 202}, waits: []time.Duration{250 * time.Millisecond}, wantErr: false},

		{op: get, fault: reset(get), statuses: []int{0, 200}, waits: backoff, wantErr: false},
		{op: search, fault: reset(search), statuses: []int{0, 200}, waits: backoff, wantErr: false},
		{op: update, fault: reset(update), statuses: []int{0, 200}, waits: backoff, wantErr: false},
		{op: del, fault: reset(del), statuses: []int{0, 200}, waits: backoff, wantErr: false},
		{op: fb, fault: reset(fb), statuses: []int{0, 202}, waits: backoff, wantErr: false}, // the latest submission wins: a resend is safe
		{op: edge, fault: reset(edge), statuses: []int{0}, waits: nil, wantErr: true},       // the request was sent: it may have created an event

		{op: get, fault: truncate(get), statuses: []int{200, 200}, waits: backoff, wantErr: false},
		{op: search, fault: truncate(search), statuses: []int{200, 200}, waits: backoff, wantErr: false},
		{op: edge, fault: truncate(edge), statuses: []int{200}, waits: nil, wantErr: true}, // the event was created; a retry would duplicate it
	}
	for _, tc := range cases {
		t.Run(tc.op+" "+faultName(tc.fault), func(t *testing.T) {
			t.Parallel()
			full := fingerprinttest.FullEvent()
			srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(full), fingerprinttest.WithClock(fullEventClock))
			c, waits := newFakeClient(t, srv)
			if err := srv.FailNext(1, tc.fault); err != nil {
				t.Fatal(err)
			}
			err := callOperation(t.Context(), c, tc.op, full)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Errorf("err = %v, want error: %v", err, tc.wantErr)
			}
			if got := fakeStatuses(srv, tc.op); !slices.Equal(got, tc.statuses) {
				t.Errorf("statuses = %v, want %v", got, tc.statuses)
			}
			if got := waits(); !fingerprint.EqualDurations(got, tc.waits) {
				t.Errorf("waits = %v, want %v", got, tc.waits)
			}
			if tc.op == edge && tc.fault.Truncate && edgeEvents(srv) != 1 {
				t.Errorf("%d edge events stored, want the one the truncated response reported", edgeEvents(srv))
			}
		})
	}
}

func faultName(f fingerprinttest.Fault) string {
	switch {
	case f.Reset:
		return "reset"
	case f.Truncate:
		return "truncated body"
	case len(f.Body) > 0:
		return strconv.Itoa(f.Status) + " HTML"
	case f.RetryAfter != "":
		return strconv.Itoa(f.Status) + " Retry-After " + f.RetryAfter
	}
	return strconv.Itoa(f.Status)
}

// callOperation runs op once through c against a server that holds ev.
func callOperation(ctx context.Context, c *fingerprint.Client, op string, ev fingerprint.Event) error {
	var err error
	switch op {
	case fingerprinttest.OpGetEvent:
		_, err = c.GetEvent(ctx, ev.EventID, nil)
	case fingerprinttest.OpSearchEvents:
		_, err = c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Limit: 5})
	case fingerprinttest.OpUpdateEvent:
		err = c.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
	case fingerprinttest.OpDeleteVisitorData:
		err = c.DeleteVisitorData(ctx, ev.Identification.VisitorID)
	case fingerprinttest.OpSubmitEventFeedback:
		err = c.SubmitEventFeedback(ctx, ev.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})
	case fingerprinttest.OpAnalyzeRequest:
		_, err = c.AnalyzeRequest(ctx, &fingerprint.EdgeRequest{Headers: []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "curl/8"}},
			Method: "GET", URL: "https://shop.example/", IPv4Address: fingerprint.Ptr("192.0.2.7")})
	default:
		err = fmt.Errorf("unknown operation %s", op)
	}
	return err
}

// edgeEvents counts the edge events the server holds.
func edgeEvents(srv *fingerprinttest.Server) int {
	n := 0
	for _, ev := range srv.Events() {
		if ev.Source != nil && *ev.Source == fingerprint.EventSourceEdge {
			n++
		}
	}
	return n
}
