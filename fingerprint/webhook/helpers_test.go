package webhook

import "time"

const (
	// stall is how long the slow clients hold a body: far longer than any deadline in the
	// suite, so a delivery answered before it was cut by the read timeout.
	stall = 30 * time.Second
	// settle bounds how long connections and goroutines may take to wind down.
	settle = 10 * time.Second
	// minimalEvent is the smallest valid Event: the two fields every Event has.
	minimalEvent = `{"event_id":"1708102555327.NLOjmg","timestamp":1708102555327}`
)
