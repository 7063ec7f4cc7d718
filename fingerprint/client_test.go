package fingerprint

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOperationsRequestShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respondOK(w, r, true) })
	ctx := t.Context()
	c := h.client

	ev, err := c.GetEvent(ctx, "1708102555327.NLOjmg", &GetEventOptions{RulesetID: "rs_1"})
	if err != nil || ev.EventID != "1708102555327.NLOjmg" || ev.Timestamp != 1708102555327 {
		t.Fatalf("GetEvent = %+v, %v", ev, err)
	}
	res, err := c.SearchEvents(ctx, &SearchEventsParams{VisitorID: "v1", Limit: 5})
	if err != nil || len(res.Events) != 1 || deref(res.PaginationKey) != "pk1" {
		t.Fatalf("SearchEvents = %+v, %v", res, err)
	}
	if err := c.UpdateEvent(ctx, "e1", EventUpdate{Suspect: Ptr(false), LinkedID: Ptr("u-1")}); err != nil {
		t.Fatalf("UpdateEvent: %v", err)
	}
	if err := c.DeleteVisitorData(ctx, "vis1"); err != nil {
		t.Fatalf("DeleteVisitorData: %v", err)
	}
	edge, err := c.AnalyzeRequest(ctx, &EdgeRequest{
		Headers: []EdgeRequestHeader{{Name: "User-Agent", Value: "curl/8"}, {Name: "Cookie", Value: ""}},
		Method:  "get", URL: "https://shop.example/cart?x=1", IPv4Address: Ptr("203.0.113.7"),
	})
	if err != nil || edge.EventID != "e1" {
		t.Fatalf("AnalyzeRequest = %+v, %v", edge, err)
	}

	reqs := h.requests()
	want := []struct{ method, path, query string }{
		{"GET", "/events/1708102555327.NLOjmg", "ruleset_id=rs_1&ii=fingerprint-go%2F" + Version},
		{"GET", "/events", "limit=5&visitor_id=v1&ii=fingerprint-go%2F" + Version},
		{"PATCH", "/events/e1", "ii=fingerprint-go%2F" + Version},
		{"DELETE", "/visitors/vis1", "ii=fingerprint-go%2F" + Version},
		{"POST", "/edge", "ii=fingerprint-go%2F" + Version},
	}
	if len(reqs) != len(want) {
		t.Fatalf("got %d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Method != w.method || r.Path != w.path || r.RawQuery != w.query {
			t.Errorf("request %d = %s %s?%s, want %s %s?%s", i, r.Method, r.Path, r.RawQuery, w.method, w.path, w.query)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
			t.Errorf("request %d Authorization = %q", i, got)
		}
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "fingerprint-go/"+Version+" (go") {
			t.Errorf("request %d User-Agent = %q", i, ua)
		}
	}
	var patch map[string]any
	if err := json.Unmarshal(reqs[2].Body, &patch); err != nil {
		t.Fatal(err)
	}
	if len(patch) != 2 || patch["suspect"] != false || patch["linked_id"] != "u-1" {
		t.Errorf("PATCH body = %s, want suspect:false and linked_id only", reqs[2].Body)
	}
	if ct := reqs[2].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("PATCH Content-Type = %q", ct)
	}
	var edgeBody map[string]any
	if err := json.Unmarshal(reqs[4].Body, &edgeBody); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"headers", "method", "url", "ipv4_address"} {
		if _, ok := edgeBody[k]; !ok {
			t.Errorf("edge body lacks %q: %s", k, reqs[4].Body)
		}
	}
	if len(edgeBody) != 4 {
		t.Errorf("edge body has unset optional fields: %s", reqs[4].Body)
	}
	if ct := reqs[4].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("POST Content-Type = %q", ct)
	}
}

