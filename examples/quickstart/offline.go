package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/fingerprint/sealed"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

// runOffline walks through every feature against the in-memory server.
func runOffline(ctx context.Context, w io.Writer) error {
	g := fingerprinttest.NewGenerator(2024)
	events := g.Events(120)
	for range 5 {
		events = append(events, g.EdgeEvent())
	}
	srv, err := fingerprinttest.Start(fingerprinttest.WithEvents(events...))
	if err != nil {
		return err
	}
	defer srv.Close()

	fmt.Fprintln(w, "Fingerprint Server API quickstart (offline: in-memory server, no account or key needed)")
	fmt.Fprintf(w, "Server %s, seeded with %d realistic events.\n", srv.URL(), len(events))
	fmt.Fprintln(w, "Set FINGERPRINT_SECRET_API_KEY (and FINGERPRINT_REGION) to run the read-only steps against the real API.")
	fmt.Fprintln(w)

	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		return err
	}
	steps := []struct {
		title string
		run   func(context.Context, io.Writer, *fingerprint.Client) error
	}{
		{"Search: the 5 newest events of the last 7 days", stepSearch},
		{"Iterate: every bad-bot event, page after page, with SearchEventsIter", stepIterate},
		{"Get one event", stepGet},
		{"Update: set linked_id, tags and suspect, then search by suspect", stepUpdate},
		{"Delete a visitor's data", stepDelete},
		{"Edge: analyze an incoming HTTP request (Automation Intelligence)", stepEdge},
		{"Unseal a sealed client result", stepUnseal},
		{"Receive a signed webhook", stepWebhook},
	}
	for i, s := range steps {
		fmt.Fprintf(w, "%d. %s\n", i+1, s.title)
		if err := s.run(ctx, w, c); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.title, err)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Done. Next: go test ./... runs the SDK's tests against the same server.")
	return nil
}

func stepSearch(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Limit: 5})
	if err != nil {
		return err
	}
	for i := range page.Events {
		fmt.Fprintln(w, "  ", eventLine(&page.Events[i]))
	}
	fmt.Fprintf(w, "   more pages: %v\n", page.PaginationKey != nil)
	return nil
}

func stepIterate(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	n, visitors := 0, map[string]bool{}
	for ev, err := range c.SearchEventsIter(ctx, &fingerprint.SearchEventsParams{Bot: fingerprint.SearchEventsParamsBotBad, Limit: 5}) {
		if err != nil {
			return err
		}
		n++
		visitors[ev.Identification.VisitorID] = true
	}
	fmt.Fprintf(w, "   %d bad-bot events from %d visitors (fetched 5 per page)\n", n, len(visitors))
	return nil
}

// newestEvent returns the newest device event.
func newestEvent(ctx context.Context, c *fingerprint.Client) (*fingerprint.Event, error) {
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Events) == 0 {
		return nil, errors.New("no events")
	}
	return &page.Events[0], nil
}

func stepGet(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	newest, err := newestEvent(ctx, c)
	if err != nil {
		return err
	}
	ev, err := c.GetEvent(ctx, newest.EventID, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   event %s\n", ev.EventID)
	describe(w, ev)
	return nil
}

func stepUpdate(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	ev, err := newestEvent(ctx, c)
	if err != nil {
		return err
	}
	tags := map[string]any{"reviewed_by": "fraud-team"}
	err = c.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{
		LinkedID: fingerprint.Ptr("order-1001"), Tags: &tags, Suspect: fingerprint.Ptr(true),
	})
	if err != nil {
		return err
	}
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Suspect: fingerprint.Ptr(true)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   updated %s; search suspect=true now finds %d event(s):\n", ev.EventID, len(page.Events))
	for _, found := range page.Events {
		fmt.Fprintf(w, "   %s linked_id=%s tags=%v\n", found.EventID, *found.LinkedID, *found.Tags)
	}
	return nil
}

func stepDelete(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	ev, err := newestEvent(ctx, c)
	if err != nil {
		return err
	}
	visitor := ev.Identification.VisitorID
	if err := c.DeleteVisitorData(ctx, visitor); err != nil {
		return err
	}
	_, err = c.GetEvent(ctx, ev.EventID, nil)
	if err == nil {
		return errors.New("event still readable after delete")
	}
	if !errors.Is(err, fingerprint.ErrNotFound) {
		return fmt.Errorf("get event after delete: want ErrNotFound: %w", err)
	}
	fmt.Fprintf(w, "   deleted visitor %s; GetEvent(%s) now fails with ErrNotFound:\n   %v\n", visitor, ev.EventID, err)
	return nil
}

func stepEdge(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	res, err := c.AnalyzeRequest(ctx, &fingerprint.EdgeRequest{
		Method: "POST",
		URL:    "https://shop.example.com/login",
		Headers: []fingerprint.EdgeRequestHeader{
			{Name: "Host", Value: "shop.example.com"},
			{Name: "User-Agent", Value: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"},
			{Name: "Cookie", Value: ""}, // credentials are forwarded with empty values
		},
		IPv4Address: fingerprint.Ptr("203.0.113.77"),
	})
	if err != nil {
		return err
	}
	bot := "no bot detected"
	if b := res.BotInfo; b != nil {
		bot = fmt.Sprintf("bot %s by %s (category %s, identity %s)", b.Name, b.Provider, b.Category, b.Identity)
	}
	fmt.Fprintf(w, "   event %s: %s, ip %s in %s\n", res.EventID, bot, res.IPInfo.V4.Address, location(&res.IPInfo))
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{
		Source: []fingerprint.EventSource{fingerprint.EventSourceEdge}, TotalHits: 100,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   search source=edge: %d edge events, newest %s\n", *page.TotalHits, page.Events[0].EventID)
	return nil
}

func stepUnseal(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	ev, err := newestEvent(ctx, c)
	if err != nil {
		return err
	}
	// In production the key comes from the dashboard and the sealed result from your
	// frontend; here we make both.
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	key, err := sealed.ParseKey(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		return err
	}
	plain, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	blob, err := sealed.Seal(plain, key)
	if err != nil {
		return err
	}
	sealedB64 := base64.StdEncoding.EncodeToString(blob)
	got, err := sealed.UnsealBase64(sealedB64, []sealed.Key{key}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   sealed %d bytes of event JSON into %d base64 characters; unsealed event %s (matches: %v)\n",
		len(plain), len(sealedB64), got.EventID, got.EventID == ev.EventID)
	return nil
}

func stepWebhook(ctx context.Context, w io.Writer, c *fingerprint.Client) error {
	const secret = "whsec_quickstart_demo"
	received := make(chan string, 1)
	hook := httptest.NewServer(webhook.Handler(secret, func(_ context.Context, ev *fingerprint.Event) error {
		received <- ev.EventID
		return nil
	}, nil))
	defer hook.Close()

	ev, err := newestEvent(ctx, c)
	if err != nil {
		return err
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	deliver := func(signature string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.SignatureHeader, signature)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode, nil
	}
	status, err := deliver(webhook.Sign(body, secret))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   signed delivery: HTTP %d, handler received event %s\n", status, <-received)
	status, err = deliver(webhook.Sign(body, "wrong-secret"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   forged delivery: HTTP %d, handler not called\n", status)
	return nil
}
