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
	"github.com/stretchr/testify/require"
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
	require.Equal(t, "k123", key)
	require.True(t, strings.HasSuffix(baseURL, "/v4"), baseURL)
	go func() { _, _ = io.Copy(io.Discard, out) }()

	req, err := http.NewRequestWithContext(t.Context(), "GET", baseURL+"/events?limit=100", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var page struct {
		Events []json.RawMessage `json:"events"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&page))
	res.Body.Close()
	require.Len(t, page.Events, 30, "the seeded device events")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
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
	require.ErrorContains(t, err, "disk full")
}

func TestRunRejectsBadFlags(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"not":"an array"}`), 0o600))
	for _, args := range [][]string{{"-seed", "-1"}, {"-nope"}, {"extra"}, {"-key", ""},
		{"-rate-limit", "-1"}, {"-rate-limit", "NaN"}, {"-rate-limit", "nan", "-burst", "2"}, {"-rate-limit", "Inf"}, {"-rate-limit", "+Inf"}, {"-burst", "3"}, {"-rate-limit", "2", "-burst", "-1"},
		{"-delete-quota-hour", "-1"}, {"-delete-quota-day", "-5"}, {"-update-delay", "-1s"},
		{"-events", filepath.Join(t.TempDir(), "missing.json")}, {"-events", bad}} {
		require.Error(t, run(t.Context(), args, io.Discard, io.Discard), "%v", args)
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
		require.NoError(t, <-done)
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
	require.NotEmpty(t, baseURL)
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
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return reply{status: res.StatusCode, header: res.Header}
}

func TestRateLimitFlags(t *testing.T) {
	base, key := start(t, "-rate-limit", "0.01", "-burst", "2")
	require.Equal(t, http.StatusOK, get(t, "GET", base+"/events", key).status)
	require.Equal(t, http.StatusOK, get(t, "GET", base+"/events", key).status)
	res := get(t, "GET", base+"/events", key)
	require.Equal(t, http.StatusTooManyRequests, res.status)
	secs, err := strconv.Atoi(res.header.Get("Retry-After"))
	require.NoError(t, err)
	require.Greater(t, secs, 90, "a token every 100 s")
	require.LessOrEqual(t, secs, 100)
}

func TestDeleteQuotaFlags(t *testing.T) {
	base, key := start(t, "-delete-quota-hour", "2", "-delete-quota-day", "500")
	for range 2 {
		require.Equal(t, http.StatusNotFound, get(t, "DELETE", base+"/visitors/nobody", key).status)
	}
	res := get(t, "DELETE", base+"/visitors/nobody", key)
	require.Equal(t, http.StatusTooManyRequests, res.status)
	secs, err := strconv.Atoi(res.header.Get("Retry-After"))
	require.NoError(t, err)
	require.Greater(t, secs, 3000, "the hour frees up about an hour after the first delete")
	require.LessOrEqual(t, secs, 3600)
	require.Equal(t, http.StatusOK, get(t, "GET", base+"/events", key).status, "other operations are not limited")
}

func TestEventsFileAndRuleset(t *testing.T) {
	old := gen.Event{EventID: "1700000000000.fixtur", Timestamp: time.Now().AddDate(0, -2, 0).UnixMilli(), Bot: ptr(gen.BotResultBad)}
	b, err := json.Marshal([]gen.Event{old})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "events.json")
	require.NoError(t, os.WriteFile(file, b, 0o600))
	base, key := start(t, "-events", file, "-ruleset", "rs_x")

	req, _ := http.NewRequestWithContext(t.Context(), "GET", base+"/events/"+old.EventID+"?ruleset_id=rs_x", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var ev gen.Event
	require.NoError(t, json.NewDecoder(res.Body).Decode(&ev))
	require.NotNil(t, ev.RuleAction)
	kind, err := ev.RuleAction.Discriminator()
	require.NoError(t, err)
	require.Equal(t, "block", kind, "a bad bot is blocked by the demo ruleset")
	require.Equal(t, http.StatusBadRequest, get(t, "GET", base+"/events/"+old.EventID+"?ruleset_id=rs_demo", key).status,
		"only the named ruleset exists")
}

// TestEventsFileIsBounded: -events /dev/zero is refused after 64 MiB instead of being
// read without end (issue 17 item 9).
func TestEventsFileIsBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero on this system")
	}
	err := run(t.Context(), []string{"-seed", "0", "-events", "/dev/zero"}, io.Discard, io.Discard)
	require.ErrorContains(t, err, "larger than 64 MiB")
}

// TestRateLimitMustBeFinite: NaN passed every check as "no limit" (issue 17).
func TestRateLimitMustBeFinite(t *testing.T) {
	for _, v := range []string{"NaN", "Inf", "-Inf", "-0.5"} {
		err := run(t.Context(), []string{"-rate-limit", v}, io.Discard, io.Discard)
		require.ErrorContains(t, err, "-rate-limit must be a finite number", v)
	}
}
