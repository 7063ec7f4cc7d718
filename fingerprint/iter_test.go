package fingerprint

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// pagedHandler serves pages of event IDs keyed by pagination_key ("" is the first page).
func pagedHandler(t *testing.T, pages map[string][]string, next map[string]string, fail map[string]int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("pagination_key")
		if code, ok := fail[key]; ok {
			respond(w, code, `{"error":{"code":"failed","message":"page failed"}}`)
			return
		}
		ids, ok := pages[key]
		if !ok {
			t.Errorf("unexpected pagination_key %q", key)
			respond(w, 400, "")
			return
		}
		var evs []string
		for _, id := range ids {
			evs = append(evs, fmt.Sprintf(`{"event_id":%q,"timestamp":1}`, id))
		}
		body := `{"events":[` + strings.Join(evs, ",") + `]`
		if n := next[key]; n != "" {
			body += fmt.Sprintf(`,"pagination_key":%q`, n)
		}
		respond(w, 200, body+"}")
	}
}

func collect(t *testing.T, seq func(func(*Event, error) bool)) ([]string, error) {
	t.Helper()
	var ids []string
	for ev, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, ev.EventID)
	}
	return ids, nil
}

func TestSearchEventsIterFollowsPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t,
		map[string][]string{"": {"a", "b"}, "p2": {"c"}, "p3": {}, "p4": {"d"}},
		map[string]string{"": "p2", "p2": "p3", "p3": "p4"}, nil))
	params := &SearchEventsParams{VisitorID: "v1", Limit: 2, Environment: []string{"prod"}}
	ids, err := collect(t, h.client.SearchEventsIter(t.Context(), params))
	if err != nil || strings.Join(ids, ",") != "a,b,c,d" {
		t.Fatalf("ids = %v, err = %v", ids, err)
	}
	reqs := h.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for i, r := range reqs {
		if !strings.Contains(r.RawQuery, "visitor_id=v1") || !strings.Contains(r.RawQuery, "limit=2") || !strings.Contains(r.RawQuery, "environment=prod") {
			t.Errorf("request %d lost filters: %s", i, r.RawQuery)
		}
	}
	if params.PaginationKey != "" {
		t.Errorf("caller's params modified: PaginationKey = %q", params.PaginationKey)
	}
	// Ranging again starts over from the same params.
	ids, err = collect(t, h.client.SearchEventsIter(t.Context(), params))
	if err != nil || len(ids) != 4 {
		t.Errorf("second range: %v, %v", ids, err)
	}
}

func TestSearchEventsIterCopiesParams(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"": {"a"}, "p2": {"b"}}, map[string]string{"": "p2"}, nil))
	params := &SearchEventsParams{VisitorID: "v1", Environment: []string{"prod"}}
	seq := h.client.SearchEventsIter(t.Context(), params)
	params.VisitorID = "changed"
	params.Environment[0] = "changed"
	if _, err := collect(t, seq); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.requests() {
		if strings.Contains(r.RawQuery, "changed") {
			t.Errorf("iterator used params changed after the call: %s", r.RawQuery)
		}
	}
}

func TestSearchEventsIterStartsAtGivenPaginationKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"p2": {"c"}}, nil, nil))
	ids, err := collect(t, h.client.SearchEventsIter(t.Context(), &SearchEventsParams{PaginationKey: "p2"}))
	if err != nil || strings.Join(ids, ",") != "c" {
		t.Fatalf("ids = %v, err = %v", ids, err)
	}
}

func TestSearchEventsIterBreakStopsRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"": {"a", "b"}, "p2": {"c"}}, map[string]string{"": "p2"}, nil))
	var ids []string
	for ev, err := range h.client.SearchEventsIter(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.EventID)
		if len(ids) == 1 {
			break
		}
	}
	if len(ids) != 1 || len(h.requests()) != 1 {
		t.Errorf("ids = %v, requests = %d; want 1 and 1", ids, len(h.requests()))
	}
}

func TestSearchEventsIterErrorMidway(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"": {"a", "b"}}, map[string]string{"": "p2"}, map[string]int{"p2": 404}))
	var ids []string
	var errs []error
	for ev, err := range h.client.SearchEventsIter(t.Context(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue // the iterator must stop by itself after yielding the error
		}
		ids = append(ids, ev.EventID)
	}
	if strings.Join(ids, ",") != "a,b" || len(errs) != 1 {
		t.Fatalf("ids = %v, errs = %v", ids, errs)
	}
	if !errors.Is(errs[0], ErrNotFound) {
		t.Errorf("err = %v, want the 404 *APIError", errs[0])
	}
}

func TestSearchEventsIterInvalidParams(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, nil, nil, nil))
	_, err := collect(t, h.client.SearchEventsIter(t.Context(), &SearchEventsParams{Limit: 1000}))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(h.requests()) != 0 {
		t.Errorf("err = %v, requests = %d", err, len(h.requests()))
	}
}

func TestSearchEventsIterContextCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"": {"a", "b", "c"}, "p2": {"d"}}, map[string]string{"": "p2"}, nil))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var ids []string
	var gotErr error
	for ev, err := range h.client.SearchEventsIter(ctx, nil) {
		if err != nil {
			gotErr = err
			continue
		}
		ids = append(ids, ev.EventID)
		cancel()
	}
	if !errors.Is(gotErr, context.Canceled) || len(ids) != 1 || len(h.requests()) != 1 {
		t.Errorf("ids = %v, err = %v, requests = %d", ids, gotErr, len(h.requests()))
	}
}

func TestSearchEventsIterRepeatedKeyStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t, map[string][]string{"": {"a"}, "p2": {"b"}}, map[string]string{"": "p2", "p2": "p2"}, nil))
	ids, err := collect(t, h.client.SearchEventsIter(t.Context(), nil))
	if err == nil || !strings.Contains(err.Error(), "pagination_key") || strings.Join(ids, ",") != "a,b" {
		t.Errorf("ids = %v, err = %v", ids, err)
	}
}

// Each page's query is the caller's params encoded once, with the page's key in the
// spec's place: byte for byte what SearchEvents sends for the same params and key.
func TestSearchEventsPagesQueryPerPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, pagedHandler(t,
		map[string][]string{"": {"a"}, "k 2": {"b"}, "k/3": {}},
		map[string]string{"": "k 2", "k 2": "k/3"}, nil))
	min := 0.25
	params := &SearchEventsParams{VisitorID: "v1", Limit: 2, Environment: []string{"prod", "st age"}, MinSuspectScore: &min}
	if _, err := collect(t, h.client.SearchEventsIter(t.Context(), params)); err != nil {
		t.Fatal(err)
	}
	reqs := h.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, key := range []string{"", "k 2", "k/3"} {
		p := *params
		p.PaginationKey = key
		got, _, _ := strings.Cut(reqs[i].RawQuery, "&ii=") // ii: the SDK's integration info, added by the transport
		if want := p.encode(); got != want {
			t.Errorf("page %d query %q, want %q", i+1, reqs[i].RawQuery, want)
		}
	}
	if want := "limit=2&pagination_key=k%202&visitor_id=v1"; !strings.HasPrefix(reqs[1].RawQuery, want) {
		t.Errorf("page 2 query %q does not start with %q", reqs[1].RawQuery, want)
	}
}
