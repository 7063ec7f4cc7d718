package fingerprint_test

// The examples run against fingerprinttest, the in-memory Fingerprint server of this
// module, so each one can be copied as it is. In your own tests use
// fingerprinttest.NewServer(t), which closes the server when the test ends; with a real
// key, drop the server and pass WithRegion instead of WithBaseURL.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

func ExampleNewClient() {
	client, err := fingerprint.NewClient("your-secret-api-key",
		fingerprint.WithRegion(fingerprint.RegionEU),
		fingerprint.WithTimeout(10*time.Second),
		fingerprint.WithMaxRetries(3),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	// Misconfiguration is reported here, not on the first request.
	_, err = fingerprint.NewClient("")
	fmt.Println(err)
	_, err = fingerprint.NewClient("your-secret-api-key", fingerprint.WithRegion("moon"))
	fmt.Println(err)
	// Output:
	// https://eu.api.fpjs.io/v4
	// fingerprint: the secret API key is empty
	// fingerprint: unknown region "moon" (use RegionUS, RegionEU or RegionAsia)
}

// Point the client at any server that serves the API paths: here the in-memory fake,
// in production perhaps a proxy with a path prefix.
func ExampleWithBaseURL() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ev, err := client.GetEvent(context.Background(), fingerprinttest.FullEvent().EventID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.EventID)

	proxied, err := fingerprint.NewClient("your-secret-api-key", fingerprint.WithBaseURL("https://fp-proxy.example/v4"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(proxied.BaseURL())
	// Output:
	// 1768478400000.8sVz6Q
	// https://fp-proxy.example/v4
}

// Bring your own *http.Client for proxies, TLS settings or instrumentation. It is
// copied; the key, User-Agent and ii parameter are added to every request.
func ExampleWithHTTPClient() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 16}}
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()), fingerprint.WithHTTPClient(hc))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.GetEvent(context.Background(), fingerprinttest.FullEvent().EventID, nil); err != nil {
		log.Fatal(err)
	}
	seen := srv.Requests()[0]
	fmt.Println(seen.Method, seen.Path, strings.HasPrefix(seen.Header.Get("User-Agent"), "fingerprint-go/"))
	// Output:
	// GET /v4/events/1768478400000.8sVz6Q true
}

func ExampleClient_GetEvent() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	event, err := client.GetEvent(context.Background(), "1768478400000.8sVz6Q", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(event.EventID, event.Identification.VisitorID)
	// Output: 1768478400000.8sVz6Q Xk3pR8vQ2mN7bL5tY9wZ
}

func ExampleClient_SearchEvents() {
	now := time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC) // the fake server's clock
	srv, err := fingerprinttest.Start(
		fingerprinttest.WithClock(func() time.Time { return now }),
		fingerprinttest.WithEvents(fingerprinttest.FullEvent()), // visitor Xk3pR8vQ2mN7bL5tY9wZ
	)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{
		VisitorID: "Xk3pR8vQ2mN7bL5tY9wZ",
		Limit:     100,
		Start:     now.Add(-24 * time.Hour),
		Suspect:   fingerprint.Ptr(true),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range page.Events {
		fmt.Println(ev.EventID)
	}
	fmt.Println("more pages:", page.PaginationKey != nil)

	// A visitor ID the workspace does not know is a 404, not an empty page.
	_, err = client.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{VisitorID: "Ibk1527CUFmcnjLwIs4A9"})
	fmt.Println(errors.Is(err, fingerprint.ErrNotFound))
	// Output:
	// 1768478400000.8sVz6Q
	// more pages: false
	// true
}

func ExampleClient_SearchEventsIter() {
	g := fingerprinttest.NewGenerator(1)
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(g.Events(250)...))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	// Without a Limit the iterator asks for full pages of 100 events.
	n := 0
	for ev, err := range client.SearchEventsIter(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		_ = ev.EventID // use the event
		n++
	}
	fmt.Println(n, "events in", len(srv.Requests()), "requests")
	// Output: 250 events in 3 requests
}

// Stop a long export and resume it later from the stored pagination key.
func ExampleClient_SearchEventsPages() {
	g := fingerprinttest.NewGenerator(1)
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(g.Events(250)...))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	params := &fingerprint.SearchEventsParams{Limit: 100}

	var checkpoint string // in real code: a database row or a file
	for page, err := range client.SearchEventsPages(ctx, params) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("exported", len(page.Events))
		if page.PaginationKey != nil {
			checkpoint = *page.PaginationKey
		}
		break // interrupted after the first page
	}

	// Later, perhaps in another process: the same filters and the stored key.
	resume := *params
	resume.PaginationKey = checkpoint
	for page, err := range client.SearchEventsPages(ctx, &resume) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("exported", len(page.Events), "last page:", page.PaginationKey == nil)
	}
	// Output:
	// exported 100
	// exported 100 last page: false
	// exported 50 last page: true
}

