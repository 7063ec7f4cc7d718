package fingerprint

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/fpgo/fingerprint-go/internal/pacing"
)

// The API's documented quotas of DeleteVisitorData and SubmitEventFeedback, each
// counted on its own, per workspace. WithQuotaPacing paces to them by default.
const (
	DeleteQuotaPerHour   = 30
	DeleteQuotaPerDay    = 500
	FeedbackQuotaPerHour = 30
	FeedbackQuotaPerDay  = 500
)

// QuotaPacing sets the quotas WithQuotaPacing keeps to. A zero field takes the API's
// documented quota (DeleteQuotaPerHour, ...); set larger numbers if your quota was
// raised, smaller ones to leave room for other processes sharing the workspace.
type QuotaPacing struct {
	DeletesPerHour, DeletesPerDay   int
	FeedbackPerHour, FeedbackPerDay int
}

// WithQuotaPacing makes the Client keep DeleteVisitorData and SubmitEventFeedback
// within their quotas (by default 30 per hour and 500 per day each) instead of running
// into 429s: a request that would exceed a quota waits until it fits. The windows slide
// (no more than 30 in any hour, not per clock hour), the pacing is per Client and shared
// by all its goroutines, every HTTP attempt counts (retries too, as they do for the
// API), and the waits honour the context: a call whose wait would outlast the context's
// deadline fails at once with an error matching ErrRateLimited, before anything is
// sent. The quotas are per workspace: a Client cannot see other processes' requests, so
// give each its share (QuotaPacing's fields). A 429 that still comes is waited out as
// its Retry-After says. Off by default; negative numbers are an error.
func WithQuotaPacing(q QuotaPacing) Option {
	return func(c *config) error {
		for _, n := range []int{q.DeletesPerHour, q.DeletesPerDay, q.FeedbackPerHour, q.FeedbackPerDay} {
			if n < 0 {
				return fmt.Errorf("fingerprint: WithQuotaPacing: negative quota %d", n)
			}
		}
		orDefault := func(n, def int) int {
			if n == 0 {
				return def
			}
			return n
		}
		c.quotas = &QuotaPacing{
			DeletesPerHour: orDefault(q.DeletesPerHour, DeleteQuotaPerHour), DeletesPerDay: orDefault(q.DeletesPerDay, DeleteQuotaPerDay),
			FeedbackPerHour: orDefault(q.FeedbackPerHour, FeedbackQuotaPerHour), FeedbackPerDay: orDefault(q.FeedbackPerDay, FeedbackQuotaPerDay),
		}
		return nil
	}
}

// quotaPacer paces one operation of a Client to its quotas.
type quotaPacer struct {
	mu    sync.Mutex
	sched *pacing.Schedule
}

func newQuotaPacer(perHour, perDay int) *quotaPacer {
	return &quotaPacer{sched: pacing.New(pacing.Window{N: perHour, Per: time.Hour}, pacing.Window{N: perDay, Per: 24 * time.Hour})}
}

// pacerFor returns the pacer of op, nil when op is not paced.
func (c *Client) pacerFor(op operation) *quotaPacer {
	switch op {
	case opDeleteVisitor:
		return c.deletePacer
	case opSubmitFeedback:
		return c.feedbackPacer
	}
	return nil
}

// waitQuota reserves a slot for one request of op and waits for it. last is the
// previous attempt's error, kept in the returned error.
func (c *Client) waitQuota(ctx context.Context, op operation, last error) error {
	p := c.pacerFor(op)
	if p == nil {
		return nil
	}
	now := c.now()
	p.mu.Lock()
	at := p.sched.Reserve(now)
	p.mu.Unlock()
	wait := at.Sub(now)
	if wait <= 0 {
		return nil
	}
	var err error
	if deadline, ok := ctx.Deadline(); ok && at.After(deadline) {
		err = fmt.Errorf("the quota allows the next request in %v, after the context's deadline", wait.Round(time.Second))
	} else {
		err = c.sleep(ctx, wait)
	}
	if err == nil {
		return nil
	}
	p.mu.Lock()
	p.sched.Cancel(at) // the request is not made: free its slot
	p.mu.Unlock()
	return waitError(ctx, op, errQuotaWait, err, last)
}
