package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// A batch is one API call per ID, paced to a quota and journaled: visitors delete and
// events feedback. Both run through runBatch, so they pace, journal, retry on 429, stop
// and report the same way.

// Limits of the batch loop.
const (
	max429PerID            = 10 // consecutive 429s for one ID before it counts as failed
	maxConsecutiveFailures = 5  // failed IDs in a row before the run stops
	max429Backoff          = time.Hour
)

// batchSpec describes one batch command.
type batchSpec struct {
	journal journalKind // its cmd names the command; its success outcome the done verb
	verb    string      // "delete", "submit feedback for": the dry run's "would <verb> ID"
	noun    string      // "visitor", "event": messages name the ID with it
	plural  string      // "visitor IDs", "event IDs"
	rates   string      // the API's documented quota of the call, such as 30/h,500/d
	// call sends one request for id. nil error is success; an error wrapping
	// fingerprint.ErrNotFound counts as not found.
	call func(ctx context.Context, c *fingerprint.Client, id string) error
}

// batchOpts are the flags every batch command has.
type batchOpts struct {
	from    string
	journal string
	rates   stringList
	dryRun  bool
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (o *batchOpts) register(fs *flag.FlagSet, spec *batchSpec) {
	fs.StringVar(&o.from, "from", "", "read "+spec.plural+" from this file, one per line (- for stdin)")
	fs.StringVar(&o.journal, "journal", "", "record finished IDs in this file and skip them on the next run")
	fs.Var(&o.rates, "rate", "pace requests to N/s, N/m, N/h or N/d (default "+spec.rates+")")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be sent; send nothing and change no file")
}

// readIDs collects the IDs from the arguments and --from, without duplicates, and
// rejects any that could not be an ID before a request is sent. --from is read to at
// most maxIDList bytes, and Ctrl+C ends a read blocked on a terminal or a FIFO.
func readIDs(ctx context.Context, env *Env, spec *batchSpec, args []string, from string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	add := func(id, where string) error {
		if id == "." || id == ".." || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return usagef("%s: %q is not a valid %s ID", where, id, spec.noun)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		return nil
	}
	for _, id := range args {
		if err := add(id, "argument"); err != nil {
			return nil, err
		}
	}
	if from != "" {
		var data []byte
		var err error
		if from == "-" {
			data, err = readBounded(ctx, env.Stdin, maxIDList, "stdin")
		} else {
			data, err = readFileBounded(ctx, from, maxIDList)
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, usagef("--from: %v", err)
		}
		if err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		for n, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := add(line, fmt.Sprintf("--from %s line %d", from, n+1)); err != nil {
				return nil, err
			}
		}
	}
	if len(ids) == 0 {
		return nil, usagef("%s: no %s: pass them as arguments or with --from FILE", spec.journal.cmd, spec.plural)
	}
	return ids, nil
}

type batchCounts struct {
	verb                            string // the success outcome: "deleted", "submitted"
	done, skipped, notFound, failed int
}

func (c batchCounts) String() string {
	return fmt.Sprintf("%s %d, skipped %d (journal), not found %d, failed %d", c.verb, c.done, c.skipped, c.notFound, c.failed)
}

// runBatch runs spec's call once for each ID of args and --from that the journal does
// not list as finished, paced to the quotas, and ends with the summary line. It exits 1
// when an ID failed.
func runBatch(ctx context.Context, a *app, spec *batchSpec, o *batchOpts, args []string) error {
	rates := o.rates
	if len(rates) == 0 {
		rates = stringList{spec.rates}
	}
	quotas, err := parseRates(rates)
	if err != nil {
		return err
	}
	ids, err := readIDs(ctx, a.env, spec, args, o.from)
	if err != nil {
		return err
	}
	var jr *journal
	finished := map[string]bool{}
	var recent []time.Time // request times of earlier runs, for the pacer
	if o.journal != "" {
		var entries []journalEntry
		if jr, entries, err = openJournal(ctx, o.journal, spec.journal, o.dryRun); err != nil {
			return err
		}
		if jr != nil {
			defer jr.close() //nolint:errcheck // every entry was synced by add; Close loses nothing
		}
		for _, e := range entries {
			if e.Outcome == spec.journal.success || e.Outcome == outcomeNotFound {
				finished[e.id(spec.journal)] = true
			}
			recent = append(recent, e.Time)
		}
	}
	var todo []string
	c := batchCounts{verb: spec.journal.success}
	for _, id := range ids {
		if finished[id] {
			c.skipped++
		} else {
			todo = append(todo, id)
		}
	}
	verb := spec.verb
	if o.dryRun {
		// The dry-run list is the command's output: a failed write (closed pipe) fails the run.
		for _, id := range todo {
			if _, err := fmt.Fprintln(a.env.Stdout, "would", verb, id); err != nil {
				return err
			}
		}
		d := estimate(quotas, recent, a.env.Now(), len(todo))
		_, err := fmt.Fprintf(a.env.Stdout, "dry run: would %s %d, skipped %d (journal); at %s this takes about %s\n",
			verb, len(todo), c.skipped, newPacer(quotas), formatWait(d))
		return err
	}
	if len(todo) == 0 {
		_, err := fmt.Fprintln(a.env.Stdout, c)
		return err
	}
	client, closeFn, err := a.newClient()
	if err != nil {
		return err
	}
	defer closeFn()
	if jr == nil && len(todo) > 1 {
		fmt.Fprintln(a.env.Stderr, "fpctl: no --journal: if this run is interrupted, the next one cannot tell which IDs are done")
	}

	b := &batch{spec: spec, env: a.env, client: client, journal: jr, pacer: newPacer(quotas), prog: newProgress(a.env, "IDs"), total: len(todo)}
	b.pacer.seed(recent)
	runErr := b.run(ctx, todo, &c)
	b.prog.done()
	_, writeErr := fmt.Fprintln(a.env.Stdout, c)
	switch {
	case runErr != nil:
		return runErr
	case writeErr != nil: // the requests were made; only their counts could not be shown
		return writeErr
	case c.failed > 0:
		return &exitError{code: exitFailure}
	}
	return nil
}

