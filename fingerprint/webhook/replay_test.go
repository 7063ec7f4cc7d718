package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/webhook"
)

func eventAt(id string, t time.Time) []byte {
	return fmt.Appendf(nil, `{"event_id":%q,"timestamp":%d}`, id, t.UnixMilli())
}

// TestHandler_RefusesOldEvents: the signature has no timestamp, so a captured delivery
// verified forever (issue 17, gaps). Events older than MaxEventAge are now refused.
func TestHandler_RefusesOldEvents(t *testing.T) {
	t.Parallel()
	const secret = "whsec-replay"
	now := time.Now()
	cases := []struct {
		name   string
		maxAge time.Duration
		at     time.Time
		want   int
	}{
		{name: "fresh", maxAge: 0, at: now, want: 200},
		{name: "the vendor's retry 5 min later, plus skew", maxAge: 0, at: now.Add(-20 * time.Minute), want: 200},
		{name: "from the future (clock skew)", maxAge: 0, at: now.Add(10 * time.Minute), want: 200},
		{name: "two hours old: a replay", maxAge: 0, at: now.Add(-2 * time.Hour), want: 400},
		{name: "a year old", maxAge: 0, at: now.AddDate(-1, 0, 0), want: 400},
		{name: "own MaxEventAge", maxAge: 10 * time.Minute, at: now.Add(-11 * time.Minute), want: 400},
		{name: "check turned off", maxAge: -1, at: now.AddDate(-1, 0, 0), want: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rec webhookRecorder
			var gotErr error
			h := webhook.Handler(secret, rec.fn, &webhook.HandlerOptions{MaxEventAge: tc.maxAge,
				OnError: func(_ *http.Request, _ int, err error) { gotErr = err }})
			body := eventAt("1708102555327.NLOjmg", tc.at)
			rr := post(t, h, http.MethodPost, body, webhook.Sign(body, secret))
			if rr.Code != tc.want {
				t.Fatalf("status %d, want %d (%v)", rr.Code, tc.want, gotErr)
			}
			if calls := rec.calls.Load(); (tc.want == 200) != (calls == 1) {
				t.Errorf("callback called %d times", calls)
			}
			if tc.want == 400 && (gotErr == nil || !strings.Contains(gotErr.Error(), "older than MaxEventAge")) {
				t.Errorf("OnError got %v, want the age named", gotErr)
			}
		})
	}
	if webhook.DefaultMaxEventAge < 15*time.Minute {
		t.Errorf("DefaultMaxEventAge %v leaves no room for the vendor's retry after 5 minutes and clock skew", webhook.DefaultMaxEventAge)
	}
}

// TestHandler_SeenDropsReplays: with a Seen hook, a replay of a processed event within
// MaxEventAge is acknowledged without calling fn; a failed fn is processed again.
func TestHandler_SeenDropsReplays(t *testing.T) {
	t.Parallel()
	const secret = "whsec-seen"
	var mu sync.Mutex
	processed := map[string]bool{}
	var seenCalls []string
	fail := true
	var rec webhookRecorder
	fn := func(ctx context.Context, ev *fingerprint.Event) error {
		if err := rec.fn(ctx, ev); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if fail {
			fail = false
			return errors.New("database down")
		}
		processed[ev.EventID] = true // committed with the work
		return nil
	}
	h := webhook.Handler(secret, fn, &webhook.HandlerOptions{Seen: func(ctx context.Context, id string) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		seenCalls = append(seenCalls, id)
		if id == "broken" {
			return false, errors.New("store unreachable")
		}
		return processed[id], nil
	}})
	body := eventAt("1708102555327.NLOjmg", time.Now())
	sig := webhook.Sign(body, secret)
	for i, want := range []int{500, 200, 200, 200} { // fn fails, retried, then two replays
		if rr := post(t, h, http.MethodPost, body, sig); rr.Code != want {
			t.Fatalf("delivery %d: status %d, want %d", i+1, rr.Code, want)
		}
	}
	if n := rec.calls.Load(); n != 2 {
		t.Errorf("fn called %d times, want 2 (the failure and its retry; replays dropped)", n)
	}
	if rr := post(t, h, http.MethodPost, body, "v1=forged"); rr.Code != 401 {
		t.Errorf("forged: %d", rr.Code)
	}
	broken := eventAt("broken", time.Now())
	if rr := post(t, h, http.MethodPost, broken, webhook.Sign(broken, secret)); rr.Code != 500 {
		t.Errorf("Seen failing: status %d, want 500 so the delivery is retried", rr.Code)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seenCalls) != 5 || seenCalls[0] != "1708102555327.NLOjmg" {
		t.Errorf("Seen called with %q; want 5 calls, never for a forged delivery", seenCalls)
	}
}
