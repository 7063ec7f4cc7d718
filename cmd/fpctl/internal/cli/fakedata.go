package cli

import (
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// defaultFakeEvents is how many device events --fake serves (plus one edge event per ten
// and the demo event): enough to page through, quick to start (about 0.1 s).
const defaultFakeEvents = 1000

// DemoEventID and DemoVisitorID name the fixed event that --fake and the fake command
// always serve (fingerprinttest.FullEvent, every field set), so the examples in the
// README and in --help can be copied as they are.
const (
	DemoEventID   = "1768478400000.8sVz6Q"
	DemoVisitorID = "Xk3pR8vQ2mN7bL5tY9wZ"
)

// fakeEvents returns n realistic device events of the last six days, n/10 edge events
// and the demo event. The same seed gives the same visitors.
func fakeEvents(n int, seed uint64) []fingerprint.Event {
	g := fingerprinttest.NewGenerator(seed)
	events := g.Events(n)
	for range n / 10 {
		events = append(events, g.EdgeEvent())
	}
	// The fake, like the API, refuses to update events older than a month, and FullEvent
	// has a fixed date: the demo event keeps its ID (so the README's commands can be
	// copied) but is re-dated to an hour ago, so "events update" works on it too.
	demo := fingerprinttest.FullEvent()
	demo.Timestamp = time.Now().Add(-time.Hour).UnixMilli()
	return append(events, demo)
}

func startFake(n int, seed uint64, opts ...fingerprinttest.Option) (*fingerprinttest.Server, error) {
	return fingerprinttest.Start(append([]fingerprinttest.Option{fingerprinttest.WithEvents(fakeEvents(n, seed)...)}, opts...)...)
}
