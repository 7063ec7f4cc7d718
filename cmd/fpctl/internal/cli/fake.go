package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

type fakeOpts struct {
	addr string
	seed int
	rand uint64
}

// fakeCommand is the "fpctl fake" command.
func fakeCommand() *command {
	return &command{
		path:    "fake",
		summary: "serve the in-memory fake API (as cmd/fingerprint-fake does)",
		usage:   "fake [--addr A] [--seed N] [--rand N]",
		help: `Serves the in-memory Fingerprint Server API v4 from package fingerprinttest until
interrupted, seeded with --seed realistic device events (plus one edge event per ten, and
the demo event ` + DemoEventID + ` of visitor ` + DemoVisitorID + `). It prints the base URL
and the API key it accepts, for this tool (--base-url), curl or an SDK in any language.
Its data lives in memory: changes last until it stops.

Example:
  fpctl fake --addr 127.0.0.1:8765 &
  export FINGERPRINT_SECRET_API_KEY=` + fingerprinttest.DefaultAPIKey + `
  fpctl events search --base-url http://127.0.0.1:8765/v4 --max 5 --format table`,
		flags: func(fs *flag.FlagSet) (action, error) {
			o := &fakeOpts{}
			fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
			fs.IntVar(&o.seed, "seed", 200, "number of realistic device events to serve")
			fs.Uint64Var(&o.rand, "rand", 1, "generator seed: the same value gives the same visitors")
			return bind(o, runFake), nil
		},
		offline: true,
	}
}

func runFake(ctx context.Context, a *app, o *fakeOpts, args []string) error {
	if len(args) > 0 {
		return usagef("fake takes no arguments, got %q", args[0])
	}
	if o.seed < 0 {
		return usagef("--seed must not be negative")
	}
	srv, err := startFake(o.seed, o.rand, fingerprinttest.WithAddr(o.addr))
	if err != nil {
		return err
	}
	defer srv.Close()
	w := a.env.Stdout
	fmt.Fprintf(w, "Fingerprint Server API v4 (in-memory fake)\n")
	fmt.Fprintf(w, "  base URL: %s\n", srv.URL())
	fmt.Fprintf(w, "  API key:  %s\n", srv.APIKey())
	fmt.Fprintf(w, "  events:   %d device, %d edge, demo event %s\n", o.seed, o.seed/10, DemoEventID)
	fmt.Fprintf(w, "Try:\n  FINGERPRINT_SECRET_API_KEY=%s fpctl events search --base-url %s --max 5\n", srv.APIKey(), srv.URL())
	fmt.Fprintf(w, "Press Ctrl+C to stop.\n")
	if f, ok := w.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	<-ctx.Done()
	return nil
}
