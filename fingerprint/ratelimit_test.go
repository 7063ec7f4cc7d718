package fingerprint_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

var _ fingerprint.RateLimiter = (*rate.Limiter)(nil) // the limiter the docs suggest fits

// countingLimiter counts waits and fails them with err once set.
type countingLimiter struct {
	waits atomic.Int32
	err   error
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.err != nil {
		return l.err
	}
	return ctx.Err()
}

func TestRateLimiterIsWaitedBeforeEveryRequest(t *testing.T) {
	t.Parallel()
	lim := &countingLimiter{}
	rec := &recorder{}
	c, srv, _ := observedClient(t, rec, fingerprint.WithRateLimiter(lim))
	srv.MustFailNext(2, fingerprinttest.InternalError())
	if _, err := c.SearchEvents(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if got, sent := lim.waits.Load(), len(srv.Requests()); got != 3 || sent != 3 {
		t.Errorf("%d waits for %d requests, want 3 and 3 (retries wait too)", got, sent)
	}

	lim.err = errors.New("limiter closed")
	err := c.DeleteVisitorData(t.Context(), "v1")
	if !errors.Is(err, fingerprint.ErrRateLimited) || !errors.Is(err, lim.err) {
		t.Errorf("err = %v, want one matching ErrRateLimited and the limiter's error", err)
	}
	if sent := len(srv.Requests()); sent != 3 {
		t.Errorf("a request was sent although the limiter refused (%d requests)", sent)
	}
	if e := rec.ends[len(rec.ends)-1]; e.ErrorType != "rate_limiter" || e.Attempts != 0 {
		t.Errorf("CallEnd = %+v, want ErrorType rate_limiter and no attempt", e)
	}
	if fingerprint.IsTransient(err) != true {
		t.Errorf("IsTransient(%v) = false: a refused wait may pass later", err)
	}
}

// TestRateLimiterWithXTimeRate: a real *rate.Limiter whose wait cannot fit the deadline
// fails the call at once, with an error that says so.
func TestRateLimiterWithXTimeRate(t *testing.T) {
	t.Parallel()
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	c, srv, _ := observedClient(t, &recorder{}, fingerprint.WithRateLimiter(lim))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := c.SearchEvents(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.SearchEvents(ctx, nil)
	if !errors.Is(err, fingerprint.ErrRateLimited) || len(srv.Requests()) != 1 {
		t.Errorf("second call: %v after %d requests; want ErrRateLimited and one request", err, len(srv.Requests()))
	}
}
