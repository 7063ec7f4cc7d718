package fingerprint

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// Shared by the internal reliability tests (redirects, webhooks) and, through
// export_test.go, by the reliability rig in package fingerprint_test.
const (
	// stall is how long the slow servers hold a response: far longer than any deadline
	// in the suite, so a call that returns before it was cut by its deadline.
	stall = 30 * time.Second
	// settle bounds how long connections and goroutines may take to wind down.
	settle = 10 * time.Second
)

func asAPIError(t *testing.T, err error) *APIError {
	t.Helper()
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return apiErr
}

func testEdgeRequest() *EdgeRequest {
	return &EdgeRequest{
		Method:      http.MethodGet,
		URL:         "https://shop.example.com/login",
		Headers:     []EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		IPv4Address: Ptr("203.0.113.7"),
	}
}
