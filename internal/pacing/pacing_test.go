package pacing

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// maxIn returns the most of times (sorted) that fall in any half-open window of length d.
func maxIn(times []time.Time, d time.Duration) int {
	best, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestSlidingWindowsHoldAndBurst(t *testing.T) {
	s := New(Window{30, time.Hour}, Window{500, 24 * time.Hour})
	var times []time.Time
	for range 1200 {
		times = append(times, s.Reserve(t0))
	}
	if got := maxIn(times, time.Hour); got != 30 {
		t.Errorf("at most %d requests in an hour, want exactly the quota 30", got)
	}
	if got := maxIn(times, 24*time.Hour); got != 500 {
		t.Errorf("at most %d requests in a day, want exactly the quota 500", got)
	}
	if !times[29].Equal(t0) || !times[30].Equal(t0.Add(time.Hour)) {
		t.Errorf("request 30 at %v, 31 at %v: want the first 30 at once and the 31st an hour later", times[29], times[30])
	}
	if !times[500].Equal(t0.Add(24 * time.Hour)) {
		t.Errorf("request 501 at %v, want 24h after the first", times[500])
	}
}

func TestRecordOutOfOrderAndCancel(t *testing.T) {
	s := New(Window{2, time.Minute})
	s.Record(t0.Add(30 * time.Second))
	s.Record(t0) // an earlier request noted late
	if got := s.Next(t0.Add(40 * time.Second)); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("Next = %v, want a minute after the older of the two", got)
	}
	s.Cancel(t0)
	if got := s.Next(t0.Add(40 * time.Second)); !got.Equal(t0.Add(40 * time.Second)) {
		t.Errorf("after Cancel, Next = %v, want now", got)
	}
	if got := New().Reserve(t0); !got.Equal(t0) {
		t.Errorf("no windows: Reserve = %v", got)
	}
	if got := New(Window{0, time.Hour}, Window{3, 0}).Reserve(t0); !got.Equal(t0) {
		t.Errorf("invalid windows are ignored: Reserve = %v", got)
	}
}
