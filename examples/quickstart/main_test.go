package main

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestOfflineWalkthrough(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out, env(nil)); err != nil {
		t.Fatalf("run(t.Context(), &out, env(nil)): %v", err)
	}
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
		if !strings.Contains(got, want) {
			t.Fatalf("got = %q, want it to contain %q", got, want)
		}
	}
	// The search lists exactly five events.
	if n := len((regexp.MustCompile(`(?m)^   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  visitor `).FindAllString(got, -1))); n != 5 {
		t.Fatalf("len(value) = %d, want %d", n, 5)
	}
	// The webhook handler received the event that was sent.
	m := regexp.MustCompile(`unsealed event (\S+) .*\n(?s:.*)handler received event (\S+)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("%v: m is nil", got)
	}
	if got, want := m[2], m[1]; !reflect.DeepEqual(got, want) {
		t.Fatalf("m[2] = %v, want %v", got, want)
	}
}

func TestLiveModeIsReadOnly(t *testing.T) {
	g := fingerprinttest.NewGenerator(1)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(g.EventAt(time.Now().Add(-time.Hour)), g.EventAt(time.Now().Add(-48*time.Hour))))
	var out strings.Builder
	if err := run(t.Context(), &out, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": srv.APIKey(),
		"FINGERPRINT_BASE_URL":       srv.URL(),
	})); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	if !strings.Contains(got, "live, read-only") {
		t.Fatalf("got = %q, want it to contain %q", got, "live, read-only")
	}
	if !strings.Contains(got, "1. Search: events of the last 24 hours") {
		t.Fatalf("got = %q, want it to contain %q", got, "1. Search: events of the last 24 hours")
	}
	if !strings.Contains(got, "2. Get event ") {
		t.Fatalf("got = %q, want it to contain %q", got, "2. Get event ")
	}
	if have := strings.Count(got, "  visitor "); have != 1 {
		t.Fatalf("only the event of the last 24 hours is listed: strings.Count(got, \"  visitor \") = %v, want %v", have, 1)
	}
	if strings.Contains(got, srv.APIKey()) {
		t.Fatalf("got = %q, must not contain %q", got, srv.APIKey())
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatalf("reqs is empty")
	}
	for _, r := range reqs {
		if r.Method != http.MethodGet {
			t.Fatalf("live mode never changes data: r.Method = %v, want %v", r.Method, http.MethodGet)
		}
		if r.Status != http.StatusOK {
			t.Fatalf("r.Status = %v, want %v", r.Status, http.StatusOK)
		}
	}
	if len(reqs[0].Query.Get("start")) == 0 {
		t.Fatalf("the search is limited to the last 24 hours: reqs[0].Query.Get(\"start\") is empty")
	}
}

func TestLiveModeWithoutEvents(t *testing.T) {
	srv := fingerprinttest.NewServer(t)
	var out strings.Builder
	if err := run(t.Context(), &out, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": srv.APIKey(),
		"FINGERPRINT_BASE_URL":       srv.URL(),
	})); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "no events in the last 24 hours") {
		t.Fatalf("out.String() = %q, want it to contain %q", out.String(), "no events in the last 24 hours")
	}
}

func TestLiveModeErrors(t *testing.T) {
	err := run(t.Context(), &strings.Builder{}, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": "sk_test",
		"FINGERPRINT_REGION":         "mars",
	}))
	if err == nil {
		t.Fatalf("an unknown region fails before any request: err: got nil error, want an error")
	}

	srv := fingerprinttest.NewServer(t)
	err = run(t.Context(), &strings.Builder{}, env(map[string]string{
		"FINGERPRINT_SECRET_API_KEY": "sk_wrong_key",
		"FINGERPRINT_BASE_URL":       srv.URL(),
	}))
	if err == nil || !strings.Contains(err.Error(), "secret_api_key_not_found") {
		t.Fatalf("error = %v, want it to contain %q", err, "secret_api_key_not_found")
	}
	if strings.Contains(err.Error(), "sk_wrong_key") {
		t.Fatalf("err.Error() = %q, must not contain %q", err.Error(), "sk_wrong_key")
	}
}
