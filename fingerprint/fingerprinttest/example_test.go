package fingerprinttest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// Point a fingerprint.Client at the in-memory server. In a test, use
// fingerprinttest.NewServer(t) instead of Start and Close.
func Example() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		panic(err)
	}
	ev, err := c.GetEvent(context.Background(), fingerprinttest.FullEvent().EventID, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Identification.VisitorID, *ev.Bot)

	_, err = c.GetEvent(context.Background(), "1700000000000.unknwn", nil)
	fmt.Println(errors.Is(err, fingerprint.ErrNotFound))
	// Output:
	// Xk3pR8vQ2mN7bL5tY9wZ bad
	// true
}

// Make the next request fail and watch the client retry it.
func ExampleServer_FailNext() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))

	_ = srv.FailNext(1, fingerprinttest.TooManyRequests("0"))
	if _, err := c.SearchEvents(context.Background(), nil); err != nil {
		panic(err)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// GET /v4/events 429
	// GET /v4/events 200
}

// Generate realistic events; the same seed and clock give the same events.
func ExampleGenerator() {
	g := fingerprinttest.NewGenerator(7)
	g.SetNow(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))
	a := g.Event()
	g2 := fingerprinttest.NewGenerator(7)
	g2.SetNow(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))
	b := g2.Event()
	fmt.Println(a.EventID == b.EventID, a.SDK != nil, a.IPInfo != nil)
	// Output:
	// true true true
}
