package fingerprintotel_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

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
// OpenTelemetry observer recording into the SDK's providers (spans kept by an
// in-memory exporter that is reset as it fills, metrics aggregated for a reader).
func BenchmarkObserverOverhead(b *testing.B) {
	base := benchServer(b)
	ctx := context.Background()
	for _, obs := range []string{"none", "otel"} {
		exporter := tracetest.NewInMemoryExporter()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
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
			for i := 0; b.Loop(); i++ {
				ev, err := c.GetEvent(ctx, "1768478400000.Xk3pR8", nil)
				if err != nil || ev.EventID == "" {
					b.Fatal(err)
				}
				if i%1024 == 0 {
					exporter.Reset()
				}
			}
		})
		b.Run("op=SearchEvents100/observer="+obs, func(b *testing.B) {
			b.ReportAllocs()
			params := &fingerprint.SearchEventsParams{Limit: 100}
			for i := 0; b.Loop(); i++ {
				page, err := c.SearchEvents(ctx, params)
				if err != nil || len(page.Events) != 100 || strings.TrimSpace(page.Events[0].EventID) == "" {
					b.Fatal(err)
				}
				if i%1024 == 0 {
					exporter.Reset()
				}
			}
		})
	}
}
