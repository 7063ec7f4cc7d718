package fingerprint_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// badInput is one entry of the catalogue: an invalid input, the call that must reject it
// before any network traffic, and what the error says.
type badInput struct {
	name string
	call func(ctx context.Context, c *fingerprint.Client) error
	// want is a substring of the error message.
	want string
	// is, when set, must match with errors.Is.
	is error
	// validation requires a *fingerprint.ValidationError.
	validation bool
	// secret, when set, must not appear in the error message.
	secret string
}

const (
	catalogueKey     = "sk_live_0123456789abcdef"
	catalogueEventID = "1708102555327.NLOjmg"
)

// badValidEdge is a valid edge request; the edge entries each break one field of it.
// The bad* helpers below turn one call into a catalogue entry's call.
func badValidEdge() *fingerprint.EdgeRequest {
	return &fingerprint.EdgeRequest{
		Method:      http.MethodGet,
		URL:         "https://shop.example.com/login",
		Headers:     []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		IPv4Address: fingerprint.Ptr("203.0.113.7"),
	}
}

func badEdgeWith(mod func(r *fingerprint.EdgeRequest)) func(ctx context.Context, c *fingerprint.Client) error {
	return func(ctx context.Context, c *fingerprint.Client) error {
		r := badValidEdge()
		mod(r)
		_, err := c.AnalyzeRequest(ctx, r)
		return err
	}
}

func badSearch(p fingerprint.SearchEventsParams) func(ctx context.Context, c *fingerprint.Client) error {
	return func(ctx context.Context, c *fingerprint.Client) error {
		_, err := c.SearchEvents(ctx, &p)
		return err
	}
}

