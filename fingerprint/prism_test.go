package fingerprint

import (
	"net/http"
	"os"
	"sync"
	"testing"
)

// violationRecorder collects the sl-violations headers Prism adds to its responses.
type violationRecorder struct {
	mu         sync.Mutex
	violations []string
}

func (v *violationRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		if s := resp.Header.Get("sl-violations"); s != "" {
			v.mu.Lock()
			v.violations = append(v.violations, r.Method+" "+r.URL.String()+": "+s)
			v.mu.Unlock()
		}
	}
	return resp, err
}

// TestContractWithPrism drives every operation through Client against a Prism mock of the
// vendor's published description (../shared/reference/fingerprint-server-api-v4.yaml) and
// fails on any request Prism reports as violating it. CONTRIBUTING.md, "How CI is
// organised", shows how to start Prism.
func TestContractWithPrism(t *testing.T) {
	base := os.Getenv("FINGERPRINT_PRISM_URL")
	if base == "" {
		t.Skip("FINGERPRINT_PRISM_URL is not set: start `prism mock` on the vendor spec and set it (e.g. http://127.0.0.1:4010) to run the contract test")
	}
	rec := &violationRecorder{}
	c, err := NewClient(testKey, WithBaseURL(base), WithMaxRetries(0), WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	// Prove that Prism reports violations and the recorder sees them: an out-of-range limit
	// sent around the client's own validation must be flagged.
	probe, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL()+"/events?limit=1000", nil)
	probe.Header.Set("Authorization", "Bearer "+testKey)
	if resp, err := rec.RoundTrip(probe); err != nil {
		t.Fatalf("Prism at %s is not reachable: %v", base, err)
	} else {
		resp.Body.Close()
	}
	if len(rec.violations) != 1 {
		t.Fatalf("Prism did not report the out-of-range limit (violations: %v); is it mocking the vendor spec?", rec.violations)
	}
	rec.violations = nil

	tags := map[string]any{"order": "o-1"}
	calls := []struct {
		name string
		call func() error
	}{
		{"GetEvent", func() error { _, err := c.GetEvent(ctx, "1708102555327.NLOjmg", nil); return err }},
		{"GetEvent ruleset", func() error {
			_, err := c.GetEvent(ctx, "1708102555327.NLOjmg", &GetEventOptions{RulesetID: "rs_1"})
			return err
		}},
		{"SearchEvents none", func() error { _, err := c.SearchEvents(ctx, nil); return err }},
		{"SearchEvents all parameters", func() error { _, err := c.SearchEvents(ctx, fullParams(t)); return err }},
		{"UpdateEvent", func() error {
			return c.UpdateEvent(ctx, "1708102555327.NLOjmg", EventUpdate{LinkedID: Ptr("l-1"), Tags: &tags, Suspect: Ptr(false)})
		}},
		{"DeleteVisitorData", func() error { return c.DeleteVisitorData(ctx, "Ibk1527CUFmcnjLwIs4A9") }},
		{"SubmitEventFeedback", func() error {
			return c.SubmitEventFeedback(ctx, "1708102555327.NLOjmg", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)})
		}},
		{"AnalyzeRequest", func() error {
			_, err := c.AnalyzeRequest(ctx, &EdgeRequest{
				Headers: []EdgeRequestHeader{{Name: "Host", Value: "shop.example"}, {Name: "Cookie", Value: ""}},
				Method:  "GET", URL: "https://shop.example/cart", IPv4Address: Ptr("203.0.113.7"),
				IPv6Address: Ptr("2001:db8::7"), LinkedID: Ptr("l-1"), Tags: &Tags{"k": "v"},
			})
			return err
		}},
	}
	for _, tc := range calls {
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	for _, v := range rec.violations {
		t.Errorf("violation: %s", v)
	}
}
