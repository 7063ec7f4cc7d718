package fingerprint

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a slog handler.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDebugLoggingWithoutSecrets(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	handler, _ := sequence(status(503, "", "X-Echo", "Bearer "+testKey), status(200, `{"events":[]}`))
	h := newHarness(t, handler, WithLogger(logger))
	if _, err := h.client.SearchEvents(t.Context(), &SearchEventsParams{VisitorID: "v1", Limit: 3}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, testKey) || strings.Contains(strings.ToLower(out), "authorization") || strings.Contains(out, "Bearer") {
		t.Fatalf("log reveals credentials:\n%s", out)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("got %d log lines, want attempt, retry, attempt:\n%s", len(lines), out)
	}
	first, retry, second := lines[0], lines[1], lines[2]
	if first["level"] != "DEBUG" || first["msg"] != "fingerprint: request" || first["method"] != "GET" ||
		first["path"] != "/events" || first["status"] != float64(503) || first["attempt"] != float64(1) {
		t.Errorf("first attempt log = %v", first)
	}
	if _, ok := first["duration"]; !ok {
		t.Errorf("no duration: %v", first)
	}
	if u, _ := first["url"].(string); !strings.Contains(u, "/events?") || !strings.Contains(u, "visitor_id=v1") {
		t.Errorf("url = %v", first["url"])
	}
	if retry["msg"] != "fingerprint: retrying" || retry["delay"] == nil {
		t.Errorf("retry log = %v", retry)
	}
	if second["status"] != float64(200) || second["attempt"] != float64(2) {
		t.Errorf("second attempt log = %v", second)
	}
}

func TestNoLoggingAboveDebug(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, minimalEvent) }, WithLogger(logger))
	if _, err := h.client.GetEvent(t.Context(), "e1", nil); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "" {
		t.Errorf("logged at Info level: %s", buf.String())
	}
}

func TestLogURL(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, template, want string }{
		{"https://a.example/v4/events?limit=1&ii=x", "/events", "https://a.example/v4/events?limit=1&ii=x"},
		{"https://user:pw@a.example/v4/events", "/events", "https://a.example/v4/events"},
		{"https://a.example/v4/events?api_key=s3cr3t&limit=1", "/events", "https://a.example/v4/events?api_key=%5BREDACTED%5D&limit=1"},
		{"https://a.example/v4/events?pagination_key=opaque&limit=1", "/events", "https://a.example/v4/events?pagination_key=%5BREDACTED%5D&limit=1"},
		{"https://a.example/v4/events?visitor_id=Ibk1527CUFmcnjLwIs4A&ip_address=203.0.113.7&linked_id=alice%40example.com&url=https%3A%2F%2Fshop%2Fu%2Falice&bot=bad&vpn=true&limit=100&start=2026-01-01T00%3A00%3A00Z",
			"/events", "https://a.example/v4/events?visitor_id=Ibk152%E2%80%A6&ip_address=%5BREDACTED%5D&linked_id=%5BREDACTED%5D&url=%5BREDACTED%5D&bot=bad&vpn=true&limit=100&start=2026-01-01T00%3A00%3A00Z"},
		{"https://a.example/v4/events/1708102555327.NLOjmg?ruleset_id=rs_1", "/events/{event_id}", "https://a.example/v4/events/170810%E2%80%A6?ruleset_id=%5BREDACTED%5D"},
		{"https://a.example/v4/events/1708102555327.NLOjmg/feedback", "/events/{event_id}/feedback", "https://a.example/v4/events/170810%E2%80%A6/feedback"},
		{"https://a.example/v4/visitors/Ibk1527CUFmcnjLwIs4A", "/visitors/{visitor_id}", "https://a.example/v4/visitors/Ibk152%E2%80%A6"},
	}
	for _, tc := range cases {
		u, _ := url.Parse(tc.in)
		if got := logURL(u, tc.template); got != tc.want {
			t.Errorf("logURL(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestLogsHoldNoPersonalData: WithLogger wrote full search URLs, so visitor IDs, IP
// addresses, linked IDs and URLs landed in logs (issue 17, gaps). Parameter names stay,
// personal values do not, IDs only shortened; transport errors too.
func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	const visitor, ip, linked, page = "Ibk1527CUFmcnjLwIs4A", "203.0.113.7", "alice@example.com", "https://shop.example/u/alice"
	const event = "1708102555327.NLOjmgZZ"
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, `{"events":[]}`) }, WithLogger(logger))
	if _, err := h.client.SearchEvents(t.Context(), &SearchEventsParams{VisitorID: visitor, IPAddress: ip, LinkedID: linked, URL: page, Limit: 3}); err != nil {
		t.Fatal(err)
	}
	_, _ = h.client.GetEvent(t.Context(), event, nil)
	_ = h.client.DeleteVisitorData(t.Context(), visitor)
	// A transport error: net/http's *url.Error quotes the whole URL.
	down, err := NewClient(testKey, WithBaseURL("http://127.0.0.1:1/v4"), WithLogger(logger), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = down.SearchEvents(t.Context(), &SearchEventsParams{VisitorID: visitor, IPAddress: ip, LinkedID: linked})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	out := buf.String()
	for _, v := range []string{visitor, ip, linked, url.QueryEscape(linked), url.QueryEscape(page), event, "alice"} {
		if strings.Contains(out, v) {
			t.Errorf("log holds %q:\n%s", v, out)
		}
	}
	for _, v := range []string{"visitor_id=Ibk152", "ip_address=", "linked_id=", "url=", "limit=3", "/events/170810", "/visitors/Ibk152", "connect"} {
		if !strings.Contains(out, v) {
			t.Errorf("log lacks %q:\n%s", v, out)
		}
	}
}

// A transport error returned to the caller quotes the URL as a log does: the caller's
// error text often reaches logs and terminals the SDK does not control.
func TestTransportErrorHoldsNoPersonalData(t *testing.T) {
	t.Parallel()
	const visitor, ip, linked = "SecretVisitor123", "1.2.3.4", "user@example.com"
	const event = "1708102555327.NLOjmgZZ"
	down, err := NewClient(testKey, WithBaseURL("http://127.0.0.1:1/v4"), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{}
	_, errs["search"] = down.SearchEvents(t.Context(), &SearchEventsParams{VisitorID: visitor, IPAddress: ip, LinkedID: linked})
	_, errs["get"] = down.GetEvent(t.Context(), event, nil)
	errs["delete"] = down.DeleteVisitorData(t.Context(), visitor)
	for name, err := range errs {
		if err == nil {
			t.Fatalf("%s: no error from a closed port", name)
		}
		msg := err.Error()
		for _, v := range []string{visitor, ip, linked, url.QueryEscape(linked), event} {
			if strings.Contains(msg, v) {
				t.Errorf("%s: error holds %q: %s", name, v, msg)
			}
		}
		var ue *url.Error
		if !errors.As(err, &ue) {
			t.Errorf("%s: *url.Error not reachable: %v", name, err)
		}
		var op *net.OpError
		if !errors.As(err, &op) {
			t.Errorf("%s: *net.OpError not reachable: %v", name, err)
		}
	}
	for _, v := range []string{"visitor_id=Secret", "ip_address=", "linked_id="} {
		if !strings.Contains(errs["search"].Error(), v) {
			t.Errorf("search error lacks %q: %v", v, errs["search"])
		}
	}
	if !strings.Contains(errs["get"].Error(), "/events/170810") {
		t.Errorf("get error lacks the shortened ID: %v", errs["get"])
	}
}
