package fingerprintotel_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/fpgo/fingerprint-go/fingerprint"
	"github.com/fpgo/fingerprint-go/fingerprint/fingerprinttest"
	fingerprintotel "github.com/fpgo/fingerprint-go/otel"
)

// benchServer answers GET /events/{id} with the full event (8 KB) and GET /events with
// a page of 100 generated events, both pre-encoded.
func benchServer(b *testing.B) string {
	b.Helper()
	event, err := json.Marshal(fingerprinttest.FullEvent())
	if err != nil {
		b.Fatal(err)
	}
	page, err := json.Marshal(fingerprint.EventSearch{Events: fingerprinttest.NewGenerator(7).Events(100)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := event
		if r.URL.Path == "/events" {
			body = page
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkObserverOverhead runs, in one process and side by side, a GetEvent round trip
// over loopback and a 100-event search page without an observer and with the
// OpenTelemetry observer recording into the SDK's providers (spans batched to an
// exporter that drops them, as a real one would send them elsewhere; metrics aggregated
// for a reader). Besides
// wall time it reports cpu-ns/op, the process's CPU time per call, which a loaded
// machine disturbs far less.
func BenchmarkObserverOverhead(b *testing.B) {
	base := benchServer(b)
	ctx := context.Background()
	for _, obs := range []string{"none", "otel"} {
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		b.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })
		tr := http.DefaultTransport.(*http.Transport).Clone()
		b.Cleanup(tr.CloseIdleConnections)
		opts := []fingerprint.Option{fingerprint.WithBaseURL(base), fingerprint.WithHTTPClient(&http.Client{Transport: tr})}
		if obs == "otel" {
			opts = append(opts, fingerprint.WithObserver(fingerprintotel.Observer(
				fingerprintotel.WithTracerProvider(tp), fingerprintotel.WithMeterProvider(mp))))
		}
		c, err := fingerprint.NewClient(fingerprinttest.DefaultAPIKey, opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("op=GetEvent/observer="+obs, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				ev, err := c.GetEvent(ctx, "1768478400000.Xk3pR8", nil)
				if err != nil || ev.EventID == "" {
					b.Fatal(err)
				}
			}
		})
		b.Run("op=SearchEvents100/observer="+obs, func(b *testing.B) {
			b.ReportAllocs()
			params := &fingerprint.SearchEventsParams{Limit: 100}
			defer reportCPU(b)()
			for b.Loop() {
				page, err := c.SearchEvents(ctx, params)
				if err != nil || len(page.Events) != 100 || strings.TrimSpace(page.Events[0].EventID) == "" {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkObserverHooks measures what the OpenTelemetry observer adds to one call
// with one attempt, without the network: CallStart, AttemptEnd and CallEnd recording
// into the SDK's providers. Unlike a loopback round trip it is CPU-bound, so it stays
// meaningful on a loaded machine; the round trip's overhead is this cost divided by the
// round trip's time.
func BenchmarkObserverHooks(b *testing.B) {
	ctx := context.Background()
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })
	obs := fingerprintotel.Observer(fingerprintotel.WithTracerProvider(tp), fingerprintotel.WithMeterProvider(mp))
	call := fingerprint.CallInfo{Operation: fingerprint.OperationGetEvent, Method: http.MethodGet,
		PathTemplate: "/events/{event_id}", ServerAddress: "api.fpjs.io", ServerPort: 443}
	start := time.Now()
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		cctx := obs.CallStart(ctx, call)
		obs.AttemptEnd(cctx, fingerprint.AttemptInfo{CallInfo: call, Attempt: 1, Start: start, Duration: 300 * time.Microsecond, StatusCode: 200})
		obs.CallEnd(cctx, fingerprint.CallEndInfo{CallInfo: call, Attempts: 1, Duration: 300 * time.Microsecond, StatusCode: 200})
	}
}

// reportCPU starts measuring the process's CPU time; the function it returns reports it
// per iteration as cpu-ns/op (client and loopback server together, as both run here).
func reportCPU(b *testing.B) func() {
	before := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-before)/float64(b.N), "cpu-ns/op")
		}
	}
}

// discardExporter receives the batches of finished spans and drops them: the cost of
// sending them anywhere depends on the exporter you choose, not on this package.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }
