package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// tail is a running `fpctl events search --follow` whose printed event IDs are
// collected as they arrive.
type tail struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	ids    []string
	stderr strings.Builder
	done   chan struct{}
}

func startTail(t *testing.T, dir string, args ...string) *tail {
	t.Helper()
	cmd := command(t, append([]string{"events", "search", "--follow", "--interval", "1s", "--retries", "0"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	tl := &tail{cmd: cmd, done: make(chan struct{})}
	cmd.Stderr = &syncWriter{mu: &tl.mu, w: &tl.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(tl.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var ev struct {
				EventID string `json:"event_id"`
			}
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Errorf("not a JSON line: %.100s", sc.Text())
				continue
			}
			tl.mu.Lock()
			tl.ids = append(tl.ids, ev.EventID)
			tl.mu.Unlock()
		}
	}()
	return tl
}

type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (tl *tail) printed() []string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return append([]string(nil), tl.ids...)
}

// waitFor waits until every id was printed.
func (tl *tail) waitFor(t *testing.T, ids []string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		got := map[string]bool{}
		for _, id := range tl.printed() {
			got[id] = true
		}
		missing := 0
		for _, id := range ids {
			if !got[id] {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the tail did not print all %d new events in 30 s; printed %d IDs; stderr: %s", len(ids), len(tl.printed()), tl.stderr.String())
}

// stop ends the tail as Ctrl+C does; it must exit 0.
func (tl *tail) stop(t *testing.T) {
	t.Helper()
	if err := tl.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-tl.done
	if err := tl.cmd.Wait(); err != nil {
		tl.mu.Lock()
		defer tl.mu.Unlock()
		t.Fatalf("tail ended with %v; stderr: %s", err, tl.stderr.String())
	}
}

// createEvents makes n new events on the fake, each through an /edge analysis.
func createEvents(t *testing.T, srv *fingerprinttest.Server, n int, gap time.Duration) []string {
	t.Helper()
	c, err := fingerprint.NewClient(knownKey, fingerprint.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ip := "203.0.113.7"
	var ids []string
	for i := range n {
		res, err := c.AnalyzeRequest(t.Context(), &fingerprint.EdgeRequest{
			Method: "GET", URL: "https://shop.example/p/" + string(rune('a'+i%26)), IPv4Address: &ip,
			Headers: []fingerprint.EdgeRequestHeader{{Name: "User-Agent", Value: "Mozilla/5.0"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.EventID)
		time.Sleep(gap)
	}
	return ids
}

func assertOnce(t *testing.T, printed, created []string) {
	t.Helper()
	count := map[string]int{}
	for _, id := range printed {
		count[id]++
		if count[id] == 2 {
			t.Errorf("event %s printed twice", id)
		}
	}
	for _, id := range created {
		if count[id] != 1 {
			t.Errorf("created event %s printed %d times", id, count[id])
		}
	}
}

// TestFollowPrintsEachNewEventOnce: a live tail prints the current results, then the
// events created while it runs, each exactly once although every search overlaps the
// previous one by a minute; a 429 makes it wait, not fail; with --resume a restarted
// tail continues where it stopped, printing what was created in between and nothing
// twice.
func TestFollowPrintsEachNewEventOnce(t *testing.T) {
	// Without --source edge the API searches device events only; /edge makes edge events.
	g := fingerprinttest.NewGenerator(21)
	old := g.Events(30)
	var edge []fingerprint.Event
	for range 10 {
		edge = append(edge, g.EdgeEvent())
	}
	srv := newFake(t, append(old, edge...))
	dir := t.TempDir()
	state := filepath.Join(dir, "tail.state")

	tl := startTail(t, dir, "--base-url", srv.URL(), "--source", "edge", "--since", "7d", "--resume", state)
	var inWindow []string
	for _, ev := range edge {
		if time.UnixMilli(ev.Timestamp).After(time.Now().Add(-7*24*time.Hour + time.Minute)) {
			inWindow = append(inWindow, ev.EventID)
		}
	}
	tl.waitFor(t, inWindow)
	first := createEvents(t, srv, 6, 300*time.Millisecond)
	tl.waitFor(t, first)
	// A rate limit answer: the tail waits and goes on.
	srv.MustFailNext(1, fingerprinttest.Fault{Operation: fingerprinttest.OpSearchEvents, Status: 429, RetryAfter: "1"})
	second := createEvents(t, srv, 3, 200*time.Millisecond)
	tl.waitFor(t, second)
	time.Sleep(2500 * time.Millisecond) // two more overlapping searches: still nothing twice
	tl.stop(t)
	printed := tl.printed()
	if len(inWindow) == 0 {
		t.Fatal("no old edge event in the window: the test checks nothing about the current results")
	}
	assertOnce(t, printed, append(append(append([]string(nil), inWindow...), first...), second...))
	if !strings.Contains(tl.stderr.String(), "429") {
		t.Errorf("stderr does not mention the 429: %q", tl.stderr.String())
	}
	if n := countOp(srv, fingerprinttest.OpSearchEvents); n < 4 {
		t.Errorf("%d searches: the tail did not poll", n)
	}

	// Events created while no tail runs are printed by the resumed one, once.
	between := createEvents(t, srv, 4, 50*time.Millisecond)
	tl2 := startTail(t, dir, "--base-url", srv.URL(), "--source", "edge", "--since", "7d", "--resume", state)
	tl2.waitFor(t, between)
	after := createEvents(t, srv, 2, 100*time.Millisecond)
	tl2.waitFor(t, after)
	time.Sleep(1500 * time.Millisecond)
	tl2.stop(t)
	all := append(append([]string(nil), printed...), tl2.printed()...)
	assertOnce(t, all, append(append(append(append([]string(nil), inWindow...), first...), second...), append(between, after...)...))
	for _, id := range tl2.printed() {
		for _, old := range inWindow {
			if id == old {
				t.Fatalf("the resumed tail printed the old event %s again", id)
			}
		}
	}
}
