package main

import (
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// screen replays what a program wrote to a terminal the way the terminal shows it,
// for the only controls fpctl may send there: carriage return, newline and "erase to
// the end of the line". Any other control character fails the test.
func screen(t *testing.T, out string) []string {
	t.Helper()
	var lines []string
	var cur []rune
	col := 0
	for i := 0; i < len(out); {
		switch {
		case out[i] == '\r':
			col = 0
			i++
		case out[i] == '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
			i++
		case strings.HasPrefix(out[i:], "\x1b[K"):
			cur = cur[:min(col, len(cur))]
			i += 3
		case out[i] < 0x20 || out[i] == 0x7f:
			t.Fatalf("control byte %#x at %d: %q", out[i], i, out[max(0, i-40):min(len(out), i+40)])
		default:
			r, size := utf8.DecodeRuneInString(out[i:])
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
			i += size
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

var rowRE = regexp.MustCompile(`^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d  \d+\.[A-Za-z0-9]{6}  [A-Za-z0-9]{20}  [0-9a-f.:]+ *$`)

// TestTableOnAPseudoTerminal runs `fpctl events search` on a pseudo-terminal of 80
// columns (util-linux script) with 500 events, stdout and stderr both the terminal as
// in real use: the default format is the table, the progress line never runs into a
// row, every line fits 80 columns, and the columns line up on all five pages.
func TestTableOnAPseudoTerminal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the pseudo-terminal comes from util-linux script, whose flags differ on " + runtime.GOOS)
	}
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("util-linux script not installed: no pseudo-terminal to run the table on")
	}
	srv := newFake(t, fingerprinttest.NewGenerator(31).Events(500))
	fpctl, err := exec.LookPath("fpctl")
	if err != nil {
		t.Fatal(err)
	}
	shell := "stty cols 80 rows 24 && exec " + fpctl + " events search --base-url " + srv.URL()
	cmd := exec.CommandContext(t.Context(), scriptBin, "-qefc", shell, "/dev/null")
	cmd.Env = append(os.Environ(), "FINGERPRINT_SECRET_API_KEY="+knownKey, "FINGERPRINT_REGION=", "COLUMNS=", "TERM=xterm")
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := screen(t, string(out))
	var header string
	var rows, progress []string
	for _, l := range lines {
		switch {
		case utf8.RuneCountInString(l) > 80:
			t.Errorf("line of %d columns: %q", utf8.RuneCountInString(l), l)
		case strings.HasPrefix(l, "TIME (UTC)"):
			header = l
		case strings.HasPrefix(l, "fpctl: not shown to fit 80 columns:"):
		case strings.Contains(l, "elapsed"):
			progress = append(progress, l)
		case rowRE.MatchString(l):
			rows = append(rows, l)
		case l == "":
		default:
			t.Errorf("unexpected line (progress run into a row?): %q", l)
		}
	}
	if len(rows) != 500 {
		t.Fatalf("%d table rows on the terminal, want 500", len(rows))
	}
	if len(progress) != 1 || !strings.HasPrefix(progress[0], "500 events, 5 pages") {
		t.Errorf("the terminal ends with progress lines %q, want one final line", progress)
	}
	// Every column starts where its header starts, on every page.
	var starts []int
	for i := range header {
		if header[i] != ' ' && (i == 0 || (header[i-1] == ' ' && i > 1 && header[i-2] == ' ')) {
			starts = append(starts, i)
		}
	}
	if len(starts) < 3 {
		t.Fatalf("header %q: too few columns", header)
	}
	for n, r := range rows {
		for _, s := range starts[1:] {
			if len(r) <= s || r[s] == ' ' || r[s-1] != ' ' {
				t.Fatalf("row %d does not line up with the header:\n%s\n%s", n+1, header, r)
			}
		}
	}
}
