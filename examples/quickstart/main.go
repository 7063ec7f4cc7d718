// Command quickstart walks through the Fingerprint Server API v4 with this SDK.
//
//	go run ./examples/quickstart
//
// Without FINGERPRINT_SECRET_API_KEY it needs no account: it starts the in-memory API
// server from package fingerprinttest, seeds realistic events, and shows every
// operation (search with the iterator, get, update, delete, edge analysis), unsealing a
// sealed client result and receiving a signed webhook.
//
// With FINGERPRINT_SECRET_API_KEY set (and FINGERPRINT_REGION = us, eu or asia; us by
// default) it runs only the read-only steps against the real API: it searches the last
// 24 hours and gets the newest event. FINGERPRINT_BASE_URL overrides the region's URL,
// for example to go through a proxy.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv)
	stop() // before os.Exit, which skips deferred calls
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run picks the mode from the environment (getenv) and writes its report to w.
func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	if key := getenv("FINGERPRINT_SECRET_API_KEY"); key != "" {
		return runLive(ctx, w, key, getenv("FINGERPRINT_REGION"), getenv("FINGERPRINT_BASE_URL"))
	}
	return runOffline(ctx, w)
}
