package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/fpgo/fingerprint-go/fingerprint"
)

// pageSize is the largest page the API serves; exports use full pages.
const pageSize = 100

type searchOpts struct {
	params   fingerprint.SearchEventsParams
	sf       *searchFlags
	fs       *flag.FlagSet
	since    sinceValue
	max      int
	format   string
	fields   string
	resume   string
	wide     bool
	follow   bool
	interval time.Duration
	overlap  time.Duration
}

// eventsSearchCommand is the "fpctl events search" command.
func eventsSearchCommand() *command {
	return &command{
		path:    "events search",
		summary: "export matching events as JSON Lines, JSON, CSV or a table",
		usage: `events search [filters] [--since 24h | --start T --end T] [--max N]
      [--format F] [--fields F] [--wide] [--resume FILE] [--follow]`,
		help: `Every search parameter of the API is a flag named after it with dashes
(--visitor-id, --linked-id, --bot bad, --vpn=true, repeatable
--bot-info-category, ...); values are checked against the API's documented
bounds before any request. Times are RFC 3339 or Unix milliseconds. Without
--start, --end or --since the API's default applies: the last 7 days.

Pages of 100 events (--limit changes that) are written as they arrive, so
memory stays the same for any export size. --max N stops after N events
(0 = all), in ceil(N/100) requests.

--format is table on a terminal; otherwise csv when --fields is given, else
jsonl. csv and table take --fields, dotted paths into the event JSON. A table
fits the terminal (80 columns when unknown): long values end with an
ellipsis, and columns that do not fit are hidden (--wide shows all of them).
Column widths are set by the first page. CSV cells that a spreadsheet would
run as a formula (starting with = + - @, tab or carriage return) get a
leading ' and are quoted (OWASP's advice); numbers such as -12.5 are kept.
No control character from the data reaches a terminal.

--resume FILE stores the pagination key after each page (written atomically)
and, when FILE exists, continues the same search from it; the CSV header is
not repeated on a continued run, and with --format json each run writes a
complete array of its own. If an export fails midway, --format json still
closes its array (the exit status is 1).

--follow keeps printing new matching events, oldest first, until Ctrl+C:
every --interval it searches again from --overlap before the previous search
ended, and prints only the events it has not printed yet. A 429 makes it
wait longer. With --resume, a restarted tail continues where it stopped.

Examples:
  fpctl --fake events search --since 24h --bot bad --format table
  fpctl events search --since 72h --visitor-id Ibk1527CUFmcnjLwIs4A9 \
      > visitor.jsonl
  fpctl events search --start 2026-01-01T00:00:00Z \
      --end 2026-01-31T23:59:59Z --resume january.state >> january.jsonl
  fpctl events search --since 1h \
      --fields event_id,timestamp,identification.visitor_id,ip_address
  fpctl events search --source edge --bot-info-category ai_agent --max 50 \
      --format json
  fpctl events search --follow --since 5m --bot bad --resume tail.state \
      >> bots.jsonl`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &searchOpts{fs: fs}
			spec, err := searchSpec()
			if err != nil {
				return nil, err
			}
			if o.sf, err = newSearchFlags(fs, &o.params, spec); err != nil {
				return nil, err
			}
			fs.Var(&o.since, "since", "search from this long ago until now: 24h, 90m, 7d, an RFC 3339 time or a date (2026-12-01); fixed when the export starts")
			fs.IntVar(&o.max, "max", 0, "stop after this many events (0 = all)")
			fs.StringVar(&o.format, "format", "", "output format: jsonl, json, csv or table (default: table on a terminal, else csv with --fields, else jsonl)")
			fs.StringVar(&o.fields, "fields", "", "comma-separated dotted paths for csv and table, such as event_id,identification.visitor_id (default: "+strings.Join(defaultFields, ", ")+")")
			fs.BoolVar(&o.wide, "wide", false, "table: show every column with whole values, even wider than the terminal")
			fs.StringVar(&o.resume, "resume", "", "store the pagination key in this file after each page and continue from it")
			fs.BoolVar(&o.follow, "follow", false, "after the current results, keep printing new matching events until Ctrl+C")
			fs.DurationVar(&o.interval, "interval", defaultFollowInterval, "--follow: time between searches (at least 1s)")
			fs.DurationVar(&o.overlap, "overlap", defaultFollowOverlap, "--follow: each search starts this long before the previous one ended, for events that arrive late")
			return bind(o, runSearch), nil
		},
	}
}

