// Command fpctl is a command-line tool for the Fingerprint Server API v4, built on
// package fingerprint: look at an event, export a time window of events, tag or flag
// events, delete visitors within the API's quotas, open sealed results and check webhook
// signatures. Run "fpctl help" for the commands, or try any of them with --fake,
// which serves realistic data from an in-memory server and needs no key.
//
//	go install github.com/fpgo/fingerprint-go/cmd/fpctl@latest
//	fpctl --fake events search --since 24h --bot bad --format table
//
// Exit codes: 0 success, 1 failure (API, network, invalid signature), 2 usage error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/fpgo/fingerprint-go/cmd/fpctl/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
