package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/gen"
)

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-seed", "30", "-key", "k123"}, w, io.Discard)
		w.Close()
	}()

	var baseURL, key string
	sc := bufio.NewScanner(out)
	for sc.Scan() && (baseURL == "" || key == "") {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "base URL:"); ok {
			baseURL = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "API key:"); ok {
			key = strings.TrimSpace(v)
		}
	}
	if key != "k123" {
		t.Fatalf("key = %q, want %q", key, "k123")
	}
	if !strings.HasSuffix(baseURL, "/v4") {
		t.Fatalf("%v: strings.HasSuffix(baseURL, \"/v4\") is false, want true", baseURL)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	req, err := http.NewRequestWithContext(t.Context(), "GET", baseURL+"/events?limit=100", nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	var page struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatalf("json.NewDecoder(res.Body).Decode(&page): %v", err)
	}
	res.Body.Close()
	if got := len(page.Events); got != 30 {
		t.Fatalf("the seeded device events: len(page.Events) = %d, want %d", got, 30)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if res, err := http.DefaultClient.Do(req.Clone(t.Context())); err == nil {
		res.Body.Close()
		t.Fatal("the server still answers after run returned")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// Scripts find the server through stdout: when the base URL and key cannot be written
// there, run fails instead of serving a server nobody can find.
func TestRunFailsWhenStdoutFails(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // run would return nil right after the banner
	err := run(ctx, []string{"-seed", "1"}, failingWriter{}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error = %v, want it to contain %q", err, "disk full")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"not":"an array"}`), 0o600); err != nil {
		t.Fatalf("os.WriteFile(bad, []byte(`{\"not\":\"an array\"}`), 0o600): %v", err)
	}
	for _, args := range [][]string{{"-seed", "-1"}, {"-nope"}, {"extra"}, {"-key", ""},
		{"-rate-limit", "-1"}, {"-rate-limit", "NaN"}, {"-rate-limit", "nan", "-burst", "2"}, {"-rate-limit", "Inf"}, {"-rate-limit", "+Inf"}, {"-burst", "3"}, {"-rate-limit", "2", "-burst", "-1"},
		{"-delete-quota-hour", "-1"}, {"-delete-quota-day", "-5"}, {"-update-delay", "-1s"},
		{"-events", filepath.Join(t.TempDir(), "missing.json")}, {"-events", bad}} {
		if err := run(t.Context(), args, io.Discard, io.Discard); err == nil {
			t.Fatalf("%v: run(t.Context(), args, io.Discard, io.Discard): got nil error, want an error", args)
		}
	}
}

// start runs the command with args and returns its base URL and key; it stops with the
// test.
func start(t *testing.T, args ...string) (baseURL, key string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-seed", "5"}, args...), w, io.Discard)
		w.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("<-done: %v", err)
		}
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() && (baseURL == "" || key == "") {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "base URL:"); ok {
			baseURL = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "API key:"); ok {
			key = strings.TrimSpace(v)
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if len(baseURL) == 0 {
		t.Fatalf("baseURL is empty")
	}
	return baseURL, key
}

// reply is what get returns: the status and headers, the body already read and closed.
type reply struct {
	status int
	header http.Header
}

func get(t *testing.T, method, url, key string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return reply{status: res.StatusCode, header: res.Header}
}

func TestRateLimitFlags(t *testing.T) {
	base, key := start(t, "-rate-limit", "0.01", "-burst", "2")
	if got := get(t, "GET", base+"/events", key).status; got != http.StatusOK {
		t.Fatalf("get(t, \"GET\", base+\"/events\", key).status = %v, want %v", got, http.StatusOK)
	}
	if got := get(t, "GET", base+"/events", key).status; got != http.StatusOK {
		t.Fatalf("get(t, \"GET\", base+\"/events\", key).status = %v, want %v", got, http.StatusOK)
	}
	res := get(t, "GET", base+"/events", key)
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("res.status = %v, want %v", res.status, http.StatusTooManyRequests)
	}
	secs, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if secs <= 90 {
		t.Fatalf("a token every 100 s: secs = %v, want > %v", secs, 90)
	}
	if secs > 100 {
		t.Fatalf("secs = %v, want <= %v", secs, 100)
	}
}

func TestDeleteQuotaFlags(t *testing.T) {
	base, key := start(t, "-delete-quota-hour", "2", "-delete-quota-day", "500")
	for range 2 {
		if got := get(t, "DELETE", base+"/visitors/nobody", key).status; got != http.StatusNotFound {
			t.Fatalf("get(t, \"DELETE\", base+\"/visitors/nobody\", key).status = %v, want %v", got, http.StatusNotFound)
		}
	}
	res := get(t, "DELETE", base+"/visitors/nobody", key)
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("res.status = %v, want %v", res.status, http.StatusTooManyRequests)
	}
	secs, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if secs <= 3000 {
		t.Fatalf("the hour frees up about an hour after the first delete: secs = %v, want > %v", secs, 3000)
	}
	if secs > 3600 {
		t.Fatalf("secs = %v, want <= %v", secs, 3600)
	}
	if got := get(t, "GET", base+"/events", key).status; got != http.StatusOK {
		t.Fatalf("other operations are not limited: get(t, \"GET\", base+\"/events\", key).status = %v, want %v", got, http.StatusOK)
	}
}

func TestEventsFileAndRuleset(t *testing.T) {
	old := gen.Event{EventID: "1700000000000.fixtur", Timestamp: time.Now().AddDate(0, -2, 0).UnixMilli(), Bot: ptr(gen.BotResultBad)}
	b, err := json.Marshal([]gen.Event{old})
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	file := filepath.Join(t.TempDir(), "events.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatalf("os.WriteFile(file, b, 0o600): %v", err)
	}
	base, key := start(t, "-events", file, "-ruleset", "rs_x")

	req, _ := http.NewRequestWithContext(t.Context(), "GET", base+"/events/"+old.EventID+"?ruleset_id=rs_x", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("res.StatusCode = %v, want %v", res.StatusCode, http.StatusOK)
	}
	var ev gen.Event
	if err := json.NewDecoder(res.Body).Decode(&ev); err != nil {
		t.Fatalf("json.NewDecoder(res.Body).Decode(&ev): %v", err)
	}
	if ev.RuleAction == nil {
		t.Fatalf("ev.RuleAction is nil")
	}
	kind, err := ev.RuleAction.Discriminator()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if kind != "block" {
		t.Fatalf("a bad bot is blocked by the demo ruleset: kind = %q, want %q", kind, "block")
	}
	if got := get(t, "GET", base+"/events/"+old.EventID+"?ruleset_id=rs_demo", key).status; got != http.StatusBadRequest {
		t.Fatalf("only the named ruleset exists: get = %v, want %v", got, http.StatusBadRequest)
	}
}

// TestEventsFileIsBounded: -events /dev/zero is refused after 64 MiB instead of being
// read without end (issue 17 item 9).
func TestEventsFileIsBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero on this system")
	}
	err := run(t.Context(), []string{"-seed", "0", "-events", "/dev/zero"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("error = %v, want it to contain %q", err, "larger than 64 MiB")
	}
}

// TestRateLimitMustBeFinite: NaN passed every check as "no limit" (issue 17).
func TestRateLimitMustBeFinite(t *testing.T) {
	for _, v := range []string{"NaN", "Inf", "-Inf", "-0.5"} {
		err := run(t.Context(), []string{"-rate-limit", v}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-rate-limit must be a finite number") {
			t.Fatalf("%v: error = %v, want it to contain %q", v, err, "-rate-limit must be a finite number")
		}
	}
}
