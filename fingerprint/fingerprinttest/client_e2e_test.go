package fingerprinttest_test

// End-to-end tests: fingerprint.Client against the in-memory server, over real HTTP.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/stretchr/testify/require"
)

func newClient(t *testing.T, srv *fingerprinttest.Server, opts ...fingerprint.Option) *fingerprint.Client {
	t.Helper()
	c, err := fingerprint.NewClient(srv.APIKey(), append([]fingerprint.Option{fingerprint.WithBaseURL(srv.URL())}, opts...)...)
	require.NoError(t, err)
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
	require.NoError(t, err)
	want, _ := json.Marshal(full)
	got, _ := json.Marshal(ev)
	require.JSONEq(t, string(want), string(got))

	_, err = c.GetEvent(t.Context(), "1700000000000.nope00", nil)
	require.ErrorIs(t, err, fingerprint.ErrNotFound)
	var apiErr *fingerprint.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, fingerprint.ErrorCodeEventNotFound, apiErr.Code)
	require.Equal(t, []int{200, 404}, statuses(srv, fingerprinttest.OpGetEvent), "a 404 is not retried")
}

func TestClientWrongKey(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	c, err := fingerprint.NewClient("sk_wrong_but_plausible", fingerprint.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, err = c.SearchEvents(t.Context(), nil)
	require.ErrorIs(t, err, fingerprint.ErrUnauthorized)
	var apiErr *fingerprint.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, fingerprint.ErrorCodeSecretAPIKeyNotFound, apiErr.Code)
	require.NotContains(t, err.Error(), "sk_wrong_but_plausible")
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
			require.NotEmpty(t, want, "the seed must exercise the filter")
			var got []string
			p := tc.params
			p.Limit = 100
			for ev, err := range c.SearchEventsIter(t.Context(), &p) {
				require.NoError(t, err)
				got = append(got, ev.EventID)
			}
			slices.Sort(want)
			slices.Sort(got)
			require.Equal(t, want, got)
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
			require.NoError(t, err)
			require.False(t, seen[ev.EventID], "duplicate %s", ev.EventID)
			seen[ev.EventID] = true
			require.NotEqual(t, fingerprint.EventSourceEdge, fingerprint.EventSource(ptrVal(ev.Source)))
			if prev != nil {
				if reverse {
					require.GreaterOrEqual(t, ev.Timestamp, prev.Timestamp)
				} else {
					require.LessOrEqual(t, ev.Timestamp, prev.Timestamp)
				}
			}
			prev = ev
		}
		require.Len(t, seen, 1234, "every device event, none missed")
		require.Equal(t, 13, len(statuses(srv, fingerprinttest.OpSearchEvents)), "13 pages of up to 100")
	}

	// Breaking out early stops paging.
	srv.ResetRequests()
	n := 0
	for _, err := range c.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{Limit: 10}) {
		require.NoError(t, err)
		if n++; n == 15 {
			break
		}
	}
	require.Len(t, statuses(srv, fingerprinttest.OpSearchEvents), 2)

	page, err := c.SearchEvents(t.Context(), &fingerprint.SearchEventsParams{TotalHits: 1000, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, int64(1000), *page.TotalHits)
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
	require.NoError(t, c.UpdateEvent(ctx, target.EventID, fingerprint.EventUpdate{
		LinkedID: fingerprint.Ptr("case-42"), Suspect: fingerprint.Ptr(true), Tags: (*map[string]any)(&tags),
	}))
	ev, err := c.GetEvent(ctx, target.EventID, nil)
	require.NoError(t, err)
	require.Equal(t, "case-42", *ev.LinkedID)
	require.True(t, *ev.Suspect)
	require.Equal(t, true, (*ev.Tags)["reviewed"])
	found, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Suspect: fingerprint.Ptr(true)})
	require.NoError(t, err)
	require.Len(t, found.Events, 1)
	require.Equal(t, target.EventID, found.Events[0].EventID)
	require.ErrorIs(t, c.UpdateEvent(ctx, "1700000000000.nope00", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(false)}), fingerprint.ErrNotFound)

	visitor := target.Identification.VisitorID
	require.NoError(t, c.DeleteVisitorData(ctx, visitor))
	_, err = c.GetEvent(ctx, target.EventID, nil)
	require.ErrorIs(t, err, fingerprint.ErrNotFound)
	_, err = c.SearchEvents(ctx, &fingerprint.SearchEventsParams{VisitorID: visitor})
	require.ErrorIs(t, err, fingerprint.ErrNotFound, "search by a deleted visitor is visitor_not_found")
	err = c.DeleteVisitorData(ctx, visitor)
	var apiErr *fingerprint.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, fingerprint.ErrorCodeVisitorNotFound, apiErr.Code)

	res, err := c.AnalyzeRequest(ctx, &fingerprint.EdgeRequest{
		Headers:     []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0 (compatible; Googlebot/2.1)"}, {Name: "Cookie", Value: ""}},
		Method:      "GET",
		URL:         "https://shop.example.com/",
		IPv4Address: fingerprint.Ptr("203.0.113.5"),
	})
	require.NoError(t, err)
	require.Equal(t, "Googlebot", res.BotInfo.Name)
	edge, err := c.GetEvent(ctx, res.EventID, nil)
	require.NoError(t, err)
	require.Equal(t, fingerprint.EventSourceEdge, *edge.Source)
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Source: []fingerprint.EventSource{fingerprint.EventSourceEdge}})
	require.NoError(t, err)
	require.Len(t, page.Events, 1)

	noDelete := fingerprinttest.NewServer(t, fingerprinttest.WithoutDeleteAPI())
	err = newClient(t, noDelete).DeleteVisitorData(ctx, visitor)
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, fingerprint.ErrorCodeFeatureNotEnabled, apiErr.Code)
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
			require.NoError(t, srv.FailNext(tc.times, tc.fault))
			ev, err := newClient(t, srv).GetEvent(t.Context(), id, nil)
			require.NoError(t, err)
			require.Equal(t, id, ev.EventID)
			require.Equal(t, tc.want, statuses(srv, fingerprinttest.OpGetEvent))
		})
	}
}

