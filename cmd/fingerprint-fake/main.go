// Command fingerprint-fake runs the in-memory Fingerprint Server API v4 from package
// fingerprinttest as a standalone process, for clients in any language and for manual
// exploration with curl.
//
//	go run ./cmd/fingerprint-fake [-addr 127.0.0.1:0] [-seed 50] [-rand 1] [-key KEY]
//	    [-events FILE] [-ruleset ID] [-rate-limit N -burst N]
//	    [-delete-quota-hour N] [-delete-quota-day N] [-update-delay D]
//
// It prints the base URL and the secret API key, then serves until interrupted.
//
// Limits are off by default. -rate-limit N (requests per second, fractions allowed)
// with -burst B (default: N rounded up) answers requests beyond the token bucket with
// 429 and Retry-After, as fingerprinttest.WithRateLimit does. -delete-quota-hour and
// -delete-quota-day limit DELETE /visitors/{id} per sliding hour and day
// (fingerprinttest.WithDeleteQuota); the API documents 30 and 500. -update-delay D
// answers 409 state_not_ready to updates of events younger than D, as the API does
// right after an identification (fingerprinttest.WithUpdateDelay).
//
// -events FILE adds the events of a JSON file (an array of Event objects, as GET
// /events/{id} returns them) to the generated ones, for fixtures such as an event older
// than a month. -ruleset ID (default rs_demo) registers a demo ruleset for GET
// /events/{id}?ruleset_id=ID that blocks events with a bad bot and allows the rest.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	"github.com/fpgo/fingerprint-go/gen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop() // before os.Exit, which skips deferred calls
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fingerprint-fake:", err)
		}
		os.Exit(2)
	}
}

// run starts the server, prints how to reach it and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fingerprint-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	seed := fs.Int("seed", 50, "number of realistic device events to seed (plus one edge event per ten)")
	randSeed := fs.Uint64("rand", 1, "generator seed: the same value gives the same events")
	key := fs.String("key", fingerprinttest.DefaultAPIKey, "secret API key the server accepts")
	eventsFile := fs.String("events", "", "JSON `file` with an array of extra events to serve")
	ruleset := fs.String("ruleset", "rs_demo", "`ID` of a demo ruleset (block bad bots, allow the rest); empty for none")
	rate := fs.Float64("rate-limit", 0, "requests per second before 429 with Retry-After (0: no limit)")
	burst := fs.Int("burst", 0, "token bucket size for -rate-limit (default: the rate rounded up)")
	perHour := fs.Int("delete-quota-hour", 0, "DELETE requests allowed per sliding hour (0: no limit; the API documents 30)")
	perDay := fs.Int("delete-quota-day", 0, "DELETE requests allowed per sliding day (0: no limit; the API documents 500)")
	updateDelay := fs.Duration("update-delay", 0, "answer 409 state_not_ready to updates of events younger than this")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *seed < 0 {
		return errors.New("-seed must not be negative")
	}

	g := fingerprinttest.NewGenerator(*randSeed)
	events := g.Events(*seed)
	for range *seed / 10 {
		events = append(events, g.EdgeEvent())
	}
	extra, err := readEvents(*eventsFile)
	if err != nil {
		return err
	}
	opts := []fingerprinttest.Option{
		fingerprinttest.WithAddr(*addr),
		fingerprinttest.WithAPIKey(*key),
		fingerprinttest.WithEvents(append(events, extra...)...),
		fingerprinttest.WithUpdateDelay(*updateDelay),
	}
	limits, err := limitOptions(*rate, *burst, *perHour, *perDay)
	if err != nil {
		return err
	}
	srv, err := fingerprinttest.Start(append(opts, limits...)...)
	if err != nil {
		return err
	}
	defer srv.Close()
	if *ruleset != "" {
		if err := srv.AddRuleset(*ruleset, demoRuleset); err != nil {
			return err
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Fingerprint Server API v4 (in-memory fake)\n")
	fmt.Fprintf(&b, "  base URL: %s\n", srv.URL())
	fmt.Fprintf(&b, "  API key:  %s\n", srv.APIKey())
	fmt.Fprintf(&b, "  events:   %d device, %d edge, %d from -events\n", *seed, *seed/10, len(extra))
	if *ruleset != "" {
		fmt.Fprintf(&b, "  ruleset:  %s\n", *ruleset)
	}
	if *rate > 0 || *perHour > 0 || *perDay > 0 {
		fmt.Fprintf(&b, "  limits:   %g requests/s (burst %d), deletes %d/hour, %d/day (0: none)\n", *rate, burstFor(*rate, *burst), *perHour, *perDay)
	}
	fmt.Fprintf(&b, "Try:\n  curl -H 'Authorization: Bearer %s' '%s/events?limit=2'\n", srv.APIKey(), srv.URL())
	fmt.Fprintf(&b, "Press Ctrl+C to stop.\n")
	// Scripts read the base URL and key from stdout: if they cannot be written, fail
	// rather than serve where nobody can find the server.
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return fmt.Errorf("write base URL and key to stdout: %w", err)
	}
	<-ctx.Done()
	return nil
}

