package fingerprinttest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// In a test, NewServer starts the server and closes it when the test ends; it fails the
// test if the server cannot start. Examples cannot have a *testing.T, so this one only
// shows the code; ExampleStart runs the same outside a test.
func ExampleNewServer() {
	testCheckout := func(t *testing.T) {
		srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
		client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := client.GetEvent(t.Context(), fingerprinttest.FullEvent().EventID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Identification.VisitorID != "Xk3pR8vQ2mN7bL5tY9wZ" {
			t.Errorf("visitor = %s", ev.Identification.VisitorID)
		}
	}
	_ = testCheckout // func TestCheckout(t *testing.T) in a _test.go file
}

// Outside tests (a demo, a local tool, another language's test suite), Start the server
// and Close it when done.
func ExampleStart() {
	srv, err := fingerprinttest.Start(
		fingerprinttest.WithEvents(fingerprinttest.NewGenerator(1).Events(30)...),
		fingerprinttest.WithAPIKey("my_test_key"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{Limit: 20})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.APIKey(), len(page.Events), page.PaginationKey != nil)
	// Output: my_test_key 20 true
}

// FullEvent has every field of the Event model set, for decoders, renderers and
// benchmarks of your own.
func ExampleFullEvent() {
	ev := fingerprinttest.FullEvent()
	fmt.Println(ev.EventID, ev.Identification.VisitorID, *ev.Bot)
	fmt.Println((*ev.Tags)["order_id"], ev.SDK.Platform, ev.IPInfo.V4 != nil, ev.IPInfo.V6 != nil)

	raw, err := json.Marshal(ev)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(raw) > 6000)

	// Change a copy to make it fall into a search window or belong to another visitor.
	ev.Timestamp = 1768564800000 // 2026-01-16T12:00:00Z
	fmt.Println(fingerprinttest.FullEvent().Timestamp)
	// Output:
	// 1768478400000.8sVz6Q Xk3pR8vQ2mN7bL5tY9wZ bad
	// ord_10492 js true true
	// true
	// 1768478400000
}

// Requests shows what the server received, for asserting on what your code sent. The
// API key is never logged.
func ExampleServer_Requests() {
	ev := fingerprinttest.FullEvent()
	// The server's clock an hour after the event: the API refuses to update events older
	// than a month, and FullEvent has a fixed timestamp.
	eventTime := time.UnixMilli(ev.Timestamp)
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(ev),
		fingerprinttest.WithClock(func() time.Time { return eventTime.Add(time.Hour) }))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, _ = client.GetEvent(ctx, fingerprinttest.FullEvent().EventID, nil)
	_, _ = client.SearchEvents(ctx, &fingerprint.SearchEventsParams{LinkedID: "user-42", Limit: 5})
	_ = client.UpdateEvent(ctx, fingerprinttest.FullEvent().EventID, fingerprint.EventUpdate{Suspect: fingerprint.Ptr(false)})

	for _, r := range srv.Requests() {
		fmt.Printf("%s %s %s linked_id=%q %d no key: %t\n", r.Operation, r.Method, r.Path, r.Query.Get("linked_id"), r.Status, r.Header.Get("Authorization") == "")
	}
	fmt.Println(string(srv.Requests()[2].Body))
	// Output:
	// getEvent GET /v4/events/1768478400000.8sVz6Q linked_id="" 200 no key: true
	// searchEvents GET /v4/events linked_id="user-42" 200 no key: true
	// updateEvent PATCH /v4/events/1768478400000.8sVz6Q linked_id="" 200 no key: true
	// {"suspect":false}
}
