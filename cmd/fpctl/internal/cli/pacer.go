package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// defaultRates is the documented quota of DELETE /visitors/{visitor_id}.
const defaultRates = "30/h,500/d"

// quota is "n requests per period".
type quota struct {
	n   int
	per time.Duration
}

func (q quota) String() string {
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "m", time.Hour: "h", 24 * time.Hour: "d"}[q.per]
	return strconv.Itoa(q.n) + "/" + unit
}

// parseRates reads "30/h,500/d": counts per s, m, h or d.
func parseRates(specs []string) ([]quota, error) {
	var out []quota
	for _, spec := range specs {
		for part := range strings.SplitSeq(spec, ",") {
			n, unit, ok := strings.Cut(strings.TrimSpace(part), "/")
			count, err := strconv.Atoi(n)
			if !ok || err != nil || count < 1 {
				return nil, usagef("--rate %q: want N/s, N/m, N/h or N/d with N >= 1, such as 30/h", part)
			}
			per, ok := map[string]time.Duration{
				"s": time.Second, "sec": time.Second, "m": time.Minute, "min": time.Minute,
				"h": time.Hour, "hour": time.Hour, "d": 24 * time.Hour, "day": 24 * time.Hour,
			}[unit]
			if !ok {
				return nil, usagef("--rate %q: the unit must be s, m, h or d", part)
			}
			out = append(out, quota{n: count, per: per})
		}
	}
	slices.SortFunc(out, func(a, b quota) int { return int(a.per - b.per) })
	return out, nil
}

// pacer decides when the next request may start so that every quota holds. The quota
// with the shortest period sets the pace: a golang.org/x/time/rate limiter with a burst
// of one spaces requests evenly (30/h: one every 2 minutes). Each longer period is a
// sliding window over the last n request times (500/d: the 501st waits until 24 h after
// the 1st), so a short run is not slowed to the daily average.
type pacer struct {
	quotas  []quota
	limiter *rate.Limiter
	windows []*window
}

type window struct {
	quota
	times []time.Time // the last n request times, oldest first
}

func newPacer(quotas []quota) *pacer {
	p := &pacer{quotas: quotas}
	first := quotas[0]
	p.limiter = rate.NewLimiter(rate.Every(first.per/time.Duration(first.n)), 1)
	for _, q := range quotas[1:] {
		p.windows = append(p.windows, &window{quota: q})
	}
	return p
}

// seed accounts for the requests an earlier run made at times (from the journal, in
// chronological order), so a restarted run does not exceed the quota. With a burst of
// one, only the latest request matters to the limiter; the windows count them all.
func (p *pacer) seed(times []time.Time) {
	if len(times) == 0 {
		return
	}
	for _, t := range times {
		p.record(t)
	}
	p.limiter.ReserveN(times[len(times)-1], 1)
}

// next returns the earliest time at or after now when a request may start, and
// reserves that slot.
func (p *pacer) next(now time.Time) time.Time {
	at := now
	for _, w := range p.windows {
		if len(w.times) == w.n {
			if t := w.times[0].Add(w.per); t.After(at) {
				at = t
			}
		}
	}
	r := p.limiter.ReserveN(at, 1)
	return at.Add(r.DelayFrom(at))
}

// record notes that a request started at t.
func (p *pacer) record(t time.Time) {
	for _, w := range p.windows {
		w.times = append(w.times, t)
		if len(w.times) > w.n {
			w.times = w.times[1:]
		}
	}
}

// interval is the even spacing of the pacing quota, used to back off after a 429
// without Retry-After.
func (p *pacer) interval() time.Duration {
	return p.quotas[0].per / time.Duration(p.quotas[0].n)
}

func (p *pacer) String() string {
	parts := make([]string, len(p.quotas))
	for i, q := range p.quotas {
		parts[i] = q.String()
	}
	return strings.Join(parts, ", ")
}

// estimate returns how long n requests take from now under the quotas, simulating a
// fresh copy of p (already seeded).
func estimate(quotas []quota, seeded []time.Time, now time.Time, n int) time.Duration {
	p := newPacer(quotas)
	p.seed(seeded)
	t := now
	for range n {
		t = p.next(t)
		p.record(t)
	}
	return t.Sub(now)
}

func formatWait(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return d.Round(time.Second).String()
}
