package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// Limits of the delete loop.
const (
	max429PerID            = 10 // consecutive 429s for one ID before it counts as failed
	maxConsecutiveFailures = 5  // failed IDs in a row before the run stops
	max429Backoff          = time.Hour
)

type deleteOpts struct {
	from    string
	journal string
	rates   stringList
	dryRun  bool
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func init() {
	register(&command{
		path:    "visitors delete",
		summary: "delete visitors' data within the API's quota, resumably",
		usage: `visitors delete [ID...] [--from FILE|-] [--journal FILE]
      [--rate N/h|N/s] [--dry-run]`,
		help: `Deletes the data of each visitor ID (an Enterprise plan feature), one request at a time,
paced to the API's documented quota: 30 per hour and 500 per day. --rate replaces that
for raised quotas (N/s, N/m, N/h or N/d; repeat or separate with commas). On 429 the
command waits as Retry-After says, then tries the same ID again.

--from reads IDs one per line from FILE, or stdin with "-"; blank lines and lines
starting with # are ignored. --journal FILE records every finished ID (deleted or
not_found, and failed ones) as one synced JSON line; running the same command again
skips the IDs the journal lists as finished and keeps within the quota by counting the
journal's recent deletes. --dry-run prints what would be deleted and how long it takes.

It ends with one line: "deleted N, skipped N (journal), not found N, failed N", and
exits 1 if any failed.

Examples:
  fpctl --fake visitors delete ` + DemoVisitorID + `
  fpctl visitors delete --from privacy-requests.txt --journal privacy.journal
  fpctl visitors delete --from - --journal privacy.journal --dry-run < ids.txt
  fpctl visitors delete --from ids.txt --journal j.log \
      --rate 100/h --rate 2000/d`,
		flags: func(fs *flag.FlagSet) (any, error) {
			o := &deleteOpts{}
			fs.StringVar(&o.from, "from", "", "read visitor IDs from this file, one per line (- for stdin)")
			fs.StringVar(&o.journal, "journal", "", "record finished IDs in this file and skip them on the next run")
			fs.Var(&o.rates, "rate", "pace requests to N/s, N/m, N/h or N/d (default "+defaultRates+")")
			fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be deleted; send nothing")
			return o, nil
		},
		run: runDelete,
	})
}

// readIDs collects the IDs from the arguments and --from, without duplicates, and
// rejects any that could not be a visitor ID before a request is sent.
func readIDs(env *Env, args []string, from string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	add := func(id, where string) error {
		if id == "." || id == ".." || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return usagef("%s: %q is not a valid visitor ID", where, id)
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
		r := env.Stdin
		if from != "-" {
			f, err := os.Open(from)
			if err != nil {
				return nil, usagef("--from: %v", err)
			}
			defer f.Close() //nolint:errcheck // read-only file: a Close error cannot lose data
			r = f
		}
		sc := bufio.NewScanner(r)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := add(line, fmt.Sprintf("--from %s line %d", from, n)); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("--from %s: %w", from, err)
		}
	}
	if len(ids) == 0 {
		return nil, usagef("visitors delete: no visitor IDs: pass them as arguments or with --from FILE")
	}
	return ids, nil
}

type deleteCounts struct {
	deleted, skipped, notFound, failed int
}

func (c deleteCounts) String() string {
	return fmt.Sprintf("deleted %d, skipped %d (journal), not found %d, failed %d", c.deleted, c.skipped, c.notFound, c.failed)
}

