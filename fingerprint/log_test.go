package fingerprint

import (
	"bytes"
	"encoding/json"
	"log/slog"
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

func TestRedactURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://a.example/v4/events?limit=1&ii=x":                  "https://a.example/v4/events?limit=1&ii=x",
		"https://user:pw@a.example/v4/events":                       "https://a.example/v4/events",
		"https://a.example/v4/events?api_key=s3cr3t&limit=1":        "https://a.example/v4/events?api_key=REDACTED&limit=1",
		"https://a.example/x?Token=abc&auth%5Fcode=1&secret=&x=1":   "https://a.example/x?Token=REDACTED&auth%5Fcode=REDACTED&secret=REDACTED&x=1",
		"https://a.example/v4/events?pagination_key=opaque&limit=1": "https://a.example/v4/events?pagination_key=REDACTED&limit=1",
	}
	for in, want := range cases {
		u, _ := url.Parse(in)
		if got := redactURL(u); got != want {
			t.Errorf("redactURL(%s) = %s, want %s", in, got, want)
		}
	}
}
