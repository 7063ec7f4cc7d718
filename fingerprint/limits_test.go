package fingerprint

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLimitsAcceptWhatTheAPIAccepts is the other side of the bad input catalogue: values
// at the documented limits, and every documented form of ip_address, are sent unchanged.
func TestLimitsAcceptWhatTheAPIAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		params SearchEventsParams
		key    string
		want   string
	}{
		{"linked_id of 256 characters", SearchEventsParams{LinkedID: strings.Repeat("x", 256)}, "linked_id", strings.Repeat("x", 256)},
		{"linked_id of 256 two-byte characters", SearchEventsParams{LinkedID: strings.Repeat("é", 256)}, "linked_id", strings.Repeat("é", 256)},
		{"IPv4 address", SearchEventsParams{IPAddress: "61.127.217.15"}, "ip_address", "61.127.217.15"},
		{"IPv4 range", SearchEventsParams{IPAddress: "10.0.0.0/24"}, "ip_address", "10.0.0.0/24"},
		{"IPv4 /32", SearchEventsParams{IPAddress: "192.168.0.1/32"}, "ip_address", "192.168.0.1/32"},
		{"IPv4 range with host bits", SearchEventsParams{IPAddress: "10.0.0.1/24"}, "ip_address", "10.0.0.1/24"},
		{"IPv6 address", SearchEventsParams{IPAddress: "2001:4860:4801:10::1"}, "ip_address", "2001:4860:4801:10::1"},
		{"IPv4-mapped IPv6", SearchEventsParams{IPAddress: "::ffff:34.162.244.71"}, "ip_address", "::ffff:34.162.244.71"},
		{"IPv6 range", SearchEventsParams{IPAddress: "2001:db8::/32"}, "ip_address", "2001:db8::/32"},
		{"high_recall_id of 25 characters", SearchEventsParams{HighRecallID: "0jnGMkPYXX37DqVa4ZIO3f_hr"}, "high_recall_id", "0jnGMkPYXX37DqVa4ZIO3f_hr"},
		{"visitor_id with spaces and unicode", SearchEventsParams{VisitorID: "a b/ü"}, "visitor_id", "a b/ü"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, respondOKHandler)
			if _, err := h.client.SearchEvents(t.Context(), &tc.params); err != nil {
				t.Fatal(err)
			}
			reqs := h.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			q, err := url.ParseQuery(reqs[0].RawQuery)
			if err != nil || q.Get(tc.key) != tc.want {
				t.Errorf("%s = %q (%v), want %q", tc.key, q.Get(tc.key), err, tc.want)
			}
		})
	}
	t.Run("UpdateEvent with a linked_id of 256 characters", func(t *testing.T) {
		h := newHarness(t, respondOKHandler)
		if err := h.client.UpdateEvent(t.Context(), "1708102555327.NLOjmg", EventUpdate{LinkedID: Ptr(strings.Repeat("é", 256))}); err != nil {
			t.Fatal(err)
		}
		if reqs := h.requests(); len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), strings.Repeat("é", 256)) {
			t.Errorf("requests %+v", reqs)
		}
	})
}

func respondOKHandler(w http.ResponseWriter, r *http.Request) { respondOK(w, r, false) }
