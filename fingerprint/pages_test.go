package fingerprint

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestSearchEventsIterCycleStops: a server cycling A -> B -> A must stop the iterator at
// the first key it already used, not only on an immediate repeat. Before the seen-set the
// iterator fetched A, B, A, B, ... until the context ended.
func TestSearchEventsIterCycleStops(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start string
		pages map[string][]string
		next  map[string]string
		ids   string // events yielded before the error
		reqs  int
	}{
		{"A-B-A", "", map[string][]string{"": {"a"}, "A": {"b"}, "B": {"c"}},
			map[string]string{"": "A", "A": "B", "B": "A"}, "a,b,c", 3},
		{"long cycle", "", map[string][]string{"": {"a"}, "A": {"b"}, "B": {"c"}, "C": {"d"}, "D": {"e"}},
			map[string]string{"": "A", "A": "B", "B": "C", "C": "D", "D": "B"}, "a,b,c,d,e", 5},
		{"immediate repeat", "", map[string][]string{"": {"a"}, "A": {"b"}},
			map[string]string{"": "A", "A": "A"}, "a,b", 2},
		{"back to the starting key", "S", map[string][]string{"S": {"s"}, "A": {"b"}},
			map[string]string{"S": "A", "A": "S"}, "s,b", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, pagedHandler(t, tc.pages, tc.next, nil))
			ids, err := collect(t, h.client.SearchEventsIter(t.Context(), &SearchEventsParams{PaginationKey: tc.start}))
			if !errors.Is(err, ErrPaginationLoop) {
				t.Fatalf("err = %v, want ErrPaginationLoop", err)
			}
			if got := strings.Join(ids, ","); got != tc.ids {
				t.Errorf("ids = %s, want %s", got, tc.ids)
			}
			if n := len(h.requests()); n != tc.reqs {
				t.Errorf("%d requests, want %d (no page fetched twice)", n, tc.reqs)
			}
		})
	}
}

// TestSearchEventsPagesCycleStops: the page iterator reports the cycle too, with the
// pages where it closed.
func TestSearchEventsPagesCycleStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"": {"a"}, "A": {"b"}, "B": {"c"}},
		map[string]string{"": "A", "A": "B", "B": "A"}, nil))
	pages := 0
	var gotErr error
	for page, err := range h.client.SearchEventsPages(t.Context(), nil) {
		if err != nil {
			gotErr = err
			continue // the iterator must stop by itself after the error
		}
		pages++
		_ = page
	}
	if pages != 3 || !errors.Is(gotErr, ErrPaginationLoop) {
		t.Fatalf("pages = %d, err = %v", pages, gotErr)
	}
	if want := "page 3 sent the key that fetched page 2"; !strings.Contains(gotErr.Error(), want) {
		t.Errorf("err = %q, want it to say %q", gotErr, want)
	}
}

// TestSearchEventsPagesCap: past the page cap the iterator stops with an error instead of
// letting its memory of used keys grow without bound.
func TestSearchEventsPagesCap(t *testing.T) {
	t.Parallel()
	// Every page links to a new key: an endless, cycle-free search.
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		k := r.URL.Query().Get("pagination_key")
		respond(w, 200, fmt.Sprintf(`{"events":[{"event_id":"e%s","timestamp":1}],"pagination_key":"k%s"}`, k, k))
	})
	pages := 0
	var gotErr error
	for _, err := range h.client.searchPages(t.Context(), nil, 5) {
		if err != nil {
			gotErr = err
			continue
		}
		pages++
	}
	if pages != 5 || gotErr == nil || !strings.Contains(gotErr.Error(), "after 5 pages") || errors.Is(gotErr, ErrPaginationLoop) {
		t.Fatalf("pages = %d, err = %v", pages, gotErr)
	}
	if n := len(h.requests()); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
}

// TestSearchEventsIterDefaultsToFullPages counts requests: 1,000 events with nil params or
// Limit 0 take 10 requests of 100 events, where the API default of 10 took 100. An
// explicit Limit is kept.
func TestSearchEventsIterDefaultsToFullPages(t *testing.T) {
	t.Parallel()
	srv := fingerprinttest.NewServer(t, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(11).Events(1000)...))
	c, err := NewClient(srv.APIKey(), WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		params *SearchEventsParams
		reqs   int
		limit  string
	}{
		{"nil params", nil, 10, "100"},
		{"Limit 0", &SearchEventsParams{Reverse: true}, 10, "100"},
		{"Limit 250 is invalid, not clamped", &SearchEventsParams{Limit: 250}, 0, ""},
		{"Limit 40", &SearchEventsParams{Limit: 40}, 25, "40"},
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
			var ve *ValidationError
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
	c, err := NewClient(srv.APIKey(), WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	filter := SearchEventsParams{Limit: 60} // device events only: no Source

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
	c, err := NewClient(srv.APIKey(), WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SearchEvents(t.Context(), &SearchEventsParams{VisitorID: "Ibk1527CUFmcnjLwIs4A9"})
	var apiErr *APIError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Code != ErrorCodeVisitorNotFound {
		t.Fatalf("err = %v, want a 404 visitor_not_found *APIError", err)
	}
	_, err = collect(t, c.SearchEventsIter(t.Context(), &SearchEventsParams{VisitorID: "Ibk1527CUFmcnjLwIs4A9"}))
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("iterator err = %v, want ErrNotFound", err)
	}
	if q := srv.Requests()[0].Query; q.Get("visitor_id") != "Ibk1527CUFmcnjLwIs4A9" {
		t.Errorf("query = %v", url.Values(q))
	}
}

// BenchmarkKeySet reports the memory the iterator's seen-set takes per page, for keys as
// long as the API's (about 150 characters): the bytes/page metric is what README and
// MaxIterPages quote.
func BenchmarkKeySet(b *testing.B) {
	const pages = 1 << 16
	keys := make([]string, pages)
	for i := range keys {
		keys[i] = fmt.Sprintf("%0150d", i)
	}
	var perPage float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := newKeySet()
		for i, k := range keys {
			s.add(k, int32(i+1))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perPage = float64(after.HeapAlloc-before.HeapAlloc) / pages
		runtime.KeepAlive(s)
	}
	b.ReportMetric(perPage, "bytes/page")
}

func TestKeySet(t *testing.T) {
	t.Parallel()
	s := newKeySet()
	s.add("A", 2)
	if p, ok := s.page("A"); !ok || p != 2 {
		t.Errorf("page(A) = %d, %v", p, ok)
	}
	if _, ok := s.page("B"); ok {
		t.Error("unknown key reported as used")
	}
	if _, ok := s.page("a"); ok {
		t.Error("keys must compare exactly (case matters)")
	}
}
