package fingerprint

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// hostileAllocBound is the documented bound (README, RELIABILITY.md) on the heap one
// SearchEvents call (Limit 100) or GetEvent call allocates, whatever the body.
const hostileAllocBound = 64 << 20

// hostileBodies are 2xx bodies a broken or hostile server might send.
func hostileBodies() map[string][]byte {
	rep := strings.Repeat
	return map[string][]byte{
		// 4.4 GiB of Events on the old code: 1.4 M events from a few KB of gzip.
		"many tiny events":         []byte(`{"events":[` + rep(`{},`, 1_400_000) + `{}]}`),
		"101 events":               []byte(`{"events":[` + rep(`{"event_id":"e","timestamp":1},`, 100) + `{}]}`),
		"tiny events, escaped key": []byte(`{"ev\u0065nts":[` + rep(`{},`, 200_000) + `{}]}`),
		"tiny events, folded key":  []byte(`{"EVENTS":[` + rep(`1,`, 200_000) + `1]}`),
		"deep nesting":             []byte(`{"events":[{"tags":{"a":` + rep(`[`, 50_000) + rep(`]`, 50_000) + `}}]}`),
		"wide object":              []byte(`{"events":[{"tags":{` + wideObject(2_000_000) + `}}]}`),
		// Under the 6.27 MiB page cap, so they are decoded: the worst amplification left.
		"wide object under the cap":  []byte(`{"events":[{"event_id":"e","timestamp":1,"tags":{` + wideObject(450_000) + `}}]}`),
		"tiny numbers under the cap": []byte(`{"events":[{"event_id":"e","timestamp":1,"tags":{"a":[` + rep(`1,`, 3_000_000) + `1]}}]}`),
		// The most a page within both budgets can cost: 409,000 tiny values (the value budget
		// of Limit 100 is 409,600), accepted and decoded.
		"accepted: tiny numbers at the value budget": []byte(`{"events":[{"event_id":"e","timestamp":1,"tags":{"a":[` + rep(`1,`, 409_000) + `1]}}]}`),
		"one huge tags object":                       []byte(`{"events":[{"event_id":"e","timestamp":1,"tags":{"t":"` + rep("x", 60<<20) + `"}}]}`),
		// Nesting without commas (issue 17): 399 MiB from an 11 KB gzip page before containers counted.
		"100 events of nested objects": hostilePage(100, rep(`{"":`, 9000)+"1"+rep("}", 9000)),
		"100 events of nested arrays":  hostilePage(100, rep(`[`, 9000)+rep("]", 9000)),
		"nested objects in one event":  hostilePage(1, nestedChains(25, 9000)),
		// The most nesting a page within the budget holds: 100 chains of 1,000 objects.
		"accepted: nested objects at the value budget": hostilePage(100, rep(`{"":`, 1000)+"1"+rep("}", 1000)),
	}
}

// hostilePage is a page of n events whose tags hold value.
func hostilePage(n int, value string) []byte {
	ev := `{"event_id":"e","timestamp":1,"tags":{"a":` + value + `}}`
	return []byte(`{"events":[` + strings.TrimSuffix(strings.Repeat(ev+",", n), ",") + `]}`)
}

// nestedChains is an object of n members, each a chain of depth nested objects: the
// most nesting encoding/json's depth limit (10,000) lets through per member.
func nestedChains(n, depth int) string {
	chain := strings.Repeat(`{"":`, depth) + "1" + strings.Repeat("}", depth)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `"k` + strconv.Itoa(i) + `":` + chain
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestHostileEventBodyHasBoundedHeap: GetEvent's decode is bounded too (issue 17): a
// 1 MiB body of nested objects allocated 68 MiB before; it is a *DecodeError now, and a
// full event still decodes.
func TestHostileEventBodyHasBoundedHeap(t *testing.T) {
	for name, tc := range map[string]struct {
		body []byte
		ok   bool
	}{
		"1 MiB of nested objects": {[]byte(`{"event_id":"e","timestamp":1,"tags":` + nestedChains(23, 9000) + `}`), false},
		"1 MiB of nested arrays":  {[]byte(`{"event_id":"e","timestamp":1,"tags":{"a":[` + strings.TrimSuffix(strings.Repeat(strings.Repeat("[", 9000)+strings.Repeat("]", 9000)+",", 58), ",") + `]}}`), false},
		"tiny numbers":            {[]byte(`{"event_id":"e","timestamp":1,"tags":{"a":[` + strings.Repeat("1,", 40_000) + `1]}}`), false},
		"full event":              {fullEventJSON(t), true},
	} {
		srv := gzipServer(t, tc.body)
		c, err := NewClient(testKey, WithBaseURL(srv.URL), WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		var callErr error
		n := allocated(func() { _, callErr = c.GetEvent(t.Context(), "e", nil) })
		var de *DecodeError
		if tc.ok != (callErr == nil) || !tc.ok && !errors.As(callErr, &de) {
			t.Errorf("%s: got %v", name, callErr)
		}
		t.Logf("%s: %d KiB body, %.1f MiB allocated", name, len(tc.body)>>10, float64(n)/(1<<20))
		if n > hostileAllocBound/4 {
			t.Errorf("%s: one call allocated %.1f MiB, bound %d MiB", name, float64(n)/(1<<20), hostileAllocBound>>22)
		}
	}
}

func wideObject(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strconv.Itoa(i) + `":1`)
	}
	return b.String()
}

