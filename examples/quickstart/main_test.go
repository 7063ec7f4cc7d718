package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestOfflineWalkthrough(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out, env(nil)))
	got := out.String()

	for _, want := range []string{
		"offline: in-memory server",
		"seeded with 125 realistic events",
		"1. Search", "more pages: true",
		"2. Iterate", "bad-bot events from",
		"3. Get one event", "visitor_id ", "smart signals:",
		"4. Update", "search suspect=true now finds 1 event(s)", "linked_id=order-1001", "reviewed_by:fraud-team",
		"5. Delete", "now fails with ErrNotFound", "404 event_not_found",
		"6. Edge", "bot GPTBot by OpenAI", "ip 203.0.113.77", "search source=edge: 6 edge events",
		"7. Unseal", "(matches: true)",
		"8. Receive a signed webhook", "signed delivery: HTTP 200", "forged delivery: HTTP 401",
		"Done.",
	} {
		require.Contains(t, got, want)
	}
	// The search lists exactly five events.
	require.Len(t, regexp.MustCompile(`(?m)^   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  visitor `).FindAllString(got, -1), 5)
	// The webhook handler received the event that was sent.
	m := regexp.MustCompile(`unsealed event (\S+) .*\n(?s:.*)handler received event (\S+)`).FindStringSubmatch(got)
	require.NotNil(t, m, got)
	require.Equal(t, m[1], m[2])
}

func TestLiveModeIsReadOnly(t *testing.T) {
	g := fingerprinttest.NewGenerator(1)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(g.EventAt(time.Now().Add(-time.Hour)), g.EventAt(time.Now().Add(-48*time.Hour))))
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": srv.APIKey(),
		"FINGERPRINT_BASE_URL":       srv.URL(),
	})))
	got := out.String()
	require.Contains(t, got, "live, read-only")
	require.Contains(t, got, "1. Search: events of the last 24 hours")
	require.Contains(t, got, "2. Get event ")
	require.Equal(t, 1, strings.Count(got, "  visitor "), "only the event of the last 24 hours is listed")
	require.NotContains(t, got, srv.APIKey())
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		require.Equal(t, http.MethodGet, r.Method, "live mode never changes data")
		require.Equal(t, http.StatusOK, r.Status)
	}
	require.NotEmpty(t, reqs[0].Query.Get("start"), "the search is limited to the last 24 hours")
}

func TestLiveModeWithoutEvents(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": srv.APIKey(),
		"FINGERPRINT_BASE_URL":       srv.URL(),
	})))
	require.Contains(t, out.String(), "no events in the last 24 hours")
}

func TestLiveModeErrors(t *testing.T) {
	err := run(t.Context(), &strings.Builder{}, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": "sk_test",
		"FINGERPRINT_REGION":         "mars",
	}))
	require.Error(t, err, "an unknown region fails before any request")

	srv := fingerprinttest.NewServer(t)
	err = run(t.Context(), &strings.Builder{}, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": "sk_wrong_key",
		"FINGERPRINT_BASE_URL":       srv.URL(),
	}))
	require.ErrorContains(t, err, "secret_api_key_not_found")
	require.NotContains(t, err.Error(), "sk_wrong_key")
}
