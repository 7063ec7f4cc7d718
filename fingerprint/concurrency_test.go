package fingerprint

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentUse runs every operation from many goroutines on one Client, with retries
// and logging on; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	var logs syncBuffer
	h := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%5 == 0 {
			respond(w, 429, tooMany) // some retries on the way
			return
		}
		respondOK(w, r, false)
	}, WithMaxRetries(5), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	c, ctx := h.client, t.Context()
	const workers = 32
	var wg sync.WaitGroup
	errs := make(chan error, workers*5)
	for i := range workers {
		wg.Go(func() {
			id := fmt.Sprintf("e%d", i)
			if _, err := c.GetEvent(ctx, id, nil); err != nil {
				errs <- err
			}
			for _, err := range c.SearchEventsIter(ctx, &SearchEventsParams{VisitorID: id}) {
				if err != nil {
					errs <- err
				}
			}
			if err := c.UpdateEvent(ctx, id, EventUpdate{Suspect: Ptr(i%2 == 0)}); err != nil {
				errs <- err
			}
			if err := c.DeleteVisitorData(ctx, id); err != nil {
				errs <- err
			}
			if err := analyzeOnce(c, ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(h.requests()); got < workers*5 {
		t.Errorf("%d requests, want at least %d", got, workers*5)
	}
}
