package fingerprint

import (
	"os"
	"testing"
)

// fullEventJSON returns fingerprinttest.FullEvent encoded as the API sends it, read from
// testdata/full_event.json: this package's own tests cannot import fingerprinttest (it
// imports fingerprint). TestFullEventGoldenIsCurrent (package fingerprint_test) fails when
// the file and FullEvent drift apart.
func fullEventJSON(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/full_event.json")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
