package fingerprinttest_test

// End-to-end tests: fingerprint.Client against the in-memory server, over real HTTP.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

func newClient(t *testing.T, srv *fingerprinttest.Server, opts ...fingerprint.Option) *fingerprint.Client {
	t.Helper()
	c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL())}, opts...)...)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	return c
}

// statuses lists the status of each logged request for one operation.
func statuses(srv *fingerprinttest.Server, op string) []int {
	var out []int
	for _, r := range srv.Requests() {
		if r.Operation == op {
			out = append(out, r.Status)
		}
	}
	return out
}

func TestClientGetEvent(t *testing.T) {
	full := fingerprinttest.FullEvent()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(full))
	c := newClient(t, srv)

	ev, err := c.GetEvent(t.Context(), full.EventID, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	want, _ := json.Marshal(full)
	got, _ := json.Marshal(ev)
	var wantV, gotV any
	if err := json.Unmarshal(want, &wantV); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &gotV); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotV, wantV) {
		t.Fatalf("GetEvent result re-encoded:\n got %s\nwant %s", got, want)
	}

	_, err = c.GetEvent(t.Context(), "1700000000000.nope00", nil)
	if !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("error = %v, want errors.Is fingerprint.ErrNotFound", err)
	}
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if got, want := apiErr.Code, fingerprint.ErrorCodeEventNotFound; !reflect.DeepEqual(got, want) {
		t.Fatalf("apiErr.Code = %v, want %v", got, want)
	}
	if got, want := statuses(srv, fingerprinttest.OpGetEvent), []int{200, 404}; !reflect.DeepEqual(got, want) {
		t.Fatalf("a 404 is not retried: statuses(srv, fingerprinttest.OpGetEvent) = %v, want %v", got, want)
	}
}

func TestClientWrongKey(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	c, err := fingerprint.NewClient("sk_wrong_but_plausible", fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, err = c.SearchEvents(t.Context(), nil)
	if !errors.Is(err, fingerprint.ErrUnauthorized) {
		t.Fatalf("error = %v, want errors.Is fingerprint.ErrUnauthorized", err)
	}
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if got, want := apiErr.Code, fingerprint.ErrorCodeSecretAPIKeyNotFound; !reflect.DeepEqual(got, want) {
		t.Fatalf("apiErr.Code = %v, want %v", got, want)
	}
	if strings.Contains(err.Error(), "sk_wrong_but_plausible") {
		t.Fatalf("err.Error() = %q, must not contain %q", err.Error(), "sk_wrong_but_plausible")
	}
}

func TestClientSearchFiltersRoundTrip(t *testing.T) {
	t.Parallel() // heavy: overlaps with the other heavy tests
	g := fingerprinttest.NewGenerator(5)
	evs := g.Events(400)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(evs...))
	c := newClient(t, srv)

	dayAgo := time.Now().Add(-24 * time.Hour).Truncate(time.Second) // whole seconds, as sent
	// Each filter, sent by the client and applied by the server, must agree with the same
	// predicate applied locally to the seeded events.
	cases := []struct {
		name   string
		params fingerprint.SearchEventsParams
		keep   func(fingerprint.Event) bool
	}{
		{"vpn=false", fingerprint.SearchEventsParams{VPN: fingerprint.Ptr(false)},
			func(e fingerprint.Event) bool { return e.VPN != nil && !*e.VPN }},
		{"min_suspect_score", fingerprint.SearchEventsParams{MinSuspectScore: fingerprint.Ptr(9.5)},
			func(e fingerprint.Event) bool { return e.SuspectScore != nil && float64(*e.SuspectScore) > 9.5 }},
		{"ip range", fingerprint.SearchEventsParams{IPAddress: "198.51.100.0/24"},
			func(e fingerprint.Event) bool { return strings.HasPrefix(*e.IPAddress, "198.51.100.") }},
		{"bad bots", fingerprint.SearchEventsParams{Bot: fingerprint.SearchEventsParamsBotBad},
			func(e fingerprint.Event) bool { return e.Bot != nil && *e.Bot == fingerprint.BotResultBad }},
		{"android", fingerprint.SearchEventsParams{SDKPlatform: fingerprint.SDKPlatformAndroid},
			func(e fingerprint.Event) bool { return e.SDK.Platform == "android" }},
		{"visitor", fingerprint.SearchEventsParams{VisitorID: evs[0].Identification.VisitorID},
			func(e fingerprint.Event) bool { return e.Identification.VisitorID == evs[0].Identification.VisitorID }},
		{"last 24h", fingerprint.SearchEventsParams{Start: dayAgo},
			func(e fingerprint.Event) bool { return e.Timestamp >= dayAgo.UnixMilli() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, e := range evs {
				if tc.keep(e) {
					want = append(want, e.EventID)
				}
			}
			if len(want) == 0 {
				t.Fatalf("the seed must exercise the filter: want is empty")
			}
			var got []string
			p := tc.params
			p.Limit = 100
			for ev, err := range c.SearchEventsIter(t.Context(), &p) {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				got = append(got, ev.EventID)
			}
			slices.Sort(want)
			slices.Sort(got)
			if have, expected := got, want; !reflect.DeepEqual(have, expected) {
				t.Fatalf("got = %v, want %v", have, expected)
			}
		})
	}
}

