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
		{name: "linked_id of 256 characters", params: SearchEventsParams{LinkedID: strings.Repeat("x", 256)}, key: "linked_id", want: strings.Repeat("x", 256)},
		{name: "linked_id of 256 two-byte characters", params: SearchEventsParams{LinkedID: strings.Repeat("é", 256)}, key: "linked_id", want: strings.Repeat("é", 256)},
		{name: "IPv4 address", params: SearchEventsParams{IPAddress: "61.127.217.15"}, key: "ip_address", want: "61.127.217.15"},
		{name: "IPv4 range", params: SearchEventsParams{IPAddress: "10.0.0.0/24"}, key: "ip_address", want: "10.0.0.0/24"},
		{name: "IPv4 /32", params: SearchEventsParams{IPAddress: "192.168.0.1/32"}, key: "ip_address", want: "192.168.0.1/32"},
		{name: "IPv4 range with host bits", params: SearchEventsParams{IPAddress: "10.0.0.1/24"}, key: "ip_address", want: "10.0.0.1/24"},
		{name: "IPv6 address", params: SearchEventsParams{IPAddress: "2001:4860:4801:10::1"}, key: "ip_address", want: "2001:4860:4801:10::1"},
		{name: "IPv4-mapped IPv6", params: SearchEventsParams{IPAddress: "::ffff:34.162.244.71"}, key: "ip_address", want: "::ffff:34.162.244.71"},
		{name: "IPv6 range", params: SearchEventsParams{IPAddress: "2001:db8::/32"}, key: "ip_address", want: "2001:db8::/32"},
		{name: "high_recall_id of 25 characters", params: SearchEventsParams{HighRecallID: "0jnGMkPYXX37DqVa4ZIO3f_hr"}, key: "high_recall_id", want: "0jnGMkPYXX37DqVa4ZIO3f_hr"},
		{name: "visitor_id with spaces and unicode", params: SearchEventsParams{VisitorID: "a b/ü"}, key: "visitor_id", want: "a b/ü"},
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
