// Package ctxsleep is the one context-aware sleep of the module, shared by the client's
// retries, the fake server's latency and the CLI's rate limiting.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits for d or until ctx is done, whichever comes first, and returns ctx.Err()
// in the second case. A d of zero or less does not wait and returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