func TestClientIteratesOver1000Events(t *testing.T) {
	t.Parallel() // heavy: overlaps with the other heavy tests
	g := fingerprinttest.NewGenerator(1234)
	evs := g.Events(1234)
	for range 30 {
		evs = append(evs, g.EdgeEvent()) // never part of a device search
	}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(evs...))
	c := newClient(t, srv)

	for _, reverse := range []bool{false, true} {
		srv.ResetRequests()
		seen := map[string]bool{}
		var prev *fingerprint.Event
		for ev, err := range c.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: 100, Reverse: reverse}) {
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if seen[ev.EventID] {
				t.Fatalf("duplicate %s: seen[ev.EventID] is true, want false", ev.EventID)
			}
			seen[ev.EventID] = true
			if reflect.DeepEqual(fingerprint.EventSource(ptrVal(ev.Source)), fingerprint.EventSourceEdge) {
				t.Fatalf("fingerprint.EventSource(ptrVal(ev.Source)) = %v, want anything but %v", fingerprint.EventSource(ptrVal(ev.Source)), fingerprint.EventSourceEdge)
			}
			if prev != nil {
				if reverse {
					if ev.Timestamp < prev.Timestamp {
						t.Fatalf("ev.Timestamp = %v, want >= %v", ev.Timestamp, prev.Timestamp)
					}
				} else {
					if ev.Timestamp > prev.Timestamp {
						t.Fatalf("ev.Timestamp = %v, want <= %v", ev.Timestamp, prev.Timestamp)
					}
				}
			}
			prev = ev
		}
		if got := len(seen); got != 1234 {
			t.Fatalf("every device event, none missed: len(seen) = %d, want %d", got, 1234)
		}
		if got := len(statuses(srv, fingerprinttest.OpSearchEvents)); got != 13 {
			t.Fatalf("13 pages of up to 100: len(statuses(srv, fingerprinttest.OpSearchEvents)) = %v, want %v", got, 13)
		}
	}

	// Breaking out early stops paging.
	srv.ResetRequests()
	n := 0
	for _, err := range c.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: 10}) {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if n++; n == 15 {
			break
		}
	}
	if got := len(statuses(srv, fingerprinttest.OpSearchEvents)); got != 2 {
		t.Fatalf("len(statuses(srv, fingerprinttest.OpSearchEvents)) = %d, want %d", got, 2)
	}

	page, err := c.SearchEvents(t.Context(), &fingerprint.SearchEventsParams{TotalHits: 1000, Limit: 1})
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got := *page.TotalHits; got != int64(1000) {
		t.Fatalf("*page.TotalHits = %v, want %v", got, int64(1000))
	}
}

