package fingerprint_test

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// TestConcurrentMixedCalls shares one Client between 64 goroutines making
// get, search, iterate, update and edge calls against the fake server while it injects
// 429s, 503s and connection resets. Run with -race.
func TestConcurrentMixedCalls(t *testing.T) {
	const workers, perWorker, eventsPerWorker = 64, 30, 5
	opsPerWorker := perWorker
	if testing.Short() {
		opsPerWorker = 10
		t.Logf("-short: %d calls per goroutine instead of %d", opsPerWorker, perWorker)
	}
	r := newRig(t, nil, fingerprint.WithMaxRetries(10))
	events := fingerprinttest.NewGenerator(64).Events(workers * eventsPerWorker)
	if err := r.fake.AddEvents(events...); err != nil {
		t.Fatal(err)
	}
	perVisitor := map[string]int{}
	for _, ev := range events {
		perVisitor[ev.Identification.VisitorID]++
	}
	r.fail(20, fingerprinttest.TooManyRequests("0"))
	r.fail(10, fingerprinttest.Fault{Operation: fingerprinttest.OpSearchEvents, Status: 503, RetryAfter: "0"})
	r.fail(10, fingerprinttest.Fault{Operation: fingerprinttest.OpGetEvent, Reset: true})

	var calls atomic.Int64
	ctx := t.Context()
	c := r.client
	worker := func(w int) error {
		own := events[w*eventsPerWorker : (w+1)*eventsPerWorker]
		for i := range opsPerWorker {
			ev := own[i%len(own)]
			visitor := ev.Identification.VisitorID
			calls.Add(1)
			switch i % 5 {
			case 0:
				got, err := c.GetEvent(ctx, ev.EventID, nil)
				if err != nil {
					return err
				}
				if got.EventID != ev.EventID || got.Identification.VisitorID != visitor {
					return fmt.Errorf("GetEvent(%s) returned %s of %s", ev.EventID, got.EventID, got.Identification.VisitorID)
				}
			case 1:
				page, err := c.SearchEvents(ctx, &fingerprint.SearchEventsParams{VisitorID: visitor, Limit: 100})
				if err != nil {
					return err
				}
				if len(page.Events) != min(100, perVisitor[visitor]) {
					return fmt.Errorf("search %s: %d events, want %d", visitor, len(page.Events), perVisitor[visitor])
				}
				for _, e := range page.Events {
					if e.Identification.VisitorID != visitor {
						return fmt.Errorf("search %s returned an event of %s", visitor, e.Identification.VisitorID)
					}
				}
			case 2:
				seen := map[string]bool{}
				for e, err := range c.SearchEventsIter(ctx, &fingerprint.SearchEventsParams{VisitorID: visitor, Limit: 3}) {
					if err != nil {
						return err
					}
					if seen[e.EventID] || e.Identification.VisitorID != visitor {
						return fmt.Errorf("iterating %s: duplicate or foreign event %s", visitor, e.EventID)
					}
					seen[e.EventID] = true
				}
				if len(seen) != perVisitor[visitor] {
					return fmt.Errorf("iterating %s: %d events, want %d", visitor, len(seen), perVisitor[visitor])
				}
			case 3:
				// Only this worker touches its events, so its last update must be visible.
				tag := strconv.Itoa(w) + "/" + strconv.Itoa(i)
				if err := c.UpdateEvent(ctx, ev.EventID, fingerprint.EventUpdate{Tags: &map[string]any{"op": tag}}); err != nil {
					return err
				}
				calls.Add(1)
				got, err := c.GetEvent(ctx, ev.EventID, nil)
				if err != nil {
					return err
				}
				if got.Tags == nil || (*got.Tags)["op"] != tag {
					return fmt.Errorf("event %s tags %v after update %s", ev.EventID, got.Tags, tag)
				}
			case 4:
				req := fingerprint.EdgeRequestForTest()
				req.URL = fmt.Sprintf("https://shop.example.com/w/%d/%d", w, i)
				res, err := c.AnalyzeRequest(ctx, req)
				if err != nil {
					return err
				}
				if res.EventID == "" {
					return fmt.Errorf("edge response without event_id")
				}
			}
		}
		return nil
	}
	errs := make(chan error, workers)
	start := time.Now()
	for w := range workers {
		go func() { errs <- worker(w) }()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	t.Logf("%d calls (%d HTTP requests) from %d goroutines in %v",
		calls.Load(), len(r.fake.Requests()), workers, time.Since(start))
	if n := r.fake.PendingFaults(); n != 0 {
		t.Errorf("%d injected faults never happened", n)
	}
	if got, want := len(r.fake.EdgeRequests()), workers*(opsPerWorker/5); got != want {
		t.Errorf("server stored %d edge requests, want %d (one per call, none duplicated)", got, want)
	}
	r.checkNoLeaks()
}