func runSearch(ctx context.Context, a *app, o *searchOpts, args []string) error {
	if a.g.output != "" && o.resume != "" {
		// Checked before anything is written, so --output's file stays as it was.
		return usagef("--output replaces its file, so it cannot keep the pages of earlier runs: with --resume, append with >> FILE instead")
	}
	if len(args) > 0 {
		return usagef("events search takes no arguments, got %q (filters are flags, such as --visitor-id %s)", args[0], args[0])
	}
	set := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p := &o.params
	switch {
	case o.max < 0:
		return usagef("--max must not be negative")
	case set["since"] && (set["start"] || set["end"]):
		return usagef("--since cannot be combined with --start or --end")
	case set["resume"] && set["pagination-key"]:
		return usagef("--resume and --pagination-key cannot be combined: the resume file holds the key")
	case !p.Start.IsZero() && !p.End.IsZero() && p.Start.After(p.End):
		return usagef("--start is after --end")
	}
	if err := checkFollow(o, set); err != nil {
		return err
	}
	if p.Limit == 0 {
		p.Limit = pageSize
	}
	term := a.env.IsTerminal(a.env.Stdout)
	format := o.format
	switch {
	case format != "":
	case term:
		format = "table"
	case o.fields != "":
		format = "csv" // --fields only means something for csv and table
	default:
		format = "jsonl"
	}
	fields, notes, err := parseFields(o.fields)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(a.env.Stderr, "fpctl: note:", n)
	}
	if o.fields != "" && format != "csv" && format != "table" {
		return usagef("--fields applies to --format csv and table only")
	}
	if o.follow && format == "json" {
		return usagef("--follow writes jsonl, csv or table: a JSON array would never be complete")
	}
	if set["since"] {
		end := a.env.Now()
		p.Start, p.End = o.since.start(end), end
		if !p.Start.Before(end) {
			return usagef("--since %s is not in the past", o.since.raw)
		}
	}

	var st *resumeState
	var resumed bool
	if o.resume != "" {
		filters := o.sf.query(set, "start", "end", "limit", "pagination_key")
		if o.follow {
			filters += "#follow"
		}
		if st, resumed, err = loadResume(ctx, o.resume, filters, p, set["since"], o.since.raw); err != nil {
			return err
		}
		if st.Done {
			fmt.Fprintf(a.env.Stderr, "fpctl: %s: this export is already complete (%d events); delete the file to export again\n", o.resume, st.Events)
			return nil
		}
		p.PaginationKey = st.PaginationKey
	}

	topts := tableOpts{width: a.termWidth(), wide: o.wide, note: a.env.Stderr}
	w, err := newEventWriter(format, a.env.Stdout, fields, resumed, term, topts)
	if err != nil {
		return err
	}
	client, closeFn, err := a.newClient()
	if err != nil {
		return err
	}
	defer closeFn()

	prog := newProgress(a.env, "events")
	defer prog.done()
	ex := &exporter{client: client, w: w, max: o.max, state: st, stateFile: o.resume, prog: prog, stderr: a.env}
	if o.follow {
		err = (&follower{ex: ex, env: a.env, interval: o.interval, overlap: o.overlap}).run(ctx, p)
	} else {
		err = ex.run(ctx, p)
	}
	prog.done()
	if err != nil {
		_ = w.Abort() // keep what was written well-formed; the export's error is the one to report
	}
	if errors.Is(err, context.Canceled) && o.resume != "" {
		return fmt.Errorf("interrupted after %d events; run the same command again to continue from %s", ex.written, o.resume)
	}
	return err
}

