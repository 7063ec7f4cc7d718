package webhook

import (
	"fmt"
	"time"
)

const (
	// stall is how long the slow clients hold a body: far longer than any deadline in the
	// suite, so a delivery answered before it was cut by the read timeout.
	stall = 30 * time.Second
	// settle bounds how long connections and goroutines may take to wind down.
	settle = 10 * time.Second
)

// minimalEvent is the smallest valid Event: the two fields every Event has, with the
// current time (the handler refuses events older than MaxEventAge).
var minimalEvent = fmt.Sprintf(`{"event_id":"1708102555327.NLOjmg","timestamp":%d}`, time.Now().UnixMilli())
