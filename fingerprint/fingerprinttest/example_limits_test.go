package fingerprinttest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// Enforce a rate limit of 2 requests per second with a burst of 2; a fixed clock makes
// the third request in the same instant a 429 with Retry-After.
func ExampleWithRateLimit() {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	srv, err := fingerprinttest.Start(
		fingerprinttest.WithClock(func() time.Time { return now }),
		fingerprinttest.WithRateLimit(2, 2),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithMaxRetries(0)) // show the 429 instead of waiting it out

	for range 3 {
		_, err := c.SearchEvents(context.Background(), nil)
		var apiErr *fingerprint.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(apiErr.StatusCode, apiErr.Message, apiErr.RetryAfter)
		} else {
			fmt.Println(err)
		}
	}
	// Output:
	// <nil>
	// <nil>
	// 429 too many search requests 1s
}

// Enforce the API's documented DELETE quota (30 per hour, 500 per day).
func ExampleWithDeleteQuota() {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	srv, err := fingerprinttest.Start(
		fingerprinttest.WithClock(func() time.Time { return now }),
		fingerprinttest.WithDeleteQuota(fingerprinttest.DeleteQuotaPerHour, fingerprinttest.DeleteQuotaPerDay),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))

	for range fingerprinttest.DeleteQuotaPerHour {
		_ = c.DeleteVisitorData(context.Background(), "visitor1") // 404: no such visitor, but it counts
	}
	err = c.DeleteVisitorData(context.Background(), "visitor1")
	var apiErr *fingerprint.APIError
	if errors.As(err, &apiErr) {
		// The Client does not wait an hour: it reports the wait instead.
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RetryAfter)
	}
	// Output:
	// 429 too_many_requests 1h0m0s
}

// In a test, MustFailNext fails the test on an invalid fault instead of returning an
// error to ignore:
//
//	srv := fingerprinttest.NewServer(t)
//	srv.MustFailNext(2, fingerprinttest.TooManyRequests("1"))
//
// On a server made by Start it panics instead.
func ExampleServer_MustFailNext() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.MustFailNext(1, fingerprinttest.ServiceUnavailableHTML())
	fmt.Println(srv.PendingFaults())
	// Output:
	// 1
}