func TestClientGivesUpWithTheLastError(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	require.NoError(t, srv.FailNext(3, fingerprinttest.ServiceUnavailableHTML()))
	_, err := newClient(t, srv, fingerprint.WithMaxRetries(2)).SearchEvents(t.Context(), nil)
	var apiErr *fingerprint.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	require.Contains(t, string(apiErr.Body), "503 Service Temporarily Unavailable", "a non-JSON body survives")
	require.Equal(t, []int{503, 503, 503}, statuses(srv, fingerprinttest.OpSearchEvents))
}

func TestClientRetriesStateNotReady(t *testing.T) {
	ev := fingerprinttest.NewGenerator(2).Event()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(ev))
	require.NoError(t, srv.FailNext(1, fingerprinttest.StateNotReady()))
	require.NoError(t, newClient(t, srv).UpdateEvent(t.Context(), ev.EventID, fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)}))
	require.Equal(t, []int{409, 200}, statuses(srv, fingerprinttest.OpUpdateEvent))
	stored, _ := srv.Event(ev.EventID)
	require.True(t, *stored.Suspect)
}

func TestClientDoesNotRetryEdgeServerErrors(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	c := newClient(t, srv)
	req := &fingerprint.EdgeRequest{
		Headers: []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		Method:  "GET", URL: "https://a.example/", IPv4Address: fingerprint.Ptr("192.0.2.1"),
	}
	require.NoError(t, srv.FailNext(1, fingerprinttest.InternalError()))
	_, err := c.AnalyzeRequest(t.Context(), req)
	require.Error(t, err)
	require.Equal(t, []int{500}, statuses(srv, fingerprinttest.OpAnalyzeRequest), "each call creates an event: no blind retry")

	require.NoError(t, srv.FailNext(1, fingerprinttest.TooManyRequests("0")))
	_, err = c.AnalyzeRequest(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, []int{500, 429, 200}, statuses(srv, fingerprinttest.OpAnalyzeRequest))
}

func TestClientTimesOutOnASlowServer(t *testing.T) {
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithLatency(2*time.Second))
	c := newClient(t, srv, fingerprint.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.SearchEvents(ctx, nil)
	require.Error(t, err)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	require.Less(t, time.Since(start), time.Second)
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

	require.NoError(t, c.SubmitEventFeedback(ctx, browser.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)}))
	fb, ok := srv.Feedback(browser.EventID)
	require.True(t, ok)
	require.True(t, *fb.Feedback.ResetIdentificationConfidenceScore)

	err := c.SubmitEventFeedback(ctx, mobile.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})
	var apiErr *fingerprint.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	require.Equal(t, fingerprint.ErrorCodeRequestCannotBeParsed, apiErr.Code)

	// The quota (2 per hour here) is spent: the next call is refused for an hour, longer
	// than the client waits, so it returns the 429 at once.
	err = c.SubmitEventFeedback(ctx, browser.EventID, fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(false)})
	require.ErrorIs(t, err, fingerprint.ErrRateLimited)
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, time.Hour, apiErr.RetryAfter)
	require.Equal(t, []int{202, 400, 429}, statuses(srv, fingerprinttest.OpSubmitEventFeedback))
	fb, _ = srv.Feedback(browser.EventID)
	require.Equal(t, 1, fb.Count)
	require.True(t, *fb.Feedback.ResetIdentificationConfidenceScore, "the refused submission changed nothing")
}