func ptrVal[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestClientUpdateDeleteAndAnalyze(t *testing.T) {
	g := fingerprinttest.NewGenerator(9)
	evs := g.Events(30)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(evs...))
	c := newClient(t, srv)
	ctx := t.Context()
	target := evs[3]

	tags := fingerprint.Tags{"reviewed": true}
	if err := c.UpdateEvent(ctx, target.EventID, fingerprint.EventUpdate{
		LinkedID: fingerprint.Ptr("case-42"), Suspect: fingerprint.Ptr(true), Tags: (*map[string]any)(&tags),
	}); err != nil {
		t.Fatalf("c.UpdateEvent: %v", err)
	}
	ev, err := c.GetEvent(ctx, target.EventID, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got := *ev.LinkedID; got != "case-42" {
		t.Fatalf("*ev.LinkedID = %q, want %q", got, "case-42")
	}
	if !*ev.Suspect {
		t.Fatalf("*ev.Suspect is false, want true")
	}
	if got := (*ev.Tags)["reviewed"]; got != true {
		t.Fatalf("(*ev.Tags)[\"reviewed\"] = %v, want %v", got, true)
	}
	found, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Suspect: fingerprint.Ptr(true)})
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got := len(found.Events); got != 1 {
		t.Fatalf("len(found.Events) = %d, want %d", got, 1)
	}
	if got, want := found.Events[0].EventID, target.EventID; !reflect.DeepEqual(got, want) {
		t.Fatalf("found.Events[0].EventID = %v, want %v", got, want)
	}
	if err := c.UpdateEvent(ctx, "1700000000000.nope00", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(false)}); !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("error = %v, want errors.Is fingerprint.ErrNotFound", err)
	}

	visitor := target.Identification.VisitorID
	if err := c.DeleteVisitorData(ctx, visitor); err != nil {
		t.Fatalf("c.DeleteVisitorData(ctx, visitor): %v", err)
	}
	_, err = c.GetEvent(ctx, target.EventID, nil)
	if !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("error = %v, want errors.Is fingerprint.ErrNotFound", err)
	}
	_, err = c.SearchEvents(ctx, &fingerprint.SearchEventsParams{VisitorID: visitor})
	if !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("search by a deleted visitor is visitor_not_found: error = %v, want errors.Is fingerprint.ErrNotFound", err)
	}
	err = c.DeleteVisitorData(ctx, visitor)
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if got, want := apiErr.Code, fingerprint.ErrorCodeVisitorNotFound; !reflect.DeepEqual(got, want) {
		t.Fatalf("apiErr.Code = %v, want %v", got, want)
	}

	res, err := c.AnalyzeRequest(ctx, &fingerprint.EdgeRequest{
		Headers:     []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0 (compatible; Googlebot/2.1)"}, {Name: "Cookie", Value: ""}},
		Method:      "GET",
		URL:         "https://shop.example.com/",
		IPv4Address: fingerprint.Ptr("203.0.113.5"),
	})
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got := res.BotInfo.Name; got != "Googlebot" {
		t.Fatalf("res.BotInfo.Name = %q, want %q", got, "Googlebot")
	}
	edge, err := c.GetEvent(ctx, res.EventID, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got, want := *edge.Source, fingerprint.EventSourceEdge; !reflect.DeepEqual(got, want) {
		t.Fatalf("*edge.Source = %v, want %v", got, want)
	}
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Source: []fingerprint.EventSource{fingerprint.EventSourceEdge}})
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got := len(page.Events); got != 1 {
		t.Fatalf("len(page.Events) = %d, want %d", got, 1)
	}

	noDelete := fingerprinttest.NewServer(t, fingerprinttest.WithoutDeleteAPI())
	err = newClient(t, noDelete).DeleteVisitorData(ctx, visitor)
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if got, want := apiErr.Code, fingerprint.ErrorCodeFeatureNotEnabled; !reflect.DeepEqual(got, want) {
		t.Fatalf("apiErr.Code = %v, want %v", got, want)
	}
}