// limitOptions turns the limit flags into options; all zero means no limits.
func limitOptions(rate float64, burst, perHour, perDay int) ([]fingerprinttest.Option, error) {
	var opts []fingerprinttest.Option
	switch {
	case math.IsNaN(rate) || math.IsInf(rate, 0) || rate < 0:
		// NaN compares false with everything, so it would pass every check below as
		// "no limit"; Inf would be no limit under another name.
		return nil, fmt.Errorf("-rate-limit must be a finite number of requests per second, 0 or more, got %v", rate)
	case rate == 0 && burst != 0:
		return nil, errors.New("-burst needs -rate-limit")
	case rate > 0:
		opts = append(opts, fingerprinttest.WithRateLimit(rate, burstFor(rate, burst)))
	}
	if perHour < 0 || perDay < 0 {
		return nil, errors.New("-delete-quota-hour and -delete-quota-day must not be negative")
	}
	if perHour > 0 || perDay > 0 {
		opts = append(opts, fingerprinttest.WithDeleteQuota(perHour, perDay))
	}
	return opts, nil
}

// burstFor is -burst, defaulting to the rate rounded up (at least 1).
func burstFor(rate float64, burst int) int {
	if burst != 0 || rate <= 0 {
		return burst
	}
	return max(1, int(math.Ceil(rate)))
}

// maxEventsFile bounds -events: the fake holds every event in memory, and 64 MiB is
// thousands of the largest events the API sends (GetEvent's bound is 1 MiB each).
const maxEventsFile = 64 << 20

// readEvents reads a JSON array of events, at most maxEventsFile bytes; an empty name
// reads none.
func readEvents(name string) ([]fingerprint.Event, error) {
	if name == "" {
		return nil, nil
	}
	f, err := os.Open(name) //nolint:gosec // G304: reading the file the user named with -events is the point
	if err != nil {
		return nil, fmt.Errorf("-events: %w", err)
	}
	defer f.Close() //nolint:errcheck // read-only file: a Close error cannot lose data
	b, err := io.ReadAll(io.LimitReader(f, maxEventsFile+1))
	if err != nil {
		return nil, fmt.Errorf("-events: %w", err)
	}
	if len(b) > maxEventsFile {
		return nil, fmt.Errorf("-events %s is larger than %d MiB: not a file of events", name, maxEventsFile>>20)
	}
	var evs []fingerprint.Event
	if err := json.Unmarshal(b, &evs); err != nil {
		return nil, fmt.Errorf("-events %s: want a JSON array of events: %w", name, err)
	}
	return evs, nil
}

// demoRuleset blocks events with a bad bot (403, a JSON body) and allows the rest.
func demoRuleset(ev fingerprint.Event) gen.EventRuleAction {
	var a gen.EventRuleAction
	if ev.Bot != nil && *ev.Bot == gen.BotResultBad {
		_ = a.FromEventRuleActionBlock(gen.EventRuleActionBlock{Type: gen.RuleActionTypeBlock, StatusCode: ptr(gen.StatusCode(403))})
		return a
	}
	_ = a.FromEventRuleActionAllow(gen.EventRuleActionAllow{Type: gen.RuleActionTypeAllow})
	return a
}

func ptr[T any](v T) *T { return &v }
