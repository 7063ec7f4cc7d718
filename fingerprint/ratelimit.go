package fingerprint

import (
	"context"
	"errors"
	"fmt"
)

// RateLimiter paces the requests of a Client (see WithRateLimiter). A
// *golang.org/x/time/rate.Limiter satisfies it.
type RateLimiter interface {
	// Wait blocks until one request may be sent, or returns an error (for instance when
	// ctx is done, or when the wait would outlast ctx's deadline).
	Wait(ctx context.Context) error
}

// WithRateLimiter makes every HTTP request of the Client, retries included, wait on l
// first, so a process stays under a rate of its choosing instead of running into 429s:
//
//	limiter := rate.NewLimiter(5, 5) // golang.org/x/time/rate: 5 requests a second
//	client, err := fingerprint.NewClient(key, fingerprint.WithRateLimiter(limiter))
//
// Share one limiter between Clients that use the same key. The API's rate limits apply
// per workspace, to all its keys and all the processes using them together: a limiter
// in one process cannot see the others, so size it for this process's share. A 429
// that still comes is retried after its Retry-After as usual. When l.Wait fails, the
// call fails with an error that matches ErrRateLimited and wraps l's error (and the
// context's error when the context ended). A nil l removes the limiter (the default).
func WithRateLimiter(l RateLimiter) Option {
	return func(c *config) error {
		c.limiter = l
		return nil
	}
}

// errLimiterWait and errQuotaWait mark errors of a wait before a request, for
// errorType; they are never returned on their own.
var (
	errLimiterWait = errors.New("waiting for the rate limiter")
	errQuotaWait   = errors.New("waiting for the quota")
)

// waitLimiter waits on the Client's RateLimiter, if any, before an attempt. last is the
// previous attempt's error, kept in the returned error.
func (c *Client) waitLimiter(ctx context.Context, op operation, last error) error {
	if c.limiter == nil {
		return nil
	}
	err := c.limiter.Wait(ctx)
	if err == nil {
		return nil
	}
	return waitError(ctx, op, errLimiterWait, err, last)
}

// waitError builds the error of a failed wait (kind is errLimiterWait or errQuotaWait):
// it matches ErrRateLimited, kind, the waiter's error and, when the context ended, the
// context's error; last (the previous attempt's error, if any) stays reachable too.
func waitError(ctx context.Context, op operation, kind, err, last error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", err, ctxErr)
	}
	if last != nil {
		return fmt.Errorf("fingerprint: %s %s: %w: %w (%w); last attempt: %w", op.method, op.path, ErrRateLimited, kind, err, last)
	}
	return fmt.Errorf("fingerprint: %s %s: %w: %w (%w)", op.method, op.path, ErrRateLimited, kind, err)
}
