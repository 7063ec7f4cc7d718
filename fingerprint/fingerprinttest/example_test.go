package fingerprinttest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/edge"
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

// Register a ruleset, then ask for its verdict along with an event.
func ExampleServer_AddRuleset() {
	full := fingerprinttest.FullEvent()
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(full))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	err = srv.AddRuleset("rs_block_bots", func(ev fingerprint.Event) fingerprint.EventRuleAction {
		var action fingerprint.EventRuleAction
		if ev.Bot != nil && *ev.Bot == fingerprint.BotResultBad {
			_ = action.FromEventRuleActionBlock(fingerprint.EventRuleActionBlock{
				Type: fingerprint.RuleActionTypeBlock, StatusCode: fingerprint.Ptr(403)})
		} else {
			_ = action.FromEventRuleActionAllow(fingerprint.EventRuleActionAllow{Type: fingerprint.RuleActionTypeAllow})
		}
		return action
	})
	if err != nil {
		panic(err)
	}

	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	ev, err := c.GetEvent(context.Background(), full.EventID, &fingerprint.GetEventOptions{RulesetID: "rs_block_bots"})
	if err != nil {
		panic(err)
	}
	kind, _ := ev.RuleAction.Discriminator()
	block, _ := ev.RuleAction.AsEventRuleActionBlock()
	fmt.Println(ev.RuleAction.RulesetID, kind, *block.StatusCode)

	_, err = c.GetEvent(context.Background(), full.EventID, &fingerprint.GetEventOptions{RulesetID: "rs_unknown"})
	var apiErr *fingerprint.APIError
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code)
	// Output:
	// rs_block_bots block 403
	// true 400 ruleset_not_found
}

// Check what your code forwarded to POST /edge, here that credentials were blanked.
func ExampleServer_EdgeRequests() {
	srv, err := fingerprinttest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))

	incoming := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "https://shop.example/cart", nil)
	incoming.RemoteAddr = "203.0.113.7:52000"
	incoming.Header.Set("Cookie", "session=s3cr3t")
	incoming.Header.Set("User-Agent", "Mozilla/5.0")
	req, err := edge.RequestFromHTTP(incoming, nil)
	if err != nil {
		panic(err)
	}
	if _, err := c.AnalyzeRequest(context.Background(), req); err != nil {
		panic(err)
	}

	for _, r := range srv.EdgeRequests() {
		fmt.Println(*r.IPv4Address, r.URL)
		for _, h := range r.Headers {
			fmt.Printf("%s=%q\n", h.Name, h.Value)
		}
	}
	// Output:
	// 203.0.113.7 https://shop.example/cart
	// Cookie=""
	// Host="shop.example"
	// User-Agent="Mozilla/5.0"
}

// Fix the server's clock so that the default search window (the last 7 days) is
// reproducible.
func ExampleWithClock() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g := fingerprinttest.NewGenerator(1)
	recent, old := g.EventAt(now.Add(-time.Hour)), g.EventAt(now.Add(-10*24*time.Hour))
	srv, err := fingerprinttest.Start(
		fingerprinttest.WithClock(func() time.Time { return now }),
		fingerprinttest.WithEvents(recent, old),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, _ := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))

	page, err := c.SearchEvents(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Events), page.Events[0].EventID == recent.EventID)

	page, err = c.SearchEvents(context.Background(), &fingerprint.SearchEventsParams{Start: now.Add(-30 * 24 * time.Hour)})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Events))
	// Output:
	// 1 true
	// 2
}