func TestPathParametersAreEscaped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, minimalEvent) })
	cases := []struct{ id, wantPath string }{
		{"../x", "/events/..%2Fx"},
		{"../../visitors/v1", "/events/..%2F..%2Fvisitors%2Fv1"},
		{"a/b", "/events/a%2Fb"},
		{"a?b=c", "/events/a%3Fb=c"},
		{"a#frag", "/events/a%23frag"},
		{"a b", "/events/a%20b"},
		{"%2F", "/events/%252F"},
		{"...", "/events/..."},
	}
	for _, tc := range cases {
		if _, err := h.client.GetEvent(t.Context(), tc.id, nil); err != nil {
			t.Fatalf("GetEvent(%q): %v", tc.id, err)
		}
	}
	reqs := h.requests()
	for i, tc := range cases {
		if reqs[i].Path != tc.wantPath {
			t.Errorf("GetEvent(%q) path = %s, want %s", tc.id, reqs[i].Path, tc.wantPath)
		}
		if q, _ := url.ParseQuery(reqs[i].RawQuery); len(q) != 1 || q.Get("ii") == "" {
			t.Errorf("GetEvent(%q) query = %q, want only ii", tc.id, reqs[i].RawQuery)
		}
	}
	if err := h.client.DeleteVisitorData(t.Context(), "../events/x"); err != nil {
		t.Fatal(err)
	}
	if got := h.requests()[len(cases)].Path; got != "/visitors/..%2Fevents%2Fx" {
		t.Errorf("DeleteVisitorData path = %s", got)
	}
	if err := h.client.SubmitEventFeedback(t.Context(), "../visitors/x", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if got := h.requests()[len(cases)+1].Path; got != "/events/..%2Fvisitors%2Fx/feedback" {
		t.Errorf("SubmitEventFeedback path = %s", got)
	}
}

func TestBaseURLPrefixIsKept(t *testing.T) {
	t.Parallel()
	var paths []string
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		respond(w, 200, `{"events":[]}`)
	})
	for _, base := range []string{h.srv.URL + "/v4", h.srv.URL + "/v4/"} {
		c, err := NewClient(testKey, WithBaseURL(base))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.SearchEvents(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(paths) != 2 || paths[0] != "/v4/events" || paths[1] != "/v4/events" {
		t.Errorf("paths = %v, want /v4/events twice", paths)
	}
}

func TestInputValidatedBeforeNetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, minimalEvent) })
	c, ctx := h.client, t.Context()
	okEdge := func() *EdgeRequest {
		return &EdgeRequest{Headers: []EdgeRequestHeader{{Name: "Host", Value: "x"}}, Method: "GET",
			URL: "https://example.com/", IPv4Address: Ptr("192.0.2.1")}
	}
	edgeWith := func(f func(*EdgeRequest)) *EdgeRequest { r := okEdge(); f(r); return r }
	cases := []struct {
		name  string
		field string
		call  func() error
	}{
		{"empty event ID", "eventID", func() error { _, err := c.GetEvent(ctx, "", nil); return err }},
		{"blank event ID", "eventID", func() error { _, err := c.GetEvent(ctx, " \t", nil); return err }},
		{"dot-dot event ID", "eventID", func() error { _, err := c.GetEvent(ctx, "..", nil); return err }},
		{"dot event ID", "eventID", func() error { _, err := c.GetEvent(ctx, ".", nil); return err }},
		{"blank ruleset", "RulesetID", func() error { _, err := c.GetEvent(ctx, "e", &GetEventOptions{RulesetID: " "}); return err }},
		{"update empty ID", "eventID", func() error { return c.UpdateEvent(ctx, "", EventUpdate{Suspect: Ptr(true)}) }},
		{"update nothing", "update", func() error { return c.UpdateEvent(ctx, "e", EventUpdate{}) }},
		{"update nil tags only", "update", func() error {
			var m map[string]any
			return c.UpdateEvent(ctx, "e", EventUpdate{Tags: &m})
		}},
		{"delete blank ID", "visitorID", func() error { return c.DeleteVisitorData(ctx, "  ") }},
		{"limit 0 is unset but 101", "Limit", func() error { _, err := c.SearchEvents(ctx, &SearchEventsParams{Limit: 101}); return err }},
		{"limit negative", "Limit", func() error { _, err := c.SearchEvents(ctx, &SearchEventsParams{Limit: -1}); return err }},
		{"total hits 1001", "TotalHits", func() error { _, err := c.SearchEvents(ctx, &SearchEventsParams{TotalHits: 1001}); return err }},
		{"two sources", "Source", func() error {
			_, err := c.SearchEvents(ctx, &SearchEventsParams{Source: []EventSource{"edge", "edge"}})
			return err
		}},
		{"edge nil", "req", func() error { _, err := c.AnalyzeRequest(ctx, nil); return err }},
		{"edge no IP", "IPv4Address", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.IPv4Address = nil }))
			return err
		}},
		{"edge empty IP strings", "IPv4Address", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.IPv4Address, r.IPv6Address = Ptr(""), Ptr("") }))
			return err
		}},
		{"edge bad IPv4", "IPv4Address", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.IPv4Address = Ptr("::1") }))
			return err
		}},
		{"edge bad IPv6", "IPv6Address", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.IPv6Address = Ptr("1.2.3.4.5") }))
			return err
		}},
		{"edge no headers", "Headers", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.Headers = nil }))
			return err
		}},
		{"edge empty header name", "Headers[0].Name", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.Headers[0].Name = "" }))
			return err
		}},
		{"edge no method", "Method", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.Method = "" }))
			return err
		}},
		{"edge relative URL", "URL", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.URL = "/cart" }))
			return err
		}},
		{"edge ftp URL", "URL", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.URL = "ftp://example.com/" }))
			return err
		}},
		{"edge URL with fragment", "URL", func() error {
			_, err := c.AnalyzeRequest(ctx, edgeWith(func(r *EdgeRequest) { r.URL = "https://example.com/#x" }))
			return err
		}},
	}
	for _, tc := range cases {
		err := tc.call()
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v, want *ValidationError for %q", tc.name, err, tc.field)
		}
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("%d requests reached the server, want 0", n)
	}
	// Valid edge variants pass validation (IPv6 only, IPv4-mapped IPv6).
	for _, r := range []*EdgeRequest{
		edgeWith(func(r *EdgeRequest) { r.IPv4Address, r.IPv6Address = nil, Ptr("2001:db8::1") }),
		edgeWith(func(r *EdgeRequest) { r.IPv6Address = Ptr("::ffff:192.0.2.1") }),
	} {
		if err := validateEdgeRequest(r); err != nil {
			t.Errorf("validateEdgeRequest(%+v) = %v", r, err)
		}
	}
}

func TestNilTagsAreNotSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		respond(w, 200, `{"event_id":"e","timestamp":1,"ip_info":{}}`)
	})
	var nilTags Tags
	_, err := h.client.AnalyzeRequest(t.Context(), &EdgeRequest{Headers: []EdgeRequestHeader{{Name: "A", Value: ""}},
		Method: "GET", URL: "http://a.example/", IPv6Address: Ptr("2001:db8::2"), Tags: &nilTags})
	if err != nil {
		t.Fatal(err)
	}
	var nilMap map[string]any
	if err := h.client.UpdateEvent(t.Context(), "e", EventUpdate{Tags: &nilMap, Suspect: Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.requests() {
		if strings.Contains(string(r.Body), "tags") || strings.Contains(string(r.Body), "null") {
			t.Errorf("%s body = %s, want no tags/null", r.Method, r.Body)
		}
	}
}

func TestContextCanceledBeforeSend(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, minimalEvent) })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := h.client.GetEvent(ctx, "e", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(h.requests()) != 0 {
		t.Error("request sent with a canceled context")
	}
}

func TestZeroClientFailsClearly(t *testing.T) {
	t.Parallel()
	var c Client
	if _, err := c.GetEvent(t.Context(), "e1", nil); err == nil || !strings.Contains(err.Error(), "NewClient") {
		t.Errorf("zero Client: err = %v", err)
	}
	var nilClient *Client
	if err := nilClient.DeleteVisitorData(t.Context(), "v"); err == nil || !strings.Contains(err.Error(), "NewClient") {
		t.Errorf("nil Client: err = %v", err)
	}
}
