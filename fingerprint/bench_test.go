package fingerprint_test

// Benchmarks behind BENCHMARKS.md. Sub-benchmarks are named impl=<name> so that
// `benchstat -col /impl` prints our path next to its floor with the ratio.
// No thresholds here: the numbers are recorded, not asserted.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/internal/eventjson"
)

// fullEventJSON returns fingerprinttest.FullEvent encoded as the API sends it: about
// 8 KB with every Smart Signal, raw device attributes, rule action and labels.
func fullEventJSON(tb testing.TB) []byte {
	tb.Helper()
	b, err := json.Marshal(fingerprinttest.FullEvent())
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeEvent compares the decoding GetEvent uses (decodeJSON, which adds the
// empty/null checks and the DecodeError wrapping) and the one sealed results and webhooks
// use (internal/eventjson) with plain encoding/json into the same struct, the floor of a design
// built on the generated types.
func BenchmarkDecodeEvent(b *testing.B) {
	data := fullEventJSON(b)
	res := fingerprint.OKResponse(data)
	b.Run("impl=stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			ev := new(fingerprint.Event)
			if err := json.Unmarshal(data, ev); err != nil || ev.EventID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			ev, err := fingerprint.DecodeGetEvent(res)
			if err != nil || ev.EventID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sealed-webhook", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := eventjson.Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fixedEventServer serves body for GET /events/{id} with a bearer token check, like the
// API; the handler cost is the same for both clients.
func fixedEventServer(tb testing.TB, body []byte) *httptest.Server {
	tb.Helper()
	length := strconv.Itoa(len(body))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+fingerprint.TestKey {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkGetEventRoundTrip measures one GetEvent over loopback through Client against
// the same request made with bare net/http and encoding/json (status check, full read,
// Unmarshal). Each side has its own keep-alive transport.
func BenchmarkGetEventRoundTrip(b *testing.B) {
	body := fullEventJSON(b)
	srv := fixedEventServer(b, body)
	const eventID = "1768478400000.Xk3pR8"
	ctx := context.Background()

	b.Run("impl=bare", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		url := srv.URL + "/events/" + eventID
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+fingerprint.TestKey)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatal(resp.StatusCode, err)
			}
			var ev fingerprint.Event
			if err := json.Unmarshal(data, &ev); err != nil || ev.EventID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		c, err := fingerprint.NewClient(fingerprint.TestKey, fingerprint.WithBaseURL(srv.URL), fingerprint.WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			ev, err := c.GetEvent(ctx, eventID, nil)
			if err != nil || ev.EventID == "" {
				b.Fatal(err)
			}
		}
	})
}

// heapObjects reads the bytes of live-or-not-yet-swept heap objects (HeapAlloc) without
// stopping the world.
type heapObjects struct{ s []metrics.Sample }

func newHeapObjects() *heapObjects {
	return &heapObjects{s: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
}

func (h *heapObjects) read() uint64 {
	metrics.Read(h.s)
	return h.s[0].Value.Uint64()
}

// BenchmarkSearchEventsIter pages through n events, 100 per page, from two servers:
// server=fake is fingerprinttest (it keeps its events sorted, so a request filters its
// time window in order only until the page is full, then joins the events' stored JSON),
// server=static replays one pre-encoded page of 100 events with a new pagination_key
// each time (client cost only, and server memory independent of n).
//
// Besides events/s it reports two heap figures above a baseline taken after the server
// was filled (so the fake server's store does not count):
//
//   - live-heap-B: the heap after a forced GC 50 events before the end, while the
//     iterator is suspended mid-page. It is what the iteration keeps alive, and it must
//     not grow with n (O(page), not O(n)).
//   - peak-heap-B: the highest heap sampled once per page, garbage included. It also
//     holds the GC headroom, which grows with the whole live heap (the fake server's
//     store included), so only the static server's figure speaks for the client.
func BenchmarkSearchEventsIter(b *testing.B) {
	for _, server := range []string{"fake", "static"} {
		for _, n := range []int{1000, 10000} {
			b.Run("server="+server+"/events="+strconv.Itoa(n), func(b *testing.B) {
				var baseURL, key string
				if server == "fake" {
					srv := fingerprinttest.NewServer(b, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(uint64(n)).Events(n)...))
					baseURL, key = srv.URL(), srv.APIKey()
				} else {
					baseURL, key = staticPagesServer(b, n/100), fingerprint.TestKey
				}
				benchIterate(b, baseURL, key, n)
			})
		}
	}
}

// staticPagesServer answers GET /events with pages of 100 generated events: the same
// encoded page every time, with pagination keys "1" .. strconv.Itoa(pages-1).
func staticPagesServer(tb testing.TB, pages int) string {
	tb.Helper()
	page, err := json.Marshal(fingerprint.EventSearch{Events: fingerprinttest.NewGenerator(7).Events(100)})
	if err != nil {
		tb.Fatal(err)
	}
	head := page[:len(page)-1] // without the closing brace
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, _ := strconv.Atoi(r.URL.Query().Get("pagination_key"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(head)
		if k+1 < pages {
			_, _ = io.WriteString(w, `,"pagination_key":"`+strconv.Itoa(k+1)+`"`)
		}
		_, _ = io.WriteString(w, "}")
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

// benchIterate iterates the n events served at baseURL, 100 per page, once per
// benchmark iteration, and reports the figures described at BenchmarkSearchEventsIter.
func benchIterate(b *testing.B, baseURL, key string, n int) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	c, err := fingerprint.NewClient(key, fingerprint.WithBaseURL(baseURL), fingerprint.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	params := &fingerprint.SearchEventsParams{Limit: 100}
	heap := newHeapObjects()

	fullGC()
	base := heap.read()
	var peak, live uint64
	measured := false
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		for ev, err := range c.SearchEventsIter(ctx, params) {
			if err != nil {
				b.Fatal(err)
			}
			if ev.EventID == "" {
				b.Fatal("event without ID")
			}
			count++
			if count%100 == 1 {
				peak = max(peak, heap.read())
			}
			if count == n-50 && !measured {
				b.StopTimer()
				fullGC()
				live = heap.read()
				measured = true
				b.StartTimer()
			}
		}
		if count != n {
			b.Fatalf("iterated %d events, want %d", count, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(sat(live, base)), "live-heap-B")
	b.ReportMetric(float64(sat(peak, base)), "peak-heap-B")
}

// fullGC collects twice, so that sync.Pool victim caches are emptied too.
func fullGC() {
	runtime.GC()
	runtime.GC()
}

// sat returns a-b, or 0 when b > a (the heap may shrink below the baseline).
func sat(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// TestFullEventIsBenchmarkSized keeps the "~8 KB event" of BENCHMARKS.md true.
func TestFullEventIsBenchmarkSized(t *testing.T) {
	n := len(fullEventJSON(t))
	if n < 6<<10 || n > 12<<10 {
		t.Errorf("FullEvent JSON is %d bytes; BENCHMARKS.md describes an ~8 KB event", n)
	}
}

// TestFullEventGoldenIsCurrent keeps testdata/full_event.json (what package fingerprint's
// own tests use for FullEvent, as they cannot import fingerprinttest) equal to FullEvent.
// After a change to FullEvent, rewrite the file with this JSON.
func TestFullEventGoldenIsCurrent(t *testing.T) {
	golden, err := os.ReadFile("testdata/full_event.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := fullEventJSON(t); !bytes.Equal(golden, want) {
		t.Errorf("testdata/full_event.json differs from json.Marshal(fingerprinttest.FullEvent()); want:\n%s", want)
	}
}
