package cli

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/internal/ctxsleep"
	"golang.org/x/term"
)

// Env is everything a command touches outside its arguments, so that tests can run
// commands in-process with their own streams, environment and clock.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable (FINGERPRINT_SECRET_API_KEY, ...).
	Getenv func(string) string
	// Now and Sleep drive pacing and progress; Sleep returns early with ctx's error.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// IsTerminal reports whether w is an interactive terminal: it picks the default
	// output format and turns progress on.
	IsTerminal func(w io.Writer) bool
	// TermWidth returns the width in columns of the terminal w writes to, 0 if unknown.
	TermWidth func(w io.Writer) int
}

// OSEnv is the Env of a real process.
func OSEnv() *Env {
	return &Env{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		Now:        time.Now,
		Sleep:      ctxsleep.Sleep,
		IsTerminal: isTerminal,
		TermWidth:  terminalWidth,
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// withDefaults fills unset fields of e from the process, so tests set only what they need.
func (e *Env) withDefaults() *Env {
	c := *e
	o := OSEnv()
	if c.Stdin == nil {
		c.Stdin = eofReader{}
	}
	if c.Stdout == nil {
		c.Stdout = io.Discard
	}
	if c.Stderr == nil {
		c.Stderr = io.Discard
	}
	if c.Getenv == nil {
		c.Getenv = func(string) string { return "" }
	}
	if c.Now == nil {
		c.Now = o.Now
	}
	if c.Sleep == nil {
		c.Sleep = o.Sleep
	}
	if c.IsTerminal == nil {
		c.IsTerminal = func(io.Writer) bool { return false }
	}
	return &c
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// termWidth is the width of the terminal stdout writes to: its size when it is one,
// else $COLUMNS when set, else 0 (unknown).
func (a *app) termWidth() int {
	if a.env.TermWidth != nil {
		if w := a.env.TermWidth(a.env.Stdout); w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(a.env.Getenv("COLUMNS"))); err == nil && n > 0 && n < 10000 {
		return n
	}
	return 0
}

func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}