// exporter pages through a search and writes every event, saving the pagination key
// after each page.
type exporter struct {
	client    *fingerprint.Client
	w         eventWriter
	max       int
	state     *resumeState
	stateFile string
	prog      *progress
	stderr    *Env

	written  int
	pages    int
	totalHit bool
}

// fetched is one page read by the prefetching goroutine.
type fetched struct {
	events    []fingerprint.Event
	next      string // pagination key for the page after this one; "" on the last
	totalHits *int64
	err       error
}

// run pages through the search. One goroutine fetches the next page while the current
// one is written, so encoding costs no extra wall time; at most two pages are held.
// The key of a page is saved only after the page is written.
func (ex *exporter) run(ctx context.Context, params *fingerprint.SearchEventsParams) error {
	if err := ex.w.Begin(); err != nil {
		return err
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetched)
	go ex.fetch(fctx, *params, pages)
	for f := range pages {
		if f.err != nil {
			return f.err
		}
		ex.pages++
		if f.totalHits != nil && !ex.totalHit {
			ex.totalHit = true
			ex.prog.clear()
			fmt.Fprintf(ex.stderr.Stderr, "total hits: %d\n", *f.totalHits)
		}
		ex.prog.clear() // rows never run into the progress line
		for i := range f.events {
			if err := ex.w.Write(&f.events[i]); err != nil {
				return err
			}
		}
		if err := ex.w.Flush(); err != nil {
			return err
		}
		ex.written += len(f.events)
		done := f.next == ""
		if ex.state != nil {
			ex.state.PaginationKey, ex.state.Done = f.next, done
			ex.state.Events += len(f.events)
			ex.state.Pages++
			if err := ex.state.save(ex.stateFile); err != nil {
				return err
			}
		}
		ex.prog.page(ex.written, ex.pages)
		if done || (ex.max > 0 && ex.written >= ex.max) {
			ex.prog.done() // "(no events)" and later notes start on a line of their own
			return ex.w.End()
		}
		if err := ctx.Err(); err != nil {
			return err // interrupted between pages: the saved key is exact
		}
	}
	return ctx.Err()
}

// fetch requests the pages in order and sends them to out, stopping after the last
// page, after --max events, on the first error, or when ctx is done. The pages come from
// the SDK's SearchEventsPages, so its loop protection holds: a server that sends a
// pagination key already used in the export (A, B, A) ends it with an error wrapping
// fingerprint.ErrPaginationLoop.
func (ex *exporter) fetch(ctx context.Context, p fingerprint.SearchEventsParams, out chan<- fetched) {
	defer close(out)
	limit, got := p.Limit, 0
	send := func(f fetched) bool {
		select {
		case out <- f:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		if ex.max > 0 {
			// The last page asks only for what is left, so the saved key points just
			// past the last event written and a resumed run has neither gap nor overlap.
			p.Limit = min(limit, ex.max-got)
		}
		smaller := false // the page size must shrink: a new iteration from the key
		for page, err := range ex.client.SearchEventsPages(ctx, &p) {
			if err != nil {
				send(fetched{err: err})
				return
			}
			events := page.Events
			if len(events) > p.Limit { // never more than asked, even from a misbehaving server
				events = events[:p.Limit]
			}
			got += len(events)
			next := ""
			if page.PaginationKey != nil {
				next = *page.PaginationKey
			}
			if !send(fetched{events: events, next: next, totalHits: page.TotalHits}) {
				return
			}
			if next == "" || (ex.max > 0 && got >= ex.max) {
				return
			}
			p.PaginationKey = next
			// Each new iteration asks for fewer events than the one before (at least
			// one fewer), so there are at most --max of them.
			if ex.max > 0 && ex.max-got < p.Limit {
				smaller = true
				break
			}
		}
		if !smaller {
			return
		}
	}
}
