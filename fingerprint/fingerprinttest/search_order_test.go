package fingerprinttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
)

// naiveSearch answers a search the simple way: filter every stored event, sort the
// matches, skip to the cursor and json.Marshal the page. It is the oracle for the
// server's indexed search. ok is false when the server must answer visitor not found.
func naiveSearch(t *testing.T, srv *Server, query string) (body []byte, ok bool) {
	t.Helper()
	v, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	q, e := parseQuery(v, fixedNow)
	if e != nil {
		t.Fatalf("%v: e = %v, want nil", query, e)
	}
	srv.mu.Lock()
	var matched []*gen.Event
	raw := map[string]json.RawMessage{}
	known := q.visitorID == ""
	for _, st := range srv.events {
		if st.ev.Identification != nil && st.ev.Identification.VisitorID == q.visitorID {
			known = true
		}
		if q.matches(st.ev) {
			matched = append(matched, st.ev)
			raw[st.ev.EventID] = st.raw
		}
	}
	srv.mu.Unlock()
	if !known {
		return nil, false
	}
	slices.SortFunc(matched, func(a, b *gen.Event) int {
		if before(a, b, q.reverse) {
			return -1
		}
		return 1
	})
	var page struct {
		Events        []json.RawMessage `json:"events"`
		PaginationKey *string           `json:"pagination_key,omitempty"`
		TotalHits     *int64            `json:"total_hits,omitempty"`
	}
	page.Events = []json.RawMessage{}
	if q.totalHits > 0 {
		page.TotalHits = ptr(min(int64(len(matched)), q.totalHits))
	}
	rest := matched
	if c := q.after; c != nil {
		pos := &gen.Event{Timestamp: c.Timestamp, EventID: c.EventID}
		i := slices.IndexFunc(matched, func(ev *gen.Event) bool { return !before(ev, pos, q.reverse) })
		if i < 0 {
			i = len(matched)
		}
		if i < len(matched) && matched[i].EventID == c.EventID && matched[i].Timestamp == c.Timestamp {
			i++
		}
		rest = matched[i:]
	}
	for _, ev := range rest[:min(q.limit, len(rest))] {
		page.Events = append(page.Events, raw[ev.EventID])
	}
	if len(rest) > q.limit {
		last := rest[q.limit-1]
		page.PaginationKey = ptr(cursor{Timestamp: last.Timestamp, EventID: last.EventID}.encode())
	}
	body, err = json.Marshal(page)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	return body, true
}

// requireOrderIndex checks that the search index holds exactly the stored events, in order.
func requireOrderIndex(t *testing.T, srv *Server) {
	t.Helper()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if got := len(srv.order); got != len(srv.events) {
		t.Fatalf("len(srv.order) = %d, want %d", got, len(srv.events))
	}
	for i, st := range srv.order {
		if srv.events[st.ev.EventID] != st {
			t.Fatalf("index entry %d: srv.order[%d] is not the same pointer as srv.events[%q]", i, i, st.ev.EventID)
		}
		if i > 0 {
			if compareStored(srv.order[i-1], st.ev.Timestamp, st.ev.EventID) >= 0 {
				t.Fatalf("index entry %d out of order: compareStored(srv.order[i-1], st.ev.Timestamp, st.ev.EventID) = %v, want negative", i, compareStored(srv.order[i-1], st.ev.Timestamp, st.ev.EventID))
			}
		}
	}
}