func TestClientSurvivesFaults(t *testing.T) {
	full := fingerprinttest.FullEvent()
	id := full.EventID
	cases := []struct {
		name  string
		fault fingerprinttest.Fault
		times int
		want  []int // statuses of getEvent requests in the log
	}{
		{name: "429 with Retry-After", fault: fingerprinttest.TooManyRequests("0"), times: 2, want: []int{429, 429, 200}},
		{name: "500", fault: fingerprinttest.InternalError(), times: 1, want: []int{500, 200}},
		{name: "503 HTML", fault: fingerprinttest.ServiceUnavailableHTML(), times: 1, want: []int{503, 200}},
		{name: "503 service_unavailable with Retry-After", fault: fingerprinttest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"}, times: 2, want: []int{503, 503, 200}},
		{name: "502 HTML", fault: fingerprinttest.BadGatewayHTML(), times: 1, want: []int{502, 200}},
		{name: "504", fault: fingerprinttest.GatewayTimeout(), times: 1, want: []int{504, 200}},
		{name: "truncated body", fault: fingerprinttest.TruncatedBody(), times: 1, want: []int{200, 200}},
		{name: "connection reset", fault: fingerprinttest.ConnectionReset(), times: 1, want: []int{0, 200}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(full))
			if err := srv.FailNext(tc.times, tc.fault); err != nil {
				t.Fatalf("srv.FailNext(tc.times, tc.fault): %v", err)
			}
			ev, err := newClient(t, srv).GetEvent(t.Context(), id, nil)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got, want := ev.EventID, id; !reflect.DeepEqual(got, want) {
				t.Fatalf("ev.EventID = %v, want %v", got, want)
			}
			if have, expected := statuses(srv, fingerprinttest.OpGetEvent), tc.want; !reflect.DeepEqual(have, expected) {
				t.Fatalf("statuses(srv, fingerprinttest.OpGetEvent) = %v, want %v", have, expected)
			}
		})
	}
}

func TestClientGivesUpWithTheLastError(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	if err := srv.FailNext(3, fingerprinttest.ServiceUnavailableHTML()); err != nil {
		t.Fatalf("srv.FailNext(3, fingerprinttest.ServiceUnavailableHTML()): %v", err)
	}
	_, err := newClient(t, srv, fingerprint.WithMaxRetries(2)).SearchEvents(t.Context(), nil)
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("apiErr.StatusCode = %v, want %v", apiErr.StatusCode, http.StatusServiceUnavailable)
	}
	if !strings.Contains(string(apiErr.Body), "503 Service Temporarily Unavailable") {
		t.Fatalf("a non-JSON body survives: string(apiErr.Body) = %q, want it to contain %q", string(apiErr.Body), "503 Service Temporarily Unavailable")
	}
	if got, want := statuses(srv, fingerprinttest.OpSearchEvents), []int{503, 503, 503}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses(srv, fingerprinttest.OpSearchEvents) = %v, want %v", got, want)
	}
}

func TestClientRetriesStateNotReady(t *testing.T) {
	ev := fingerprinttest.NewGenerator(2).Event()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(ev))
	if err := srv.FailNext(1, fingerprinttest.StateNotReady()); err != nil {
		t.Fatalf("srv.FailNext(1, fingerprinttest.StateNotReady()): %v", err)
	}
	if err := newClient(t, srv).UpdateEvent(t.Context(), ev.EventID, fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)}); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	if got, want := statuses(srv, fingerprinttest.OpUpdateEvent), []int{409, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses(srv, fingerprinttest.OpUpdateEvent) = %v, want %v", got, want)
	}
	stored, _ := srv.Event(ev.EventID)
	if !*stored.Suspect {
		t.Fatalf("*stored.Suspect is false, want true")
	}
}

func TestClientDoesNotRetryEdgeServerErrors(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	c := newClient(t, srv)
	req := &fingerprint.EdgeRequest{
		Headers: []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		Method:  "GET", URL: "https://a.example/", IPv4Address: fingerprint.Ptr("192.0.2.1"),
	}
	if err := srv.FailNext(1, fingerprinttest.InternalError()); err != nil {
		t.Fatalf("srv.FailNext(1, fingerprinttest.InternalError()): %v", err)
	}
	_, err := c.AnalyzeRequest(t.Context(), req)
	if err == nil {
		t.Fatalf("err: got nil error, want an error")
	}
	if got, want := statuses(srv, fingerprinttest.OpAnalyzeRequest), []int{500}; !reflect.DeepEqual(got, want) {
		t.Fatalf("each call creates an event: no blind retry: statuses(srv, fingerprinttest.OpAnalyzeRequest) = %v, want %v", got, want)
	}

	if err := srv.FailNext(1, fingerprinttest.TooManyRequests("0")); err != nil {
		t.Fatalf("srv.FailNext(1, fingerprinttest.TooManyRequests(\"0\")): %v", err)
	}
	_, err = c.AnalyzeRequest(t.Context(), req)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got, want := statuses(srv, fingerprinttest.OpAnalyzeRequest), []int{500, 429, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses(srv, fingerprinttest.OpAnalyzeRequest) = %v, want %v", got, want)
	}
}