func runDelete(ctx context.Context, a *app, opts any, args []string) error {
	o := opts.(*deleteOpts)
	rates := o.rates
	if len(rates) == 0 {
		rates = stringList{defaultRates}
	}
	quotas, err := parseRates(rates)
	if err != nil {
		return err
	}
	ids, err := readIDs(a.env, args, o.from)
	if err != nil {
		return err
	}
	var jr *journal
	finished := map[string]bool{}
	var recent []time.Time // request times of earlier runs, for the pacer
	if o.journal != "" {
		var entries []journalEntry
		if jr, entries, err = openJournal(o.journal); err != nil {
			return err
		}
		defer jr.close() //nolint:errcheck // every entry was synced by add; Close loses nothing
		for _, e := range entries {
			if e.Outcome == outcomeDeleted || e.Outcome == outcomeNotFound {
				finished[e.VisitorID] = true
			}
			recent = append(recent, e.Time)
		}
	}
	var todo []string
	var c deleteCounts
	for _, id := range ids {
		if finished[id] {
			c.skipped++
		} else {
			todo = append(todo, id)
		}
	}
	if o.dryRun {
		// The dry-run list is the command's output: a failed write (closed pipe) fails the run.
		for _, id := range todo {
			if _, err := fmt.Fprintln(a.env.Stdout, "would delete", id); err != nil {
				return err
			}
		}
		d := estimate(quotas, recent, a.env.Now(), len(todo))
		_, err := fmt.Fprintf(a.env.Stdout, "dry run: would delete %d, skipped %d (journal); at %s this takes about %s\n",
			len(todo), c.skipped, newPacer(quotas), formatWait(d))
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

	d := &deleter{env: a.env, client: client, journal: jr, pacer: newPacer(quotas), prog: newProgress(a.env, "IDs"), total: len(todo)}
	d.pacer.seed(recent)
	runErr := d.run(ctx, todo, &c)
	d.prog.done()
	_, writeErr := fmt.Fprintln(a.env.Stdout, c)
	switch {
	case runErr != nil:
		return runErr
	case writeErr != nil: // the deletes were made; only their counts could not be shown
		return writeErr
	case c.failed > 0:
		return &exitError{code: exitFailure}
	}
	return nil
}

// deleter runs the paced delete loop.
type deleter struct {
	env     *Env
	client  *fingerprint.Client
	journal *journal
	pacer   *pacer
	prog    *progress
	total   int
	done    int
}

func (d *deleter) run(ctx context.Context, ids []string, c *deleteCounts) error {
	failedInRow := 0
	for _, id := range ids {
		outcome, err := d.deleteOne(ctx, id)
		if fatal(err) {
			return err // not finished: the next run tries this ID again
		}
		e := journalEntry{Time: d.env.Now().UTC(), VisitorID: id, Outcome: outcome}
		switch outcome {
		case outcomeDeleted:
			c.deleted++
			failedInRow = 0
		case outcomeNotFound:
			c.notFound++
			failedInRow = 0
		default:
			c.failed++
			failedInRow++
			e.Error = errorLine(err)
			fmt.Fprintf(d.env.Stderr, "%s (visitor %s)\n", errorLine(err), id)
		}
		if d.journal != nil {
			if err := d.journal.add(e); err != nil {
				return err
			}
		}
		d.done++
		if failedInRow >= maxConsecutiveFailures {
			return fmt.Errorf("stopping after %d failures in a row", failedInRow)
		}
	}
	return nil
}

// fatal reports errors that stop the whole run: an interruption, or a key or plan that
// can delete nothing (401, 403).
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

// deleteOne deletes one visitor, waiting for the pacer and on 429.
func (d *deleter) deleteOne(ctx context.Context, id string) (string, error) {
	backoff := d.pacer.interval()
	for attempt := 1; ; attempt++ {
		at := d.pacer.next(d.env.Now())
		if err := d.waitUntil(ctx, at, "next delete"); err != nil {
			return "", err
		}
		d.pacer.record(d.env.Now())
		err := d.client.DeleteVisitorData(ctx, id)
		var apiErr *fingerprint.APIError
		switch {
		case err == nil:
			return outcomeDeleted, nil
		case errors.Is(err, fingerprint.ErrNotFound):
			return outcomeNotFound, nil
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests && attempt < max429PerID:
			wait := apiErr.RetryAfter
			if wait <= 0 {
				wait = backoff
				backoff = min(2*backoff, max429Backoff)
			}
			fmt.Fprintf(d.env.Stderr, "fpctl: 429 %s on visitor %s: waiting %s (Retry-After)\n", apiErr.Code, id, formatWait(wait))
			if err := d.waitUntil(ctx, d.env.Now().Add(wait), "quota (429)"); err != nil {
				return "", err
			}
		default:
			return outcomeFailed, err
		}
	}
}

// waitUntil sleeps until t, updating the progress line every second on a terminal.
func (d *deleter) waitUntil(ctx context.Context, t time.Time, what string) error {
	for {
		left := t.Sub(d.env.Now())
		if left <= 0 {
			return ctx.Err()
		}
		step := left
		if d.prog.on {
			d.prog.line(fmt.Sprintf("%d/%d IDs done, %s in %s, %s elapsed", d.done, d.total, what, formatWait(left),
				d.env.Now().Sub(d.prog.start).Round(time.Second)))
			step = min(left, time.Second)
		}
		if err := d.env.Sleep(ctx, step); err != nil {
			return err
		}
	}
}
