package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// knownKey is the secret key every test passes to the binary; no output may contain it.
const knownKey = "sk_cli_known_secret_Zq8x3Lm2"

// TestMain makes the test binary double as the fpctl command: testscript puts
// it on $PATH under that name, so scripts and the Go tests below run the real binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"fpctl": main})
}

// TestScripts runs testdata/script/*.txtar. Each script gets its own fake server,
// $FAKE_URL and $FINGERPRINT_SECRET_API_KEY, and the commands
//
//	fault N STATUS [RETRY_AFTER] [OPERATION]  queue N injected failures
//	requests OPERATION N                      assert how many requests the server got
//	ids JSONL CSV                             assert both hold the same event IDs, in order, once each
//	feedback EVENT_ID                         assert the server stored a confidence reset for it
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			srv := fingerprinttest.NewServer(env.T().(testing.TB), fingerprinttest.WithAPIKey(knownKey),
				fingerprinttest.WithEvents(seedEvents(300)...))
			env.Values["srv"] = srv
			env.Setenv("FAKE_URL", srv.URL())
			env.Setenv("FINGERPRINT_SECRET_API_KEY", knownKey)
			env.Setenv("KNOWN_KEY", knownKey)
			env.Setenv("DEMO_EVENT", fingerprinttest.FullEvent().EventID)
			env.Setenv("DEMO_VISITOR", fingerprinttest.FullEvent().Identification.VisitorID)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fault": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: fault N STATUS [RETRY_AFTER] [OPERATION]")
				}
				n, _ := strconv.Atoi(args[0])
				status, _ := strconv.Atoi(args[1])
				f := fingerprinttest.Fault{Status: status}
				if len(args) > 2 && args[2] != "-" {
					f.RetryAfter = args[2]
				}
				if len(args) > 3 {
					f.Operation = args[3]
				}
				ts.Check(ts.Value("srv").(*fingerprinttest.Server).FailNext(n, f))
			},
			"ids": cmdIDs,
			"feedback": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: feedback EVENT_ID")
				}
				fb, ok := ts.Value("srv").(*fingerprinttest.Server).Feedback(args[0])
				if ok == neg || (ok && (fb.Feedback.ResetIdentificationConfidenceScore == nil || !*fb.Feedback.ResetIdentificationConfidenceScore)) {
					ts.Fatalf("feedback for %s: %+v, stored %v", args[0], fb, ok)
				}
			},
			"requests": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: requests OPERATION N")
				}
				got := 0
				for _, r := range ts.Value("srv").(*fingerprinttest.Server).Requests() {
					if r.Operation == args[0] {
						got++
					}
				}
				if want := args[1]; strconv.Itoa(got) != want {
					ts.Fatalf("%s: got %d requests, want %s", args[0], got, want)
				}
			},
		},
	})
}

// seedEvents is n generated device events plus the demo event.
func seedEvents(n int) []fingerprint.Event {
	// Like --fake: the demo event is re-dated to an hour ago, since the fake refuses to
	// update events older than a month and FullEvent has a fixed date.
	demo := fingerprinttest.FullEvent()
	demo.Timestamp = time.Now().Add(-time.Hour).UnixMilli()
	return append(fingerprinttest.NewGenerator(7).Events(n), demo)
}

// cmdIDs compares the event_id of each JSON line of args[0] with the first column of
// the CSV args[1] (after its header): same IDs, same order, no duplicates.
func cmdIDs(ts *testscript.TestScript, neg bool, args []string) {
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile(args[0])), "\n") {
		var ev struct {
			EventID string `json:"event_id"`
		}
		ts.Check(json.Unmarshal([]byte(line), &ev))
		got = append(got, ev.EventID)
	}
	want := strings.Split(strings.TrimSpace(ts.ReadFile(args[1])), "\n")[1:]
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			ts.Fatalf("duplicate event %s", id)
		}
		seen[id] = true
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		ts.Fatalf("got %d IDs, want %d; first difference near %d", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
