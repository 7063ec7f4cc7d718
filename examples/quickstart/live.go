package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// runLive runs the read-only steps against the real API (or baseURL when set).
func runLive(ctx context.Context, w io.Writer, key, region, baseURL string) error {
	var opts []fingerprint.Option
	switch {
	case baseURL != "":
		opts = append(opts, fingerprint.WithBaseURL(baseURL))
	case region != "":
		opts = append(opts, fingerprint.WithRegion(fingerprint.Region(strings.ToLower(region))))
	}
	c, err := fingerprint.NewClient(key, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Fingerprint Server API quickstart (live, read-only): %s\n\n", c.BaseURL())

	fmt.Fprintln(w, "1. Search: events of the last 24 hours, newest first")
	page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{Start: time.Now().Add(-24 * time.Hour), Limit: 10})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for i := range page.Events {
		fmt.Fprintln(w, "  ", eventLine(&page.Events[i]))
	}
	if len(page.Events) == 0 {
		fmt.Fprintln(w, "   no events in the last 24 hours: identify a visitor with the JavaScript agent first")
		return nil
	}
	fmt.Fprintf(w, "   more pages: %v\n\n", page.PaginationKey != nil)

	id := page.Events[0].EventID
	fmt.Fprintf(w, "2. Get event %s\n", id)
	ev, err := c.GetEvent(ctx, id, nil)
	if err != nil {
		return fmt.Errorf("get event: %w", err)
	}
	describe(w, ev)
	return nil
}
