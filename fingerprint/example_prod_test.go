package fingerprint_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"golang.org/x/time/rate"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// printObserver prints what an Observer sees: no IDs, no key, no query values.
type printObserver struct{}

func (printObserver) CallStart(ctx context.Context, call fingerprint.CallInfo) context.Context {
	fmt.Println("start", call.Operation, call.Method, call.PathTemplate)
	return ctx
}

func (printObserver) AttemptEnd(_ context.Context, a fingerprint.AttemptInfo) {
	line := fmt.Sprintf("  attempt %d: %d", a.Attempt, a.StatusCode)
	if a.ErrorCode != "" {
		line += " " + string(a.ErrorCode)
	}
	if a.RetryReason != "" {
		line += ", retry (" + string(a.RetryReason) + ")"
	}
	fmt.Println(line)
}

func (printObserver) CallEnd(_ context.Context, e fingerprint.CallEndInfo) {
	fmt.Printf("end %s: %d attempt(s), status %d, error type %q\n", e.Operation, e.Attempts, e.StatusCode, e.ErrorType)
}

func ExampleWithObserver() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_ = srv.FailNext(1, fingerprinttest.TooManyRequests("1"))

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithObserver(printObserver{}))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, _ = client.GetEvent(ctx, fingerprinttest.FullEvent().EventID, nil)
	_, _ = client.GetEvent(ctx, "no-such-event", nil)
	// Output:
	// start GetEvent GET /events/{event_id}
	//   attempt 1: 429 too_many_requests, retry (rate_limited)
	//   attempt 2: 200
	// end GetEvent: 2 attempt(s), status 200, error type ""
	// start GetEvent GET /events/{event_id}
	//   attempt 1: 404 event_not_found
	// end GetEvent: 1 attempt(s), status 404, error type "404"
}

// A *rate.Limiter from golang.org/x/time/rate keeps this process under its share of
// the workspace's rate limit; every request, retries included, waits on it first.
func ExampleWithRateLimiter() {
	limiter := rate.NewLimiter(rate.Limit(5), 5) // 5 requests per second, bursts of 5
	client, err := fingerprint.NewClient("your-secret-api-key", fingerprint.WithRateLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// Output: https://api.fpjs.io/v4
}

// Tagging an event right after identification: the API answers 409 state_not_ready
// for a moment, and UpdateEvent waits it out (for DefaultStateNotReadyWait by default).
func ExampleWithStateNotReadyWait() {
	ev := fingerprinttest.NewGenerator(1).Events(1)[0]
	ev.Timestamp = time.Now().UnixMilli() // identified just now
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(ev))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_ = srv.FailNext(2, fingerprinttest.StateNotReady())

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithStateNotReadyWait(3*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	err = client.UpdateEvent(context.Background(), ev.EventID,
		fingerprint.EventUpdate{LinkedID: fingerprint.Ptr("account-42")})
	fmt.Println(err)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Status)
	}
	// Output:
	// <nil>
	// PATCH 409
	// PATCH 409
	// PATCH 200
}

// A service decides between "try again later" and "this will never work".
func ExampleIsTransient() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_ = srv.FailNext(1, fingerprinttest.ServiceUnavailableHTML())

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()), fingerprint.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err = client.GetEvent(ctx, "some-event", nil) // 503 from a load balancer
	fmt.Println(fingerprint.IsTransient(err))
	_, err = client.GetEvent(ctx, "some-event", nil) // 404: the event does not exist
	fmt.Println(fingerprint.IsTransient(err), errors.Is(err, fingerprint.ErrNotFound))
	// Output:
	// true
	// false true
}

func ExampleParseRegion() {
	// An unset variable is the default region, not an error.
	region, err := fingerprint.ParseRegion(os.Getenv("FINGERPRINT_REGION_UNSET_IN_THIS_EXAMPLE"))
	fmt.Println(region, err)
	region, err = fingerprint.ParseRegion("EU")
	fmt.Println(region, err)
	_, err = fingerprint.ParseRegion("europe")
	fmt.Println(err)
	// Output:
	// us <nil>
	// eu <nil>
	// fingerprint: unknown region "europe": use "us", "eu" or "asia" (or leave it empty for "us")
}

// Deletes paced to a quota of 2 per hour: the third has to wait an hour, longer than
// the context allows, so it fails at once without being sent.
func ExampleWithQuotaPacing() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()),
		fingerprint.WithQuotaPacing(fingerprint.QuotaPacing{DeletesPerHour: 2}))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, visitor := range []string{"v1", "v2", "v3"} {
		err := client.DeleteVisitorData(ctx, visitor)
		fmt.Println(visitor, errors.Is(err, fingerprint.ErrNotFound), errors.Is(err, fingerprint.ErrRateLimited))
	}
	fmt.Println(len(srv.Requests()), "requests sent")
	// Output:
	// v1 true false
	// v2 true false
	// v3 false true
	// 2 requests sent
}