// batch runs the paced, journaled loop.
type batch struct {
	spec    *batchSpec
	env     *Env
	client  *fingerprint.Client
	journal *journal
	pacer   *pacer
	prog    *progress
	total   int
	done    int
}

func (b *batch) run(ctx context.Context, ids []string, c *batchCounts) error {
	failedInRow := 0
	for _, id := range ids {
		outcome, err := b.one(ctx, id)
		if fatal(err) {
			return err // not finished: the next run tries this ID again
		}
		e := b.spec.journal.entry(b.env.Now().UTC(), id, outcome)
		switch outcome {
		case b.spec.journal.success:
			c.done++
			failedInRow = 0
		case outcomeNotFound:
			c.notFound++
			failedInRow = 0
		default:
			c.failed++
			failedInRow++
			e.Error = errorLine(err)
			fmt.Fprintf(b.env.Stderr, "%s (%s %s)\n", errorLine(err), b.spec.noun, id)
		}
		if b.journal != nil {
			if err := b.journal.add(e); err != nil {
				return err
			}
		}
		b.done++
		if failedInRow >= maxConsecutiveFailures {
			return fmt.Errorf("stopping after %d failures in a row", failedInRow)
		}
	}
	return nil
}

// fatal reports errors that stop the whole run: an interruption, or a key or plan that
// can do nothing (401, 403).
func fatal(err error) bool {
	var apiErr *fingerprint.APIError
	switch {
	case err == nil:
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &apiErr):
		return apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden
	}
	return false
}

// one sends the request for one ID, waiting for the pacer and on 429.
func (b *batch) one(ctx context.Context, id string) (string, error) {
	backoff := b.pacer.interval()
	for attempt := 1; ; attempt++ {
		at := b.pacer.next(b.env.Now())
		if err := b.waitUntil(ctx, at, "next request"); err != nil {
			return "", err
		}
		b.pacer.record(b.env.Now())
		err := b.spec.call(ctx, b.client, id)
		var apiErr *fingerprint.APIError
		switch {
		case err == nil:
			return b.spec.journal.success, nil
		case errors.Is(err, fingerprint.ErrNotFound):
			return outcomeNotFound, nil
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests && attempt < max429PerID:
			wait := apiErr.RetryAfter
			if wait <= 0 {
				wait = backoff
				backoff = min(2*backoff, max429Backoff)
			}
			fmt.Fprintf(b.env.Stderr, "fpctl: 429 %s on %s %s: waiting %s (Retry-After)\n", termSafe(string(apiErr.Code)), b.spec.noun, id, formatWait(wait))
			if err := b.waitUntil(ctx, b.env.Now().Add(wait), "quota (429)"); err != nil {
				return "", err
			}
		default:
			return outcomeFailed, err
		}
	}
}

// waitUntil sleeps until t, updating the progress line every second on a terminal.
func (b *batch) waitUntil(ctx context.Context, t time.Time, what string) error {
	for {
		left := t.Sub(b.env.Now())
		if left <= 0 {
			return ctx.Err()
		}
		step := left
		if b.prog.on {
			b.prog.line(fmt.Sprintf("%d/%d IDs done, %s in %s, %s elapsed", b.done, b.total, what, formatWait(left),
				b.env.Now().Sub(b.prog.start).Round(time.Second)))
			step = min(left, time.Second)
		}
		if err := b.env.Sleep(ctx, step); err != nil {
			return err
		}
	}
}
