package fingerprint

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorResponsesBecomeAPIError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		wantCode   ErrorCode
		wantMsg    string
		wantText   string // exact Error()
		wantIs     []error
		wantNotIs  []error
		retryAfter time.Duration
	}{
		{
			name: "404 JSON", status: 404, body: `{"error":{"code":"event_not_found","message":"event id not found"}}`,
			wantCode: ErrorCodeEventNotFound, wantMsg: "event id not found",
			wantText: "fingerprint: GET /events/{event_id}: 404 event_not_found: event id not found",
			wantIs:   []error{ErrNotFound}, wantNotIs: []error{ErrUnauthorized, ErrRateLimited, ErrStateNotReady},
		},
		{
			name: "403 secret key", status: 403, body: `{"error":{"code":"secret_api_key_not_found","message":"secret api key not found"}}`,
			wantCode: ErrorCodeSecretAPIKeyNotFound, wantMsg: "secret api key not found",
			wantText: "fingerprint: GET /events/{event_id}: 403 secret_api_key_not_found: secret api key not found",
			wantIs:   []error{ErrUnauthorized}, wantNotIs: []error{ErrNotFound},
		},
		{
			name: "403 wrong region hints at WithRegion", status: 403, body: `{"error":{"code":"wrong_region","message":"wrong region"}}`,
			wantCode: ErrorCodeWrongRegion, wantMsg: "wrong region",
			wantText: "fingerprint: GET /events/{event_id}: 403 wrong_region: wrong region (the API key belongs to another region: check WithRegion)",
			wantIs:   []error{ErrUnauthorized},
		},
		{
			name: "403 feature not enabled is not unauthorized", status: 403, body: `{"error":{"code":"feature_not_enabled","message":"no"}}`,
			wantCode: ErrorCodeFeatureNotEnabled, wantMsg: "no",
			wantText: "fingerprint: GET /events/{event_id}: 403 feature_not_enabled: no", wantNotIs: []error{ErrUnauthorized},
		},
		{
			name: "401 without body", status: 401, body: "",
			wantText: "fingerprint: GET /events/{event_id}: 401 Unauthorized (empty body)", wantIs: []error{ErrUnauthorized},
		},
		{
			name: "400 unknown code kept", status: 400, body: `{"error":{"code":"brand_new_code","message":"m"},"extra":1}`,
			wantCode: "brand_new_code", wantMsg: "m", wantText: "fingerprint: GET /events/{event_id}: 400 brand_new_code: m",
		},
		{
			name: "HTML 502 from a proxy", status: 502,
			body:     "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>",
			wantText: "fingerprint: GET /events/{event_id}: 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body>nginx</body> </html>",
		},
		{
			name: "empty 500", status: 500, body: "",
			wantText: "fingerprint: GET /events/{event_id}: 500 Internal Server Error (empty body)",
		},
		{
			name: "truncated JSON 500", status: 500, body: `{"error":{"code":"fai`,
			wantText: `fingerprint: GET /events/{event_id}: 500 Internal Server Error: {"error":{"code":"fai`,
		},
		{
			name: "JSON without error object", status: 503, body: `{"message":"down"}`,
			wantText: `fingerprint: GET /events/{event_id}: 503 Service Unavailable: {"message":"down"}`,
		},
		{
			name: "429 with Retry-After", status: 429, body: `{"error":{"code":"too_many_requests","message":"too many requests"}}`,
			header: map[string]string{"Retry-After": "7"}, wantCode: ErrorCodeTooManyRequests, wantMsg: "too many requests",
			wantText: "fingerprint: GET /events/{event_id}: 429 too_many_requests: too many requests",
			wantIs:   []error{ErrRateLimited}, retryAfter: 7 * time.Second,
		},
		{
			name: "unusual status", status: 418, body: "short and stout",
			wantText: "fingerprint: GET /events/{event_id}: 418 I'm a teapot: short and stout",
		},
		{
			name: "status without text", status: 599, body: "x",
			wantText: "fingerprint: GET /events/{event_id}: 599: x",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-1")
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				respond(w, tc.status, tc.body)
			}, WithMaxRetries(0))
			_, err := h.client.GetEvent(t.Context(), "e1", nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %T %v, want *APIError", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code != tc.wantCode || apiErr.Message != tc.wantMsg {
				t.Errorf("got status=%d code=%q msg=%q", apiErr.StatusCode, apiErr.Code, apiErr.Message)
			}
			if string(apiErr.Body) != tc.body {
				t.Errorf("Body = %q, want %q", apiErr.Body, tc.body)
			}
			if apiErr.Header.Get("X-Request-Id") != "req-1" {
				t.Errorf("headers not kept: %v", apiErr.Header)
			}
			if apiErr.Method != "GET" || apiErr.Path != "/events/{event_id}" {
				t.Errorf("Method/Path = %s %s", apiErr.Method, apiErr.Path)
			}
			if apiErr.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", apiErr.RetryAfter, tc.retryAfter)
			}
			if err.Error() != tc.wantText {
				t.Errorf("Error() =\n%s\nwant\n%s", err.Error(), tc.wantText)
			}
			for _, target := range tc.wantIs {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false", target)
				}
			}
			for _, target := range tc.wantNotIs {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = true", target)
				}
			}
		})
	}
}

func TestEveryOperationMapsErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		respond(w, 400, `{"error":{"code":"request_cannot_be_parsed","message":"bad"}}`)
	})
	c, ctx := h.client, t.Context()
	calls := map[string]func() error{
		"GET /events/{event_id}":        func() error { _, err := c.GetEvent(ctx, "e", nil); return err },
		"GET /events":                   func() error { _, err := c.SearchEvents(ctx, nil); return err },
		"PATCH /events/{event_id}":      func() error { return c.UpdateEvent(ctx, "e", EventUpdate{Suspect: Ptr(true)}) },
		"DELETE /visitors/{visitor_id}": func() error { return c.DeleteVisitorData(ctx, "v") },
		"POST /events/{event_id}/feedback": func() error {
			return c.SubmitEventFeedback(ctx, "e", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)})
		},
		"POST /edge": func() error {
			_, err := c.AnalyzeRequest(ctx, &EdgeRequest{Headers: []EdgeRequestHeader{{Name: "a", Value: "b"}}, Method: "GET",
				URL: "https://x.example/", IPv4Address: Ptr("192.0.2.1")})
			return err
		},
	}
	for op, call := range calls {
		err := call()
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != ErrorCodeRequestCannotBeParsed {
			t.Errorf("%s: err = %v", op, err)
			continue
		}
		if want := "fingerprint: " + op + ": 400 request_cannot_be_parsed: bad"; err.Error() != want {
			t.Errorf("%s: Error() = %q, want %q", op, err.Error(), want)
		}
	}
}

func TestErrorBodyIsBoundedAndKeyRedacted(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", maxErrorBody+1000)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/events/big" {
			respond(w, 502, big)
			return
		}
		// A misbehaving proxy that echoes the Authorization header.
		respond(w, 400, "bad request; you sent: "+r.Header.Get("Authorization"))
	}, WithMaxRetries(0))
	_, err := h.client.GetEvent(t.Context(), "big", nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(apiErr.Body) != maxErrorBody {
		t.Fatalf("err = %v, body length %d, want %d", err, len(apiErr.Body), maxErrorBody)
	}
	if len(err.Error()) > 400 {
		t.Errorf("Error() is %d bytes long; it should quote a short snippet", len(err.Error()))
	}
	_, err = h.client.GetEvent(t.Context(), "echo", nil)
	if !errors.As(err, &apiErr) {
		t.Fatal(err)
	}
	if strings.Contains(err.Error(), testKey) || strings.Contains(string(apiErr.Body), testKey) {
		t.Errorf("key leaked: %v / %s", err, apiErr.Body)
	}
	if !strings.Contains(string(apiErr.Body), "Bearer [REDACTED]") {
		t.Errorf("body = %s", apiErr.Body)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body string }{
		{"empty", ""},
		{"html", "<html><body>Welcome to the hotel wifi</body></html>"},
		{"truncated", `{"event_id":"e1","timest`},
		{"null", "null"},
		{"wrong type", `{"event_id":42,"timestamp":1}`},
	}
	for _, tc := range cases {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, tc.body) }, WithMaxRetries(0))
		_, err := h.client.GetEvent(t.Context(), "e1", nil)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: err = %T %v, want *DecodeError", tc.name, err, err)
			continue
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			t.Errorf("%s: a decode error must not be an *APIError", tc.name)
		}
		if de.StatusCode != 200 || string(de.Body) != tc.body || de.Err == nil || errors.Unwrap(de) != de.Err { //nolint:errorlint // Unwrap must return Err itself, not merely something wrapping it
			t.Errorf("%s: DecodeError = %+v", tc.name, de)
		}
		if !strings.HasPrefix(err.Error(), "fingerprint: GET /events/{event_id}: 200: cannot decode response body") {
			t.Errorf("%s: Error() = %s", tc.name, err)
		}
	}
}

func TestDecodingToleratesUnknownFieldsAndEnumValues(t *testing.T) {
	t.Parallel()
	body := `{"event_id":"e1","timestamp":1,"brand_new_signal":{"x":1},
		"bot_info":{"category":"time_traveller","provider":"p","name":"n","identity":"quantum","confidence":"absolute"},
		"proxy_details":{"proxy_type":"wormhole","last_seen_at":1}}`
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, body) })
	ev, err := h.client.GetEvent(t.Context(), "e1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.BotInfo == nil || ev.BotInfo.Category != "time_traveller" || ev.BotInfo.Identity != "quantum" {
		t.Errorf("BotInfo = %+v", ev.BotInfo)
	}
	if ev.ProxyDetails == nil || ev.ProxyDetails.ProxyType != "wormhole" {
		t.Errorf("ProxyDetails = %+v", ev.ProxyDetails)
	}
}

func TestTransportErrorsAreWrapped(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	c, err := NewClient(testKey, WithMaxRetries(0), WithHTTPClient(&http.Client{Transport: roundTripFunc(
		func(*http.Request) (*http.Response, error) { return nil, boom })}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetEvent(t.Context(), "e1", nil)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "fingerprint: GET /events/{event_id}: ") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Error("key in error")
	}
}
