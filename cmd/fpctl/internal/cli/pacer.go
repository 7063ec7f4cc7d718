package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/internal/pacing"
)

// defaultRates is the documented quota of DELETE /visitors/{visitor_id}.
var defaultRates = fmt.Sprintf("%d/h,%d/d", fingerprint.DeleteQuotaPerHour, fingerprint.DeleteQuotaPerDay)

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

// pacer decides when the next request may start so that every quota holds. It is the
// SDK's own pacing (internal/pacing, behind fingerprint.WithQuotaPacing): each quota is
// a sliding window over the last n request times (30/h: no more than 30 in any hour,
// the 31st waits until an hour after the 1st; 500/d likewise over 24 hours). The CLI
// drives it itself, to show the waits on its progress line and to seed it from the
// journal.
type pacer struct {
	quotas []quota
	sched  *pacing.Schedule
}

func newPacer(quotas []quota) *pacer {
	windows := make([]pacing.Window, len(quotas))
	for i, q := range quotas {
		windows[i] = pacing.Window{N: q.n, Per: q.per}
	}
	return &pacer{quotas: quotas, sched: pacing.New(windows...)}
}

// seed accounts for the requests an earlier run made at times (from the journal), so a
// restarted run does not exceed the quota.
func (p *pacer) seed(times []time.Time) {
	for _, t := range times {
		p.record(t)
	}
}

// next returns the earliest time at or after now when a request may start.
func (p *pacer) next(now time.Time) time.Time { return p.sched.Next(now) }

// record notes that a request started at t.
func (p *pacer) record(t time.Time) { p.sched.Record(t) }

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
