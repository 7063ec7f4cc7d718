package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sinceValue is --since: how far back the search window starts. It takes a duration
// (24h, 90m, 7d), an RFC 3339 time or a date (2026-12-01, midnight UTC).
type sinceValue struct {
	raw string
	d   time.Duration // > 0 for a duration
	t   time.Time     // set for a time or date
}

const sinceExample = "want a duration (24h, 90m, 7d), an RFC 3339 time (2026-12-01T09:30:00Z) or a date (2026-12-01)"

func (v *sinceValue) String() string { return v.raw }

func (v *sinceValue) Set(s string) error {
	s = strings.TrimSpace(s)
	*v = sinceValue{raw: s}
	if d, ok := parseDays(s); ok {
		v.d = d
	} else if d, err := time.ParseDuration(s); err == nil {
		v.d = d
	} else if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		v.t = t
	} else if t, err := time.Parse(time.DateOnly, s); err == nil {
		v.t = t
	} else {
		return fmt.Errorf("%q: %s", s, sinceExample)
	}
	if v.t.IsZero() && v.d <= 0 {
		return fmt.Errorf("%q: must be positive: %s", s, sinceExample)
	}
	return nil
}

// parseDays reads whole days: 7d.
func parseDays(s string) (time.Duration, bool) {
	n, ok := strings.CutSuffix(s, "d")
	if !ok {
		return 0, false
	}
	days, err := strconv.Atoi(n)
	if err != nil || days < 0 || days > 100000 {
		return 0, false
	}
	return time.Duration(days) * 24 * time.Hour, true
}

// start is the beginning of the window that ends at now.
func (v *sinceValue) start(now time.Time) time.Time {
	if !v.t.IsZero() {
		return v.t
	}
	return now.Add(-v.d)
}
