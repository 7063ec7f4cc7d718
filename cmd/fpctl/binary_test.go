package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// These tests run the real binary (the test binary, installed on $PATH as fpctl
// by TestMain) against a fingerprinttest server in this process.

func newFake(t *testing.T, events []fingerprint.Event, opts ...fingerprinttest.Option) *fingerprinttest.Server {
	t.Helper()
	return fingerprinttest.NewServer(t, append([]fingerprinttest.Option{fingerprinttest.WithAPIKey(knownKey), fingerprinttest.WithEvents(events...)}, opts...)...)
}

// command returns the binary with the known key in its environment.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "fpctl", args...)
	cmd.Env = append(os.Environ(), "FINGERPRINT_SECRET_API_KEY="+knownKey, "FINGERPRINT_REGION=")
	cmd.Dir = t.TempDir()
	return cmd
}

type result struct {
	stdout, stderr string
	code           int
}

func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// eventIDs parses JSON Lines and returns the event IDs in order.
func eventIDs(t *testing.T, jsonl string) []string {
	t.Helper()
	var ids []string
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev struct {
			EventID   string `json:"event_id"`
			Timestamp int64  `json:"timestamp"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("not an event line: %v: %.100s", err, sc.Text())
		}
		ids = append(ids, ev.EventID)
	}
	return ids
}

func serverIDs(srv *fingerprinttest.Server) []string {
	var ids []string
	for _, ev := range srv.Events() {
		ids = append(ids, ev.EventID)
	}
	return ids
}

func countOp(srv *fingerprinttest.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

// checkExact asserts that got holds every ID of want exactly once.
func checkExact(t *testing.T, got, want []string) {
	t.Helper()
	seen := make(map[string]int, len(got))
	for _, id := range got {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("event %s written twice", id)
		}
	}
	missing := 0
	for _, id := range want {
		if seen[id] == 0 {
			missing++
		}
	}
	if missing > 0 || len(got) != len(want) {
		t.Fatalf("got %d events (%d distinct), want %d; %d missing", len(got), len(seen), len(want), missing)
	}
}

func TestExport10000EventsNoDuplicatesNoGaps(t *testing.T) {
	srv := newFake(t, fingerprinttest.NewGenerator(3).Events(10000))
	r := runCmd(t, command(t, "events", "search", "--base-url", srv.URL()))
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	checkExact(t, eventIDs(t, r.stdout), serverIDs(srv))
	if n := countOp(srv, fingerprinttest.OpSearchEvents); n != 100 {
		t.Errorf("requests = %d, want ceil(10000/100) = 100", n)
	}
	for _, req := range srv.Requests() {
		if got := req.Query.Get("limit"); got != "100" {
			t.Fatalf("limit=%q, want full pages of 100", got)
		}
	}
}

func TestMaxUsesCeilNOver100Requests(t *testing.T) {
	srv := newFake(t, fingerprinttest.NewGenerator(4).Events(1000))
	for _, n := range []int{1, 99, 100, 101, 250, 999} {
		srv.ResetRequests()
		r := runCmd(t, command(t, "events", "search", "--base-url", srv.URL(), "--max", strconv.Itoa(n)))
		if got := len(eventIDs(t, r.stdout)); got != n || r.code != 0 {
			t.Fatalf("--max %d: %d events, exit %d", n, got, r.code)
		}
		if got, want := countOp(srv, fingerprinttest.OpSearchEvents), (n+99)/100; got != want {
			t.Errorf("--max %d: %d requests, want %d", n, got, want)
		}
	}
}

// startAndWait starts cmd writing stdout to a file and waits until cond holds.
func startAndWait(t *testing.T, cmd *exec.Cmd, out *os.File, cond func() bool) {
	t.Helper()
	cmd.Stdout = out
	var errb syncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("condition not reached; stderr: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readState(path string) (events int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0 // not written yet
	}
	var st struct{ Events int }
	if json.Unmarshal(b, &st) != nil {
		return 0 // not a state file (yet): counts as none
	}
	return st.Events
}

func TestResumeAfterInterruption(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			srv := newFake(t, fingerprinttest.NewGenerator(5).Events(3000), fingerprinttest.WithLatency(30*time.Millisecond))
			dir := t.TempDir()
			state := filepath.Join(dir, "state.json")
			outPath := filepath.Join(dir, "out.jsonl")
			out, err := os.Create(outPath)
			if err != nil {
				t.Fatal(err)
			}
			cmd := command(t, "events", "search", "--base-url", srv.URL(), "--resume", state)
			startAndWait(t, cmd, out, func() bool { return readState(state) >= 500 })
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || (sig == os.Interrupt && ee.ExitCode() != 1) {
				t.Fatalf("interrupted run: %v", err)
			}
			if sig == os.Interrupt && !strings.Contains(cmd.Stderr.(*syncBuffer).String(), "run the same command again to continue") {
				t.Errorf("stderr: %s", cmd.Stderr)
			}
			first := readState(state)
			if first >= 3000 {
				t.Fatalf("the first run finished (%d events) before the signal", first)
			}
			// The second run appends to the same file, as a user would with >>.
			cont := command(t, "events", "search", "--base-url", srv.URL(), "--resume", state)
			cont.Stdout = out
			var errb bytes.Buffer
			cont.Stderr = &errb
			if err := cont.Run(); err != nil {
				t.Fatalf("resumed run: %v: %s", err, errb.String())
			}
			if err := out.Close(); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(outPath)
			got := eventIDs(t, string(b))
			if sig == os.Interrupt {
				// Stopped between pages: exactly once.
				checkExact(t, got, serverIDs(srv))
				return
			}
			// A kill between writing a page and saving its key can repeat that page,
			// never lose one.
			distinct := slices.Compact(slices.Sorted(slices.Values(got)))
			if len(distinct) != 3000 || len(got)-len(distinct) > 100 {
				t.Fatalf("got %d lines, %d distinct events; want all 3000, at most one page repeated", len(got), len(distinct))
			}
		})
	}
}
