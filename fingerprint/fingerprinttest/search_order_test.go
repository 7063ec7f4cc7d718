package fingerprinttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/gen"
	"github.com/stretchr/testify/require"
)

// naiveSearch answers a search the simple way: filter every stored event, sort the
// matches, skip to the cursor and json.Marshal the page. It is the oracle for the
// server's indexed search. ok is false when the server must answer visitor not found.
func naiveSearch(t *testing.T, srv *Server, query string) (body []byte, ok bool) {
	t.Helper()
	v, err := url.ParseQuery(query)
	require.NoError(t, err)
	q, e := parseQuery(v, fixedNow)
	require.Nil(t, e, query)
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
	require.NoError(t, err)
	return body, true
}

// requireOrderIndex checks that the search index holds exactly the stored events, in order.
func requireOrderIndex(t *testing.T, srv *Server) {
	t.Helper()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.order, len(srv.events))
	for i, st := range srv.order {
		require.Same(t, srv.events[st.ev.EventID], st, "index entry %d", i)
		if i > 0 {
			require.Negative(t, compareStored(srv.order[i-1], st.ev.Timestamp, st.ev.EventID), "index entry %d out of order", i)
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
					require.Equal(t, http.StatusNotFound, r.status, "%s: %s", step, q)
					break
				}
				require.Equal(t, http.StatusOK, r.status, "%s: %s", step, q)
				res := decode[fingerprint.EventSearch](t, r)
				var wantRes fingerprint.EventSearch
				require.NoError(t, json.Unmarshal(want, &wantRes))
				require.Equal(t, ids(wantRes.Events), ids(res.Events), "%s: %s (page %d)", step, q, page)
				require.Equal(t, wantRes.PaginationKey, res.PaginationKey, "%s: %s (page %d)", step, q, page)
				require.Equal(t, wantRes.TotalHits, res.TotalHits, "%s: %s (page %d)", step, q, page)
				require.Equal(t, string(want), string(r.body), "%s: %s (page %d): same page, different bytes", step, q, page)
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
	require.NoError(t, srv.AddEvents(moved, same, g.EventAt(tie)))
	requireOrderIndex(t, srv)
	var batch []fingerprint.Event
	for i, ev := range evs[10:80] {
		ev.Timestamp -= int64(i) * 1000
		batch = append(batch, ev)
	}
	batch = append(batch, g.Events(10)...)
	require.NoError(t, srv.AddEvents(batch...))
	requireOrderIndex(t, srv)
	check("replaced")

	for _, ev := range evs[90:100] {
		r := call(t, srv, "PATCH", "/events/"+ev.EventID, `{"linked_id":"order-x","suspect":true}`)
		require.Equal(t, http.StatusOK, r.status)
	}
	requireOrderIndex(t, srv)
	check("updated")

	require.Equal(t, http.StatusOK, call(t, srv, "DELETE", "/visitors/"+visitor, nil).status)
	requireOrderIndex(t, srv)
	check("deleted")
}
