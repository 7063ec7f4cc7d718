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
	params fingerprint.SearchEventsParams
	sf     *searchFlags
	fs     *flag.FlagSet
	since  time.Duration
	max    int
	format string
	fields string
	resume string
}

func init() {
	register(&command{
		path:    "events search",
		summary: "export the events that match filters, as JSON Lines, JSON, CSV or a table",
		usage:   "events search [filters] [--since 24h | --start T --end T] [--max N] [--format F] [--fields F] [--resume FILE]",
		help: `Every search parameter of the API is a flag named after it with dashes (--visitor-id,
--linked-id, --bot bad, --vpn=true, repeatable --bot-info-category, ...); values are
checked against the API's documented bounds before any request. Times are RFC 3339 or
Unix milliseconds. Without --start/--end/--since the API's default applies: the last 7 days.

Pages are requested 100 events at a time (--limit changes that) and written as they
arrive, so memory stays the same for any export size. --max N stops after N events
(0 = all), in ceil(N/100) requests. --format is table on a terminal and jsonl otherwise;
csv and table take --fields, dotted paths into the event JSON. --resume FILE stores the
pagination key after each page (written atomically) and, when FILE exists, continues the
same search from it; the CSV header is not repeated on a continued run.

Examples:
  fingerprint --fake events search --since 24h --bot bad --format table
  fingerprint events search --since 72h --visitor-id Ibk1527CUFmcnjLwIs4A9 > visitor.jsonl
  fingerprint events search --start 2026-01-01T00:00:00Z --end 2026-01-31T23:59:59Z \
      --resume january.state >> january.jsonl
  fingerprint events search --since 1h --format csv --fields event_id,timestamp,identification.visitor_id,ip_address
  fingerprint events search --source edge --bot-info-category ai_agent --max 50 --format json`,
		flags: func(fs *flag.FlagSet) (any, error) {
			o := &searchOpts{fs: fs}
			spec, err := searchSpec()
			if err != nil {
				return nil, err
			}
			if o.sf, err = newSearchFlags(fs, &o.params, spec); err != nil {
				return nil, err
			}
			fs.DurationVar(&o.since, "since", 0, "search the window that ends now and began this long ago, such as 24h or 90m (fixed when the export starts)")
			fs.IntVar(&o.max, "max", 0, "stop after this many events (0 = all)")
			fs.StringVar(&o.format, "format", "", "output format: jsonl, json, csv or table (default table on a terminal, jsonl otherwise)")
			fs.StringVar(&o.fields, "fields", "", "comma-separated dotted paths for csv and table, such as event_id,identification.visitor_id (default "+strings.Join(defaultFields, ",")+")")
			fs.StringVar(&o.resume, "resume", "", "store the pagination key in this file after each page and continue from it")
			return o, nil
		},
		run: runSearch,
	})
}

func runSearch(ctx context.Context, a *app, opts any, args []string) error {
	o := opts.(*searchOpts)
	if len(args) > 0 {
		return usagef("events search takes no arguments, got %q (filters are flags, such as --visitor-id %s)", args[0], args[0])
	}
	set := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p := &o.params
	switch {
	case o.max < 0:
		return usagef("--max must not be negative")
	case o.since < 0:
		return usagef("--since must be positive, such as 24h")
	case set["since"] && (set["start"] || set["end"]):
		return usagef("--since cannot be combined with --start or --end")
	case set["resume"] && set["pagination-key"]:
		return usagef("--resume and --pagination-key cannot be combined: the resume file holds the key")
	case !p.Start.IsZero() && !p.End.IsZero() && p.Start.After(p.End):
		return usagef("--start is after --end")
	}
	if p.Limit == 0 {
		p.Limit = pageSize
	}
	format := o.format
	if format == "" {
		format = "jsonl"
		if a.env.IsTerminal(a.env.Stdout) {
			format = "table"
		}
	}
	fields, err := parseFields(o.fields)
	if err != nil {
		return err
	}
	if o.fields != "" && format != "csv" && format != "table" {
		return usagef("--fields applies to --format csv and table only")
	}
	if o.since > 0 {
		end := a.env.Now()
		p.Start, p.End = end.Add(-o.since), end
	}

	var st *resumeState
	var resumed bool
	if o.resume != "" {
		filters := o.sf.query(set, "start", "end", "limit", "pagination_key")
		if st, resumed, err = loadResume(o.resume, filters, p, set["since"], o.since); err != nil {
			return err
		}
		if st.Done {
			fmt.Fprintf(a.env.Stderr, "fingerprint: %s: this export is already complete (%d events); delete the file to export again\n", o.resume, st.Events)
			return nil
		}
		p.PaginationKey = st.PaginationKey
	}

	w, err := newEventWriter(format, a.env.Stdout, fields, resumed)
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
	err = ex.run(ctx, p)
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

func (ex *exporter) run(ctx context.Context, params *fingerprint.SearchEventsParams) error {
	p := *params
	limit := p.Limit
	if err := ex.w.Begin(); err != nil {
		return err
	}
	for {
		if ex.max > 0 {
			// The last page asks only for what is left, so the saved key points just
			// past the last event written and a resumed run has neither gap nor overlap.
			p.Limit = min(limit, ex.max-ex.written)
		}
		page, err := ex.client.SearchEvents(ctx, &p)
		if err != nil {
			return err
		}
		ex.pages++
		if page.TotalHits != nil && !ex.totalHit {
			ex.totalHit = true
			fmt.Fprintf(ex.stderr.Stderr, "total hits: %d\n", *page.TotalHits)
		}
		events := page.Events
		if len(events) > p.Limit { // never more than asked, even from a misbehaving server
			events = events[:p.Limit]
		}
		for i := range events {
			if err := ex.w.Write(&events[i]); err != nil {
				return err
			}
		}
		if err := ex.w.Flush(); err != nil {
			return err
		}
		ex.written += len(events)
		next := ""
		if page.PaginationKey != nil {
			next = *page.PaginationKey
		}
		if next != "" && next == p.PaginationKey {
			return errors.New("the API returned the pagination key it was given; stopping to avoid a loop")
		}
		done := next == ""
		if ex.state != nil {
			ex.state.PaginationKey, ex.state.Done = next, done
			ex.state.Events += len(events)
			ex.state.Pages++
			if err := ex.state.save(ex.stateFile); err != nil {
				return err
			}
		}
		ex.prog.page(ex.written, ex.pages)
		if done || (ex.max > 0 && ex.written >= ex.max) {
			return ex.w.End()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		p.PaginationKey = next
	}
}