// gzipServer serves body gzip-compressed (net/http decompresses it transparently).
func gzipServer(t *testing.T, body []byte) *httptest.Server {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(body)
	_ = zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gz.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// allocated returns the least TotalAlloc delta of three runs of fn.
func allocated(fn func()) uint64 {
	least := ^uint64(0)
	var before, after runtime.MemStats
	for range 3 {
		runtime.GC()
		runtime.ReadMemStats(&before)
		fn()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// TestHostileBodiesHaveBoundedHeap sends each hostile body gzip-compressed through the
// real client and checks that the call fails with *DecodeError and allocates less than
// hostileAllocBound.
func TestHostileBodiesHaveBoundedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bodies of tens of MiB; skipped with -short")
	}
	for name, body := range hostileBodies() {
		srv := gzipServer(t, body)
		c, err := NewClient(testKey, WithBaseURL(srv.URL), WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		var callErr error
		n := allocated(func() { _, callErr = c.SearchEvents(t.Context(), &SearchEventsParams{Limit: 100}) })
		var de *DecodeError
		if strings.HasPrefix(name, "accepted") {
			if callErr != nil {
				t.Errorf("%s: %v", name, callErr)
			}
		} else if !errors.As(callErr, &de) {
			t.Errorf("%s: want *DecodeError, got %v", name, callErr)
		}
		if de != nil && cap(de.Body) > 2*maxErrorBody { // a copy, not the read buffer
			t.Errorf("%s: DecodeError.Body pins %d bytes", name, cap(de.Body))
		}
		t.Logf("%s: %d KiB body, %.1f MiB allocated", name, len(body)>>10, float64(n)/(1<<20))
		if n > hostileAllocBound {
			t.Errorf("%s: one call allocated %.1f MiB, bound %d MiB", name, float64(n)/(1<<20), hostileAllocBound>>20)
		}
	}
}

// TestSearchNeverDecodesMoreEventsThanAsked: the count limit follows Limit (10 when 0).
func TestSearchNeverDecodesMoreEventsThanAsked(t *testing.T) {
	page := func(n int) string {
		return `{"events":[` + strings.TrimSuffix(strings.Repeat(minimalEvent+",", n), ",") + `]}`
	}
	for _, tc := range []struct {
		limit, served int
		ok            bool
	}{{0, 10, true}, {0, 11, false}, {5, 5, true}, {5, 6, false}, {100, 100, true}, {100, 101, false}} {
		h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, page(tc.served)) }, WithMaxRetries(0))
		res, err := h.client.SearchEvents(t.Context(), &SearchEventsParams{Limit: tc.limit})
		var de *DecodeError
		switch {
		case tc.ok && (err != nil || len(res.Events) != tc.served):
			t.Errorf("limit %d, %d served: %v", tc.limit, tc.served, err)
		case !tc.ok && !errors.As(err, &de):
			t.Errorf("limit %d, %d served: want *DecodeError, got %v", tc.limit, tc.served, err)
		}
	}
}

