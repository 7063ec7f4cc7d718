package fingerprint

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
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
		{name: "A-B-A", start: "", pages: map[string][]string{"": {"a"}, "A": {"b"}, "B": {"c"}},
			next: map[string]string{"": "A", "A": "B", "B": "A"}, ids: "a,b,c", reqs: 3},
		{name: "long cycle", start: "", pages: map[string][]string{"": {"a"}, "A": {"b"}, "B": {"c"}, "C": {"d"}, "D": {"e"}},
			next: map[string]string{"": "A", "A": "B", "B": "C", "C": "D", "D": "B"}, ids: "a,b,c,d,e", reqs: 5},
		{name: "immediate repeat", start: "", pages: map[string][]string{"": {"a"}, "A": {"b"}},
			next: map[string]string{"": "A", "A": "A"}, ids: "a,b", reqs: 2},
		{name: "back to the starting key", start: "S", pages: map[string][]string{"S": {"s"}, "A": {"b"}},
			next: map[string]string{"S": "A", "A": "S"}, ids: "s,b", reqs: 2},
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

// BenchmarkKeySet reports the memory the iterator's seen-set takes per page, for keys as
// long as the API's (about 150 characters): the bytes/page metric is what README and
// maxIterPages quote.
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