// badIterate returns the first error SearchEventsIter yields.
func badIterate(p fingerprint.SearchEventsParams) func(ctx context.Context, c *fingerprint.Client) error {
	return func(ctx context.Context, c *fingerprint.Client) error {
		for _, err := range c.SearchEventsIter(ctx, &p) {
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func badNewClient(key string, opts ...fingerprint.Option) func(context.Context, *fingerprint.Client) error {
	return func(context.Context, *fingerprint.Client) error {
		_, err := fingerprint.NewClient(key, opts...)
		return err
	}
}

func badGetEvent(id string, opts *fingerprint.GetEventOptions) func(ctx context.Context, c *fingerprint.Client) error {
	return func(ctx context.Context, c *fingerprint.Client) error {
		_, err := c.GetEvent(ctx, id, opts)
		return err
	}
}

func badInputCatalogue() []badInput {
	key := bytes.Repeat([]byte{7}, 32)
	sealKey := sealed.NewKey(key, sealed.AlgorithmAES256GCM)
	sealedData, err := sealed.Seal([]byte(`{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`), sealKey)
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	nan, inf := math.NaN(), math.Inf(1)
	const webhookSecret = "whsec_do_not_print_me"
	body := []byte(`{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`)
	unseal := func(data []byte, keys ...sealed.Key) func(context.Context, *fingerprint.Client) error {
		return func(context.Context, *fingerprint.Client) error {
			_, err := sealed.Unseal(data, keys, nil)
			return err
		}
	}
	verify := func(header string, secret string) func(context.Context, *fingerprint.Client) error {
		return func(context.Context, *fingerprint.Client) error {
			return webhook.Verify(header, body, secret)
		}
	}
	parseKey := func(s string) func(context.Context, *fingerprint.Client) error {
		return func(context.Context, *fingerprint.Client) error {
			_, err := sealed.ParseKey(s)
			return err
		}
	}
	fromHTTP := func(mod func(r *http.Request)) func(context.Context, *fingerprint.Client) error {
		return func(context.Context, *fingerprint.Client) error {
			r := httptest.NewRequest(http.MethodGet, "https://shop.example.com/login", nil)
			mod(r)
			_, err := edge.RequestFromHTTP(r, nil)
			return err
		}
	}

	return []badInput{
		// Secret API key.
		{name: "key/empty", call: badNewClient(""), want: "secret API key is empty"},
		{name: "key/blank", call: badNewClient("   "), want: "secret API key is empty"},
		{name: "key/inner space", call: badNewClient("sk_live abc123456"), want: "contains spaces, control or non-ASCII", secret: "sk_live abc123456"},
		{name: "key/newline", call: badNewClient("sk_live_abc123456\n"), want: "contains spaces, control or non-ASCII", secret: "sk_live_abc123456"},
		{name: "key/non-ASCII", call: badNewClient("sk_live_äbc123456"), want: "contains spaces, control or non-ASCII", secret: "sk_live_äbc123456"},

		// Options: regions, URLs, timeouts, retries, HTTP client.
		{name: "region/unknown", call: badNewClient(catalogueKey, fingerprint.WithRegion("mars")), want: `unknown region "mars"`},
		{name: "region/empty", call: badNewClient(catalogueKey, fingerprint.WithRegion("")), want: "unknown region"},
		{name: "region/with base URL", call: badNewClient(catalogueKey, fingerprint.WithRegion(fingerprint.RegionEU), fingerprint.WithBaseURL("https://proxy.example.com/v4")), want: "cannot be combined"},
		{name: "url/empty", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("")), want: "invalid base URL: empty"},
		{name: "url/unparsable", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("http://[::1")), want: "invalid base URL: cannot be parsed"},
		{name: "url/relative", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("/v4")), want: "scheme must be http or https"},
		{name: "url/ftp", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("ftp://api.example.com")), want: "scheme must be http or https"},
		{name: "url/no host", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("https:///v4")), want: "missing host"},
		{name: "url/plain http to a remote host", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("http://api.example.com/v4")), want: "uses plain http to api.example.com, which is not a loopback host"},
		{name: "url/plain http to a private address", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("http://10.0.0.7:8080/v4")), want: "WithInsecurePlainHTTP()"},
		{name: "url/user info", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("https://user:pass@api.example.com")), want: "must not contain user info", secret: "pass"},
		{name: "url/query", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("https://api.example.com/v4?x=1")), want: "must not contain a query"},
		{name: "url/fragment", call: badNewClient(catalogueKey, fingerprint.WithBaseURL("https://api.example.com/v4#top")), want: "must not contain a fragment"},
		{name: "timeout/negative", call: badNewClient(catalogueKey, fingerprint.WithTimeout(-time.Second)), want: "negative timeout"},
		{name: "retries/negative", call: badNewClient(catalogueKey, fingerprint.WithMaxRetries(-1)), want: "negative retry count"},
		{name: "http client/nil", call: badNewClient(catalogueKey, fingerprint.WithHTTPClient(nil)), want: "nil *http.Client"},
		{name: "option/nil", call: badNewClient(catalogueKey, nil), want: "nil Option"},

		// Path IDs.
		{name: "GetEvent/empty ID", call: badGetEvent("", nil), want: "invalid eventID: empty or blank", validation: true},
		{name: "GetEvent/blank ID", call: badGetEvent(" \t", nil), want: "invalid eventID: empty or blank", validation: true},
		{name: "GetEvent/dot ID", call: badGetEvent(".", nil), want: `invalid eventID: "." is not a valid ID`, validation: true},
		{name: "GetEvent/dot-dot ID", call: badGetEvent("..", nil), want: `invalid eventID: ".." is not a valid ID`, validation: true},
		{name: "GetEvent/blank ruleset", call: badGetEvent(catalogueEventID, &fingerprint.GetEventOptions{RulesetID: " "}), want: "invalid RulesetID: empty or blank", validation: true},
		{name: "GetEvent/dot-dot ruleset", call: badGetEvent(catalogueEventID, &fingerprint.GetEventOptions{RulesetID: ".."}), want: "invalid RulesetID", validation: true},
		{name: "UpdateEvent/empty ID", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.UpdateEvent(ctx, "", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
		}, want: "invalid eventID: empty or blank", validation: true},
		{name: "UpdateEvent/nothing to update", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.UpdateEvent(ctx, catalogueEventID, fingerprint.EventUpdate{})
		}, want: "nothing to update", validation: true},
		{name: "UpdateEvent/only nil tags", call: func(ctx context.Context, c *fingerprint.Client) error {
			var tags map[string]any
			return c.UpdateEvent(ctx, catalogueEventID, fingerprint.EventUpdate{Tags: &tags})
		}, want: "nothing to update", validation: true},
		{name: "UpdateEvent/tags not JSON", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.UpdateEvent(ctx, catalogueEventID, fingerprint.EventUpdate{Tags: &map[string]any{"f": func() {}}})
		}, want: "cannot be encoded as JSON", validation: true},
		{name: "SubmitEventFeedback/empty ID", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.SubmitEventFeedback(ctx, "", fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})
		}, want: "invalid eventID: empty or blank", validation: true},
		{name: "SubmitEventFeedback/dot-dot ID", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.SubmitEventFeedback(ctx, "..", fingerprint.EventFeedback{ResetIdentificationConfidenceScore: fingerprint.Ptr(true)})
		}, want: `invalid eventID: ".." is not a valid ID`, validation: true},
		{name: "SubmitEventFeedback/no feedback", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.SubmitEventFeedback(ctx, catalogueEventID, fingerprint.EventFeedback{})
		}, want: "invalid fb: no feedback", validation: true},
		{name: "DeleteVisitorData/empty ID", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.DeleteVisitorData(ctx, "")
		}, want: "invalid visitorID: empty or blank", validation: true},
		{name: "DeleteVisitorData/dot-dot ID", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.DeleteVisitorData(ctx, "..")
		}, want: `invalid visitorID: ".." is not a valid ID`, validation: true},

		// Search parameters (limits, total_hits, times, source, min score, blank values).
		{name: "search/limit negative", call: badSearch(fingerprint.SearchEventsParams{Limit: -1}), want: "limit must be between 1 and 100, got -1", validation: true},
		{name: "search/limit 101", call: badSearch(fingerprint.SearchEventsParams{Limit: 101}), want: "limit must be between 1 and 100, got 101", validation: true},
		{name: "search/total_hits negative", call: badSearch(fingerprint.SearchEventsParams{TotalHits: -5}), want: "total_hits must be between 1 and 1000, got -5", validation: true},
		{name: "search/total_hits 1001", call: badSearch(fingerprint.SearchEventsParams{TotalHits: 1001}), want: "total_hits must be between 1 and 1000, got 1001", validation: true},
		{name: "search/start after end", call: badSearch(fingerprint.SearchEventsParams{Start: t0, End: t0.Add(-time.Hour)}), want: "start (2026-01-15T12:00:00Z) is after end (2026-01-15T11:00:00Z)", validation: true},
		{name: "search/two sources", call: badSearch(fingerprint.SearchEventsParams{Source: []fingerprint.EventSource{"edge", "edge"}}), want: "source takes at most one value, got 2", validation: true},
		{name: "search/min score NaN", call: badSearch(fingerprint.SearchEventsParams{MinSuspectScore: &nan}), want: "min_suspect_score must be a finite number", validation: true},
		{name: "search/min score +Inf", call: badSearch(fingerprint.SearchEventsParams{MinSuspectScore: &inf}), want: "min_suspect_score must be a finite number", validation: true},
		{name: "search/blank visitor_id", call: badSearch(fingerprint.SearchEventsParams{VisitorID: "  "}), want: "invalid VisitorID: empty or blank value", validation: true},
		{name: "search/blank environment entry", call: badSearch(fingerprint.SearchEventsParams{Environment: []string{"ae_1", ""}}), want: "invalid Environment: empty or blank value", validation: true},
		{name: "search/blank bot_info_name entry", call: badSearch(fingerprint.SearchEventsParams{BotInfoName: []string{"\t"}}), want: "invalid BotInfoName: empty or blank value", validation: true},
		{name: "iterator/limit 0 is default but 500 is not", call: badIterate(fingerprint.SearchEventsParams{Limit: 500}), want: "limit must be between 1 and 100, got 500", validation: true},
		{name: "iterator/total_hits", call: badIterate(fingerprint.SearchEventsParams{TotalHits: 5000}), want: "total_hits must be between 1 and 1000", validation: true},

		// Documented limits (limits.go): linked_id length, ip_address form, ID characters.
		{name: "search/linked_id 257 characters", call: badSearch(fingerprint.SearchEventsParams{LinkedID: strings.Repeat("x", 257)}), want: "invalid LinkedID: linked_id can't be greater than 256 characters long, got 257", validation: true},
		{name: "search/linked_id 257 multibyte characters", call: badSearch(fingerprint.SearchEventsParams{LinkedID: strings.Repeat("é", 257)}), want: "got 257", validation: true},
		{name: "iterator/linked_id too long", call: badIterate(fingerprint.SearchEventsParams{LinkedID: strings.Repeat("x", 1000)}), want: "linked_id can't be greater than 256 characters long", validation: true},
		{name: "UpdateEvent/linked_id 257 characters", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.UpdateEvent(ctx, catalogueEventID, fingerprint.EventUpdate{LinkedID: fingerprint.Ptr(strings.Repeat("x", 257))})
		}, want: "invalid LinkedID: linked_id can't be greater than 256 characters long", validation: true},
		{name: "edge/linked_id 257 characters", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.LinkedID = fingerprint.Ptr(strings.Repeat("x", 257)) }), want: "invalid LinkedID: linked_id can't be greater than 256 characters long", validation: true},
		{name: "search/ip_address not an IP", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "example.com"}), want: `invalid IPAddress: "example.com" is not an IP address or CIDR range`, validation: true},
		{name: "search/ip_address octet over 255", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "300.1.1.1"}), want: "is not an IP address or CIDR range", validation: true},
		{name: "search/ip_address short IPv4", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "10.0.0"}), want: "is not an IP address or CIDR range", validation: true},
		{name: "search/ip_address prefix over 32", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "10.0.0.0/99"}), want: `"10.0.0.0/99" is not a CIDR range`, validation: true},
		{name: "search/ip_address prefix over 128", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "2001:db8::/129"}), want: "is not a CIDR range", validation: true},
		{name: "search/ip_address empty prefix", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "10.0.0.0/"}), want: "is not a CIDR range", validation: true},
		{name: "search/ip_address IPv6 zone", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "fe80::1%eth0"}), want: "has an IPv6 zone", validation: true},
		{name: "search/ip_address IPv6 zone in a range", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "fe80::1%eth0/64"}), want: "is not a CIDR range", validation: true},
		{name: "search/ip_address with port", call: badSearch(fingerprint.SearchEventsParams{IPAddress: "10.0.0.1:443"}), want: "is not an IP address or CIDR range", validation: true},
		{name: "search/ip_address with spaces", call: badSearch(fingerprint.SearchEventsParams{IPAddress: " 10.0.0.1"}), want: "is not an IP address or CIDR range", validation: true},
		{name: "search/high_recall_id 26 characters", call: badSearch(fingerprint.SearchEventsParams{HighRecallID: strings.Repeat("h", 26)}), want: "invalid HighRecallID: a High Recall ID is at most 25 characters long, got 26", validation: true},
		{name: "search/visitor_id with CRLF", call: badSearch(fingerprint.SearchEventsParams{VisitorID: "Ibk1527CUFmcnjLwIs4A9\r\nX-Injected: 1"}), want: "invalid VisitorID: control character U+000D at byte 21", validation: true},
		{name: "search/pagination_key with NUL", call: badSearch(fingerprint.SearchEventsParams{PaginationKey: "abc\x00def"}), want: "invalid PaginationKey: control character U+0000", validation: true},
		{name: "search/proximity_id with DEL", call: badSearch(fingerprint.SearchEventsParams{ProximityID: "p\x7f"}), want: "invalid ProximityID: control character U+007F", validation: true},
		{name: "GetEvent/ID with newline", call: badGetEvent("1708102555327.NLOjmg\nHost: evil", nil), want: "invalid eventID: control character U+000A at byte 20", validation: true},
		{name: "GetEvent/ID with C1 control", call: badGetEvent("1708102555327.NLOjmg\u0085", nil), want: "invalid eventID: control character U+0085", validation: true},
		{name: "GetEvent/ruleset with tab", call: badGetEvent(catalogueEventID, &fingerprint.GetEventOptions{RulesetID: "D6N9\tKbk9"}), want: "invalid RulesetID: control character U+0009", validation: true},
		{name: "UpdateEvent/ID with NUL", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.UpdateEvent(ctx, "1708102555327.NLOjmg\x00", fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)})
		}, want: "invalid eventID: control character U+0000", validation: true},
		{name: "DeleteVisitorData/ID with CR", call: func(ctx context.Context, c *fingerprint.Client) error {
			return c.DeleteVisitorData(ctx, "Ibk1527CUFmcnjLwIs4A9\r")
		}, want: "invalid visitorID: control character U+000D", validation: true},

		// Edge requests.
		{name: "edge/nil", call: func(ctx context.Context, c *fingerprint.Client) error {
			_, err := c.AnalyzeRequest(ctx, nil)
			return err
		}, want: "invalid req: nil *EdgeRequest", validation: true},
		{name: "edge/no headers", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.Headers = nil }), want: "invalid Headers: at least one header is required", validation: true},
		{name: "edge/empty header name", call: badEdgeWith(func(r *fingerprint.EdgeRequest) {
			r.Headers = append(r.Headers, fingerprint.EdgeRequestHeader{Name: " ", Value: "x"})
		}), want: "invalid Headers[1].Name: empty header name", validation: true},
		{name: "edge/empty method", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.Method = "" }), want: "invalid Method: empty", validation: true},
		{name: "edge/unparsable URL", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.URL = "http://[::1" }), want: "invalid URL: cannot be parsed", validation: true},
		{name: "edge/relative URL", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.URL = "/login" }), want: "invalid URL: must be an absolute http or https URL", validation: true},
		{name: "edge/ftp URL", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.URL = "ftp://shop.example.com/x" }), want: "must be an absolute http or https URL", validation: true},
		{name: "edge/URL without host", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.URL = "https:///login" }), want: "invalid URL: missing host", validation: true},
		{name: "edge/URL with fragment", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.URL = "https://shop.example.com/#x" }), want: "invalid URL: must not contain a fragment", validation: true},
		{name: "edge/no IP", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.IPv4Address = nil }), want: "at least one of ipv4_address or ipv6_address is required", validation: true},
		{name: "edge/bad IPv4", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.IPv4Address = fingerprint.Ptr("203.0.113") }), want: `invalid IPv4Address: "203.0.113" is not an IPv4 address`, validation: true},
		{name: "edge/IPv6 as IPv4", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.IPv4Address = fingerprint.Ptr("2001:db8::1") }), want: "is not an IPv4 address", validation: true},
		{name: "edge/IPv4 as IPv6", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.IPv6Address = fingerprint.Ptr("203.0.113.7") }), want: `invalid IPv6Address: "203.0.113.7" is not an IPv6 address`, validation: true},
		{name: "edge/IPv6 with zone", call: badEdgeWith(func(r *fingerprint.EdgeRequest) { r.IPv6Address = fingerprint.Ptr("fe80::1%eth0") }), want: "is not an IPv6 address", validation: true},
		{name: "edge from HTTP/nil request", call: func(context.Context, *fingerprint.Client) error {
			_, err := edge.RequestFromHTTP(nil, nil)
			return err
		}, want: "invalid r: nil *http.Request", validation: true},
		{name: "edge from HTTP/no client IP", call: fromHTTP(func(r *http.Request) { r.RemoteAddr = "" }), want: "invalid RemoteAddr: no client IP address", validation: true},

		// Decryption keys and sealed results.
		{name: "decryption key/empty", call: parseKey(""), want: "invalid decryption key: empty", is: sealed.ErrInvalidKey},
		{name: "decryption key/not base64", call: parseKey("not*base64!"), want: "not valid base64", is: sealed.ErrInvalidKey, secret: "not*base64!"},
		{name: "decryption key/16 bytes", call: parseKey("AAAAAAAAAAAAAAAAAAAAAA=="), want: "decoded to 16 bytes, want 32", is: sealed.ErrInvalidKey, secret: "AAAAAAAAAAAAAAAAAAAAAA=="},
		{name: "unseal/no keys", call: unseal(sealedData), want: "no decryption keys given", is: sealed.ErrNoKeys},
		{name: "unseal/bad header", call: unseal([]byte("definitely not sealed data"), sealKey), want: "invalid sealed data header", is: sealed.ErrInvalidHeader},
		{name: "unseal/too short", call: unseal(sealedData[:10], sealKey), want: "sealed data too short", is: sealed.ErrTooShort},
		{name: "unseal/short key", call: unseal(sealedData, sealed.NewKey(key[:16], sealed.AlgorithmAES256GCM)), want: "16 bytes, want 32", is: sealed.ErrInvalidKey},
		{name: "unseal/unknown algorithm", call: unseal(sealedData, sealed.NewKey(key, "rot13")), want: `unsupported decryption algorithm "rot13"`, is: sealed.ErrUnsupportedAlgorithm},
		{name: "unseal/wrong key", call: unseal(sealedData, sealed.NewKey(make([]byte, 32), sealed.AlgorithmAES256GCM)), want: "decryption failed", is: sealed.ErrDecrypt},
		{name: "unseal base64/not base64", call: func(context.Context, *fingerprint.Client) error {
			_, err := sealed.UnsealBase64("%%%", []sealed.Key{sealKey}, nil)
			return err
		}, want: "invalid base64", is: sealed.ErrInvalidBase64},

		// Webhook secrets and signatures.
		{name: "webhook/empty secret", call: verify(webhook.Sign(body, webhookSecret), ""), want: "webhook secret is empty", is: webhook.ErrMissingSecret},
		{name: "webhook/empty header", call: verify("", webhookSecret), want: "missing webhook signature", is: webhook.ErrMissingSignature, secret: webhookSecret},
		{name: "webhook/no v1 entry", call: verify("v2=abcdef", webhookSecret), want: "no v1 entry", is: webhook.ErrMissingSignature, secret: webhookSecret},
		{name: "webhook/malformed v1", call: verify("v1=xyz", webhookSecret), want: "1 of 1 v1 entries are not 64 hex digits", is: webhook.ErrInvalidSignature, secret: webhookSecret},
		{name: "webhook/wrong secret", call: verify(webhook.Sign(body, "other"), webhookSecret), want: "invalid webhook signature", is: webhook.ErrInvalidSignature, secret: webhookSecret},
	}
}

// TestBadInputCatalogue checks every invalid input we reject locally against a server
// that fails the test if it is ever reached.
func TestBadInputCatalogue(t *testing.T) {
	var mu sync.Mutex
	current := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		t.Errorf("%s: the network was reached: %s %s", current, r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	c, err := fingerprint.NewClient(catalogueKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tc := range badInputCatalogue() {
		if seen[tc.name] {
			t.Fatalf("duplicate case %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			current = tc.name
			mu.Unlock()
			err := tc.call(t.Context(), c)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not contain %q", msg, tc.want)
			}
			if !strings.HasPrefix(msg, "fingerprint: ") {
				t.Errorf("error %q does not start with the package name", msg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not match %v", err, tc.is)
			}
			var ve *fingerprint.ValidationError
			if tc.validation && (!errors.As(err, &ve) || ve.Field == "" || ve.Reason == "") {
				t.Errorf("error %v (%T) is not a *ValidationError with field and reason", err, err)
			}
			if tc.secret != "" && strings.Contains(msg, tc.secret) {
				t.Errorf("error %q contains the secret input", msg)
			}
			if strings.Contains(msg, catalogueKey) {
				t.Errorf("error %q contains the API key", msg)
			}
		})
	}
}