// TestSearchMatchesNaiveSearch pages through many queries, after inserts, replacements,
// updates and deletes, and checks every response byte for byte against naiveSearch.
func TestSearchMatchesNaiveSearch(t *testing.T) {
	g := NewGenerator(42)
	g.SetNow(fixedNow)
	evs := g.Events(120)
	for range 10 {
		evs = append(evs, g.EdgeEvent())
	}
	tie := fixedNow.Add(-time.Hour)
	for range 8 { // same timestamp: ordered by event ID
		evs = append(evs, g.EventAt(tie))
	}
	srv := NewServer(t, WithClock(fixedClock), WithEvents(evs...))
	requireOrderIndex(t, srv)

	visitor := evs[0].Identification.VisitorID
	queries := []string{
		"", "limit=17", "limit=17&reverse=true", "limit=11&total_hits=20", "limit=100&total_hits=1000",
		"limit=13&reverse=true&total_hits=1000", "vpn=true&limit=5", "suspect=true&limit=6&total_hits=2",
		"visitor_id=" + visitor + "&limit=2", "visitor_id=" + visitor + "&limit=2&reverse=true&total_hits=100",
		"source=edge&limit=4", "linked_id=order-x&limit=3",
		"limit=9&start=" + strconv.FormatInt(tie.UnixMilli(), 10) + "&end=" + strconv.FormatInt(tie.UnixMilli(), 10),
		"limit=3&reverse=true&start=" + strconv.FormatInt(tie.UnixMilli(), 10) + "&end=" + strconv.FormatInt(tie.UnixMilli(), 10),
		"limit=50&start=" + strconv.FormatInt(fixedNow.Add(-maxStartAge).UnixMilli(), 10) + "&end=9223372036854775807&total_hits=1000",
		"total_hits=5&start=" + strconv.FormatInt(fixedNow.UnixMilli(), 10) + "&end=" + strconv.FormatInt(tie.UnixMilli(), 10),
		"visitor_id=nobody",
	}
	check := func(step string) {
		t.Helper()
		for _, query := range queries {
			for page, q := 0, query; ; page++ {
				want, ok := naiveSearch(t, srv, q)
				r := call(t, srv, "GET", "/events?"+q, nil)
				if !ok {
					if got, want := r.status, http.StatusNotFound; !reflect.DeepEqual(got, want) {
						t.Fatalf("%s: %s: r.status = %v, want %v", step, q, got, want)
					}
					break
				}
				if got, want := r.status, http.StatusOK; !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: %s: r.status = %v, want %v", step, q, got, want)
				}
				res := decode[fingerprint.EventSearch](t, r)
				var wantRes fingerprint.EventSearch
				if err := json.Unmarshal(want, &wantRes); err != nil {
					t.Fatalf("json.Unmarshal(want, &wantRes): %v", err)
				}
				if have, expected := ids(res.Events), ids(wantRes.Events); !reflect.DeepEqual(have, expected) {
					t.Fatalf("%s: %s (page %d): ids(res.Events) = %v, want %v", step, q, page, have, expected)
				}
				if have, expected := res.PaginationKey, wantRes.PaginationKey; !reflect.DeepEqual(have, expected) {
					t.Fatalf("%s: %s (page %d): res.PaginationKey = %v, want %v", step, q, page, have, expected)
				}
				if have, expected := res.TotalHits, wantRes.TotalHits; !reflect.DeepEqual(have, expected) {
					t.Fatalf("%s: %s (page %d): res.TotalHits = %v, want %v", step, q, page, have, expected)
				}
				if have, expected := string(r.body), string(want); !reflect.DeepEqual(have, expected) {
					t.Fatalf("%s: %s (page %d): same page, different bytes: string(r.body) = %v, want %v", step, q, page, have, expected)
				}
				if res.PaginationKey == nil {
					break
				}
				q = query + "&pagination_key=" + url.QueryEscape(*res.PaginationKey)
			}
		}
	}
	check("seeded")

	// Replace events one by one (some move in time) and in a bulk batch.
	moved := evs[1]
	moved.Timestamp = tie.UnixMilli()
	same := evs[2]
	same.LinkedID = ptr("order-x")
	if err := srv.AddEvents(moved, same, g.EventAt(tie)); err != nil {
		t.Fatalf("srv.AddEvents(moved, same, g.EventAt(tie)): %v", err)
	}
	requireOrderIndex(t, srv)
	var batch []fingerprint.Event
	for i, ev := range evs[10:80] {
		ev.Timestamp -= int64(i) * 1000
		batch = append(batch, ev)
	}
	batch = append(batch, g.Events(10)...)
	if err := srv.AddEvents(batch...); err != nil {
		t.Fatalf("srv.AddEvents(batch...): %v", err)
	}
	requireOrderIndex(t, srv)
	check("replaced")

	for _, ev := range evs[90:100] {
		r := call(t, srv, "PATCH", "/events/"+ev.EventID, `{"linked_id":"order-x","suspect":true}`)
		if r.status != http.StatusOK {
			t.Fatalf("r.status = %v, want %v", r.status, http.StatusOK)
		}
	}
	requireOrderIndex(t, srv)
	check("updated")

	if got := call(t, srv, "DELETE", "/visitors/"+visitor, nil).status; got != http.StatusOK {
		t.Fatalf("call(t, srv, \"DELETE\", \"/visitors/\"+visitor, nil).status = %v, want %v", got, http.StatusOK)
	}
	requireOrderIndex(t, srv)
	check("deleted")
}
