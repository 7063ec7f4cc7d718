package fingerprint_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestSearchEventsIterDefaultsToFullPages counts requests: 1,000 events with nil params or
// Limit 0 take 10 requests of 100 events, where the API default of 10 took 100. An
// explicit Limit is kept.
func TestSearchEventsIterDefaultsToFullPages(t *testing.T) {
	t.Parallel()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(11).Events(1000)...))
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		params *fingerprint.SearchEventsParams
		reqs   int
		limit  string
	}{
		{name: "nil params", params: nil, reqs: 10, limit: "100"},
		{name: "Limit 0", params: &fingerprint.SearchEventsParams{Reverse: true}, reqs: 10, limit: "100"},
		{name: "Limit 250 is invalid, not clamped", params: &fingerprint.SearchEventsParams{Limit: 250}, reqs: 0, limit: ""},
		{name: "Limit 40", params: &fingerprint.SearchEventsParams{Limit: 40}, reqs: 25, limit: "40"},
	} {
		srv.ResetRequests()
		n := 0
		var gotErr error
		for _, err := range c.SearchEventsIter(t.Context(), tc.params) {
			if err != nil {
				gotErr = err
				break
			}
			n++
		}
		if tc.reqs == 0 {
			var ve *fingerprint.ValidationError
			if !errors.As(gotErr, &ve) || len(srv.Requests()) != 0 {
				t.Errorf("%s: err = %v, %d requests", tc.name, gotErr, len(srv.Requests()))
			}
			continue
		}
		if gotErr != nil || n != 1000 {
			t.Errorf("%s: %d events, err = %v", tc.name, n, gotErr)
		}
		reqs := srv.Requests()
		if len(reqs) != tc.reqs {
			t.Errorf("%s: %d requests, want %d", tc.name, len(reqs), tc.reqs)
		}
		for _, r := range reqs {
			if got := r.Query.Get("limit"); got != tc.limit {
				t.Errorf("%s: limit=%q, want %q", tc.name, got, tc.limit)
				break
			}
		}
	}
}

// TestSearchEventsPagesResume stops an export after some pages, keeps only the stored
// PaginationKey, and resumes with a new iterator (as a new process would): together the
// two runs yield every matching event exactly once, in the order of one full run.
func TestSearchEventsPagesResume(t *testing.T) {
	t.Parallel()
	g := fingerprinttest.NewGenerator(5)
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(append(g.Events(730), g.EdgeEvent(), g.EdgeEvent())...))
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	filter := fingerprint.SearchEventsParams{Limit: 60} // device events only: no Source

	var all []string
	for ev, err := range c.SearchEventsIter(t.Context(), &filter) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ev.EventID)
	}
	if len(all) < 100 {
		t.Fatalf("only %d events match; the test needs several pages", len(all))
	}

	for _, stopAfter := range []int{1, 3, len(all)/60 - 1} {
		var got []string
		var stored string
		pages := 0
		for page, err := range c.SearchEventsPages(t.Context(), &filter) {
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range page.Events {
				got = append(got, ev.EventID)
			}
			pages++
			if pages == stopAfter {
				if page.PaginationKey == nil {
					t.Fatalf("page %d has no PaginationKey", pages)
				}
				stored = *page.PaginationKey
				break
			}
		}
		resume := filter // the same filters, plus the stored key
		resume.PaginationKey = stored
		for page, err := range c.SearchEventsPages(t.Context(), &resume) {
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range page.Events {
				got = append(got, ev.EventID)
			}
		}
		if strings.Join(got, ",") != strings.Join(all, ",") {
			t.Errorf("stop after %d pages: resumed export has %d events, want the %d of one run, in order", stopAfter, len(got), len(all))
		}
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("stop after %d pages: %s yielded twice", stopAfter, id)
			}
			seen[id] = true
		}
	}
}

// TestSearchUnknownVisitorIsNotFound documents the API's behaviour that SearchEvents'
// doc and the README state: a visitor_id the workspace does not know is a 404
// visitor_not_found, not an empty page.
func TestSearchUnknownVisitorIsNotFound(t *testing.T) {
	t.Parallel()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(3).Events(20)...))
	c, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SearchEvents(t.Context(), &fingerprint.SearchEventsParams{VisitorID: "Ibk1527CUFmcnjLwIs4A9"})
	var apiErr *fingerprint.APIError
	if !errors.Is(err, fingerprint.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Code != fingerprint.ErrorCodeVisitorNotFound {
		t.Fatalf("err = %v, want a 404 visitor_not_found *APIError", err)
	}
	_, err = fingerprint.Collect(t, c.SearchEventsIter(t.Context(), &fingerprint.SearchEventsParams{VisitorID: "Ibk1527CUFmcnjLwIs4A9"}))
	if !errors.Is(err, fingerprint.ErrNotFound) {
		t.Fatalf("iterator err = %v, want ErrNotFound", err)
	}
	if q := srv.Requests()[0].Query; q.Get("visitor_id") != "Ibk1527CUFmcnjLwIs4A9" {
		t.Errorf("query = %v", url.Values(q))
	}
}