func ExampleClient_UpdateEvent() {
	full := fingerprinttest.FullEvent()
	// The API refuses to update events older than a month; FullEvent has a fixed
	// timestamp, so the fake server's clock is set an hour after it.
	eventTime := time.UnixMilli(full.Timestamp)
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(full),
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

	tags := fingerprint.Tags{"order_id": "o-123"} // a plain map[string]any works too
	err = client.UpdateEvent(ctx, full.EventID, fingerprint.EventUpdate{
		LinkedID: fingerprint.Ptr("user-42"),
		Tags:     &tags,
		Suspect:  fingerprint.Ptr(false), // false is sent, not dropped
	})
	if err != nil {
		log.Fatal(err)
	}
	ev, err := client.GetEvent(ctx, full.EventID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*ev.LinkedID, (*ev.Tags)["order_id"], *ev.Suspect)
	// Output: user-42 o-123 false
}

func ExampleClient_DeleteVisitorData() {
	full := fingerprinttest.FullEvent()
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(full))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	err = client.DeleteVisitorData(context.Background(), full.Identification.VisitorID)
	fmt.Println(err)
	_, err = client.GetEvent(context.Background(), full.EventID, nil)
	fmt.Println(errors.Is(err, fingerprint.ErrNotFound))
	// Output:
	// <nil>
	// true
}

func ExampleClient_SubmitEventFeedback() {
	// A browser event from a minute ago (feedback is accepted within 24 hours, for
	// JavaScript agent events only).
	g := fingerprinttest.NewGenerator(1)
	ev := g.Event()
	for ev.SDK.Platform != fingerprint.SDKPlatformJS {
		ev = g.Event()
	}
	ev.Timestamp = time.Now().Add(-time.Minute).UnixMilli()
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(ev))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	// The user passed MFA on this browser: its identification confidence can be reset.
	err = client.SubmitEventFeedback(context.Background(), ev.EventID, fingerprint.EventFeedback{
		ResetIdentificationConfidenceScore: fingerprint.Ptr(true),
	})
	fmt.Println(err)
	fb, _ := srv.Feedback(ev.EventID)
	fmt.Println(*fb.Feedback.ResetIdentificationConfidenceScore)

	// Feedback with nothing in it is refused before any request.
	err = client.SubmitEventFeedback(context.Background(), ev.EventID, fingerprint.EventFeedback{})
	var ve *fingerprint.ValidationError
	fmt.Println(errors.As(err, &ve))
	// Output:
	// <nil>
	// true
	// true
}

func ExampleClient_AnalyzeRequest() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	res, err := client.AnalyzeRequest(context.Background(), &fingerprint.EdgeRequest{
		Method: "GET",
		URL:    "https://shop.example/checkout",
		Headers: []fingerprint.EdgeRequestHeader{
			{Name: "Host", Value: "shop.example"},
			{Name: "User-Agent", Value: "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)"},
			{Name: "Cookie", Value: ""}, // credential headers: present, but empty
		},
		IPv4Address: fingerprint.Ptr("203.0.113.7"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.BotInfo.Category, res.BotInfo.Name, res.IPInfo.V4.Address)
	// Output: ai_crawler GPTBot 203.0.113.7
}

func ExampleAPIError() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetEvent(context.Background(), "1768478400000.NoSuch", nil)
	fmt.Println(errors.Is(err, fingerprint.ErrNotFound))
	var apiErr *fingerprint.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	fmt.Println(err)
	// Output:
	// true
	// 404 event_not_found
	// fingerprint: GET /events/{event_id}: 404 event_not_found: event id not found
}

// A 2xx answer whose body is not what the API sends, such as a captive portal's page, is
// a *DecodeError that keeps the status and the start of the body.
func ExampleDecodeError() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	// The next answer is a 200 with an HTML page instead of the event.
	if err := srv.FailNext(1, fingerprinttest.Fault{Status: http.StatusOK, Body: []byte("<html>Sign in to the Wi-Fi</html>")}); err != nil {
		log.Fatal(err)
	}

	_, err = client.GetEvent(context.Background(), fingerprinttest.FullEvent().EventID, nil)
	var de *fingerprint.DecodeError
	if errors.As(err, &de) {
		fmt.Println(de.StatusCode, string(de.Body))
	}
	// Output: 200 <html>Sign in to the Wi-Fi</html>
}

func ExampleValidationError() {
	client, err := fingerprint.NewClient("your-secret-api-key")
	if err != nil {
		log.Fatal(err)
	}
	// Checked before any request is sent.
	_, err = client.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{Limit: 500})
	var ve *fingerprint.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	fmt.Println(err)
	// Output:
	// true Limit
	// fingerprint: invalid Limit: limit must be between 1 and 100, got 500
}

func ExamplePtr() {
	update := fingerprint.EventUpdate{Suspect: fingerprint.Ptr(true)}
	fmt.Println(*update.Suspect)
	// Output: true
}

func ExampleWithLogger() {
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(fingerprinttest.FullEvent()))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// Drop the attributes that change from run to run (time, duration, the server's port).
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "duration", "url":
				return slog.Attr{}
			}
			return a
		},
	}))
	client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()), fingerprint.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	_, _ = client.GetEvent(context.Background(), fingerprinttest.FullEvent().EventID, nil)
	// Output:
	// level=DEBUG msg="fingerprint: request" method=GET path=/events/{event_id} attempt=1 status=200
}
