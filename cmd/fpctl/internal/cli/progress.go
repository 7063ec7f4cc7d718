package cli

import (
	"fmt"
	"strings"
	"time"
)

// progress prints one status line on stderr, rewritten in place, only when stderr is a
// terminal: scripts and logs get no progress noise.
type progress struct {
	env   *Env
	on    bool
	start time.Time
	unit  string
	shown bool
}

func newProgress(env *Env, unit string) *progress {
	return &progress{env: env, on: env.IsTerminal(env.Stderr), start: env.Now(), unit: unit}
}

// page reports an export's progress after each page.
func (p *progress) page(done, pages int) {
	if !p.on {
		return
	}
	el := p.env.Now().Sub(p.start)
	rate := 0.0
	if s := el.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	pl := "pages"
	if pages == 1 {
		pl = "page"
	}
	unit := p.unit
	if done == 1 {
		unit = strings.TrimSuffix(unit, "s") // 1 event, 1 ID
	}
	p.line(fmt.Sprintf("%d %s, %d %s, %.0f %s/s, %s elapsed", done, unit, pages, pl, rate, p.unit, el.Round(time.Second)))
}

// line rewrites the status line.
func (p *progress) line(s string) {
	if !p.on {
		return
	}
	p.shown = true
	fmt.Fprintf(p.env.Stderr, "\r\033[K%s", s)
}

// clear erases the status line before other output is written to the terminal, so
// that output never runs into it; the next page redraws it.
func (p *progress) clear() {
	if p.on && p.shown {
		fmt.Fprint(p.env.Stderr, "\r\033[K")
		p.shown = false
	}
}

// done ends the status line so later output starts on a fresh line.
func (p *progress) done() {
	if p.on && p.shown {
		fmt.Fprintln(p.env.Stderr)
		p.shown = false
	}
}