// TestCountEventsMatchesEncodingJSON checks the pre-scan against json.Unmarshal on
// tricky documents: its count must equal the number of events json.Unmarshal decodes.
func TestCountEventsMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{"events":[]}`, `{"events":[{}]}`, `{"events":[{},{}],"pagination_key":"x"}`,
		`{"pagination_key":"a,b]","events":[{"tags":{"events":[1,2,3]}},{}]}`,
		`{"x":"\"events\":[1,2]","events":[{"a":"\\\"],[{"}]}`,
		`{"Events":[{},{},{}]}`, `{"ev\u0065nts":[{},{}]}`, "{\"event\u017f\":[{},{}]}",
		`{"events":null}`, `{ "events" : [ { } , { } ] }`, `{"nested":{"events":[{},{},{}]},"events":[{}]}`,
		`{"events":[{},{}],"events":[{}]}`, `{"eventsx":[{},{}]}`,
	}
	for _, d := range docs {
		var page EventSearch
		if err := json.Unmarshal([]byte(d), &page); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		n, _, ok := countEvents([]byte(d), 100, 1<<20)
		if !ok || n < len(page.Events) {
			t.Errorf("%s: counted %d (ok %v), json.Unmarshal decoded %d", d, n, ok, len(page.Events))
		}
		if _, _, ok := countEvents([]byte(d), len(page.Events)-1, 1<<20); len(page.Events) > 0 && ok {
			t.Errorf("%s: limit %d not enforced", d, len(page.Events)-1)
		}
	}
}

func FuzzCountEvents(f *testing.F) {
	f.Add([]byte(`{"events":[{},{}]}`))
	f.Add([]byte(`{"Events":[1,"a\"",[2]],"events":[]}`))
	f.Add([]byte(`{"events":[ {"a":[1, {"b":"]"}]} ,	null,"x" , 2 ]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var page EventSearch
		if json.Unmarshal(data, &page) != nil || duplicateKeys(data) {
			return
		}
		if n, _, ok := countEvents(data, len(page.Events), 1<<30); !ok || n != len(page.Events) {
			t.Fatalf("counted %d (ok %v), json.Unmarshal decoded %d: %q", n, ok, len(page.Events), data)
		}
		// The recorded spans are exactly the elements json.Unmarshal decoded.
		var raws struct{ Events []json.RawMessage }
		_ = json.Unmarshal(data, &raws)
		var s pageScan
		s.scan(data, len(page.Events), 1<<30)
		if len(s.spans) != len(raws.Events) {
			t.Fatalf("%d spans, %d elements: %q", len(s.spans), len(raws.Events), data)
		}
		for i, sp := range s.spans {
			if got := data[sp.start:sp.end]; !bytes.Equal(got, raws.Events[i]) {
				t.Fatalf("span %d is %q, element %q", i, got, raws.Events[i])
			}
		}
	})
}

// duplicateKeys reports whether data may hold the events key twice or escaped (each
// array is then counted on its own, which can differ from json's merged result; escapes
// are covered by TestCountEventsMatchesEncodingJSON).
func duplicateKeys(data []byte) bool {
	return bytes.Count(bytes.ToLower(data), []byte("vent")) > 1 || bytes.Contains(data, []byte(`\`))
}

// BenchmarkHostileSearchBodies reports the heap one SearchEvents call (Limit 100)
// allocates for each hostile body of TestHostileBodiesHaveBoundedHeap.
func BenchmarkHostileSearchBodies(b *testing.B) {
	for name, body := range hostileBodies() {
		b.Run("body="+strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			_, _ = zw.Write(body)
			_ = zw.Close()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(gz.Bytes())
			}))
			defer srv.Close()
			c, err := NewClient(testKey, WithBaseURL(srv.URL), WithMaxRetries(0))
			if err != nil {
				b.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				_, _ = c.SearchEvents(b.Context(), &SearchEventsParams{Limit: 100})
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MiB-alloc/op")
			b.ReportMetric(float64(gz.Len()), "gzip-B")
		})
	}
}

// TestIgnoredBodiesAreNotReadPastTheCap: a 2xx answer to a write is a success whatever
// its body; the client reads at most 64 KiB of it.
func TestIgnoredBodiesAreNotReadPastTheCap(t *testing.T) {
	big := strings.Repeat("x", 8<<20)
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) { respond(w, 200, big) }, WithMaxRetries(0))
	if err := h.client.UpdateEvent(t.Context(), "e1", EventUpdate{Suspect: new(bool)}); err != nil {
		t.Errorf("UpdateEvent: %v", err)
	}
	if err := h.client.DeleteVisitorData(t.Context(), "v1"); err != nil {
		t.Errorf("DeleteVisitorData: %v", err)
	}
	if err := h.client.SubmitEventFeedback(t.Context(), "e1", EventFeedback{ResetIdentificationConfidenceScore: Ptr(true)}); err != nil {
		t.Errorf("SubmitEventFeedback: %v", err)
	}
	for _, op := range []operation{opSubmitFeedback, opUpdateEvent, opDeleteVisitor} {
		if op.maxBody != maxErrorBody || !op.bodyUnused {
			t.Errorf("%s: cap %d, bodyUnused %v", op.name, op.maxBody, op.bodyUnused)
		}
	}
}
