package fingerprint

import (
	"sync"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// fullEventClock is a fake-server clock an hour after FullEvent's fixed timestamp, so
// the server sees that event as recent: searches may start before it (the API refuses
// starts more than 90 days back) and updates may change it (not older than a month).
var fullEventClock = sync.OnceValue(func() time.Time {
	return time.UnixMilli(fingerprinttest.FullEvent().Timestamp).Add(time.Hour)
})