func TestClientTimesOutOnASlowServer(t *testing.T) {
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithLatency(2*time.Second))
	c := newClient(t, srv, fingerprint.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.SearchEvents(ctx, nil)
	if err == nil {
		t.Fatalf("err: got nil error, want an error")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v: errors.Is(err, context.DeadlineExceeded) is false, want true", err)
	}
	if time.Since(start) >= time.Second {
		t.Fatalf("time.Since(start) = %v, want < %v", time.Since(start), time.Second)
	}
}

// TestClientSubmitsFeedback: the SDK's SubmitEventFeedback against the fake, end to end:
// accepted (202, stored, latest wins), refused for mobile events, and the endpoint's own
// quota answered with 429 and Retry-After.
func TestClientSubmitsFeedback(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	g := fingerprinttest.NewGenerator(21)
	g.SetNow(now)
	var browser, mobile fingerprint.Event
	for browser.EventID == "" || mobile.EventID == "" {
		ev := g.EventAt(now.Add(-time.Hour))
		if ev.SDK.Platform == fingerprint.SDKPlatformJS {
			browser = ev
		} else {
			mobile = ev
		}
	}
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithClock(func() time.Time { return now }),
		fingerprinttest.WithFeedbackQuota(2, 0), fingerprinttest.WithEvents(browser, mobile))
	c := newClient(t, srv)
	ctx := t.Context()

	if err := c.SubmitEventFeedback(ctx, browser.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)}); err != nil {
		t.Fatalf("c.SubmitEventFeedback: %v", err)
	}
	fb, ok := srv.Feedback(browser.EventID)
	if !ok {
		t.Fatalf("ok is false, want true")
	}
	if !*fb.Feedback.ResetIdentificationConfidenceScore {
		t.Fatalf("*fb.Feedback.ResetIdentificationConfidenceScore is false, want true")
	}

	err := c.SubmitEventFeedback(ctx, mobile.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})
	var apiErr *fingerprint.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("apiErr.StatusCode = %v, want %v", apiErr.StatusCode, http.StatusBadRequest)
	}
	if got, want := apiErr.Code, fingerprint.ErrorCodeRequestCannotBeParsed; !reflect.DeepEqual(got, want) {
		t.Fatalf("apiErr.Code = %v, want %v", got, want)
	}

	// The quota (2 per hour here) is spent: the next call is refused for an hour, longer
	// than the client waits, so it returns the 429 at once.
	err = c.SubmitEventFeedback(ctx, browser.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(false)})
	if !errors.Is(err, fingerprint.ErrRateLimited) {
		t.Fatalf("error = %v, want errors.Is fingerprint.ErrRateLimited", err)
	}
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v (%T), want errors.As %T", err, err, &apiErr)
	}
	if apiErr.RetryAfter != time.Hour {
		t.Fatalf("apiErr.RetryAfter = %v, want %v", apiErr.RetryAfter, time.Hour)
	}
	if got, want := statuses(srv, fingerprinttest.OpSubmitEventFeedback), []int{202, 400, 429}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses(srv, fingerprinttest.OpSubmitEventFeedback) = %v, want %v", got, want)
	}
	fb, _ = srv.Feedback(browser.EventID)
	if got := fb.Count; got != 1 {
		t.Fatalf("fb.Count = %v, want %v", got, 1)
	}
	if !*fb.Feedback.ResetIdentificationConfidenceScore {
		t.Fatalf("the refused submission changed nothing: *fb.Feedback.ResetIdentificationConfidenceScore is false, want true")
	}
}
