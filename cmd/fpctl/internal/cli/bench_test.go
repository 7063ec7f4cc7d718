package cli

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
)

// countingWriter counts bytes and lines, standing in for a file or a pipe.
type countingWriter struct{ n, lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// BenchmarkExport compares exporting n events to JSON Lines through the CLI
// (impl=cli: flag parsing, client, paging, encoding, buffered writes) with iterating
// them in-process with SearchEventsIter (impl=iter), against the same fingerprinttest
// server. It reports requests per export, which must be ceil(n/100).
func BenchmarkExport(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		srv := fingerprinttest.NewServer(b, fingerprinttest.WithEvents(fingerprinttest.NewGenerator(uint64(n)).Events(n)...)) //nolint:gosec // G115: n is a positive constant
		for _, impl := range []string{"cli", "iter"} {
			b.Run("events="+strconv.Itoa(n)+"/impl="+impl, func(b *testing.B) {
				ctx := context.Background()
				client, err := fingerprint.NewClient(srv.APIKey(), fingerprint.WithBaseURL(srv.URL()))
				if err != nil {
					b.Fatal(err)
				}
				args := []string{"events", "search", "--base-url", srv.URL(), "--format", "jsonl"}
				env := &Env{Getenv: env(envSecretKey, srv.APIKey())}
				srv.ResetRequests()
				b.ReportAllocs()
				for b.Loop() {
					count := 0
					if impl == "cli" {
						w := &countingWriter{}
						env.Stdout = w
						if code := Run(ctx, args, env); code != 0 {
							b.Fatalf("exit %d", code)
						}
						count = w.lines
					} else {
						for ev, err := range client.SearchEventsIter(ctx, &fingerprint.SearchEventsParams{Limit: 100}) {
							if err != nil {
								b.Fatal(err)
							}
							if ev.EventID != "" {
								count++
							}
						}
					}
					if count != n {
						b.Fatalf("%d events, want %d", count, n)
					}
				}
				b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}
