// Command fingerprint-fake runs the in-memory Fingerprint Server API v4 from package
// fingerprinttest as a standalone process, for clients in any language and for manual
// exploration with curl.
//
//	go run ./cmd/fingerprint-fake [-addr 127.0.0.1:0] [-seed 50] [-key KEY]
//
// It prints the base URL and the secret API key, then serves until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
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
	srv, err := fingerprinttest.Start(
		fingerprinttest.WithAddr(*addr),
		fingerprinttest.WithAPIKey(*key),
		fingerprinttest.WithEvents(events...),
	)
	if err != nil {
		return err
	}
	defer srv.Close()

	fmt.Fprintf(stdout, "Fingerprint Server API v4 (in-memory fake)\n")
	fmt.Fprintf(stdout, "  base URL: %s\n", srv.URL())
	fmt.Fprintf(stdout, "  API key:  %s\n", srv.APIKey())
	fmt.Fprintf(stdout, "  events:   %d device, %d edge\n", *seed, *seed/10)
	fmt.Fprintf(stdout, "Try:\n  curl -H 'Authorization: Bearer %s' '%s/events?limit=2'\n", srv.APIKey(), srv.URL())
	fmt.Fprintf(stdout, "Press Ctrl+C to stop.\n")
	<-ctx.Done()
	return nil
}
